"""Why the weighting fell back is a code in the report data, said in the report's language."""

from __future__ import annotations

import dataclasses
import io

import pdfplumber
import pytest

from survey.reports import pdf, texts
from survey.reports.data import DESIGN_WEIGHTS, NOT_TRIMMED, ReportData, WeightNote
from survey.services import reports
from survey.services.volumes import set_volume
from tests.reports.data import load_month

NOTES = {
    NOT_TRIMMED: {
        "nl": "De gewichten konden niet worden begrensd op 5 × het mediane gewicht. Ze zijn "
        "zonder die grens gewogen naar het aantal contacten per kanaal.",
        "en": "The weights could not be capped at 5 × the median weight. They are weighted to "
        "the number of contacts per channel without that cap.",
    },
    DESIGN_WEIGHTS: {
        "nl": "Wegen naar het aantal contacten per kanaal lukte deze maand niet. De cijfers zijn "
        "alleen gecorrigeerd voor de kans om een vraag te krijgen.",
        "en": "Weighting to the number of contacts per channel was not possible for this month. "
        "The figures are corrected only for the chance of being asked.",
    },
}
# What the stats core says when trimming cannot meet its bounds (the note of before:
# "margin 'channel', category 'letter': total 1e+06 cannot be reached by 5 respondents
# with weights in [0, 50]"), and the English sentence of the note.
ENGLISH_WORDS = ("margin", "category", "cannot be reached", "respondents", "weights", "capped")


def _pdf_text(pdf_bytes: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as doc:
        return " ".join(" ".join(page.extract_text() or "" for page in doc.pages).split())


def _falling_back(language: str):
    """Five letters against a million letter contacts: capping the weights at 5 x the
    median cannot reach the volumes, so the month is raked without trimming."""
    load_month()
    set_volume("demo", "2026-10", "letter", 1_000_000)
    return reports.build_monthly_report("demo", "2026-10", language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_report_whose_trimming_falls_back_says_so_in_its_language(demo_org, language):
    report = _falling_back(language)
    data = ReportData.from_dict(report.data)
    assert data.method.calibrated and not data.method.trimmed
    assert data.method.note == WeightNote(NOT_TRIMMED, {"trim": 5.0})
    assert report.data["method"]["note"] == {"code": "not_trimmed", "params": {"trim": 5.0}}
    text = _pdf_text(report.pdf)
    assert NOTES[NOT_TRIMMED][language] in text
    other = {"nl": "en", "en": "nl"}[language]
    assert NOTES[NOT_TRIMMED][other] not in text


def test_the_dutch_fallback_report_has_no_english_sentence(demo_org):
    text = _pdf_text(_falling_back("nl").pdf)
    method = text[text.rindex("Methode") :]
    assert NOTES[NOT_TRIMMED]["nl"] in method
    lowered = method.lower()
    assert [word for word in ENGLISH_WORDS if word in lowered] == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_design_weights_note_in_both_languages(app, language):
    assert (
        texts.weight_note(WeightNote(DESIGN_WEIGHTS), language) == NOTES[DESIGN_WEIGHTS][language]
    )
    assert texts.weight_note(None, language) is None
    assert texts.weight_note(WeightNote("from_a_newer_version"), language) is None


def test_trim_factor_is_written_with_babel(app):
    note = WeightNote(NOT_TRIMMED, {"trim": 2.5})
    assert texts.weight_note(note, "nl").startswith(
        "De gewichten konden niet worden begrensd op 2,5 ×"
    )
    assert texts.weight_note(note, "en").startswith("The weights could not be capped at 2.5 ×")


@pytest.mark.parametrize(("calibrated", "code"), [(True, NOT_TRIMMED), (False, DESIGN_WEIGHTS)])
def test_a_stored_report_with_an_english_note_still_renders_in_dutch(demo_org, calibrated, code):
    """Version 2 stored the stats core's English message; it is read as the code its
    calibration implies, and the PDF says the Dutch sentence instead."""
    report = _falling_back("nl")
    stored = dict(report.data, version=2)
    stored["method"] = dict(
        stored["method"],
        calibrated=calibrated,
        note="upper bound 5.0 x median is infeasible for these margins",
    )
    data = ReportData.from_dict(stored)
    assert data.method.note == WeightNote(code, {"trim": 5.0} if calibrated else {})
    assert data.method.calibrated is calibrated
    text = _pdf_text(pdf.render(data))
    assert NOTES[code]["nl"] in text and "infeasible" not in text
    # Read again in the current shape, it stays the same.
    assert ReportData.from_dict(data.to_dict()) == dataclasses.replace(data)
