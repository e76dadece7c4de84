"""Organisations: onboarding (a new organisation with its first administrator) and the
settings an administrator changes. Every change is in the audit log."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from sqlalchemy import func, select

from survey.database import unit_of_work
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Membership, Organisation, User
from survey.services import audit, logos, password_links
from survey.services.users import normal_email

CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
# Codes that are staff paths of their own (/staff/<code>).
RESERVED = {"login", "logout", "password", "account", "operator", "static", "api", "staff"}
LANGUAGES = ("nl", "en")
SETTINGS = (
    "name", "default_language", "timezone", "complaint_url", "viewers_see_comments", "open_data"
)


@dataclass(frozen=True)
class Onboarded:
    organisation: Organisation
    admin_email: str
    token: str
    link: str


def check_code(code: str | None) -> str:
    code = (code or "").strip().lower()
    if not CODE.match(code) or code in RESERVED:
        raise Invalid(
            "wrong_code",
            "The code has 1 to 40 lower-case letters, digits and hyphens "
            f"(not {', '.join(sorted(RESERVED))}).",
            "code",
        )
    return code


def check_name(name: str | None, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("name_required", "Fill in a name.", field)
    if len(name) > 200:
        raise Invalid("too_long", "The name may have at most 200 characters.", field)
    return name


def create(code: str, name: str, admin_email: str, actor: User | str | None = "cli") -> Onboarded:
    """A new organisation and its first administrator, who gets a one-time link to set a
    password (the user is reused when the address already has an account)."""
    code, name, email = check_code(code), check_name(name), normal_email(admin_email)
    with unit_of_work() as session:
        if session.execute(select(Organisation.id).where(Organisation.slug == code)).first():
            raise Conflict("code_taken", f"Organisation '{code}' already exists.", "code")
        organisation = Organisation(slug=code, name=name, allowed_origins=[])
        session.add(organisation)
        user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, password_hash="")
            session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id, organisation_id=organisation.id, role="admin"))
        audit.record(
            session, actor, organisation.id, "organisation.create", "organisation",
            None, {"code": code, "name": name, "admin": email},
        )
        token = password_links.issue(session, user, "welcome")
    return Onboarded(organisation, email, token, password_links.link(token))


def get(slug: str) -> Organisation:
    found = db.session.execute(
        select(Organisation).where(Organisation.slug == slug)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_organisation", f"Unknown organisation '{slug}'.", "organisation")
    return found


@cache
def timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _check_url(url: str | None) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > 500:
        raise Invalid("too_long", "The address may have at most 500 characters.", "complaint_url")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in url):
        raise Invalid("wrong_url", "Give a web address that starts with https://.",
                      "complaint_url")
    return url


def update_settings(
    actor: User, organisation_id: int, *, name: str, default_language: str, timezone: str,
    complaint_url: str, subscribers: set[int] | None = None,
    viewers_see_comments: bool | None = None, open_data: bool | None = None,
) -> Organisation:
    """Name, default language, time zone, complaint page and (given) the report subscribers
    (user ids of active members) of an organisation, and (given) whether viewers may read
    comments and whether the monthly headline figures are published at /open/<code>/, in
    one transaction."""
    values = {
        "name": check_name(name),
        "default_language": default_language,
        "timezone": timezone,
        "complaint_url": _check_url(complaint_url),
    }
    if viewers_see_comments is not None:
        values["viewers_see_comments"] = bool(viewers_see_comments)
    if open_data is not None:
        values["open_data"] = bool(open_data)
    if default_language not in LANGUAGES:
        raise Invalid("wrong_language", "The language is nl or en.", "default_language")
    if timezone not in timezones():
        raise Invalid("wrong_timezone", f"Unknown time zone {timezone[:64]!r}.", "timezone")
    with unit_of_work() as session:
        organisation = session.get(Organisation, organisation_id)
        before = audit.snapshot(organisation, SETTINGS)
        for key, value in values.items():
            setattr(organisation, key, value)
        after = audit.snapshot(organisation, SETTINGS)
        if before != after:
            audit.record(session, actor, organisation_id, "organisation.settings",
                         "organisation", before, after)
        if subscribers is not None:
            _set_subscribers(session, actor, organisation_id, subscribers)
    return organisation


def set_logo(actor: User, organisation_id: int, data: bytes, filename: str = "") -> None:
    """Store a checked PNG or SVG logo (survey/services/logos.py)."""
    media_type = logos.check(data, filename)
    with unit_of_work() as session:
        organisation = session.get(Organisation, organisation_id)
        before = {"logo": organisation.logo_type and f"{organisation.logo_type}, "
                  f"{len(organisation.logo or b'')} bytes"}
        organisation.logo, organisation.logo_type = data, media_type
        audit.record(session, actor, organisation_id, "organisation.logo", "organisation",
                     before, {"logo": f"{media_type}, {len(data)} bytes"})


def remove_logo(actor: User, organisation_id: int) -> None:
    with unit_of_work() as session:
        organisation = session.get(Organisation, organisation_id)
        if organisation.logo is None:
            return
        before = {"logo": f"{organisation.logo_type}, {len(organisation.logo)} bytes"}
        organisation.logo, organisation.logo_type = None, None
        audit.record(session, actor, organisation_id, "organisation.logo", "organisation",
                     before, {"logo": None})


def _set_subscribers(session, actor: User, organisation_id: int, user_ids: set[int]) -> None:
    """Which active members get the monthly report by e-mail (ids of others: NotFound)."""
    members = session.execute(
        select(Membership, User.email)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id,
               Membership.deactivated_at.is_(None))
    ).all()
    known = {m.user_id for m, _ in members}
    if not user_ids <= known:
        raise NotFound("unknown_member", "Not a member of this organisation.", "subscribers")
    before = sorted(email for m, email in members if m.receives_reports)
    for membership, _ in members:
        membership.receives_reports = membership.user_id in user_ids
    after = sorted(email for m, email in members if m.receives_reports)
    if before != after:
        audit.record(session, actor, organisation_id, "organisation.subscribers",
                     "organisation", {"subscribers": before}, {"subscribers": after})


@dataclass(frozen=True)
class OrganisationRow:
    slug: str
    name: str
    members: int
    created_at: object


def overview() -> list[OrganisationRow]:
    """Every organisation with its number of active members (for the platform operator)."""
    members = (
        select(func.count(Membership.id))
        .where(Membership.organisation_id == Organisation.id,
               Membership.deactivated_at.is_(None))
        .scalar_subquery()
    )
    return [
        OrganisationRow(*row)
        for row in db.session.execute(
            select(Organisation.slug, Organisation.name, members, Organisation.created_at)
            .order_by(Organisation.name)
        ).all()
    ]
