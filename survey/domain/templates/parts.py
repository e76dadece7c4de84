"""The pieces every template is written with: a text in both languages, coded options, a
yes / no / n.v.t. question and the complaint option."""

from __future__ import annotations


def t(nl: str, en: str) -> dict:
    """A text in Dutch and English, as a definition holds it."""
    return {"nl": nl, "en": en}


def options(rows) -> list[dict]:
    return [{"code": code, "text": t(nl, en)} for code, nl, en in rows]


# "I want to make a complaint": flagged, so the thank-you screen points to the organisation's
# complaint page and the report counts the referral (survey/domain/complaints.py).
COMPLAINT_OPTION = {
    "code": "klacht",
    "text": t("Ik wil een klacht indienen", "I want to make a complaint"),
    "complaint": True,
}


def yes_no_na(key: str, nl: str, en: str, **extra) -> dict:
    return {"key": key, "kind": "yes_no_na", "text": t(nl, en), **extra}
