"""The preview stylesheets are made from the shipped kiosk and widget styles."""

from survey.admin import previews


def test_kiosk_css_in_a_device_box():
    css = previews.scope_kiosk_css(
        "html { font: 150%/1.35 sans-serif; }\nbody { margin: 0; min-height: 100vh; }\n"
        "/* note */ main { padding: 3vh 4vw; }\n.x { width: 12.5rem; }\n"
        "@media (prefers-reduced-motion: reduce) { button:active { transform: none; } }"
    )
    assert ":host {font: 24px/1.35 sans-serif;}" in css
    assert ":host {margin: 0;}" in css  # a box has no viewport height to fill
    assert "main {padding: 3cqh 4cqw;}" in css
    assert ".x {width: calc(12.5 * 24px);}" in css
    assert "@media (prefers-reduced-motion: reduce) {button:active { transform: none; }}" in css
    assert "note" not in css and "vh" not in css.replace("cqh", "")


def test_the_real_kiosk_and_widget_styles_convert():
    kiosk = previews.kiosk_css()
    assert "100vh" not in kiosk and "rem" not in kiosk and ".thumb.up" in kiosk
    widget = previews.widget_css()
    assert "dialog{max-width:calc(26 * 16px)" in widget
    assert "legend{font-weight:600" in widget


def test_widget_css_string_is_read_from_the_source():
    source = 'var x;\n  var CSS =\n    ".a{b:c}" +\n    "d{e:\\"f\\"}";\n  var sheet;'
    assert previews.widget_css_from(source) == '.a{b:c}d{e:"f"}'
