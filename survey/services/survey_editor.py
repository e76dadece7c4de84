"""The survey editor's use-cases: create from a template, edit the draft, publish a version.

Every change goes through one unit of work and is written to the audit log with it
(survey/services/audit.py). An edit is applied to the survey's draft (the newest version's
questions until the first edit), the result is checked as a whole (survey/domain/checks.py,
channel limits included) and stored only when nothing is wrong; otherwise `DefinitionProblems`
names every field at fault and nothing changes. Publishing stores the draft as a new immutable
version (`save_definition`'s rule) that other processes pick up within their caches' lifetime
(catalogue 5 s, widget config 60 s; kiosks fetch their config at every heartbeat).

Every lookup is by organisation too: another organisation's survey is a NotFound.
"""

from __future__ import annotations

import copy
import re

from sqlalchemy import func, or_, select

from survey.database import unit_of_work
from survey.domain import editing
from survey.domain.channels import SURVEY_MODES
from survey.domain.checks import Problem, check_definition
from survey.domain.definition import parse_definition
from survey.domain.templates import TEMPLATES
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Organisation, Survey, SurveyVersion
from survey.services import audit, catalogue
from survey.services import widget as widget_service

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
NAME_MAX = 200
EXPORT_FORMAT = "kto-survey/1"


class DefinitionProblems(Invalid):
    """An edit that would leave the definition wrong: every problem, each at its field."""

    def __init__(self, problems: list[Problem]):
        described = "; ".join(
            f"{p.field}: {p.code}" + (f" {p.params}" if p.params else "") for p in problems
        )
        super().__init__(
            "invalid_definition",
            f"The survey definition is not valid: {described}",
            problems[0].field,
        )
        self.problems = problems


def surveys_of(organisation_id: int) -> list[Survey]:
    query = select(Survey).where(Survey.organisation_id == organisation_id).order_by(Survey.name)
    return list(db.session.execute(query).scalars())


def survey_of(organisation_id: int, slug: str) -> Survey:
    found = db.session.execute(
        select(Survey).where(Survey.organisation_id == organisation_id, Survey.slug == slug)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_survey", f"No survey '{slug}'.", "survey")
    return found


def working_definition(survey: Survey) -> dict:
    """What the editor shows: the draft, else the newest version's questions."""
    if survey.draft is not None:
        return copy.deepcopy(survey.draft)
    current = survey.current_version
    return (
        copy.deepcopy(current.definition)
        if current
        else copy.deepcopy(TEMPLATES["empty"].definition)
    )


def modes_of(survey: Survey) -> list[str]:
    modes = (survey.settings or {}).get("modes") or []
    return [m for m in modes if m in SURVEY_MODES]


def whatsapp_mode(session, survey: Survey) -> list[str]:
    """["whatsapp"] when an invitation rule sends this survey by WhatsApp: a new version is
    then held to WhatsApp's limits too, as the rule was when it was set up."""
    from survey.models import InvitationRule

    used = session.execute(select(InvitationRule.id).where(
        InvitationRule.survey_id == survey.id, InvitationRule.active.is_(True),
        or_(InvitationRule.contact_channel == "whatsapp",
            InvitationRule.survey_mode == "whatsapp")).limit(1)).first()
    return ["whatsapp"] if used is not None and "whatsapp" not in modes_of(survey) else []


def version_count(organisation_id: int, slug: str) -> int:
    return db.session.execute(
        select(func.count(SurveyVersion.id))
        .join(Survey)
        .where(Survey.organisation_id == organisation_id, Survey.slug == slug)
    ).scalar_one()


def _check(definition: dict, modes) -> None:
    problems = check_definition(definition, modes)
    if problems:
        raise DefinitionProblems(problems)
    parse_definition(definition)  # the gate every stored version passes


def _valid_slug(slug, name) -> tuple[str, str]:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise Invalid("invalid_slug", "Use 1-40 lower-case letters, digits, '-' or '_'.", "slug")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
        raise Invalid("invalid_name", f"A name of 1-{NAME_MAX} characters.", "name")
    return slug, name.strip()


def create_from_template(
    organisation: Organisation, actor, slug: str, name: str, template_key: str
) -> Survey:
    """A new survey whose first version is a template's questions (published at once, so a
    kiosk or widget can use it straight away)."""
    slug, name = _valid_slug(slug, name)
    template = TEMPLATES.get(template_key)
    if template is None:
        raise Invalid("unknown_template", "Choose one of the templates.", "template")
    definition = template.fresh_definition()
    settings = template.fresh_settings()
    _check(definition, settings.get("modes") or ())
    with unit_of_work() as session:
        if _exists(session, organisation.id, slug):
            raise Conflict("slug_taken", f"A survey '{slug}' exists already.", "slug")
        survey = Survey(organisation_id=organisation.id, slug=slug, name=name, settings=settings)
        session.add(survey)
        session.add(SurveyVersion(survey=survey, number=1, definition=definition))
        session.flush()
        audit.record(
            session,
            actor,
            organisation.id,
            "survey.create",
            f"survey:{slug}",
            None,
            {"name": name, "template": template_key, "version": 1, "definition": definition},
        )
    catalogue.clear_cache()
    return survey


def _exists(session, organisation_id: int, slug: str) -> bool:
    query = select(Survey.id).where(Survey.organisation_id == organisation_id, Survey.slug == slug)
    return session.execute(query).first() is not None


def _locked(session, organisation_id: int, slug: str) -> Survey:
    survey = session.execute(
        select(Survey).where(Survey.organisation_id == organisation_id, Survey.slug == slug)
    ).scalar_one_or_none()
    if survey is None:
        raise NotFound("unknown_survey", f"No survey '{slug}'.", "survey")
    return survey


def _edit(organisation_id: int, actor, slug: str, action: str, change) -> dict:
    """Apply `change(definition) -> definition` to the draft under the write lock."""
    with unit_of_work() as session:
        survey = _locked(session, organisation_id, slug)
        before = working_definition(survey)
        after = change(before)
        _check(after, modes_of(survey) + whatsapp_mode(session, survey))
        survey.draft = after
        audit.record(
            session,
            actor,
            organisation_id,
            action,
            f"survey:{slug}",
            {"draft": before},
            {"draft": after},
        )
    return after


def save_question(organisation_id: int, actor, slug: str, key: str | None, question: dict) -> dict:
    """Add a question (key None) or replace one; renaming a key renames its references."""

    def change(definition):
        if key is not None and editing.index_of(definition, key) is None:
            raise NotFound("unknown_question", f"No question '{key}'.", "question")
        return editing.put_question(definition, key, question)

    return _edit(organisation_id, actor, slug, "survey.question.save", change)


def move_question(organisation_id: int, actor, slug: str, key: str, step: int) -> dict:
    if step not in (-1, 1):
        raise Invalid("invalid_step", "Move one place up or down.", "direction")

    def change(definition):
        if editing.index_of(definition, key) is None:
            raise NotFound("unknown_question", f"No question '{key}'.", "question")
        return editing.move_question(definition, key, step)

    return _edit(organisation_id, actor, slug, "survey.question.move", change)


def remove_question(organisation_id: int, actor, slug: str, key: str) -> dict:
    def change(definition):
        if editing.index_of(definition, key) is None:
            raise NotFound("unknown_question", f"No question '{key}'.", "question")
        return editing.remove_question(definition, key)

    return _edit(organisation_id, actor, slug, "survey.question.remove", change)


def save_overview(
    organisation_id: int,
    actor,
    slug: str,
    name: str,
    title: dict,
    headline: str,
    satisfied: dict | None,
    modes: list[str],
) -> Survey:
    """Name, title, headline and satisfied rule, and the modes whose limits are checked."""
    _slug, name = _valid_slug(slug, name)
    unknown = [m for m in modes if m not in SURVEY_MODES]
    if unknown:
        raise Invalid("unknown_mode", f"Unknown survey mode '{unknown[0]}'.", "modes")
    with unit_of_work() as session:
        survey = _locked(session, organisation_id, slug)
        before = working_definition(survey)
        after = editing.set_overview(before, title, headline, satisfied)
        _check(after, modes)
        old = {"name": survey.name, "modes": modes_of(survey), "draft": before}
        survey.name = name
        survey.settings = {**(survey.settings or {}), "modes": list(modes)}
        survey.draft = after
        audit.record(
            session,
            actor,
            organisation_id,
            "survey.settings",
            f"survey:{slug}",
            old,
            {"name": name, "modes": list(modes), "draft": after},
        )
    return survey


def discard_draft(organisation_id: int, actor, slug: str) -> None:
    with unit_of_work() as session:
        survey = _locked(session, organisation_id, slug)
        if survey.draft is None:
            return
        audit.record(
            session,
            actor,
            organisation_id,
            "survey.draft.discard",
            f"survey:{slug}",
            {"draft": survey.draft},
            None,
        )
        survey.draft = None


def publish(organisation_id: int, actor, slug: str) -> SurveyVersion | None:
    """Store the draft as a new version; None when it equals the newest version."""
    with unit_of_work() as session:
        survey = _locked(session, organisation_id, slug)
        definition = working_definition(survey)
        _check(definition, modes_of(survey) + whatsapp_mode(session, survey))
        current = survey.current_version
        if current is not None and current.definition == definition:
            survey.draft = None
            return None
        number = current.number + 1 if current else 1
        version = SurveyVersion(survey=survey, number=number, definition=definition)
        session.add(version)
        survey.draft = None
        session.flush()
        audit.record(
            session,
            actor,
            organisation_id,
            "survey.publish",
            f"survey:{slug}",
            {"version": current.number if current else None},
            {"version": number, "definition": definition},
        )
    # This process uses the new version at once; the others when their caches expire.
    catalogue.clear_cache()
    widget_service.clear_cache()
    return version


def export_survey(organisation_id: int, slug: str) -> dict:
    """A survey's newest version and settings as one JSON-ready dict."""
    survey = survey_of(organisation_id, slug)
    current = survey.current_version
    if current is None:
        raise Invalid("no_version", f"Survey '{slug}' has no published version.", "survey")
    return {
        "format": EXPORT_FORMAT,
        "slug": survey.slug,
        "name": survey.name,
        "settings": copy.deepcopy(survey.settings or {}),
        "version": current.number,
        "definition": copy.deepcopy(current.definition),
    }


def import_survey(organisation: Organisation, actor, data) -> SurveyVersion:
    """Create the survey, or publish the definition as its next version (same as the newest:
    nothing new; an unpublished draft is dropped). Refused as a whole when anything is wrong."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise Invalid("invalid_export", f"Not a survey export ('format': '{EXPORT_FORMAT}').")
    slug, name = _valid_slug(data.get("slug"), data.get("name"))
    settings = data.get("settings") or {}
    definition = data.get("definition")
    if not isinstance(settings, dict) or not isinstance(definition, dict):
        raise Invalid("invalid_export", "'settings' and 'definition' are objects.")
    modes = [m for m in settings.get("modes") or [] if m in SURVEY_MODES]
    _check(definition, modes)
    with unit_of_work() as session:
        survey = session.execute(
            select(Survey).where(Survey.organisation_id == organisation.id, Survey.slug == slug)
        ).scalar_one_or_none()
        if survey is None:
            survey = Survey(
                organisation_id=organisation.id, slug=slug, name=name, settings=settings
            )
            session.add(survey)
            current = None
        else:
            current = survey.current_version
            survey.name = name
            survey.settings = {**(survey.settings or {}), **settings}
        if current is not None and current.definition == definition:
            version = current
        else:
            number = current.number + 1 if current else 1
            version = SurveyVersion(survey=survey, number=number, definition=definition)
            session.add(version)
            survey.draft = None  # edits of the replaced version would undo the import
            session.flush()
            audit.record(
                session,
                actor,
                organisation.id,
                "survey.import",
                f"survey:{slug}",
                {"version": current.number} if current else None,
                {"version": number, "definition": definition},
            )
    catalogue.clear_cache()
    widget_service.clear_cache()
    return version
