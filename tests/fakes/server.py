"""What the fake providers share: a threaded HTTP/1.1 server, failure modes, callbacks."""

from __future__ import annotations

import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from tests.servers import free_port


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a killed worker, a timeout) is normal here, not an error."""

    def handle_error(self, request, client_address):
        pass


MODES = ("ok", "500", "timeout", "timeout_unaccepted", "429", "invalid")


class FakeServer:
    """A provider's API on 127.0.0.1:<free port>, in a thread.

    `latency` is added to every answer. `modes` is a list consumed one per send request
    (then `default_mode`): "500" (an error, nothing accepted), "timeout" (accepted and
    recorded, then no answer for `hang` seconds), "timeout_unaccepted" (no answer, nothing
    recorded), "429" (Retry-After: `retry_after`), "invalid" (the provider's invalid-number
    error). Numbers in `invalid_numbers` always get that error.
    """

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.modes: list[str] = []
        self.default_mode = "ok"
        self.hang = 3.0
        self.retry_after = 1
        self.invalid_numbers: set[str] = set()
        self.messages: list[dict] = []
        self.requests = 0
        self.lock = threading.Lock()
        self.callbacks: queue.Queue = queue.Queue()
        self.callback_results: list[int] = []
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.httpd = QuietServer(("127.0.0.1", self.port), self._handler())
        self.httpd.daemon_threads = True
        self.threads = [
            threading.Thread(target=self.httpd.serve_forever, daemon=True),
            threading.Thread(target=self._callback_loop, daemon=True),
        ]

    # ---- lifecycle ----
    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.callbacks.put(None)
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def next_mode(self) -> str:
        with self.lock:
            self.requests += 1
            return self.modes.pop(0) if self.modes else self.default_mode

    def count_by(self, key: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for m in self.messages:
                counts[m[key]] = counts.get(m[key], 0) + 1
        return counts

    # ---- callbacks to the app (delivery reports, inbound messages) ----
    def post_later(self, url: str, **kwargs) -> None:
        self.callbacks.put((url, kwargs))

    def _callback_loop(self):
        with httpx.Client(timeout=10) as client:
            while (item := self.callbacks.get()) is not None:
                url, kwargs = item
                try:
                    self.callback_results.append(client.post(url, **kwargs).status_code)
                except httpx.HTTPError:
                    self.callback_results.append(0)
                self.callbacks.task_done()

    def wait_for_callbacks(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.callbacks.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)

    # ---- HTTP ----
    def handle(self, request: BaseHTTPRequestHandler, method: str) -> tuple[int, dict, object]:
        raise NotImplementedError

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(length) if length else b""
                status, headers, payload = fake.handle(self, method)
                if status is None:  # hang: the client times out
                    time.sleep(fake.hang)
                    self.close_connection = True
                    return
                if fake.latency:
                    time.sleep(fake.latency)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler


class LiveApp:
    """The Flask app served on a free port in a thread, for providers that call back."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
