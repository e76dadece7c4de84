"""Den Haag's post-call survey (Totta for the Nationale ombudsman, 2013): a report grade 1-10,
follow-up questions only after a grade of 6 or lower."""

from __future__ import annotations

from survey.domain.templates.parts import COMPLAINT_OPTION, options, t

_LOW_GRADE = {"question": "cijfer", "lte": 6}

DEN_HAAG_TELEFOON = {
    "title": t("Hoe was uw telefoongesprek?", "How was your phone call?"),
    "headline": "cijfer",
    "satisfied": {"min": 7},
    "questions": [
        {
            "key": "cijfer",
            "kind": "grade",
            "required": True,
            "text": t(
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
            "text": t("Waarom bent u ontevreden?", "Why are you dissatisfied?"),
            "options": options(
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
            "text": t(
                "Kon u aan de telefoon meteen worden geholpen?",
                "Could you be helped straight away on the phone?",
            ),
            "options": options(
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
            "text": t(
                "Hoe vaak bent u bij dit gesprek doorverbonden?",
                "How many times were you transferred in this call?",
            ),
            "options": options(
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
            "text": t(
                "Wat is de belangrijkste reden dat u ontevreden bent?",
                "What is the main reason you are dissatisfied?",
            ),
        },
    ],
}
