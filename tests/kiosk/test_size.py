"""The kiosk stays small: everything it loads, gzipped, under 30 KB (no framework, no fonts)."""

import gzip

from kiosk.assets import STATIC
from tests.kiosk.helpers import enrolled_device

BUDGET = 30 * 1024


def test_kiosk_files_fit_the_budget(client, demo_org):
    _, secret = enrolled_device()
    loaded = [
        client.get("/kiosk/").data,
        client.get("/kiosk/sw.js").data,
        client.get("/kiosk/api/config", headers={"X-Kto-Device": secret}).data,
        (STATIC / "kiosk.js").read_bytes(),
        (STATIC / "kiosk.css").read_bytes(),
        (STATIC / "manifest.json").read_bytes(),
    ]
    sizes = [len(gzip.compress(body)) for body in loaded]
    assert all(size > 100 for size in sizes)
    assert sum(sizes) < BUDGET
