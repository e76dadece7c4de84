"""E-mail to a unit's inbox when a callback case arrives and when it passes its deadline.

Run by the worker every minute (survey/tasks.py: callback_case_mail). Each mail is claimed
first (a conditional UPDATE of `arrival_mailed_at` / `overdue_mailed_at`), so however many
workers run, one sends it; a send that fails releases the claim and the next run tries again.
The mail holds no personal details (a mailbox cannot be erased): the case number, unit,
deadline and the link to the staff page.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from survey.database import unit_of_work
from survey.extensions import db
from survey.i18n import in_language
from survey.messaging import send_email
from survey.models import CallbackCase, Membership, Organisation, Unit, User
from survey.models.callback import OPEN_STATUSES

log = logging.getLogger(__name__)
KINDS = ("arrival", "overdue")


def recipients(case: CallbackCase) -> list[str]:
    """The unit's inbox; without one, the organisation's active administrators."""
    if case.unit_id is not None:
        inbox = db.session.execute(
            select(Unit.inbox_email).where(Unit.id == case.unit_id)
        ).scalar()
        if inbox:
            return [inbox]
    return list(
        db.session.execute(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == case.organisation_id,
                   Membership.role == "admin", Membership.deactivated_at.is_(None))
            .order_by(User.email)
        ).scalars()
    )


def _column(kind: str):
    return CallbackCase.arrival_mailed_at if kind == "arrival" else CallbackCase.overdue_mailed_at


def _due(kind: str, now: datetime) -> list[int]:
    column = _column(kind)
    query = select(CallbackCase.id).where(column.is_(None))
    if kind == "overdue":
        query = query.where(CallbackCase.status.in_(OPEN_STATUSES), CallbackCase.due_at < now)
    return list(db.session.execute(query.order_by(CallbackCase.id).limit(500)).scalars())


def _claim(case_id: int, kind: str, now: datetime, release: bool = False) -> bool:
    column = _column(kind)
    with unit_of_work() as session:
        result = session.execute(
            update(CallbackCase)
            .where(CallbackCase.id == case_id,
                   column.is_(None) if not release else column == now)
            .values({column.key: None if release else now})
        )
    return result.rowcount == 1


def _message(case: CallbackCase, kind: str) -> tuple[str, str]:
    org = db.session.get(Organisation, case.organisation_id)
    unit = db.session.get(Unit, case.unit_id) if case.unit_id else None
    language = org.default_language or "nl"
    zone = ZoneInfo(org.timezone or "Europe/Amsterdam")
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/staff/{org.slug}/cases/{case.id}"
    with in_language(language):
        due = format_datetime(case.due_at.astimezone(zone), "d MMMM y HH:mm", locale=language)
        unit_name = unit.name if unit else _("no unit")
        if kind == "arrival":
            subject = _("New callback request (case %(id)s)", id=case.id)
            lead = _("A citizen asked to be contacted. Contact them before the deadline.")
        else:
            subject = _("Callback request past its deadline (case %(id)s)", id=case.id)
            lead = _("This callback request has passed its deadline and is not closed yet.")
        body = "\n".join([
            lead, "",
            _("Case: %(id)s", id=case.id),
            _("Unit: %(unit)s", unit=unit_name),
            _("Deadline: %(due)s", due=due),
            "",
            _("Open the case (staff login): %(link)s", link=link),
            "",
            _("This e-mail holds no personal details; they are on the case page only."),
        ])
    return subject, body


def send_case_mail(now: datetime) -> dict[str, int]:
    """Send every arrival and overdue mail not sent yet; returns how many of each."""
    sent = {kind: 0 for kind in KINDS}
    for kind in KINDS:
        for case_id in _due(kind, now):
            if not _claim(case_id, kind, now):
                continue  # another worker has it
            case = db.session.get(CallbackCase, case_id)
            to = recipients(case)
            if not to:
                log.warning("callback case %s: no inbox and no administrator to mail", case_id)
                continue
            subject, body = _message(case, kind)
            try:
                send_email(to, subject, body)
            except Exception:
                log.exception("callback case %s: the %s mail failed; retried later", case_id, kind)
                _claim(case_id, kind, now, release=True)
                continue
            sent[kind] += 1
    return sent
