"""The ODRA mystery-guest items (Excap for the Rekenkamer Arnhem, 2023): behaviour, and
"information and closing", answered yes / no / n.v.t. after a report grade."""

from __future__ import annotations

from survey.domain.templates.parts import t, yes_no_na

_CONTACT_GRADE = {
    "key": "cijfer",
    "kind": "grade",
    "required": True,
    "text": t(
        "Met welk rapportcijfer beoordeelt u dit contact? (1 = heel slecht, 10 = heel goed)",
        "What grade do you give this contact? (1 = very poor, 10 = excellent)",
    ),
}

ODRA_GEDRAG = {
    "title": t("Hoe was de medewerker?", "How was the member of staff?"),
    "headline": "cijfer",
    "satisfied": {"min": 7},
    "questions": [
        _CONTACT_GRADE,
        yes_no_na(
            "vriendelijk", "Was de medewerker vriendelijk?", "Was the staff member friendly?"
        ),
        yes_no_na(
            "klantgericht",
            "Dacht de medewerker met u mee?",
            "Did the staff member think along with you?",
        ),
        yes_no_na(
            "duidelijk",
            "Was de medewerker duidelijk?",
            "Was the staff member clear?",
        ),
        yes_no_na("behulpzaam", "Was de medewerker behulpzaam?", "Was the staff member helpful?"),
        yes_no_na(
            "deskundig", "Was de medewerker deskundig?", "Was the staff member knowledgeable?"
        ),
        yes_no_na(
            "empathisch",
            "Leefde de medewerker met u mee?",
            "Did the staff member show understanding?",
        ),
        yes_no_na(
            "enthousiast", "Was de medewerker enthousiast?", "Was the staff member enthusiastic?"
        ),
        {
            "key": "toelichting",
            "kind": "text",
            "max_length": 1000,
            "text": t("Wilt u uw cijfer toelichten?", "Would you like to explain your grade?"),
        },
    ],
}

ODRA_INFORMATIE = {
    "title": t("Informatie en afsluiting", "Information and closing"),
    "headline": "cijfer",
    "satisfied": {"min": 7},
    "questions": [
        _CONTACT_GRADE,
        yes_no_na(
            "samenvatting",
            "Vatte de medewerker uw vraag samen?",
            "Did the staff member sum up your question?",
        ),
        yes_no_na(
            "passend_antwoord",
            "Kreeg u een passend antwoord op uw vraag?",
            "Did you get an answer that fitted your question?",
        ),
        yes_no_na(
            "proactief",
            "Gaf de medewerker uit zichzelf extra nuttige informatie?",
            "Did the staff member offer useful extra information?",
        ),
        yes_no_na(
            "procedure",
            "Legde de medewerker duidelijk uit wat de volgende stappen zijn?",
            "Did the staff member explain the next steps clearly?",
        ),
        yes_no_na(
            "nog_vragen",
            "Vroeg de medewerker of u nog vragen had?",
            "Did the staff member ask if you had any more questions?",
        ),
        yes_no_na(
            "voldoende_tijd",
            "Nam de medewerker genoeg tijd voor u?",
            "Did the staff member take enough time for you?",
        ),
    ],
}
