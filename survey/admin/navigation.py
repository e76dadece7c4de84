"""The staff navigation: one entry per section, shown when the page's role allows it and the
section's endpoint exists (sections of other modules appear once their views are registered).

Add a section by adding a line here; `endpoint` is the section's main page (it takes `<org>`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from survey.admin.permissions import allows


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: object
    role: str
    # Endpoint prefixes that belong to this section (for aria-current).
    prefixes: tuple[str, ...] = ()


SECTIONS = (
    Section("admin.dashboard", _l("Dashboard"), "viewer", ("admin.dashboard",)),
    Section("admin.report_list", _l("Reports"), "viewer", ("admin.report",)),
    Section("admin.subscriptions", _l("Reports by e-mail"), "viewer", ("admin.subscription",)),
    Section("admin.comparisons", _l("Comparison"), "viewer", ("admin.comparison",)),
    Section("admin.case_list", _l("Callbacks"), "viewer", ("admin.case",)),
    Section("admin.survey_list", _l("Surveys"), "admin", ("admin.survey",)),
    Section("admin.places", _l("Places"), "admin", ("admin.place", "admin.location",
                                                    "admin.unit", "admin.topic")),
    Section("admin.kiosk_list", _l("Kiosks"), "admin", ("admin.kiosk",)),
    Section("admin.widget_sites", _l("Website"), "admin", ("admin.widget",)),
    Section("admin.volumes", _l("Volumes"), "admin", ("admin.volume",)),
    Section("admin.targets", _l("Targets"), "admin", ("admin.target",)),
    Section("admin.alert_log", _l("Alerts"), "analyst", ("admin.alert",)),
    Section("admin.privacy", _l("Privacy"), "admin", ("admin.privacy",)),
    Section("admin.users", _l("Users"), "admin", ("admin.user",)),
    Section("admin.api_keys", _l("API keys"), "admin", ("admin.api_key",)),
    Section("admin.audit_log", _l("Audit log"), "admin", ("admin.audit",)),
    Section("admin.settings", _l("Settings"), "admin", ("admin.setting",)),
)


def sections() -> list[tuple[Section, bool]]:
    """The sections the current user may open here, each with whether it is the current one."""
    views = current_app.view_functions
    endpoint = request.endpoint or ""
    return [
        (s, endpoint.startswith(s.prefixes or (s.endpoint,)))
        for s in SECTIONS
        if s.endpoint in views and allows(s.role)
    ]
