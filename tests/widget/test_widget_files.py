"""The shipped widget: within its size budget, made from the current readable source."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from survey.domain import ValidationError
from survey.domain.widget import DEFAULTS, widget_settings
from survey.services import widget

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "static" / "widget" / "v1.js"
SOURCE = ROOT / "static" / "widget" / "v1.src.js"
# Everything the widget loads (script + config) stays within 4 KB gzipped.
TOTAL_BUDGET = 4096


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def test_shipped_script_is_made_from_the_current_source():
    banner = SHIPPED.read_text().splitlines()[0]
    found = re.search(r"sha256:([0-9a-f]{64})", banner)
    assert found, "v1.js must start with the banner `make widget` writes"
    assert found.group(1) == hashlib.sha256(SOURCE.read_bytes()).hexdigest(), "run `make widget`"


def test_script_and_demo_config_fit_the_size_budget(client, demo_org):
    widget.clear_cache()
    config = client.get("/api/v1/widget/demo/website").data
    script = SHIPPED.read_bytes()
    assert gzipped(script) + gzipped(config) <= TOTAL_BUDGET


def test_shipped_script_uses_no_eval_and_one_global():
    script = SHIPPED.read_text()
    assert "eval(" not in script and "new Function" not in script
    assert "document.cookie" not in script
    assert re.findall(r"\be\.KTO\b", script)  # window.KTO is the only global it sets


def test_widget_settings_defaults_and_refusals():
    assert widget_settings(None) == {**DEFAULTS, "sampling_rate": 1.0}
    settings = widget_settings({"presentations": ["inline", "popup"], "sampling_rate": 0})
    assert settings["presentations"] == ["popup", "inline"]
    assert settings["sampling_rate"] == 0.0
    for bad in (
        {"presentations": ["banner"]},
        {"presentations": []},
        {"sampling_rate": 1.5},
        {"sampling_rate": True},
        {"delay_seconds": 0},
        {"page_views": "2"},
        {"include": ["afval"]},
        {"exclude": ["/a b"]},
        {"recontact_days": {"seen": 3}},
        {"exit_intent": "yes"},
        {"colour": "red"},
    ):
        with pytest.raises(ValidationError) as error:
            widget_settings(bad)
        assert error.value.code == "invalid_settings"
