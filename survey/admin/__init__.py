"""Staff pages under /staff: login and one's account (auth), and per organisation under
/staff/<org>/: reports, users, API keys, the audit log and settings. Every view declares the
role it needs (survey/admin/permissions.py); the layout and navigation are in
templates/admin/layout.html and survey/admin/navigation.py.

A new section is a module here with its views on `bp`, imported on the line below.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff")

from survey.admin import (  # noqa: E402,F401
    alerts,
    apikeys,
    audit,
    auth,
    cases,
    comparison_groups,
    comparisons,
    dashboard,
    home,
    kiosks,
    places,
    privacy,
    report_runs,
    reports,
    settings,
    staff_session,
    subscriptions,
    survey_preview,
    survey_questions,
    surveys,
    targets,
    users,
    volumes,
    widget_sites,
)
