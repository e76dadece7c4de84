"""Each organisation's WhatsApp business number (Meta's phone-number id) and its templates.

One Meta app serves the platform (WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET); an organisation
brings its own WhatsApp business phone number, known to the Graph API by its phone-number id,
and its approved templates, named per language. The webhook finds the organisation of an
event by that id.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from survey import caches
from survey.database import unit_of_work
from survey.errors import Invalid
from survey.extensions import db
from survey.models import WhatsAppAccount
from survey.services import audit, catalogue

_NUMBER_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_TEMPLATE = re.compile(r"^[a-z0-9_]{1,512}$")  # Meta: lower-case letters, digits, underscores
_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
LANGUAGES = ("nl", "en")


def parse_templates(pairs) -> dict:
    """`nl=kto_na_contact` or `en=kto_after_contact:en_GB` → {"nl": {"name", "code"}}."""
    templates = {}
    for pair in pairs or ():
        language, _, rest = str(pair).partition("=")
        name, _, code = rest.partition(":")
        code = code or language
        if language not in LANGUAGES:
            raise Invalid("unknown_language",
                          f"Templates are named per language: {', '.join(LANGUAGES)}.", "template")
        if not _TEMPLATE.match(name):
            raise Invalid("template_invalid", "A template name has lower-case letters, digits "
                          "and underscores only (as in WhatsApp Manager).", "template")
        if not _CODE.match(code):
            raise Invalid("template_invalid", f"'{code}' is not a template language code "
                          "(nl, en, en_GB ...).", "template")
        templates[language] = {"name": name, "code": code}
    return templates


def set_account(org_slug: str, phone_number_id: str, templates: dict,
                actor: str = "cli") -> WhatsAppAccount:
    """Create or change the organisation's WhatsApp number and templates (audited)."""
    if not isinstance(phone_number_id, str) or not _NUMBER_ID.match(phone_number_id):
        raise Invalid("phone_number_id_invalid",
                      "The phone-number id is the number Meta shows for the business number.",
                      "phone_number_id")
    with unit_of_work() as session:
        org = catalogue.organisation(org_slug)
        other = session.execute(select(WhatsAppAccount.organisation_id).where(
            WhatsAppAccount.phone_number_id == phone_number_id)).scalar()
        if other is not None and other != org.id:
            raise Invalid("phone_number_id_taken",
                          "This phone-number id belongs to another organisation.",
                          "phone_number_id")
        account = session.execute(select(WhatsAppAccount).where(
            WhatsAppAccount.organisation_id == org.id)).scalar_one_or_none()
        if account is None:
            account = WhatsAppAccount(organisation_id=org.id, templates={})
            session.add(account)
        before = {"phone_number_id": account.phone_number_id,
                  "templates": dict(account.templates or {})}
        account.phone_number_id = phone_number_id
        account.templates = {**(account.templates or {}), **templates}
        audit.record(session, actor, org.id, "whatsapp.set", phone_number_id, before,
                     {"phone_number_id": phone_number_id, "templates": account.templates})
    caches.cache("kto.lookups").clear()  # this process sees the new number at once
    return account


def seed_account(organisation_id: int, phone_number_id: str, templates: dict) -> None:
    """The demo's number for the development backend (loading the demo is not a staff
    change, so it is not in the audit log)."""
    with unit_of_work() as session:
        session.add(WhatsAppAccount(organisation_id=organisation_id,
                                    phone_number_id=phone_number_id, templates=templates))
    caches.cache("kto.lookups").clear()


def account_of(organisation_id: int) -> WhatsAppAccount | None:
    return db.session.execute(select(WhatsAppAccount).where(
        WhatsAppAccount.organisation_id == organisation_id)).scalar_one_or_none()


CACHE_SECONDS = 30


def organisations_by_number(number_ids) -> dict[str, int]:
    """{phone-number id: organisation id} of the ids that are ours (kept 30 s per process:
    every webhook delivery asks)."""
    recent = caches.cache("kto.lookups")
    found: dict[str, int] = {}
    missing = []
    for number_id in {n for n in number_ids if n}:
        known = recent.get(("whatsapp-number", number_id))
        if known is None:
            missing.append(number_id)
        elif known:
            found[number_id] = known
    if missing:
        rows = dict(db.session.execute(
            select(WhatsAppAccount.phone_number_id, WhatsAppAccount.organisation_id)
            .where(WhatsAppAccount.phone_number_id.in_(missing))).all())
        for number_id in missing:
            recent.put(("whatsapp-number", number_id), rows.get(number_id, 0), CACHE_SECONDS)
        found.update(rows)
    return found
