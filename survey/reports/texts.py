"""Words of the monthly report in Dutch (default, B1) and English.

The report is built outside a web request (task queue, CLI) for a chosen language, so its
words live here as plain dictionaries rather than in the request-bound gettext catalogue.
"""

from __future__ import annotations

CHANNELS = {
    "counter": ("Balie", "Counter"),
    "phone": ("Telefoon", "Phone"),
    "email": ("E-mail", "E-mail"),
    "contact_form": ("Contactformulier", "Contact form"),
    "letter": ("Brief", "Letter"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "website": ("Website", "Website"),
    "social": ("Sociale media", "Social media"),
}

MONTH_NAMES = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
    "december".split(),
    "en": "January February March April May June July August September October November "
    "December".split(),
}
WEEKDAYS = {"nl": "ma di wo do vr za zo".split(), "en": "Mon Tue Wed Thu Fri Sat Sun".split()}

WORDS = {
    "title": ("Klanttevredenheid per kanaal", "Customer satisfaction per channel"),
    "page": ("Pagina", "Page"),
    "summary": ("Samenvatting", "Summary"),
    "satisfied": ("Tevreden", "Satisfied"),
    "satisfied_w": ("Tevreden gewogen", "Satisfied weighted"),
    "satisfied_u": ("Tevreden ongewogen", "Satisfied unweighted"),
    "nps": ("NPS", "NPS"),
    "grade": ("Gem. cijfer", "Mean grade"),
    "interval": ("95%-interval", "95% interval"),
    "n": ("n", "n"),
    "n_eff": ("n_eff", "n_eff"),
    "channel": ("Kanaal", "Channel"),
    "all_channels": ("Alle kanalen", "All channels"),
    "change_prev": ("t.o.v. vorige maand", "vs previous month"),
    "change_year": ("t.o.v. zelfde maand vorig jaar", "vs same month last year"),
    "change": ("Verschil vorige maand", "Change vs last month"),
    "result": ("Resultaat", "Result"),
    "interval_short": ("95%-int.", "95% int."),
    "reliability_short": ("Betrouwb.", "Reliability"),
    "target": ("Doel", "Target"),
    "targets": ("Doelen", "Targets"),
    "met": ("gehaald", "met"),
    "not_met": ("niet gehaald", "not met"),
    "uncertain": (
        "(onzeker: doel valt binnen het interval)",
        "(uncertain: target inside interval)",
    ),
    "uncertain_short": ("(onzeker)", "(uncertain)"),
    "reliability": ("Betrouwbaarheid", "Reliability"),
    "suppressed": ("te weinig reacties", "too few responses"),
    "indicative": ("indicatief", "indicative"),
    "ok": ("betrouwbaar", "reliable"),
    "significant": ("* = significant verschil (p < 0,05)", "* = significant difference (p < 0.05)"),
    "no_data": ("geen gegevens", "no data"),
    "per_channel": ("Per contactkanaal", "Per contact channel"),
    "trend": ("Trend: de laatste 13 maanden", "Trend: the last 13 months"),
    "breakdowns": ("Uitsplitsingen", "Breakdowns"),
    "location": ("Locatie", "Location"),
    "unit": ("Afdeling", "Unit"),
    "topic": ("Onderwerp", "Topic"),
    "when": (
        "Wanneer: drukte en tevredenheid per uur en dag",
        "When: volume and satisfaction by hour and day",
    ),
    "volume": ("Aantal reacties", "Responses"),
    "hour": ("Uur", "Hour"),
    "why": ("Waarom: redenen na een negatief antwoord", "Why: reasons after a negative answer"),
    "reason": ("Reden", "Reason"),
    "count": ("Aantal", "Count"),
    "share_resp": ("% van wie de vraag beantwoordde", "% of those who answered"),
    "multi": (
        "Meer antwoorden mogelijk: de percentages kunnen samen meer dan 100% zijn.",
        "Several answers possible: shares may add up to more than 100%.",
    ),
    "pages": (
        "Websitepagina's met de meeste duimpjes omlaag",
        "Website pages with the most thumbs down",
    ),
    "page_path": ("Pagina", "Page"),
    "not_helped": ("Niet gevonden", "Not found"),
    "responses": ("Reacties", "Responses"),
    "searched": ("Wat zochten bezoekers?", "What were visitors looking for?"),
    "words": ("In hun woorden: recente opmerkingen", "In their words: recent comments"),
    "scrubbed": (
        "E-mailadressen, telefoonnummers en adressen zijn weggehaald.",
        "E-mail addresses, phone numbers and addresses have been removed.",
    ),
    "method": ("Methode", "Method"),
    "weighted_note": (
        "Gewogen naar het aantal contacten per kanaal in deze maand.",
        "Weighted to the number of contacts per channel in this month.",
    ),
    "unweighted_note": (
        "ONGEWOGEN: er zijn geen (volledige) contactaantallen voor deze maand. De cijfers "
        "zijn alleen gecorrigeerd voor de kans om een vraag te krijgen, niet naar kanaal.",
        "UNWEIGHTED: no (complete) contact volumes for this month. Figures are corrected "
        "only for the chance of being asked, not weighted by channel.",
    ),
    "unweighted_short": ("ongewogen", "unweighted"),
    "missing_volumes": ("Geen contactaantal voor", "No contact volume for"),
    "contacts": ("Contacten", "Contacts"),
    "period": ("Periode", "Period"),
    "nothing": ("Geen reacties in deze maand.", "No responses this month."),
    "quiet_busy": (
        "Kleur: aantal reacties per uur (donkerst = {peak}). Getal: % tevreden, alleen waar "
        "minstens 10 reacties zijn. Tijden in Nederlandse tijd.",
        "Colour: responses per hour (darkest = {peak}). Number: % satisfied, only where "
        "there are at least 10 responses. Times in Dutch local time.",
    ),
    "other": ("Anders", "Other"),
    "none_known": ("onbekend", "unknown"),
    "less_than_10": ("<10", "<10"),
}

METHOD_TEXT = {
    "nl": [
        "Wie reageert is niet hetzelfde als wie contact had: ontevreden mensen reageren sneller "
        "en het ene kanaal levert meer reacties dan het andere. Daarom wegen we.",
        "1. Ontwerpgewicht: wie via een steekproef een vraag kreeg (deel van de bellers, deel "
        "van de websitebezoekers) telt voor 1/p, met p de kans om de vraag te krijgen.",
        "2. Kalibratie (raking) naar het aantal contacten per kanaal in de maand.",
        "3. Trimmen: gewichten boven {trim} × het mediane gewicht worden begrensd en daarna "
        "wordt opnieuw gekalibreerd.",
        "Tevreden: duim omhoog, 'ja' of een rapportcijfer van 7 of hoger. NPS: % promotors "
        "(9-10) min % criticasters (0-6), van -100 tot 100. Lege antwoorden tellen niet mee.",
        "Intervallen (95%): Wilson voor percentages met de effectieve steekproefomvang n_eff "
        "(Kish), t-interval voor gemiddelden, normaal voor NPS. Verschillen: Newcombe voor "
        "percentages; * betekent p < 0,05 (tweezijdig).",
        "Betrouwbaarheid: minder dan 10 reacties wordt niet getoond ('te weinig reacties'); "
        "minder dan 30 (of n_eff < 30, of een te breed interval) is 'indicatief'.",
        "Afronding: percentages half naar boven (37/40 = 93%).",
        "Verdachte reacties (bijvoorbeeld herhaald tikken op de zuil) tellen niet mee.",
    ],
    "en": [
        "Respondents are not the people who had contact: dissatisfied people answer more "
        "readily and some channels give more responses than others. So we weight.",
        "1. Design weight: a sampled respondent (a share of callers, a share of website "
        "visitors) counts 1/p, p being the chance of being asked.",
        "2. Calibration (raking) to the number of contacts per channel in the month.",
        "3. Trimming: weights above {trim} × the median weight are capped, then raked again.",
        "Satisfied: thumbs up, 'yes' or a grade of 7 or more. NPS: % promoters (9-10) minus "
        "% detractors (0-6), from -100 to 100. Blank answers leave the denominator.",
        "Intervals (95%): Wilson for shares on the effective sample size n_eff (Kish), t "
        "interval for means, normal for NPS. Differences: Newcombe for shares; * means "
        "p < 0.05 (two-sided).",
        "Reliability: fewer than 10 responses is not shown ('too few responses'); fewer than "
        "30 (or n_eff < 30, or too wide an interval) is 'indicative'.",
        "Rounding: percentages half up (37/40 = 93%).",
        "Suspect responses (e.g. repeated tapping on the kiosk) are left out.",
    ],
}


def word(key: str, language: str) -> str:
    nl, en = WORDS[key]
    return en if language == "en" else nl


def channel_name(code: str, language: str) -> str:
    nl, en = CHANNELS.get(code, (code, code))
    return en if language == "en" else nl


def month_name(month, language: str) -> str:
    return f"{MONTH_NAMES.get(language, MONTH_NAMES['nl'])[month.month - 1]} {month.year}"


def month_short(month, language: str) -> str:
    return f"{MONTH_NAMES.get(language, MONTH_NAMES['nl'])[month.month - 1][:3]} {month:%y}"
