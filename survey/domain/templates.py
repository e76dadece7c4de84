"""Survey templates worded after the audits the product comes from.

Each template is a complete, valid survey definition (survey/domain/definition.py) plus the
settings a new survey starts with: its contact channel and the survey modes whose text limits
the editor checks (survey/domain/checks.py). The wording follows the questionnaires in the
audits (see /docs/ADMIN.md for the sources): Zeist's kiosk column and website pop-up
(Necker van Naem for the Rekenkamer Zeist, 2018: thumbs up or down per item), Den Haag's
post-call survey (Totta for the Nationale ombudsman, 2013: a report grade 1-10, follow-up
questions only after a grade of 6 or lower), the ODRA mystery-guest items (Excap for the
Rekenkamer Arnhem, 2023: behaviour, and "information and closing" answered yes / no / n.v.t.),
the Customer Effort Score (1-7, agree) and the Net Promoter Score (0-10).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass


def _t(nl: str, en: str) -> dict:
    return {"nl": nl, "en": en}


def _options(rows) -> list[dict]:
    return [{"code": code, "text": _t(nl, en)} for code, nl, en in rows]


# "I want to make a complaint": flagged, so the thank-you screen points to the organisation's
# complaint page and the report counts the referral (survey/domain/complaints.py).
COMPLAINT_OPTION = {
    "code": "klacht",
    "text": _t("Ik wil een klacht indienen", "I want to make a complaint"),
    "complaint": True,
}


def _yes_no_na(key: str, nl: str, en: str, **extra) -> dict:
    return {"key": key, "kind": "yes_no_na", "text": _t(nl, en), **extra}


@dataclass(frozen=True)
class Template:
    key: str
    name: dict
    description: dict
    definition: dict
    settings: dict

    def fresh_definition(self) -> dict:
        """A copy to build a survey from (templates themselves never change)."""
        return copy.deepcopy(self.definition)

    def fresh_settings(self) -> dict:
        return copy.deepcopy(self.settings)


_PREVIOUS_CHANNELS = _options(
    [
        ("balie", "Aan de balie", "At the counter"),
        ("telefoon", "Telefoon", "Phone"),
        ("website", "Website", "Website"),
        ("email", "E-mail", "E-mail"),
        ("brief", "Brief", "Letter"),
        ("sociale_media", "Sociale media", "Social media"),
    ]
)

_FIRST_CONTACT = _yes_no_na(
    "eerste_contact",
    "Is dit de eerste keer dat u contact heeft over deze vraag?",
    "Is this the first time you contacted us about this question?",
)

_PREVIOUS = {
    "key": "eerder_kanaal",
    "kind": "choice",
    "multiple": True,
    "show_if": {"question": "eerste_contact", "equals": "no"},
    "text": _t(
        "Hoe had u eerder contact met de gemeente? (meer antwoorden mogelijk)",
        "How did you contact the municipality before? (more than one answer possible)",
    ),
    "options": _PREVIOUS_CHANNELS,
}

_TIP = {
    "key": "tip",
    "kind": "text",
    "max_length": 500,
    "text": _t("Heeft u een tip voor ons?", "Do you have a tip for us?"),
}

ZEIST_BALIE = {
    "title": _t("Hoe was uw bezoek aan de balie?", "How was your visit to the counter?"),
    "headline": "geholpen",
    "satisfied": {"values": ["up"]},
    "questions": [
        {
            "key": "geholpen",
            "kind": "thumbs",
            "required": True,
            "text": _t("Bent u geholpen met uw vraag?", "Were you helped with your question?"),
        },
        {
            "key": "vriendelijkheid",
            "kind": "thumbs",
            "text": _t(
                "Bent u tevreden over de klantvriendelijkheid?",
                "Are you satisfied with how friendly we were?",
            ),
        },
        {
            "key": "snelheid",
            "kind": "thumbs",
            "text": _t(
                "Bent u tevreden over de snelheid waarmee u geholpen bent?",
                "Are you satisfied with how quickly you were helped?",
            ),
        },
        {
            "key": "onderwerp",
            "kind": "choice",
            "multiple": True,
            "text": _t(
                "Waar ging uw vraag of bezoek aan de balie over?",
                "What was your question or visit about?",
            ),
            "options": _options(
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
    "title": _t("Was deze pagina nuttig?", "Was this page helpful?"),
    "headline": "geholpen",
    "satisfied": {"values": ["up"]},
    "questions": [
        {
            "key": "geholpen",
            "kind": "thumbs",
            "required": True,
            "text": _t("Bent u geholpen met uw vraag?", "Were you helped with your question?"),
        },
        {
            "key": "makkelijk",
            "kind": "thumbs",
            "text": _t(
                "Kon u de informatie die u nodig had makkelijk vinden?",
                "Could you easily find the information you needed?",
            ),
        },
        {
            "key": "duidelijk",
            "kind": "thumbs",
            "text": _t(
                "Vond u de informatie op de website duidelijk?",
                "Was the information on the website clear?",
            ),
        },
        {
            "key": "gezocht",
            "kind": "text",
            "max_length": 500,
            "show_if": {"question": "geholpen", "equals": "down"},
            "text": _t("Wat zocht u?", "What were you looking for?"),
        },
        {
            "key": "onderwerp",
            "kind": "choice",
            "multiple": True,
            "allow_other": True,
            "text": _t(
                "Waar ging uw bezoek aan de website over?",
                "What was your visit to the website about?",
            ),
            "options": _options(
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

_LOW_GRADE = {"question": "cijfer", "lte": 6}

DEN_HAAG_TELEFOON = {
    "title": _t("Hoe was uw telefoongesprek?", "How was your phone call?"),
    "headline": "cijfer",
    "satisfied": {"min": 7},
    "questions": [
        {
            "key": "cijfer",
            "kind": "grade",
            "required": True,
            "text": _t(
                "Hoe tevreden bent u over hoe u geholpen bent met uw vraag? "
                "Geef een cijfer van 1 (heel ontevreden) tot 10 (heel tevreden).",
                "How satisfied are you with how your question was handled? "
                "Give a grade from 1 (very dissatisfied) to 10 (very satisfied).",
            ),
        },
        {
            "key": "reden",
            "kind": "choice",
            "multiple": True,
            "allow_other": True,
            "show_if": _LOW_GRADE,
            "text": _t("Waarom bent u ontevreden?", "Why are you dissatisfied?"),
            "options": _options(
                [
                    ("niet_in_een_keer", "Niet in één keer geholpen", "Not helped in one go"),
                    ("niet_deskundig", "Medewerker niet deskundig", "Staff lacked knowledge"),
                    ("niet_gekregen", "Niet gekregen wat ik wilde", "Did not get what I wanted"),
                    ("niet_teruggebeld", "Niet teruggebeld", "Not called back"),
                    ("lang_wachten", "Lang wachten", "Long wait"),
                    ("kastje_muur", "Van kastje naar muur", "Sent from pillar to post"),
                    ("vaak_doorverbonden", "Vaak doorverbonden", "Transferred many times"),
                    ("afspraken", "Afspraken niet nagekomen", "Agreements not kept"),
                    ("zoek_zelf_uit", "Niet actief geholpen", "Not actively helped"),
                ]
            )
            + [COMPLAINT_OPTION],
        },
        {
            "key": "meteen",
            "kind": "choice",
            "show_if": _LOW_GRADE,
            "text": _t(
                "Kon u aan de telefoon meteen worden geholpen?",
                "Could you be helped straight away on the phone?",
            ),
            "options": _options(
                [
                    ("ja", "Ja, meteen geholpen", "Yes, straight away"),
                    ("doorverbonden", "Nee, doorverbonden", "No, transferred"),
                    ("teruggebeld", "Nee, later teruggebeld", "No, called back later"),
                    ("zelf_terugbellen", "Nee, zelf terugbellen", "No, had to call back"),
                    ("afspraak", "Nee, afspraak maken", "No, had to book"),
                ]
            ),
        },
        {
            "key": "doorverbonden",
            "kind": "choice",
            "show_if": {"question": "meteen", "equals": "doorverbonden"},
            "text": _t(
                "Hoe vaak bent u bij dit gesprek doorverbonden?",
                "How many times were you transferred in this call?",
            ),
            "options": _options(
                [
                    ("1", "1 keer", "Once"),
                    ("2", "2 keer", "Twice"),
                    ("3", "3 keer", "3 times"),
                    ("meer", "Meer dan 3 keer", "More than 3 times"),
                    ("weet_niet", "Weet ik niet meer", "I do not remember"),
                ]
            ),
        },
        {
            "key": "toelichting",
            "kind": "text",
            "max_length": 1000,
            "show_if": _LOW_GRADE,
            "text": _t(
                "Wat is de belangrijkste reden dat u ontevreden bent?",
                "What is the main reason you are dissatisfied?",
            ),
        },
    ],
}

_CONTACT_GRADE = {
    "key": "cijfer",
    "kind": "grade",
    "required": True,
    "text": _t(
        "Met welk rapportcijfer beoordeelt u dit contact? (1 = heel slecht, 10 = heel goed)",
        "What grade do you give this contact? (1 = very poor, 10 = excellent)",
    ),
}

ODRA_GEDRAG = {
    "title": _t("Hoe was de medewerker?", "How was the member of staff?"),
    "headline": "cijfer",
    "satisfied": {"min": 7},
    "questions": [
        _CONTACT_GRADE,
        _yes_no_na(
            "vriendelijk", "Was de medewerker vriendelijk?", "Was the staff member friendly?"
        ),
        _yes_no_na(
            "klantgericht",
            "Dacht de medewerker met u mee?",
            "Did the staff member think along with you?",
        ),
        _yes_no_na(
            "duidelijk",
            "Was de medewerker duidelijk?",
            "Was the staff member clear?",
        ),
        _yes_no_na("behulpzaam", "Was de medewerker behulpzaam?", "Was the staff member helpful?"),
        _yes_no_na(
            "deskundig", "Was de medewerker deskundig?", "Was the staff member knowledgeable?"
        ),
        _yes_no_na(
            "empathisch",
            "Leefde de medewerker met u mee?",
            "Did the staff member show understanding?",
        ),
        _yes_no_na(
            "enthousiast", "Was de medewerker enthousiast?", "Was the staff member enthusiastic?"
        ),
        {
            "key": "toelichting",
            "kind": "text",
            "max_length": 1000,
            "text": _t("Wilt u uw cijfer toelichten?", "Would you like to explain your grade?"),
        },
    ],
}

ODRA_INFORMATIE = {
    "title": _t("Informatie en afsluiting", "Information and closing"),
    "headline": "cijfer",
    "satisfied": {"min": 7},
    "questions": [
        _CONTACT_GRADE,
        _yes_no_na(
            "samenvatting",
            "Vatte de medewerker uw vraag samen?",
            "Did the staff member sum up your question?",
        ),
        _yes_no_na(
            "passend_antwoord",
            "Kreeg u een passend antwoord op uw vraag?",
            "Did you get an answer that fitted your question?",
        ),
        _yes_no_na(
            "proactief",
            "Gaf de medewerker uit zichzelf extra nuttige informatie?",
            "Did the staff member offer useful extra information?",
        ),
        _yes_no_na(
            "procedure",
            "Legde de medewerker duidelijk uit wat de volgende stappen zijn?",
            "Did the staff member explain the next steps clearly?",
        ),
        _yes_no_na(
            "nog_vragen",
            "Vroeg de medewerker of u nog vragen had?",
            "Did the staff member ask if you had any more questions?",
        ),
        _yes_no_na(
            "voldoende_tijd",
            "Nam de medewerker genoeg tijd voor u?",
            "Did the staff member take enough time for you?",
        ),
    ],
}

CES = {
    "title": _t("Hoe makkelijk ging het?", "How easy was it?"),
    "headline": "moeite",
    "satisfied": {"min": 6},
    "questions": [
        {
            "key": "moeite",
            "kind": "ces",
            "required": True,
            "text": _t(
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
            "text": _t("Wat kostte u moeite?", "What was hard?"),
        },
    ],
}

NPS = {
    "title": _t("Zou u ons aanraden?", "Would you recommend us?"),
    "headline": "aanbevelen",
    "satisfied": {"min": 9},
    "questions": [
        {
            "key": "aanbevelen",
            "kind": "nps",
            "required": True,
            "text": _t(
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
            "text": _t(
                "Wat is de belangrijkste reden voor uw cijfer?",
                "What is the main reason for your score?",
            ),
        },
    ],
}

EMPTY = {
    "title": _t("Hoe was uw contact met de gemeente?", "How was your contact with us?"),
    "headline": "oordeel",
    "satisfied": {"values": ["up"]},
    "questions": [
        {
            "key": "oordeel",
            "kind": "thumbs",
            "required": True,
            "text": _t("Bent u tevreden?", "Are you satisfied?"),
        }
    ],
}

TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "zeist_balie",
            _t("Zeist: balie (duimpjes)", "Zeist: counter (thumbs)"),
            _t(
                "Duim omhoog of omlaag op de zuil bij de balie: geholpen, vriendelijkheid, "
                "snelheid, onderwerp, eerder contact.",
                "Thumbs up or down on the counter kiosk: helped, friendliness, speed, topic, "
                "earlier contact.",
            ),
            ZEIST_BALIE,
            {"contact_channel": "counter", "modes": ["kiosk"]},
        ),
        Template(
            "zeist_website",
            _t("Zeist: website", "Zeist: website"),
            _t(
                "Pop-up op de website: geholpen, makkelijk te vinden, duidelijk, wat zocht u.",
                "Website pop-up: helped, easy to find, clear, what were you looking for.",
            ),
            ZEIST_WEBSITE,
            {"contact_channel": "website", "modes": ["popup", "inline"]},
        ),
        Template(
            "den_haag_telefoon",
            _t("Den Haag: na het telefoongesprek", "The Hague: after the phone call"),
            _t(
                "Rapportcijfer 1-10; bij een 6 of lager de redenen, meteen geholpen en "
                "doorverbonden.",
                "Grade 1-10; at 6 or lower the reasons, helped straight away and transfers.",
            ),
            DEN_HAAG_TELEFOON,
            {"contact_channel": "phone", "modes": ["sms", "whatsapp", "link"]},
        ),
        Template(
            "odra_gedrag",
            _t("ODRA: gedrag van de medewerker", "ODRA: staff behaviour"),
            _t(
                "Rapportcijfer en vriendelijk, klantgericht, deskundig, empathisch ... "
                "(ja / nee / n.v.t.).",
                "Grade and friendly, customer-oriented, expert, empathic ... (yes / no / n/a).",
            ),
            ODRA_GEDRAG,
            {"contact_channel": "phone", "modes": ["email", "link"]},
        ),
        Template(
            "odra_informatie",
            _t("ODRA: informatie en afsluiting", "ODRA: information and closing"),
            _t(
                "Rapportcijfer en samenvatting, passend antwoord, procedure, genoeg tijd "
                "(ja / nee / n.v.t.).",
                "Grade and summary, fitting answer, procedure, enough time (yes / no / n/a).",
            ),
            ODRA_INFORMATIE,
            {"contact_channel": "phone", "modes": ["email", "link"]},
        ),
        Template(
            "ces",
            _t("Klantinspanning (CES)", "Customer effort (CES)"),
            _t(
                "Hoe makkelijk ging het, 1-7; bij 4 of lager: wat kostte moeite.",
                "How easy was it, 1-7; at 4 or lower: what was hard.",
            ),
            CES,
            {"modes": ["sms", "whatsapp", "link"]},
        ),
        Template(
            "nps",
            _t("Aanbevelen (NPS)", "Recommend (NPS)"),
            _t(
                "Net Promoter Score 0-10 en de reden.",
                "Net Promoter Score 0-10 and the reason.",
            ),
            NPS,
            {"modes": ["sms", "link"]},
        ),
        Template(
            "empty",
            _t("Leeg", "Empty"),
            _t(
                "Eén vraag met duimpjes; vul zelf aan.",
                "One thumbs question; add your own.",
            ),
            EMPTY,
            {},
        ),
    )
}


def template(key: str) -> Template | None:
    return TEMPLATES.get(key)
