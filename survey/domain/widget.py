"""Website widget rules: presentations, triggers and the settings a survey gives its widget.

Pure: the settings live in `Survey.settings["widget"]`; this module fills in safe defaults and
refuses values the browser script could not act on.
"""

from __future__ import annotations

import re

from survey.domain.errors import ValidationError

PRESENTATIONS = ("popup", "tab", "inline")
# What made the survey appear: a pop-up trigger, or the visitor opening it (tab, inline block).
TRIGGERS = ("delay", "page_views", "scroll", "exit_intent", "click")
# The survey mode a presentation is recorded under (a feedback tab opens the same dialog).
MODE_OF_PRESENTATION = {"popup": "popup", "tab": "popup", "inline": "inline"}
RECONTACT_EVENTS = ("shown", "dismissed", "answered")

DEFAULTS = {
    # Any of popup, tab, inline. A page with an inline placeholder gets the inline block and
    # no pop-up; the tab is a small always-visible button that opens the same dialog.
    "presentations": ["popup"],
    "sampling_rate": 1.0,
    # Pop-up triggers: any enabled one fires, once the visit has `page_views` page views.
    "delay_seconds": 20,
    "page_views": 1,
    "scroll_percent": None,
    "exit_intent": False,
    "include": [],
    "exclude": [],
    "recontact_days": {"shown": 7, "dismissed": 30, "answered": 90},
}
MAX_DAYS = 3650
VISITOR = re.compile(r"[A-Za-z0-9_-]{16,64}")
PATTERN = re.compile(r"/[A-Za-z0-9/_.~*%-]{0,199}")


def _bad(message: str, field: str) -> ValidationError:
    return ValidationError("invalid_settings", message, f"widget.{field}")


def _whole(value, field: str, low: int, high: int, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(f"'{field}' must be a whole number from {low} to {high}.", field)
    return value


def _patterns(value, field: str) -> list[str]:
    if not isinstance(value, list) or len(value) > 50:
        raise _bad(f"'{field}' must be a list of at most 50 path patterns.", field)
    for item in value:
        if not isinstance(item, str) or not PATTERN.fullmatch(item):
            raise _bad(f"'{field}' patterns are paths such as /afval/*.", field)
    return list(value)


def widget_settings(raw) -> dict:
    """The widget settings of a survey with defaults filled in; a clear error when invalid."""
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise _bad("The widget settings must be an object.", "")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise _bad(f"Unknown widget setting '{unknown[0]}'.", unknown[0])
    merged = {**DEFAULTS, **raw}
    shown = merged["presentations"]
    if not isinstance(shown, list) or not shown or not set(shown) <= set(PRESENTATIONS):
        raise _bad(
            f"'presentations' must list some of {', '.join(PRESENTATIONS)}.", "presentations"
        )
    rate = merged["sampling_rate"]
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise _bad("'sampling_rate' must be a number from 0 to 1.", "sampling_rate")
    days = {**DEFAULTS["recontact_days"], **(merged["recontact_days"] or {})}
    if set(days) != set(RECONTACT_EVENTS):
        raise _bad("'recontact_days' takes shown, dismissed and answered.", "recontact_days")
    if not isinstance(merged["exit_intent"], bool):
        raise _bad("'exit_intent' must be true or false.", "exit_intent")
    return {
        "presentations": [p for p in PRESENTATIONS if p in shown],
        "sampling_rate": float(rate),
        "delay_seconds": _whole(merged["delay_seconds"], "delay_seconds", 1, 3600, True),
        "page_views": _whole(merged["page_views"], "page_views", 1, 100),
        "scroll_percent": _whole(merged["scroll_percent"], "scroll_percent", 1, 100, True),
        "exit_intent": merged["exit_intent"],
        "include": _patterns(merged["include"], "include"),
        "exclude": _patterns(merged["exclude"], "exclude"),
        "recontact_days": {k: _whole(days[k], f"recontact_days.{k}", 0, MAX_DAYS) for k in days},
    }


def optional_code(payload: dict, name: str, allowed) -> str | None:
    """An optional enum-like field of a submission."""
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(
            "invalid_value", f"'{name}' must be one of {', '.join(allowed)}.", name
        )
    return value


def clean_visitor(raw) -> str | None:
    """The browser's random visitor id: 16-64 letters, digits, '-' or '_'."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not VISITOR.fullmatch(raw):
        raise ValidationError(
            "wrong_type", "'visitor' must be a random id of 16-64 letters and digits.", "visitor"
        )
    return raw


def check_presentation(presentation: str | None, survey_mode: str) -> None:
    """A widget presentation must match the survey mode it is recorded under."""
    if presentation is not None and MODE_OF_PRESENTATION[presentation] != survey_mode:
        raise ValidationError(
            "invalid_value",
            f"Presentation '{presentation}' is recorded with survey_mode "
            f"'{MODE_OF_PRESENTATION[presentation]}'.",
            "presentation",
        )


def origin_allowed(origin: str | None, allowed) -> bool:
    """True when a browser Origin (scheme://host[:port]) is on an allow-list, exactly."""
    return bool(origin) and origin.rstrip("/").lower() in {o.rstrip("/").lower() for o in allowed}


def inclusion_probability(settings: dict, presentation: str | None, survey_mode: str) -> float:
    """The chance this visitor was asked, as the survey's widget settings make it.

    The pop-up is shown to a share of visitors (`sampling_rate`, drawn once per visitor); the
    feedback tab and the inline block are opened by visitors themselves, so 1. A pop-up
    answer for a survey whose sampling rate is 0 cannot have been asked for.
    """
    if (presentation or survey_mode) != "popup":
        return 1.0
    rate = settings["sampling_rate"]
    if rate <= 0:
        raise ValidationError(
            "not_sampled", "This survey's pop-up is switched off (sampling rate 0).", "presentation"
        )
    return float(rate)
