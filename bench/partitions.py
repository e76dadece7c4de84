"""Benchmark: the monthly report and a retention delete at 10 million responses, on plain
tables and after migration 0022 partitioned them by month (PostgreSQL).

    .venv/bin/python bench/partitions.py [--responses 10000000] [--months 24]
    .venv/bin/python bench/partitions.py --partitioned-only   # schema at head, then the rows

`--partitioned-only` skips the plain tables: the schema is migrated to the head first (its
partitions made for every month by survey.services.partitions.create_month) and the rows are
generated straight into the partitions, so a 10-million run does not spend an hour copying
them in the migration.

A throwaway PostgreSQL server (bench/stack.py; fsync off, as only reads and the retention
step are timed) gets the schema up to 0016 by the migrations, then `--responses` responses
spread evenly over `--months` months ending with October 2026 (generated inside the database
with generate_series, bench/report.py), with their answers. Then, first on the plain tables
and again after `flask db upgrade` partitioned them (the migration's time is printed too):

- the monthly report of October 2026 built in a fresh process (bench/report.py --build-only:
  SQL cell tables, weighting, PDF);
- the month's cell query alone (count and satisfied share per channel), best of 3;
- retention of the oldest month: `DELETE` of its responses (answers go by cascade), and on
  the partitioned tables also detaching and dropping the month's two partitions; each in a
  transaction that is rolled back, so both are timed on the same rows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import report  # noqa: E402
from bench.stack import BIN, ROOT, Database, PostgresCluster  # noqa: E402

SETTINGS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=1GB -c maintenance_work_mem=512MB -c max_wal_size=8GB "
            "-c work_mem=64MB")


class FastCluster(PostgresCluster):
    """The harness's throwaway server with settings for bulk loading."""

    def start(self) -> None:
        self._pg_ctl("-w", "-l", str(self.dir / "log"), "-o",
                     f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 "
                     f"-c max_connections={self.max_connections} {SETTINGS}", "start")


def flask(env: dict, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "flask"), "db", *args], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=6 * 3600)
    return time.perf_counter() - started


def month_query(url: str, month: date) -> float:
    """The report's kind of query: one month's responses grouped by channel; best of 3."""
    from sqlalchemy import create_engine, text

    from survey.services.partitions import bounds

    start, end = bounds(month)
    engine = create_engine(url)
    best = float("inf")
    with engine.connect() as conn:
        for _ in range(3):
            began = time.perf_counter()
            conn.execute(text(
                "SELECT contact_channel, count(*), avg(CASE WHEN satisfied THEN 1.0 ELSE 0 END)"
                " FROM responses WHERE organisation_id = (SELECT id FROM organisations "
                "WHERE slug = 'demo') AND submitted_at >= :s AND submitted_at < :e "
                "GROUP BY contact_channel"), {"s": start, "e": end}).all()
            best = min(best, time.perf_counter() - began)
    engine.dispose()
    return best


def retention(url: str, month: date, drop: bool) -> tuple[float, int]:
    """Remove the month (rolled back afterwards); returns seconds and responses removed."""
    from sqlalchemy import create_engine, text

    from survey.services import partitions

    start, end = partitions.bounds(month)
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM responses WHERE submitted_at >= :s "
                                  "AND submitted_at < :e"), {"s": start, "e": end}).scalar()
        conn.commit()
        transaction = conn.begin()
        began = time.perf_counter()
        if drop:
            assert partitions.drop_month(conn, month)
        else:
            conn.execute(text("DELETE FROM responses WHERE submitted_at >= :s "
                              "AND submitted_at < :e"), {"s": start, "e": end})
        elapsed = time.perf_counter() - began
        transaction.rollback()
    engine.dispose()
    return elapsed, count


def partition_months(url: str, months: tuple[date, ...]) -> int:
    """Each month's partitions (and the months up to now), as the worker's task makes them."""
    from sqlalchemy import create_engine

    from survey.services import partitions

    engine = create_engine(url)
    with engine.begin() as conn:
        made = sum(len(partitions.create_month(conn, month)) for month in months)
        made += len(partitions.create_ahead(conn, date.today()))
    engine.dispose()
    return made


def partition_counts(url: str) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {table: conn.execute(text(
            f"SELECT count(*) FROM partitions.{table}_default")).scalar()
            for table in ("responses", "answers")}
    engine.dispose()
    return counts


def build(env: dict) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "report.py"), "--build-only"],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True,
                          timeout=3600)
    return done.stdout.strip().splitlines()[-1]


def measure(name: str, url: str, env: dict, oldest: date, partitioned: bool) -> None:
    print(f"[{name}] report build: {build(env)}", flush=True)
    print(f"[{name}] month query (October 2026, by channel): "
          f"{month_query(url, report.MONTH) * 1000:.0f} ms", flush=True)
    seconds, count = retention(url, oldest, drop=False)
    print(f"[{name}] retention DELETE of {oldest:%Y-%m} ({count:,} responses): {seconds:.2f} s",
          flush=True)
    if partitioned:
        seconds, _ = retention(url, oldest, drop=True)
        print(f"[{name}] retention detach + drop of {oldest:%Y-%m}: {seconds:.3f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--partitioned-only", action="store_true",
                        help="generate into partitioned tables; no plain-table figures")
    args = parser.parse_args()
    from survey.services.partitions import shift

    oldest = shift(report.MONTH, -(args.months - 1))
    print(f"load average at start: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores",
          flush=True)
    with FastCluster(max_connections=50) as pg, Database("postgres", pg.url,
                                                         prepare=False) as database:
        env = {**database.env(), "BENCH_DATABASE_URL": database.url}
        flask(env, "upgrade", "head" if args.partitioned_only else "0016_viewer_comments")
        start = f"{oldest:%Y-%m}-01 00:00:00"
        seconds = int(time.mktime(shift(report.MONTH, 1).timetuple())
                       - time.mktime(oldest.timetuple())) - 3600
        months = tuple(shift(oldest, i) for i in range(args.months))
        os.environ.update(DATABASE_URL=database.url)
        if args.partitioned_only:
            made = partition_months(database.url, months)
            print(f"partitions made ahead: {made}", flush=True)
        began = time.perf_counter()
        report.generate(database.url, args.responses, start=start, seconds=seconds,
                        months=months, create=False)
        print(f"generated {args.responses:,} responses and their answers: "
              f"{time.perf_counter() - began:.0f} s", flush=True)
        if args.partitioned_only:
            counts = partition_counts(database.url)
            print(f"rows in the default partitions (must be 0): {counts}", flush=True)
            measure("partitioned", database.url, env, oldest, partitioned=True)
            print(f"load average at end: {os.getloadavg()[0]:.1f} (1 min)", flush=True)
            return
        measure("plain tables", database.url, env, oldest, partitioned=False)
        took = flask(env, "upgrade")
        print(f"migration 0022 (partition {args.responses:,} responses and their answers): "
              f"{took:.0f} s", flush=True)
        measure("partitioned", database.url, env, oldest, partitioned=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f} (1 min)", flush=True)


if __name__ == "__main__":
    main()
