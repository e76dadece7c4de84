"""Targets and service norms: per channel (or all) and measure, from a start month.

Measures: the satisfied share (e.g. 90% at grade 7 or higher, as the survey's satisfied rule
says), the 'yes' share of a yes/no question (e.g. 80% helped by the first line) and the NPS
(e.g. at least 0). The report judges each as met / not met, uncertain when the norm lies in
the 95% interval (survey/reports/builder.py); a channel's own target wins over an
all-channels one for that channel's row.
"""

from __future__ import annotations

import math
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.channels import CONTACT_CHANNELS
from survey.errors import Invalid
from survey.extensions import db
from survey.models import ReportTarget, Survey
from survey.services import audit
from survey.services.scoped import owned, text
from survey.services.volumes import check_month

MEASURES = ("satisfied", "yes_share", "nps")


def targets(organisation_id: int) -> list[ReportTarget]:
    return list(
        db.session.execute(
            select(ReportTarget)
            .where(ReportTarget.organisation_id == organisation_id)
            .order_by(ReportTarget.id)
        ).scalars()
    )


def yes_no_questions(organisation_id: int) -> list[str]:
    """Keys of yes/no questions in the organisation's surveys (newest versions)."""
    keys: list[str] = []
    for survey in db.session.execute(
        select(Survey).where(Survey.organisation_id == organisation_id).order_by(Survey.id)
    ).scalars():
        version = survey.current_version
        for question in (version.definition.get("questions", []) if version else []):
            if question.get("kind") == "yes_no_na" and question["key"] not in keys:
                keys.append(question["key"])
    return keys


def _checked(organisation_id: int, measure, channel, question, value, start, nl, en) -> dict:
    if measure not in MEASURES:
        raise Invalid("invalid_measure", _("Choose a measure."), "measure")
    if channel in ("", None):
        channel = None
    elif channel not in CONTACT_CHANNELS:
        raise Invalid("unknown_channel", _("Choose a contact channel."), "contact_channel")
    if measure == "yes_share":
        if question not in yes_no_questions(organisation_id):
            raise Invalid(
                "unknown_question", _("Choose a yes/no question of your surveys."),
                "question_key",
            )
    else:
        question = None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("wrong_type", _("The norm must be a number."), "value")
    low, high = (-100, 100) if measure == "nps" else (0, 100)
    if not low <= value <= high:
        raise Invalid(
            "out_of_range",
            _("The norm must be from %(low)d to %(high)d.", low=low, high=high),
            "value",
        )
    try:
        start = None if start in (None, "") else check_month(start)
    except Invalid as error:
        raise Invalid(error.code, error.message, "start_month") from None
    return {
        "measure": measure,
        "contact_channel": channel,
        "question_key": question,
        # Shares are stored 0..1, the NPS on its own -100..100 scale.
        "share": float(value) if measure == "nps" else float(value) / 100,
        "start_month": start,
        "label_nl": text(nl, "label_nl"),
        "label_en": text(en, "label_en"),
    }


def _dict(target: ReportTarget) -> dict:
    return {
        "measure": target.measure,
        "contact_channel": target.contact_channel,
        "question_key": target.question_key,
        "share": target.share,
        "start_month": None if target.start_month is None else f"{target.start_month:%Y-%m}",
        "label_nl": target.label_nl,
        "label_en": target.label_en,
    }


def norm_value(target: ReportTarget) -> float:
    """The norm as staff enter it: a percentage, or the NPS."""
    return target.share if target.measure == "nps" else round(target.share * 100, 6)


def create_target(
    organisation_id: int, actor, measure, channel, question, value, start, nl, en
) -> int:
    fields = _checked(organisation_id, measure, channel, question, value, start, nl, en)
    with unit_of_work() as session:
        target = ReportTarget(organisation_id=organisation_id, **fields)
        session.add(target)
        session.flush()
        audit.record(session, actor, organisation_id, "target.create", f"target:{target.id}",
                     None, _dict(target))
        return target.id


def update_target(
    organisation_id: int, actor, target_id, measure, channel, question, value, start, nl, en
) -> None:
    fields = _checked(organisation_id, measure, channel, question, value, start, nl, en)
    with unit_of_work() as session:
        target = owned(ReportTarget, organisation_id, target_id)
        before = _dict(target)
        for name, value_ in fields.items():
            setattr(target, name, value_)
        after = _dict(target)
        if before != after:
            audit.record(session, actor, organisation_id, "target.update",
                         f"target:{target.id}", before, after)


def delete_target(organisation_id: int, actor, target_id) -> None:
    with unit_of_work() as session:
        target = owned(ReportTarget, organisation_id, target_id)
        before = _dict(target)
        session.delete(target)
        audit.record(session, actor, organisation_id, "target.delete", f"target:{target_id}",
                     before, None)


def applies(target_start: date | None, month: date) -> bool:
    """Whether a target with this start month applies to a report month."""
    return target_start is None or target_start <= month
