"""Serve demo_site/ (the demo municipal website) with the widget loaded from the platform.

    python3 scripts/demo_site.py --port 8001 --platform http://127.0.0.1:8000

The pages embed the widget from http://127.0.0.1:8000, the platform's default address; this
server writes the platform address it is given in their place, so `PORT=9000 make run` needs
no edited files. Standard library only; stops at once on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import functools
import signal
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "demo_site"
DEFAULT_PLATFORM = "http://127.0.0.1:8000"


class DemoSite(SimpleHTTPRequestHandler):
    platform = DEFAULT_PLATFORM

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file() or SITE not in path.resolve().parents:
            return super().send_head()
        body = path.read_text().replace(DEFAULT_PLATFORM, self.platform).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self._body = body
        return None

    def do_GET(self):
        self._body = None
        result = self.send_head()
        if result is not None:  # a plain file from the parent class
            try:
                self.copyfile(result, self.wfile)
            finally:
                result.close()
        elif self._body is not None:
            self.wfile.write(self._body)

    def log_message(self, format, *args):  # quiet: the platform's access log is enough
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--platform", default=DEFAULT_PLATFORM)
    args = parser.parse_args(argv)
    handler = functools.partial(DemoSite, directory=str(SITE))
    DemoSite.platform = args.platform.rstrip("/")
    server = ThreadingHTTPServer((args.bind, args.port), handler)
    server.daemon_threads = True
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
