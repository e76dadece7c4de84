"""Definitions of the demo surveys, worded after the municipal audits they come from."""

REASONS = [
    ("niet_in_een_keer", "Ik ben niet in één keer geholpen", "I was not helped in one go"),
    (
        "onjuiste_informatie",
        "De informatie was fout of niet compleet",
        "The information was wrong or incomplete",
    ),
    (
        "niet_teruggebeld",
        "Ik ben niet teruggebeld, terwijl dat wel was beloofd",
        "I was promised a call back that never came",
    ),
    ("lang_wachten", "Ik moest lang wachten", "I had to wait a long time"),
    (
        "kastje_muur",
        "Ik werd van het kastje naar de muur gestuurd",
        "I was sent from pillar to post",
    ),
    ("vaak_doorverbonden", "Ik werd vaak doorverbonden", "I was transferred several times"),
    (
        "website_onduidelijk",
        "De informatie op de website was onduidelijk of ontbrak",
        "The information on the website was unclear or missing",
    ),
    ("klacht", "Ik wil een klacht indienen", "I want to make a complaint"),
]

VISIT_TOPICS = [
    ("paspoort_id", "Paspoort of identiteitskaart", "Passport or ID card"),
    ("rijbewijs", "Rijbewijs", "Driving licence"),
    ("verhuizing", "Verhuizing doorgeven", "Reporting a move"),
    ("uittreksel", "Uittreksel of verklaring", "Extract or certificate"),
    ("anders", "Iets anders", "Something else"),
]


# The reason that refers a person to the complaint page (survey/domain/complaints.py).
COMPLAINT = "klacht"


def _options(rows):
    return [
        {"code": code, "text": {"nl": nl, "en": en}}
        | ({"complaint": True} if code == COMPLAINT else {})
        for code, nl, en in rows
    ]


def _text(nl: str, en: str) -> dict:
    return {"nl": nl, "en": en}


COUNTER_REASONS = (
    "niet_in_een_keer",
    "onjuiste_informatie",
    "lang_wachten",
    "kastje_muur",
    "klacht",
)
PHONE_REASONS = (
    "niet_in_een_keer",
    "onjuiste_informatie",
    "niet_teruggebeld",
    "lang_wachten",
    "kastje_muur",
    "vaak_doorverbonden",
    "website_onduidelijk",
    "klacht",
)

BALIE = {
    "title": _text("Hoe was uw bezoek?", "How was your visit?"),
    "headline": "oordeel",
    "questions": [
        {
            "key": "oordeel",
            "kind": "thumbs",
            "required": True,
            "text": _text("Bent u tevreden over uw bezoek?", "Are you satisfied with your visit?"),
        },
        {
            "key": "reden",
            "kind": "choice",
            "multiple": True,
            "show_if": {"question": "oordeel", "equals": "down"},
            "text": _text("Wat ging er niet goed?", "What went wrong?"),
            "options": _options([r for r in REASONS if r[0] in COUNTER_REASONS]),
        },
        {
            "key": "onderwerp",
            "kind": "choice",
            "text": _text("Waar ging uw bezoek over?", "What was your visit about?"),
            "options": _options(VISIT_TOPICS),
        },
    ],
}

WEBSITE = {
    "title": _text("Was deze pagina nuttig?", "Was this page helpful?"),
    "headline": "geholpen",
    "questions": [
        {
            "key": "geholpen",
            "kind": "yes_no_na",
            "required": True,
            "text": _text(
                "Heeft u gevonden wat u zocht?", "Did you find what you were looking for?"
            ),
        },
        {
            "key": "makkelijk",
            "kind": "yes_no_na",
            "text": _text(
                "Kon u de informatie makkelijk vinden?", "Was the information easy to find?"
            ),
        },
        {
            "key": "duidelijk",
            "kind": "yes_no_na",
            "text": _text("Was de informatie duidelijk?", "Was the information clear?"),
        },
        {
            "key": "gezocht",
            "kind": "text",
            "max_length": 500,
            "show_if": {"question": "geholpen", "equals": "no"},
            "text": _text("Wat zocht u?", "What were you looking for?"),
        },
    ],
}

_GRADE_FOLLOW_UP = {"question": "cijfer", "lte": 6}

TELEFOON = {
    "title": _text(
        "Hoe was uw telefoongesprek met de gemeente?",
        "How was your phone call with the municipality?",
    ),
    "headline": "cijfer",
    "satisfied": {"min": 7},
    "questions": [
        {
            "key": "cijfer",
            "kind": "grade",
            "required": True,
            "text": _text(
                "Welk cijfer geeft u voor het gesprek? (1 = heel slecht, 10 = heel goed)",
                "What grade do you give the call? (1 = very poor, 10 = excellent)",
            ),
        },
        {
            "key": "reden",
            "kind": "choice",
            "multiple": True,
            "allow_other": True,
            "show_if": _GRADE_FOLLOW_UP,
            "text": _text("Wat ging er niet goed?", "What went wrong?"),
            "options": _options([r for r in REASONS if r[0] in PHONE_REASONS]),
        },
        {
            "key": "afhandeling",
            "kind": "choice",
            "show_if": _GRADE_FOLLOW_UP,
            "text": _text("Hoe is uw vraag behandeld?", "How was your question handled?"),
            "options": _options(
                [
                    ("direct", "Ik werd meteen geholpen", "I was helped straight away"),
                    ("doorverbonden", "Ik werd doorverbonden", "I was transferred"),
                    ("teruggebeld", "Ik werd teruggebeld", "I was called back"),
                ]
            ),
        },
        {
            "key": "in_een_keer",
            "kind": "yes_no_na",
            "text": _text(
                "Is uw vraag in één keer beantwoord?", "Was your question answered in one go?"
            ),
        },
        {
            "key": "toelichting",
            "kind": "text",
            "max_length": 1000,
            "text": _text("Wilt u nog iets zeggen?", "Anything else you would like to tell us?"),
        },
    ],
}

CONTACT = {
    "title": _text(
        "Hoe was uw contact met de gemeente?", "How was your contact with the municipality?"
    ),
    "headline": "cijfer",
    "questions": [
        {
            "key": "cijfer",
            "kind": "grade",
            "required": True,
            "text": _text(
                "Welk cijfer geeft u voor ons antwoord? (1 = heel slecht, 10 = heel goed)",
                "What grade do you give our answer? (1 = very poor, 10 = excellent)",
            ),
        },
        {
            "key": "reden",
            "kind": "choice",
            "multiple": True,
            "allow_other": True,
            "show_if": _GRADE_FOLLOW_UP,
            "text": _text("Wat ging er niet goed?", "What went wrong?"),
            "options": _options([r for r in REASONS if r[0] in PHONE_REASONS]),
        },
        {
            "key": "in_een_keer",
            "kind": "yes_no_na",
            "text": _text(
                "Is uw vraag in één keer beantwoord?", "Was your question answered in one go?"
            ),
        },
        {
            "key": "toelichting",
            "kind": "text",
            "max_length": 1000,
            "text": _text("Wilt u nog iets zeggen?", "Anything else you would like to tell us?"),
        },
    ],
}

WHATSAPP = {
    "title": _text("Hoe was uw WhatsApp-gesprek?", "How was your WhatsApp chat?"),
    "headline": "oordeel",
    "questions": [
        {
            "key": "oordeel",
            "kind": "thumbs",
            "required": True,
            "text": _text(
                "Bent u tevreden over ons antwoord?", "Are you satisfied with our answer?"
            ),
        },
        {
            "key": "aanbevelen",
            "kind": "nps",
            "text": _text(
                "Hoe waarschijnlijk is het dat u WhatsApp met de gemeente aanraadt aan "
                "anderen? (0 = zeker niet, 10 = zeker wel)",
                "How likely are you to recommend WhatsApp with the municipality to "
                "others? (0 = not at all, 10 = certainly)",
            ),
        },
        {
            "key": "toelichting",
            "kind": "text",
            "max_length": 1000,
            "text": _text("Wilt u nog iets zeggen?", "Anything else you would like to tell us?"),
        },
    ],
}

# The website widget: an inline block where a page asks for it, otherwise a pop-up from the
# second page view on, after 20 seconds, half-way down the page or on exit intent; 25% of
# visitors are asked; a small feedback tab is always there.
WEBSITE_SETTINGS = {
    "contact_channel": "website",
    "widget": {
        "presentations": ["popup", "tab", "inline"],
        "sampling_rate": 0.25,
        "page_views": 2,
        "delay_seconds": 20,
        "scroll_percent": 50,
        "exit_intent": True,
        "exclude": ["/contact*"],
        "recontact_days": {"shown": 7, "dismissed": 30, "answered": 90},
    },
}

SURVEYS = [
    # A callback request after a thumbs down at the counter goes to Burgerzaken.
    ("balie", "Balie: tevredenheid na bezoek", BALIE,
     {"contact_channel": "counter", "callback": {"offer": "negative", "unit": "burgerzaken"}}),
    ("website", "Website: was deze pagina nuttig?", WEBSITE, WEBSITE_SETTINGS),
    ("telefoon", "Telefoon: na het gesprek", TELEFOON, {"contact_channel": "phone"}),
    ("contact", "E-mail, formulier en brief: na ons antwoord", CONTACT, {}),
    ("whatsapp", "WhatsApp: na het gesprek", WHATSAPP, {"contact_channel": "whatsapp"}),
]
