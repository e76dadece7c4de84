"""The general scores: the Customer Effort Score (1-7, agree) and the Net Promoter Score (0-10),
and the one-question empty survey to start from."""

from __future__ import annotations

from survey.domain.templates.parts import t

CES = {
    "title": t("Hoe makkelijk ging het?", "How easy was it?"),
    "headline": "moeite",
    "satisfied": {"min": 6},
    "questions": [
        {
            "key": "moeite",
            "kind": "ces",
            "required": True,
            "text": t(
                "De gemeente maakte het mij makkelijk om mijn vraag te regelen. "
                "(1 = helemaal mee oneens, 7 = helemaal mee eens)",
                "The municipality made it easy for me to handle my question. "
                "(1 = strongly disagree, 7 = strongly agree)",
            ),
        },
        {
            "key": "toelichting",
            "kind": "text",
            "max_length": 1000,
            "show_if": {"question": "moeite", "lte": 4},
            "text": t("Wat kostte u moeite?", "What was hard?"),
        },
    ],
}

NPS = {
    "title": t("Zou u ons aanraden?", "Would you recommend us?"),
    "headline": "aanbevelen",
    "satisfied": {"min": 9},
    "questions": [
        {
            "key": "aanbevelen",
            "kind": "nps",
            "required": True,
            "text": t(
                "Hoe waarschijnlijk is het dat u de gemeente aanraadt aan familie of vrienden? "
                "(0 = zeker niet, 10 = zeker wel)",
                "How likely are you to recommend the municipality to family or friends? "
                "(0 = not at all, 10 = certainly)",
            ),
        },
        {
            "key": "reden",
            "kind": "text",
            "max_length": 1000,
            "text": t(
                "Wat is de belangrijkste reden voor uw cijfer?",
                "What is the main reason for your score?",
            ),
        },
    ],
}

EMPTY = {
    "title": t("Hoe was uw contact met de gemeente?", "How was your contact with us?"),
    "headline": "oordeel",
    "satisfied": {"values": ["up"]},
    "questions": [
        {
            "key": "oordeel",
            "kind": "thumbs",
            "required": True,
            "text": t("Bent u tevreden?", "Are you satisfied?"),
        }
    ],
}
