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

The definitions are in one module per source (`zeist`, `den_haag`, `odra`, `scores`), written
with the pieces in `parts`; this module holds the catalogue.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from survey.domain.templates.den_haag import DEN_HAAG_TELEFOON
from survey.domain.templates.odra import ODRA_GEDRAG, ODRA_INFORMATIE
from survey.domain.templates.parts import t
from survey.domain.templates.scores import CES, EMPTY, NPS
from survey.domain.templates.zeist import ZEIST_BALIE, ZEIST_WEBSITE


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


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "zeist_balie",
            t("Zeist: balie (duimpjes)", "Zeist: counter (thumbs)"),
            t(
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
            t("Zeist: website", "Zeist: website"),
            t(
                "Pop-up op de website: geholpen, makkelijk te vinden, duidelijk, wat zocht u.",
                "Website pop-up: helped, easy to find, clear, what were you looking for.",
            ),
            ZEIST_WEBSITE,
            {"contact_channel": "website", "modes": ["popup", "inline"]},
        ),
        Template(
            "den_haag_telefoon",
            t("Den Haag: na het telefoongesprek", "The Hague: after the phone call"),
            t(
                "Rapportcijfer 1-10; bij een 6 of lager de redenen, meteen geholpen en "
                "doorverbonden.",
                "Grade 1-10; at 6 or lower the reasons, helped straight away and transfers.",
            ),
            DEN_HAAG_TELEFOON,
            {"contact_channel": "phone", "modes": ["sms", "whatsapp", "link"]},
        ),
        Template(
            "odra_gedrag",
            t("ODRA: gedrag van de medewerker", "ODRA: staff behaviour"),
            t(
                "Rapportcijfer en vriendelijk, klantgericht, deskundig, empathisch ... "
                "(ja / nee / n.v.t.).",
                "Grade and friendly, customer-oriented, expert, empathic ... (yes / no / n/a).",
            ),
            ODRA_GEDRAG,
            {"contact_channel": "phone", "modes": ["email", "link"]},
        ),
        Template(
            "odra_informatie",
            t("ODRA: informatie en afsluiting", "ODRA: information and closing"),
            t(
                "Rapportcijfer en samenvatting, passend antwoord, procedure, genoeg tijd "
                "(ja / nee / n.v.t.).",
                "Grade and summary, fitting answer, procedure, enough time (yes / no / n/a).",
            ),
            ODRA_INFORMATIE,
            {"contact_channel": "phone", "modes": ["email", "link"]},
        ),
        Template(
            "ces",
            t("Klantinspanning (CES)", "Customer effort (CES)"),
            t(
                "Hoe makkelijk ging het, 1-7; bij 4 of lager: wat kostte moeite.",
                "How easy was it, 1-7; at 4 or lower: what was hard.",
            ),
            CES,
            {"modes": ["sms", "whatsapp", "link"]},
        ),
        Template(
            "nps",
            t("Aanbevelen (NPS)", "Recommend (NPS)"),
            t(
                "Net Promoter Score 0-10 en de reden.",
                "Net Promoter Score 0-10 and the reason.",
            ),
            NPS,
            {"modes": ["sms", "link"]},
        ),
        Template(
            "empty",
            t("Leeg", "Empty"),
            t(
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
