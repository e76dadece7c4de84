"""The shipped widget and kiosk scripts: made from the current sources, the widget within its
size budget."""

from __future__ import annotations

import gzip
import importlib.util
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from survey.domain import ValidationError
from survey.domain.widget import DEFAULTS, widget_settings
from survey.services import widget

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "static" / "widget" / "v1.js"
SOURCE = ROOT / "static" / "widget" / "v1.src.js"
FLOW_JS = ROOT / "static" / "js" / "flow.js"
KIOSK_SOURCE = ROOT / "kiosk" / "static" / "kiosk.src.js"
KIOSK_SHIPPED = ROOT / "kiosk" / "static" / "kiosk.js"
INCLUDE_FLOW = "/* @include static/js/flow.js */"
TERSER = ROOT / "node_modules" / ".bin" / "terser"
# Everything the widget loads (script + config) gzipped: at most 4 KB (issue 5).
TOTAL_BUDGET = 4096


def make_variable(name: str) -> str:
    found = re.search(rf"^{name} := (.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert found, f"Makefile defines {name}"
    return found.group(1)


def inline(source: str) -> str:
    spec = importlib.util.spec_from_file_location("inline_js", ROOT / "scripts" / "inline_js.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.inline(source)


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def test_shipped_script_is_made_from_the_current_sources():
    """Rebuilt here exactly as `make widget` does: the shipped file cannot drift."""
    built = subprocess.run(
        [str(TERSER), *shlex.split(make_variable("TERSER_OPTIONS"))],
        input=inline(SOURCE.read_text()),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    expected = make_variable("WIDGET_BANNER") + "\n" + built
    assert SHIPPED.read_text() == expected, "run `make widget`"


def test_both_builds_take_show_if_from_the_shared_flow():
    flow = FLOW_JS.read_text()
    for source in (SOURCE, KIOSK_SOURCE):
        text = source.read_text()
        assert text.count(INCLUDE_FLOW) == 1
        assert "nextShown(" in text and "SCALES[" in text
        assert '"lte" in' not in text and "'lte' in" not in text  # no show-if of its own
    shipped = KIOSK_SHIPPED.read_text()
    assert shipped.count(flow) == 1
    banner, rest = shipped.split("\n", 1)
    assert banner.startswith("/* Built by `make js`")
    assert rest == inline(KIOSK_SOURCE.read_text()), "run `make js`"


def test_script_and_demo_config_fit_the_size_budget(client, demo_org):
    widget.clear_cache()
    # what the widget on a Dutch page loads (v1.js asks for the page's language)
    config = client.get("/api/v1/widget/demo/website?lang=nl").data
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
