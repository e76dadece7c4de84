"""Zeist's kiosk column at the counter and website pop-up (Necker van Naem for the Rekenkamer
Zeist, 2018: thumbs up or down per item), with the questions about earlier contact both ask."""

from __future__ import annotations

from survey.domain.templates.parts import options, t, yes_no_na

_PREVIOUS_CHANNELS = options(
    [
        ("balie", "Aan de balie", "At the counter"),
        ("telefoon", "Telefoon", "Phone"),
        ("website", "Website", "Website"),
        ("email", "E-mail", "E-mail"),
        ("brief", "Brief", "Letter"),
        ("sociale_media", "Sociale media", "Social media"),
    ]
)

_FIRST_CONTACT = yes_no_na(
    "eerste_contact",
    "Is dit de eerste keer dat u contact heeft over deze vraag?",
    "Is this the first time you contacted us about this question?",
)

_PREVIOUS = {
    "key": "eerder_kanaal",
    "kind": "choice",
    "multiple": True,
    "show_if": {"question": "eerste_contact", "equals": "no"},
    "text": t(
        "Hoe had u eerder contact met de gemeente? (meer antwoorden mogelijk)",
        "How did you contact the municipality before? (more than one answer possible)",
    ),
    "options": _PREVIOUS_CHANNELS,
}

_TIP = {
    "key": "tip",
    "kind": "text",
    "max_length": 500,
    "text": t("Heeft u een tip voor ons?", "Do you have a tip for us?"),
}

ZEIST_BALIE = {
    "title": t("Hoe was uw bezoek aan de balie?", "How was your visit to the counter?"),
    "headline": "geholpen",
    "satisfied": {"values": ["up"]},
    "questions": [
        {
            "key": "geholpen",
            "kind": "thumbs",
            "required": True,
            "text": t("Bent u geholpen met uw vraag?", "Were you helped with your question?"),
        },
        {
            "key": "vriendelijkheid",
            "kind": "thumbs",
            "text": t(
                "Bent u tevreden over de klantvriendelijkheid?",
                "Are you satisfied with how friendly we were?",
            ),
        },
        {
            "key": "snelheid",
            "kind": "thumbs",
            "text": t(
                "Bent u tevreden over de snelheid waarmee u geholpen bent?",
                "Are you satisfied with how quickly you were helped?",
            ),
        },
        {
            "key": "onderwerp",
            "kind": "choice",
            "multiple": True,
            "text": t(
                "Waar ging uw vraag of bezoek aan de balie over?",
                "What was your question or visit about?",
            ),
            "options": options(
                [
                    ("paspoort_id", "Paspoort of identiteitskaart", "Passport or ID card"),
                    ("rijbewijs", "Rijbewijs", "Driving licence"),
                    ("verhuizing", "Verhuizing doorgeven", "Reporting a move"),
                    ("uittreksel", "Uittreksel of verklaring", "Extract or certificate"),
                    ("anders", "Iets anders", "Something else"),
                ]
            ),
        },
        _FIRST_CONTACT,
        _PREVIOUS,
        _TIP,
    ],
}

ZEIST_WEBSITE = {
    "title": t("Was deze pagina nuttig?", "Was this page helpful?"),
    "headline": "geholpen",
    "satisfied": {"values": ["up"]},
    "questions": [
        {
            "key": "geholpen",
            "kind": "thumbs",
            "required": True,
            "text": t("Bent u geholpen met uw vraag?", "Were you helped with your question?"),
        },
        {
            "key": "makkelijk",
            "kind": "thumbs",
            "text": t(
                "Kon u de informatie die u nodig had makkelijk vinden?",
                "Could you easily find the information you needed?",
            ),
        },
        {
            "key": "duidelijk",
            "kind": "thumbs",
            "text": t(
                "Vond u de informatie op de website duidelijk?",
                "Was the information on the website clear?",
            ),
        },
        {
            "key": "gezocht",
            "kind": "text",
            "max_length": 500,
            "show_if": {"question": "geholpen", "equals": "down"},
            "text": t("Wat zocht u?", "What were you looking for?"),
        },
        {
            "key": "onderwerp",
            "kind": "choice",
            "multiple": True,
            "allow_other": True,
            "text": t(
                "Waar ging uw bezoek aan de website over?",
                "What was your visit to the website about?",
            ),
            "options": options(
                [
                    ("afval", "Afval en grofvuil", "Waste and bulky waste"),
                    ("paspoort_id", "Paspoort, ID-kaart of rijbewijs", "Passport, ID or licence"),
                    ("verhuizing", "Verhuizen", "Moving house"),
                    ("parkeren", "Parkeren", "Parking"),
                    ("vergunning", "Vergunning", "Permit"),
                ]
            ),
        },
        _FIRST_CONTACT,
        _PREVIOUS,
        _TIP,
    ],
}
