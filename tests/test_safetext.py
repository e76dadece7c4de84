"""Text for renderers: control characters out, formulas neutralised, markup escaped."""

import pytest

from survey import safetext


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("a\x00b", "ab"),
        ("a\x0bb\x0cc", "abc"),
        ("\x1b[31mrood\x1b[0m", "[31mrood[0m"),
        ("x\x7fy\x85z", "xyz"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("non\ufffe\uffffchar", "nonchar"),
        ("tab\tnewline\nreturn\r", "tab\tnewline\nreturn\r"),
        ("Één café 😀", "Één café 😀"),
    ],
)
def test_clean_removes_what_no_renderer_can_hold(raw, clean):
    assert safetext.clean(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["=1+1", "+31 6 123", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")'],
)
def test_formula_starts_get_a_quote(raw):
    assert safetext.spreadsheet_text(raw) == "'" + raw


@pytest.mark.parametrize("raw", ["Goed geholpen", "'al tekst", " =spatie eerst", "1+1", ""])
def test_ordinary_text_is_left_alone(raw):
    assert safetext.spreadsheet_text(raw) == raw


def test_a_formula_hidden_behind_a_control_character_is_still_caught():
    assert safetext.spreadsheet_text("\x00=1+1") == "'=1+1"


def test_numbers_are_not_touched():
    assert safetext.spreadsheet_value(-3) == -3
    assert safetext.spreadsheet_value(7.5) == 7.5
    assert safetext.spreadsheet_value(None) is None


def test_markup_is_escaped_for_paragraphs():
    assert safetext.markup("<b>vet</b> & \x00") == "&lt;b&gt;vet&lt;/b&gt; &amp; "
