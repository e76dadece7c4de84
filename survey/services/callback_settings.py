"""An organisation's callback settings, as administrators change them: the service norm in
working days, each unit's inbox for new and overdue cases, and each survey's callback rule
(survey.domain.callbacks). Every change has its audit entry in the same unit of work."""

from __future__ import annotations

from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.addresses import normalise_email
from survey.domain.callbacks import OFFERS, CallbackRule, callback_rule
from survey.domain.errors import ValidationError
from survey.domain.working_days import MAX_NORM_DAYS
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Organisation, Survey, Unit
from survey.services import audit, catalogue
from survey.services.scoped import owned


def organisation(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id)


def surveys(organisation_id: int) -> list[Survey]:
    return list(
        db.session.execute(
            select(Survey).where(Survey.organisation_id == organisation_id).order_by(Survey.slug)
        ).scalars()
    )


def rule_of(survey: Survey) -> CallbackRule:
    try:
        return callback_rule(survey.settings)
    except ValidationError:
        return CallbackRule(offer="never")


def survey_of(organisation_id: int, slug: str) -> Survey:
    found = db.session.execute(
        select(Survey).where(Survey.organisation_id == organisation_id, Survey.slug == slug)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_survey", "This survey does not exist.")
    return found


def unit_of(organisation_id: int, unit_id: int) -> Unit:
    return owned(Unit, organisation_id, unit_id)


def set_norm(organisation_id: int, actor, days) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_NORM_DAYS:
        raise Invalid("invalid_norm", f"Give 1 to {MAX_NORM_DAYS} working days.", "norm_days")
    with unit_of_work() as session:
        org = session.get(Organisation, organisation_id)
        before = {"callback_norm_days": org.callback_norm_days}
        org.callback_norm_days = days
        audit.record(session, actor, organisation_id, "callback.norm", "organisation", before,
                     {"callback_norm_days": days})


def set_inbox(organisation_id: int, actor, unit_id: int, inbox: str | None) -> None:
    if inbox is not None:
        try:
            inbox = normalise_email(inbox, "inbox_email")
        except ValidationError:
            raise Invalid("wrong_email", "This is not an e-mail address.", "inbox_email") from None
    with unit_of_work() as session:
        unit = owned(Unit, organisation_id, unit_id)
        before = {"inbox_email": unit.inbox_email}
        unit.inbox_email = inbox
        audit.record(session, actor, organisation_id, "unit.inbox", f"unit:{unit.id}", before,
                     {"inbox_email": inbox})


def set_rule(organisation_id: int, actor, survey_slug: str, offer: str, unit: str | None) -> None:
    if offer not in OFFERS:
        raise Invalid("invalid_offer", "Choose when a callback is offered.", "offer")
    with unit_of_work() as session:
        survey = session.execute(
            select(Survey).where(Survey.organisation_id == organisation_id,
                                 Survey.slug == survey_slug)
        ).scalar_one_or_none()
        if survey is None:
            raise NotFound("unknown_survey", "This survey does not exist.", "survey")
        if unit is not None and session.execute(
            select(Unit.id).where(Unit.organisation_id == organisation_id, Unit.slug == unit)
        ).scalar() is None:
            raise Invalid("unknown_unit", "Choose one of the units.", "unit")
        settings = dict(survey.settings or {})
        before = {"callback": settings.get("callback")}
        settings["callback"] = CallbackRule(offer=offer, unit=unit).to_dict()
        survey.settings = settings
        audit.record(session, actor, organisation_id, "survey.callback_rule",
                     f"survey:{survey.slug}", before, {"callback": settings["callback"]})
    catalogue.clear_cache()
