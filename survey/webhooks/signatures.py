"""Proof that a callback comes from the provider.

Twilio: X-Twilio-Signature is the base64 HMAC-SHA1, keyed with the account's auth token, of
the full URL Twilio called (scheme, host, path, query) followed by every POST parameter,
sorted by name, as name and value with no separators
(https://www.twilio.com/docs/usage/security#validating-requests).

Meta (WhatsApp): X-Hub-Signature-256 is "sha256=" and the hex HMAC-SHA256 of the raw request
body keyed with the app secret; it is checked on the bytes as they came, before any parsing.

CM.com signs neither status reports nor inbound messages, so its callback URLs carry a
secret (CM_WEBHOOK_SECRET) that only CM.com's configuration and ours know.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def twilio_signature(url: str, params: Iterable[tuple[str, str]], token: str) -> str:
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_valid(url: str, params: Iterable[tuple[str, str]], token: str | None,
                 signature: str | None) -> bool:
    if not token or not signature:
        return False
    return hmac.compare_digest(twilio_signature(url, list(params), token), signature)


def meta_signature(body: bytes, secret: str) -> str:
    """Meta's X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def meta_valid(body: bytes, secret: str | None, header: str | None) -> bool:
    """Whether a webhook's body was signed with the app secret (constant-time compare)."""
    if not secret or not header:
        return False
    return hmac.compare_digest(meta_signature(body, secret).encode(), header.strip().encode())


def secret_matches(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
