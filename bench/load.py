"""Load with retries, then a reconciliation of every acknowledged id with the database.

`run_load` sends `count` valid responses with unique client UUIDs over `connections`
concurrent connections and retries a response on a connection error, a timeout, a 5xx or a
429 with the same UUID and body, as real clients do, until it is acknowledged (2xx) or
`give_up_seconds` pass. `reconcile` then reads the database: acknowledged ids that are not
stored are lost, a UUID or an answer stored twice is a duplicate.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx


@dataclass
class Tally:
    """What the clients saw; `acked` is readable from other threads while the load runs."""

    sent: int = 0
    acked: int = 0
    attempts: int = 0
    refused: int = 0  # a 4xx other than 408/429: the client gives up (should stay 0)
    gave_up: int = 0
    connection_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # of each acknowledged attempt
    acked_ids: list[str] = field(default_factory=list)
    acked_at: list[float] = field(default_factory=list)  # monotonic time of each ack
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def payload(response_id: str) -> dict:
    return {
        "id": response_id,
        "organisation": "demo",
        "survey": "balie",
        "contact_channel": "counter",
        "survey_mode": "kiosk",
        "location": "stadhuis",
        "answers": {"oordeel": random.choice(["up", "down"])},
    }


async def _client(client, url, key, work: asyncio.Queue, tally: Tally, give_up: float):
    headers = {"Authorization": f"Bearer {key}"}
    while True:
        try:
            body = work.get_nowait()
        except asyncio.QueueEmpty:
            return
        deadline, attempt = time.monotonic() + give_up, 0
        while True:
            attempt += 1
            tally.attempts += 1
            started = time.monotonic()
            status = None
            try:
                reply = await client.post(url, json=body, headers=headers)
                status = reply.status_code
                tally.statuses[status] = tally.statuses.get(status, 0) + 1
            except httpx.TransportError:
                tally.connection_errors += 1
            if status is not None and 200 <= status < 300:
                with tally.lock:
                    tally.acked += 1
                    tally.acked_ids.append(body["id"])
                    tally.acked_at.append(time.monotonic())
                    tally.latencies.append(time.monotonic() - started)
                break
            if status is not None and status < 500 and status not in (408, 429):
                tally.refused += 1
                break
            if time.monotonic() > deadline:
                tally.gave_up += 1
                break
            # Exponential back-off with jitter, as the kiosk does; at most 2 s.
            await asyncio.sleep(min(2.0, 0.05 * 2 ** min(attempt, 6)) * random.uniform(0.5, 1))


async def _load(base_url, key, count, connections, tally, give_up, timeout):
    work: asyncio.Queue = asyncio.Queue()
    for _ in range(count):
        work.put_nowait(payload(str(uuid.uuid4())))
    tally.sent = count
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        url = base_url + "/api/v1/responses"
        await asyncio.gather(
            *(_client(client, url, key, work, tally, give_up) for _ in range(connections))
        )


def run_load(base_url: str, key: str, count: int, connections: int = 64,
             tally: Tally | None = None, give_up_seconds: float = 120,
             timeout: float = 30) -> Tally:
    tally = tally or Tally()
    # The load gets an event loop of its own in its own thread: the caller's thread may
    # already run one (a test session that drove a browser through Playwright's sync API).
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(
                _load(base_url, key, count, connections, tally, give_up_seconds, timeout)
            )
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name="load")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return tally


@dataclass(frozen=True)
class Reconciliation:
    sent: int
    acknowledged: int
    stored: int
    lost: int  # acknowledged, not stored
    duplicated: int  # a UUID stored twice, or a response with its answer stored twice
    unacknowledged_stored: int  # stored although the client never saw a 2xx (it gave up)
    server_errors: int
    status_500: int
    status_503: int
    connection_errors: int
    refused: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    seconds: float

    def row(self, name: str) -> str:
        return (f"| {name} | {self.sent} | {self.acknowledged} | {self.stored} | {self.lost} | "
                f"{self.duplicated} | {self.server_errors} ({self.status_503}×503, "
                f"{self.status_500}×500) | {self.connection_errors} | {self.p50_ms:.0f} | "
                f"{self.p99_ms:.0f} | {self.max_ms:.0f} | {self.seconds:.0f} |")


HEADER = ("| scenario | sent | acknowledged | stored | lost | duplicated | 5xx | connection "
          "errors | p50 ms | p99 ms | max ms | s |\n|---|---|---|---|---|---|---|---|---|---|"
          "---|---|")


def stored_ids(database_url: str) -> tuple[dict[str, int], int]:
    """Every stored response UUID with how often it is stored, and the number of responses
    whose single answer is stored more than once."""
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from survey.models import Answer, Response

    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            counts = {
                str(u): n for u, n in session.execute(
                    select(Response.uuid, func.count()).group_by(Response.uuid))
            }
            doubled = session.execute(
                select(func.count()).select_from(
                    select(Answer.response_id).group_by(Answer.response_id)
                    .having(func.count() > 1).subquery())
            ).scalar()
    finally:
        engine.dispose()
    return counts, doubled


def reconcile(tally: Tally, database_url: str, seconds: float) -> Reconciliation:
    counts, doubled_answers = stored_ids(database_url)
    acked = set(tally.acked_ids)
    return Reconciliation(
        sent=tally.sent,
        acknowledged=len(acked),
        stored=len(counts),
        lost=sum(1 for i in acked if i not in counts),
        duplicated=sum(1 for n in counts.values() if n > 1) + doubled_answers,
        unacknowledged_stored=sum(1 for i in counts if i not in acked),
        server_errors=tally.server_errors,
        status_500=tally.statuses.get(500, 0),
        status_503=tally.statuses.get(503, 0),
        connection_errors=tally.connection_errors,
        refused=tally.refused,
        p50_ms=tally.percentile(0.5) * 1000,
        p99_ms=tally.percentile(0.99) * 1000,
        max_ms=max(tally.latencies, default=float("nan")) * 1000,
        seconds=seconds,
    )
