"""What the HTTP-based providers share: one pooled httpx client and error classification."""

from __future__ import annotations

import email.utils
import time

import httpx

from survey.messaging.base import TemporaryFailure

# Not sent at all (nothing reached the provider): a retry cannot make a second message.
_CLEARLY_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def client(timeout: float, connections: int, **kwargs) -> httpx.Client:
    """A thread-safe client whose pool holds as many connections as the sender's threads."""
    return httpx.Client(
        timeout=httpx.Timeout(float(timeout), connect=min(5.0, float(timeout))),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        **kwargs,
    )


def transport_failure(error: httpx.HTTPError) -> TemporaryFailure:
    """A transport error as a temporary failure; ambiguous unless the request never left."""
    if isinstance(error, _CLEARLY_UNSENT):
        return TemporaryFailure("provider_unreachable", type(error).__name__)
    return TemporaryFailure("provider_timeout", type(error).__name__, ambiguous=True)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if any."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
