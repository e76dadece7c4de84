"""Benchmark: build the monthly report for an organisation with 1,000,000 responses in the month.

    .venv/bin/python bench/report.py                       # SQLite scratch file under /tmp
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/report.py
    (or: scripts/with-postgres.sh env BENCH_DATABASE_URL=\\$TEST_DATABASE_URL ...)

Rows are generated inside the database (recursive CTE on SQLite, generate_series on
PostgreSQL), not through the API. The build then runs in a fresh process, which prints its
wall time and peak resident memory (ru_maxrss), so data generation does not count.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MONTH = date(2026, 10, 1)
# Channel i % 5: survey slug, contact channel, mode, inclusion probability, contacts.
CHANNELS = [
    ("balie", "counter", "kiosk", 1.0, 1_500_000),
    ("telefoon", "phone", "sms", 0.3, 2_500_000),
    ("website", "website", "popup", 0.25, 9_000_000),
    ("whatsapp", "whatsapp", "whatsapp", 1.0, 400_000),
    ("contact", "email", "email", 0.5, 600_000),
]


def _app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "EXPORTS_DIR": "/tmp/kto-bench-exports",
                       "KTO_ENV": "development"})


def _case(expr: str, values: list[str]) -> str:
    whens = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values))
    return f"CASE {expr} {whens} END"


def generate(
    url: str,
    n: int,
    start: str = "2026-09-30 22:00:00",
    seconds: int = 31 * 24 * 3600,
    months: tuple[date, ...] = (MONTH,),
    create: bool = True,
) -> None:
    """n responses spread evenly from ``start`` (UTC) over ``seconds``, with contact volumes
    for each of ``months``. ``create=False``: into the tables a migration made."""
    from sqlalchemy import inspect, select, text

    from survey.demo.loader import load_demo_structure
    from survey.extensions import db
    from survey.models import Location, Survey, Topic
    from survey.services.volumes import set_volume

    app = _app(url)
    with app.app_context():
        if create:
            db.drop_all()
            db.create_all()
        org = load_demo_structure()
        for month in months:
            for _, channel, _, _, contacts in CHANNELS:
                set_volume("demo", month, channel, contacts)
        surveys = dict(db.session.execute(select(Survey.slug, Survey.id)).all())
        versions = {
            slug: db.session.execute(
                text("SELECT id FROM survey_versions WHERE survey_id = :s"), {"s": sid}
            ).scalar()
            for slug, sid in surveys.items()
        }
        locations = [i for (i,) in db.session.execute(select(Location.id)).all()]
        topics = [i for (i,) in db.session.execute(select(Topic.id)).all()]
        pg = db.engine.dialect.name == "postgresql"
        c = "(i % 5)"
        survey_id = _case(c, [str(surveys[s[0]]) for s in CHANNELS])
        version_id = _case(c, [str(versions[s[0]]) for s in CHANNELS])
        channel = _case(c, [f"'{s[1]}'" for s in CHANNELS])
        mode = _case(c, [f"'{s[2]}'" for s in CHANNELS])
        prob = _case(c, [str(s[3]) for s in CHANNELS])
        location = f"CASE WHEN {c} = 0 THEN {locations[0]} + (i / 5) % 2 ELSE NULL END"
        topic = f"CASE WHEN (i % 3) = 0 THEN {topics[0]} + (i / 3) % {len(topics)} ELSE NULL END"
        grade = "1 + (i * 7 / 5) % 10"
        satisfied_grade = f"({grade}) >= 7"
        satisfied_thumb = "((i * 7919) % 100) < 72"
        satisfied = f"CASE WHEN {c} IN (1, 4) THEN {satisfied_grade} ELSE {satisfied_thumb} END"
        score = f"CASE WHEN {c} IN (1, 4) THEN {grade} ELSE NULL END"
        if pg:
            source = f"generate_series(1::bigint, {n}) AS s(i)"
            uuid = "md5(i::text)::uuid"
            moment = (
                f"TIMESTAMP '{start}' + ((i::bigint * {seconds - 7200}) / {n}) "
                "* INTERVAL '1 second'"
            )
            sat = satisfied
        else:
            source = "seq"
            uuid = "printf('%032x', i)"
            moment = (
                f"datetime('{start}', '+' || ((i * {seconds - 7200}) / {n}) "
                "|| ' seconds') || '.000000'"
            )
            sat = f"CASE WHEN {satisfied} THEN 1 ELSE 0 END"
        columns = (
            "uuid, payload_hash, organisation_id, survey_id, survey_version_id, "
            "contact_channel, survey_mode, location_id, unit_id, topic_id, language, "
            "submitted_at, received_at, inclusion_probability, suspect, headline_score, satisfied"
        )
        select_rows = (
            f"SELECT {uuid}, 'bench', {org.id}, {survey_id}, {version_id}, {channel}, {mode}, "
            f"{location}, NULL, {topic}, 'nl', {moment}, {moment}, {prob}, "
            f"{'false' if pg else '0'}, {score}, {sat} FROM {source}"
        )
        cte = (
            ""
            if pg
            else "WITH RECURSIVE seq(i) AS "
            f"(SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) "
        )
        started = time.perf_counter()
        if pg:
            db.session.execute(text(f"INSERT INTO responses ({columns}) {select_rows}"))
        else:
            db.session.execute(text(f"INSERT INTO responses ({columns}) {cte}{select_rows}"))
        db.session.commit()
        # Answers: a grade for phone/e-mail, NPS for WhatsApp, reasons after a low grade,
        # a comment now and then.
        wa, tel = versions["whatsapp"], versions["telefoon"]
        # Answers carry their response's submitted_at (migration 0022); a database at an
        # earlier revision has no such column.
        dated = "submitted_at" in {c["name"] for c in inspect(db.engine).get_columns("answers")}
        carried = "submitted_at, " if dated else ""
        inserts = [
            f"SELECT id, {carried}'cijfer', headline_score, NULL, NULL FROM responses "
            "WHERE headline_score IS NOT NULL",
            f"SELECT id, {carried}'aanbevelen', (id * 13) % 11, NULL, NULL FROM responses "
            f"WHERE survey_version_id = {wa}",
            f"SELECT id, {carried}'reden', NULL, CASE id % 3 WHEN 0 THEN 'lang_wachten' "
            f"WHEN 1 THEN 'niet_in_een_keer' ELSE 'kastje_muur' END, NULL FROM responses "
            f"WHERE survey_version_id = {tel} AND headline_score <= 6",
            f"SELECT id, {carried}'toelichting', NULL, NULL, 'Lang gewacht, bel 06-12345678' "
            f"FROM responses WHERE survey_version_id = {tel} AND id % 50 = 0",
        ]
        for query in inserts:
            db.session.execute(
                text(
                    f"INSERT INTO answers (response_id, {carried}question_key, number, option, "
                    f"text) {query}"
                )
            )
        db.session.commit()
        if pg:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(text("ANALYZE"))
        counts = db.session.execute(
            text("SELECT (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM answers)")
        ).one()
        print(
            f"generated {counts[0]:,} responses and {counts[1]:,} answers "
            f"in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})"
        )


def build(url: str, month: date = MONTH) -> None:
    from survey.services.reports import build_monthly_report

    app = _app(url)
    with app.app_context():
        started, cpu_start = time.perf_counter(), time.process_time()
        report = build_monthly_report("demo", month)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        summary = report.data["summary"]["satisfied"]
        print(
            f"built report: {elapsed:.2f} s wall ({cpu:.2f} s CPU in Python and SQLite; "
            f"PostgreSQL's own work is not in it), peak RSS {peak_mb:.0f} MB, "
            f"PDF {len(report.pdf) / 1024:.0f} KiB, n = {summary['n']:,}, "
            f"satisfied {summary['estimate']:.4f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:////tmp/kto-bench-report.sqlite3"
    if args.build_only:
        build(url)
        return
    generate(url, args.responses)
    subprocess.run([sys.executable, __file__, "--build-only"], check=True, env=os.environ)


if __name__ == "__main__":
    main()
