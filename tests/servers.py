"""Real servers the tests talk to: a free local port and an aiosmtpd inbox."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message: (envelope recipients, raw bytes)."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    @property
    def contents(self) -> list[bytes]:
        return [content for _, content in self.messages]

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"
