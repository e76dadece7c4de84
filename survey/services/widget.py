"""The website widget's public config and origin allow-lists, cached in the process.

Every page view on a municipal website may ask for the config, so after the first request
it is served from memory for a short while (no database query), and browsers keep it by
Cache-Control and ETag.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask_babel import force_locale, gettext
from sqlalchemy import select

from survey.caches import cache, clear
from survey.domain import ValidationError
from survey.domain.widget import origin_allowed, widget_settings
from survey.extensions import db
from survey.models import Organisation, Survey
from survey.services import complaints


@dataclass(frozen=True)
class WidgetConfig:
    body: bytes
    etag: str
    origins: frozenset[str]


def _cached(key: tuple, ttl: float, load):
    """The value for key, loaded at most once per ttl seconds per process and app."""
    recent = cache("kto.widget")
    hit = recent.get(key)
    if hit is not None:
        return hit[1]
    value = load()
    recent.put(key, (True, value), ttl)  # wrapped: a cached None (no widget) is a hit too
    return value


def clear_cache() -> None:
    clear("kto.widget")


LANGUAGES = ("nl", "en")


def ui_texts(languages=LANGUAGES) -> dict[str, dict[str, str]]:
    """The widget's own words in the languages asked for (every one it speaks by default)."""
    texts = {}
    for language in languages:
        with force_locale(language):
            texts[language] = {
                "close": gettext("Close"),
                "next": gettext("Next"),
                "send": gettext("Send"),
                "thanks": gettext("Thank you for your answer."),
                "tab": gettext("Your opinion"),
                "yes": gettext("Yes"),
                "no": gettext("No"),
                "na": gettext("Don't know"),
            }
    return texts


def _in_language(text, language: str):
    """A translated text ({"nl": ..., "en": ...}) in one language, Dutch when it lacks it."""
    if not isinstance(text, dict):
        return text
    word = text.get(language) or text.get("nl")
    return {language: word} if word is not None else text


def _questions_in(questions: list, language: str) -> list:
    """The questions with their texts and option texts in one language only."""
    result = []
    for question in questions:
        one = {**question, "text": _in_language(question.get("text"), language)}
        if "options" in question:
            one["options"] = [
                {**o, "text": _in_language(o.get("text"), language)} for o in question["options"]
            ]
        result.append(one)
    return result


def _load_config(
    org_slug: str, survey_slug: str, language: str | None = None
) -> WidgetConfig | None:
    row = db.session.execute(
        select(Survey, Organisation.allowed_origins, Organisation.complaint_url)
        .join(Organisation)
        .where(Organisation.slug == org_slug, Survey.slug == survey_slug)
    ).first()
    if row is None or row[0].current_version is None:
        return None
    survey, origins, complaint_url = row
    try:
        settings = widget_settings((survey.settings or {})["widget"])
    except (KeyError, ValidationError):
        return None
    version = survey.current_version
    definition = version.definition
    config = {  # no organisation or survey: the widget has them from its script tag
        "version": version.number,
        "channel": (survey.settings or {}).get("contact_channel", "website"),
        "title": definition.get("title") or {},
        "headline": definition.get("headline") or definition["questions"][0]["key"],
        "questions": definition["questions"],
        "widget": settings,
        "texts": ui_texts((language,) if language else LANGUAGES),
    }
    complaint = complaints.widget_complaint(complaint_url, definition)
    if complaint:  # only then the link and its words: what the widget loads stays small
        config["complaint"] = complaint
        for language_, words in config["texts"].items():
            with force_locale(language_):
                words["complaint"] = gettext("Make a complaint on our complaint page")
    if language:  # the page's language only: what the widget loads stays small
        config["title"] = _in_language(config["title"], language)
        config["questions"] = _questions_in(config["questions"], language)
    body = json.dumps(config, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    return WidgetConfig(body=body, etag=etag, origins=frozenset(origins or ()))


def widget_config(
    org_slug: str, survey_slug: str, ttl: float = 60, language: str | None = None
) -> WidgetConfig | None:
    """The widget config of a survey (None if it has none), from memory when fresh.

    With a language the widget speaks, only that language's texts are sent; any other
    value (or none) gives every language, so the URL set and the cache stay small."""
    language = language if language in LANGUAGES else None
    key = ("config", org_slug, survey_slug, language)
    return _cached(key, ttl, lambda: _load_config(org_slug, survey_slug, language))


def _organisation_origins(org_slug: str) -> frozenset[str]:
    origins = db.session.execute(
        select(Organisation.allowed_origins).where(Organisation.slug == org_slug)
    ).scalar()
    return frozenset(origins or ())


def _all_origins() -> frozenset[str]:
    rows = db.session.execute(select(Organisation.allowed_origins)).scalars()
    return frozenset(o for origins in rows for o in (origins or ()))


def origin_allowed_for(origin: str, org_slug, ttl: float = 60) -> bool:
    """May a page on this origin post answers for this organisation?"""
    if not isinstance(org_slug, str) or len(org_slug) > 40:
        return False
    allowed = _cached(("origins", org_slug), ttl, lambda: _organisation_origins(org_slug))
    return origin_allowed(origin, allowed)


def origin_allowed_anywhere(origin: str, ttl: float = 60) -> bool:
    """For a CORS preflight, which does not say its organisation: is any allowing it?"""
    return origin_allowed(origin, _cached(("origins", None), ttl, _all_origins))
