"""Places and structure of an organisation: locations with opening hours, units, topics.

A place keeps its id for ever: responses point at the id, reports group by it and show the
current name, so renaming never splits a history. Codes (used by kiosks and imports) do not
change once made. Every change is written with its audit row in one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.opening_hours import check_hours
from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.models import Location, Topic, Unit
from survey.services import audit, catalogue
from survey.services.scoped import code, owned, text

MAX_DEPTH = 6


@dataclass(frozen=True)
class UnitRow:
    id: int
    slug: str
    name: str
    parent_id: int | None
    depth: int


def locations(organisation_id: int) -> list[Location]:
    return list(
        db.session.execute(
            select(Location).where(Location.organisation_id == organisation_id).order_by(
                Location.name, Location.id
            )
        ).scalars()
    )


def topics(organisation_id: int) -> list[Topic]:
    return list(
        db.session.execute(
            select(Topic).where(Topic.organisation_id == organisation_id).order_by(
                Topic.name_nl, Topic.id
            )
        ).scalars()
    )


def unit_tree(organisation_id: int) -> list[UnitRow]:
    """Every unit, each under its parent (depth-first, by name)."""
    units = list(
        db.session.execute(
            select(Unit).where(Unit.organisation_id == organisation_id).order_by(Unit.name, Unit.id)
        ).scalars()
    )
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[UnitRow] = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            rows.append(UnitRow(unit.id, unit.slug, unit.name, unit.parent_id, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return rows


def _unique(model, organisation_id: int, slug: str) -> None:
    taken = db.session.execute(
        select(model.id).where(model.organisation_id == organisation_id, model.slug == slug)
    ).first()
    if taken is not None:
        raise Conflict("code_taken", _("This code is already in use."), "slug")


def _create(organisation_id: int, actor, kind: str, model, slug: str, build, as_dict) -> int:
    """Add the place `build()` makes, its code unique in the organisation, with its audit row
    (`<kind>.create`) in one unit of work; its id."""
    with unit_of_work() as session:
        _unique(model, organisation_id, slug)
        row = build()
        session.add(row)
        session.flush()
        audit.record(
            session, actor, organisation_id, f"{kind}.create", f"{kind}:{row.id}", None,
            as_dict(row),
        )
        created = row.id
    catalogue.clear_cache()
    return created


def _update(organisation_id: int, actor, kind: str, model, row_id, change, as_dict) -> None:
    """Apply `change` to the organisation's place in one unit of work, with an audit row
    (`<kind>.update`, before and after) when it changed anything."""
    with unit_of_work() as session:
        row = owned(model, organisation_id, row_id)
        before = as_dict(row)
        change(row)
        after = as_dict(row)
        if before != after:
            audit.record(
                session, actor, organisation_id, f"{kind}.update", f"{kind}:{row.id}", before,
                after,
            )


def _location_dict(location: Location) -> dict:
    return {"slug": location.slug, "name": location.name, "opening_hours": location.opening_hours}


def _hours(raw) -> dict:
    from survey.domain import ValidationError

    try:
        return check_hours(raw)
    except ValidationError as error:
        raise Invalid("invalid_hours", error.message, f"hours_{error.field}") from None


def create_location(organisation_id: int, actor, slug, name, hours=None) -> int:
    slug, name, hours = code(slug), text(name, "name"), _hours(hours)
    return _create(organisation_id, actor, "location", Location, slug, lambda: Location(
        organisation_id=organisation_id, slug=slug, name=name, opening_hours=hours
    ), _location_dict)


def update_location(organisation_id: int, actor, location_id, name, hours) -> None:
    """Rename a location and set its opening hours; its id (and history) stays."""
    name, hours = text(name, "name"), _hours(hours)

    def change(location: Location) -> None:
        location.name = name
        location.opening_hours = hours

    _update(organisation_id, actor, "location", Location, location_id, change, _location_dict)


def _unit_dict(unit: Unit) -> dict:
    return {"slug": unit.slug, "name": unit.name, "parent_id": unit.parent_id}


def _parent(organisation_id: int, parent_id, unit_id: int | None = None) -> int | None:
    """A parent in the same organisation that is not the unit itself or below it."""
    if parent_id in (None, "", 0):
        return None
    parent = owned(Unit, organisation_id, parent_id, "parent_id")
    depth, node = 1, parent
    while node is not None:
        if unit_id is not None and node.id == unit_id:
            raise Invalid(
                "unit_cycle", _("A unit cannot be placed under itself or its own sub-unit."),
                "parent_id",
            )
        node = node.parent
        depth += 1
    if depth > MAX_DEPTH:
        raise Invalid(
            "too_deep", _("Units can be nested at most %(n)d levels.", n=MAX_DEPTH), "parent_id"
        )
    return parent.id


def create_unit(organisation_id: int, actor, slug, name, parent_id=None) -> int:
    slug, name = code(slug), text(name, "name")
    return _create(organisation_id, actor, "unit", Unit, slug, lambda: Unit(
        organisation_id=organisation_id,
        slug=slug,
        name=name,
        parent_id=_parent(organisation_id, parent_id),
    ), _unit_dict)


def update_unit(organisation_id: int, actor, unit_id, name, parent_id) -> None:
    """Rename a unit or move it in the tree (never under itself)."""
    name = text(name, "name")

    def change(unit: Unit) -> None:
        unit.parent_id = _parent(organisation_id, parent_id, unit.id)
        unit.name = name

    _update(organisation_id, actor, "unit", Unit, unit_id, change, _unit_dict)


def _topic_dict(topic: Topic) -> dict:
    return {"slug": topic.slug, "name_nl": topic.name_nl, "name_en": topic.name_en}


def create_topic(organisation_id: int, actor, slug, name_nl, name_en) -> int:
    slug, name_nl, name_en = code(slug), text(name_nl, "name_nl"), text(name_en, "name_en")
    return _create(organisation_id, actor, "topic", Topic, slug, lambda: Topic(
        organisation_id=organisation_id, slug=slug, name_nl=name_nl, name_en=name_en
    ), _topic_dict)


def update_topic(organisation_id: int, actor, topic_id, name_nl, name_en) -> None:
    name_nl, name_en = text(name_nl, "name_nl"), text(name_en, "name_en")

    def change(topic: Topic) -> None:
        topic.name_nl, topic.name_en = name_nl, name_en

    _update(organisation_id, actor, "topic", Topic, topic_id, change, _topic_dict)
