"""Previews of a survey as the kiosk, the website widget and the link page show it, at their
real sizes.

No page of ours may be framed (`frame-ancestors 'none'`, X-Frame-Options DENY), so the preview
is no iframe: the staff page holds a box of the device's size in CSS pixels, and inside it a
declarative shadow root (`<template shadowrootmode="open">`) with the front end's own markup and
its own stylesheet. The shadow root keeps the staff page's styles out and the front end's in,
as the widget's real shadow root does on a municipal page. The stylesheets are made from the
shipped files when asked for, so a change to the kiosk's CSS or the widget's shows here too:

- kiosk.css with `html`/`body` as the shadow host, viewport units as container units of the
  device box (`vh` → `cqh`, `vw` → `cqw`) and `rem` as the kiosk's root size (150% of 16 px),
- the widget's CSS string from static/widget/v1.src.js, with `rem` as a page's usual 16 px and
  the pop-up dialog placed as `showModal()` would place it,
- static/link/link.css with `:root`/`html`/`body` as the shadow host and `rem` as 16 px.

The markup is written in templates/admin/surveys/_kiosk_screen.html and _widget_screen.html
after kiosk.src.js `ask()` and v1.src.js `next()`; the link page's is its own templates
(templates/link/_question.html and _message.html, in _link_screen.html).
tests/browser/test_survey_pages.py and test_survey_widget_preview.py compare the preview with
the real kiosk and the real pop-up.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import render_template
from markupsafe import Markup

from survey.domain.definition import parse_definition
from survey.domain.errors import ValidationError
from survey.domain.flow import allowed_values
from survey.i18n import in_language

ROOT = Path(__file__).resolve().parents[2]
KIOSK_CSS = ROOT / "kiosk" / "static" / "kiosk.css"
WIDGET_JS = ROOT / "static" / "widget" / "v1.src.js"
LINK_CSS = ROOT / "static" / "link" / "link.css"

# name: (label msgid, width, height) in CSS pixels
DEVICES = {
    "kiosk": {"tablet": (1080, 810)},  # a 10.2" iPad in landscape, as on Zeist's kiosk column
    "widget": {"desktop": (1280, 800), "phone": (390, 844)},
    "link": {"phone": (360, 640)},  # a small phone: the link is opened from an SMS or e-mail
}
KIOSK_ROOT_PX = 24  # html { font: 150% } on a 16 px default
PAGE_ROOT_PX = 16

_UNIT = re.compile(r"(?<![\w.-])(-?\d*\.?\d+)(vh|vw|rem)\b")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _units(css: str, rem_px: int) -> str:
    def swap(found):
        number, unit = found.group(1), found.group(2)
        if unit == "rem":
            return f"calc({number} * {rem_px}px)"
        return number + {"vh": "cqh", "vw": "cqw"}[unit]

    return _UNIT.sub(swap, css)


def _selectors(selectors: str) -> str:
    out = []
    for sel in selectors.split(","):
        sel = sel.strip()
        if sel in ("html", "body", ":root"):
            out.append(":host")
        else:
            out.append(sel)
    return ", ".join(out)


def _rules(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs; an @media body is kept as nested text."""
    rules, depth, start, prelude = [], 0, 0, ""
    for i, c in enumerate(css):
        if c == "{":
            if depth == 0:
                prelude, start = css[start:i].strip(), i + 1
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                rules.append((prelude, css[start:i]))
                start = i + 1
    return rules


def scope_kiosk_css(css: str) -> str:
    """kiosk.css for a shadow root inside a device box (see the module's text)."""
    css = _units(_COMMENT.sub("", css), KIOSK_ROOT_PX)
    out = []
    for prelude, body in _rules(css):
        if prelude.startswith("@"):
            inner = " ".join(f"{_selectors(p)} {{{b}}}" for p, b in _rules(body))
            out.append(f"{prelude} {{{inner}}}")
            continue
        if _selectors(prelude) == ":host":
            body = re.sub(r"min-height:\s*100cqh;?", "", body)
            body = re.sub(
                r"font:\s*(\d+)%", lambda m: f"font: {int(m[1]) * PAGE_ROOT_PX // 100}px", body
            )
        out.append(f"{_selectors(prelude)} {{{body.strip()}}}")
    out.append(":host { display: block; container-type: size; overflow: auto; }")
    return "\n".join(out) + "\n"


_CSS_STRING = re.compile(r"var CSS =\s*((?:\s*\"(?:[^\"\\]|\\.)*\"\s*\+?)+);", re.S)


def widget_css_from(source: str) -> str:
    """The widget's CSS string as v1.src.js defines it."""
    found = _CSS_STRING.search(source)
    if not found:
        raise ValueError("No CSS string in the widget source.")
    parts = re.findall(r"\"((?:[^\"\\]|\\.)*)\"", found.group(1))
    return "".join(p.encode().decode("unicode_escape") for p in parts)


def scope_widget_css(css: str) -> str:
    css = _units(css, PAGE_ROOT_PX)
    return css + (
        "\n:host { display: block; container-type: size; overflow: hidden; position: relative;"
        " background: #fff; }"
        "\n.page { padding: 24px; font: 16px/1.5 Georgia, serif; color: #333; }"
        "\n.backdrop { position: absolute; inset: 0; background: #0005; }"
        # showModal(): centred in the viewport, as wide as its content up to max-width
        "\ndialog[open] { position: absolute; inset: 0; margin: auto; width: fit-content;"
        " height: fit-content; max-height: calc(100% - 2em - 6px); overflow: auto; }"
        "\n.w { padding: 16px; }\n"
    )


def scope_link_css(css: str) -> str:
    """link.css for a shadow root inside a device box (see the module's text)."""
    css = _units(_COMMENT.sub("", css), PAGE_ROOT_PX)
    out = []
    for prelude, body in _rules(css):
        if prelude.startswith("@"):
            inner = " ".join(f"{_selectors(p)} {{{b}}}" for p, b in _rules(body))
            out.append(f"{prelude} {{{inner}}}")
        else:
            out.append(f"{_selectors(prelude)} {{{body.strip()}}}")
    out.append(":host { display: block; container-type: size; overflow: auto; }")
    return "\n".join(out) + "\n"


@lru_cache(maxsize=4)
def _link_css(mtime: float) -> str:
    return scope_link_css(LINK_CSS.read_text())


def link_css() -> str:
    return _link_css(LINK_CSS.stat().st_mtime)


@lru_cache(maxsize=4)
def _kiosk_css(mtime: float) -> str:
    return scope_kiosk_css(KIOSK_CSS.read_text())


@lru_cache(maxsize=4)
def _widget_css(mtime: float) -> str:
    return scope_widget_css(widget_css_from(WIDGET_JS.read_text()))


def kiosk_css() -> str:
    return _kiosk_css(KIOSK_CSS.stat().st_mtime)


def widget_css() -> str:
    return _widget_css(WIDGET_JS.stat().st_mtime)


def link_screen(definition: dict, question: dict | None, language: str, organisation: str):
    """The link page's own markup for one question (None: its thank-you message), with its
    fixed texts in the question's language, for the preview's device box."""
    context = {"organisation": organisation, "language": language, "question": None,
               "kind": "thanks", "action": ""}
    if question is not None:
        try:
            parsed = parse_definition(definition).question(question["key"])
        except (ValidationError, ValueError, KeyError):
            parsed = None
        if parsed is None:
            return None
        context.update(
            question=parsed,
            label=parsed.text.get(language) or parsed.label(),
            values=allowed_values(parsed),
            option_texts={o.code: o.text.get(language) or o.text.get("nl")
                          for o in parsed.options},
        )
    with in_language(language):
        return Markup(render_template("admin/surveys/_link_screen.html", **context))
