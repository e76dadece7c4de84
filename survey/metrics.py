"""Prometheus metrics (prometheus_client): counted in the request path, measured at scrape.

Counters and the latency histogram live in the process; under gunicorn every worker writes
them to files in PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode, set by
scripts/run.sh; gunicorn.conf.py marks a dead worker's files) and a scrape adds them up.
Figures that the database knows (queue depth, silent kiosks, invitations) are read when
scraped, never counted, so every web node reports the same truth.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

RESPONSES = Counter(
    "kto_responses_stored_total",
    "Responses stored (a replay of a stored id is not counted again).",
    ["survey_mode", "contact_channel"],
)
REFUSALS = Counter(
    "kto_refusals_total",
    "Requests refused with the API's JSON error, by status and error code.",
    ["status", "code"],
)
LATENCY = Histogram(
    "kto_request_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SILENT_AFTER = timedelta(minutes=10)  # a kiosk beats every minute by default


def multiprocess_dir() -> str | None:
    from flask import current_app

    return current_app.config.get("PROMETHEUS_MULTIPROC_DIR")


def response_stored(survey_mode: str, contact_channel: str) -> None:
    RESPONSES.labels(survey_mode, contact_channel).inc()


def refused(status: int, code: str) -> None:
    REFUSALS.labels(str(status), code).inc()


class DatabaseFigures:
    """Gauges read from the database and the queue when /metrics is scraped."""

    def collect(self):
        from survey import queue
        from survey.extensions import db
        from survey.models import Device, Invitation
        from survey.models.types import utcnow

        depth = GaugeMetricFamily("kto_queue_depth", "Tasks waiting in the task queue.")
        depth.add_metric([], float(queue.huey.pending_count()))
        yield depth

        silent = GaugeMetricFamily(
            "kto_kiosk_devices_silent",
            f"Enrolled kiosks not revoked whose last heartbeat is older than "
            f"{int(SILENT_AFTER.total_seconds() // 60)} minutes.",
        )
        since = utcnow() - SILENT_AFTER
        count = db.session.execute(
            select(func.count())
            .select_from(Device)
            .where(
                Device.enrolled_at.is_not(None),
                Device.revoked_at.is_(None),
                (Device.last_seen.is_(None)) | (Device.last_seen < since),
            )
        ).scalar()
        silent.add_metric([], float(count))
        yield silent

        invitations = GaugeMetricFamily(
            "kto_invitations", "Invitations by status.", labels=["status"]
        )
        rows = db.session.execute(
            select(Invitation.status, func.count()).group_by(Invitation.status)
        ).all()
        for name, number in rows:
            invitations.add_metric([str(name)], float(number))
        yield invitations
        db.session.rollback()  # end the read transaction the scrape opened


def exposition() -> tuple[bytes, str]:
    """The metrics text of this server: every worker's counters plus the database figures."""
    figures = CollectorRegistry()
    figures.register(DatabaseFigures())
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    return counted + generate_latest(figures), CONTENT_TYPE_LATEST


def init_app(app: Flask) -> None:
    """Time every request by its endpoint (the rule's name: a small, fixed set of labels)."""

    @app.before_request
    def _start_clock():
        g.kto_started = time.perf_counter()

    @app.teardown_request
    def _observe(_error=None):
        started = g.pop("kto_started", None)
        if started is not None:
            LATENCY.labels(request.endpoint or "unmatched", request.method).observe(
                time.perf_counter() - started
            )
