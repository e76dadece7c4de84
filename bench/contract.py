"""Contract fuzzing against gunicorn: schemathesis generates `--examples` valid and as many
invalid cases per operation of /api/v1/openapi.json, sends them with an import API key and
checks every answer (no server error; documented status, content type, headers and schema).

    .venv/bin/python bench/contract.py [--examples 1000] [--database sqlite|postgres URL]

Prints a Markdown table per operation and mode and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from bench.stack import Database, Gunicorn  # noqa: E402
from tests.api.test_contract import CHECKS  # noqa: E402


def fuzz_operation(operation, mode, base_url: str, headers: dict, examples: int):
    """(cases sent, failures) of one operation in one generation mode."""
    seen = {"cases": 0}
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        seen["cases"] += 1
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (counted, the run goes on)
            failures.append(str(error).strip().splitlines()[0][:200] if len(failures) < 5 else "")

    try:
        run()
    except Unsatisfiable:
        pass  # nothing to make invalid in an operation without parameters or body
    return seen["cases"], failures


def fuzz(base_url: str, key: str, examples: int) -> list[tuple[str, str, int, list[str]]]:
    schema = schemathesis.openapi.from_url(base_url + "/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {key}"}
    rows = []
    for result, mode in product(list(schema.get_all_operations()), GenerationMode):
        operation = result.ok()
        cases, failures = fuzz_operation(operation, mode, base_url, headers, examples)
        rows.append((operation.label, mode.value, cases, failures))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--database", default="sqlite",
                        help="sqlite, or a PostgreSQL server URL to make a database on")
    args = parser.parse_args()
    kind = "sqlite" if args.database == "sqlite" else "postgres"
    server = None if kind == "sqlite" else args.database
    started = time.monotonic()
    with Database(kind, server) as database, Gunicorn(database.env(), workers=2) as web:
        rows = fuzz(web.url, database.api_key, args.examples)
    print("| operation | mode | cases | failures |\n|---|---|---|---|")
    bad = 0
    for label, mode, cases, failures in rows:
        print(f"| {label} | {mode} | {cases} | {len(failures)} |")
        bad += len(failures)
    for label, _mode, _cases, failures in rows:
        for failure in filter(None, failures):
            print(f"  {label}: {failure}")
    print(f"\n{sum(r[2] for r in rows)} cases in {time.monotonic() - started:.0f} s, "
          f"{bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
