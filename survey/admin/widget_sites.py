"""Staff pages: the website widget. The websites (origins) that may show it, and per site
(a survey the widget shows) its presentation, triggers, sampling and recontact rules, the
snippet to copy and a live preview on a test page of the platform.

The preview page loads the real widget script from this platform; answers given there are
refused (the platform itself is not one of the organisation's websites), so a preview never
adds to the figures.
"""

from __future__ import annotations

from flask import current_app, g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from survey.admin import bp
from survey.admin.config_views import REFUSED, Present, actor, attempt, done, options, org_id
from survey.admin.permissions import requires
from survey.domain.widget import MAX_DAYS
from survey.error_responses import add_form_error
from survey.errors import Invalid
from survey.services import widget_sites as service


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class OriginsForm(FlaskForm):
    origins = TextAreaField(
        _l("Websites that may show the widget"),
        validators=[Present(), Length(max=12000)],
        description=_l("One address a line, such as https://www.gemeente.nl (no path)."),
    )


def _whole(label, low, high, required=True, description=None):
    checks = [InputRequired() if required else Optional(), NumberRange(min=low, max=high)]
    return IntegerField(label, validators=checks, description=description)


class SiteForm(FlaskForm):
    presentations = MultiCheckboxField(
        _l("Presentation"),
        choices=options([
            ("popup", _l("Pop-up")),
            ("tab", _l("Feedback tab")),
            ("inline", _l("Inline block (on pages with a placeholder)")),
        ]),
        validators=[InputRequired(message=_l("Choose at least one."))],
    )
    sampling_percent = _whole(
        _l("Pop-up: share of visitors asked (%)"), 0, 100,
        description=_l("Drawn once per visitor. 0 switches the pop-up off."),
    )
    delay_seconds = _whole(_l("Pop-up after this many seconds on a page"), 1, 3600, False,
                           _l("Empty: no time trigger."))
    page_views = _whole(_l("Pop-up from this page view of a visit on"), 1, 100)
    scroll_percent = _whole(_l("Pop-up when scrolled this far down (%)"), 1, 100, False,
                            _l("Empty: no scroll trigger."))
    exit_intent = BooleanField(_l("Pop-up when the visitor moves to leave the page"))
    include = TextAreaField(_l("Only on these pages"), validators=[Length(max=10000)],
                            description=_l("Path patterns, one a line, such as /afval/*. "
                                           "Empty: every page."))
    exclude = TextAreaField(_l("Never on these pages"), validators=[Length(max=10000)],
                            description=_l("Path patterns, one a line, such as /contact*."))
    recontact_shown = _whole(_l("Days before asking again after the pop-up was shown"),
                             0, MAX_DAYS)
    recontact_dismissed = _whole(_l("Days before asking again after it was closed"),
                                 0, MAX_DAYS)
    recontact_answered = _whole(_l("Days before asking again after an answer"), 0, MAX_DAYS)

    def settings(self) -> dict:
        return {
            "presentations": list(self.presentations.data or []),
            "sampling_rate": self.sampling_percent.data / 100,
            "delay_seconds": self.delay_seconds.data,
            "page_views": self.page_views.data,
            "scroll_percent": self.scroll_percent.data,
            "exit_intent": bool(self.exit_intent.data),
            "include": (self.include.data or "").split(),
            "exclude": (self.exclude.data or "").split(),
            "recontact_days": {
                "shown": self.recontact_shown.data,
                "dismissed": self.recontact_dismissed.data,
                "answered": self.recontact_answered.data,
            },
        }

    @classmethod
    def of(cls, settings: dict) -> SiteForm:
        days = settings["recontact_days"]
        return cls(data={
            "presentations": settings["presentations"],
            "sampling_percent": round(settings["sampling_rate"] * 100),
            "delay_seconds": settings["delay_seconds"],
            "page_views": settings["page_views"],
            "scroll_percent": settings["scroll_percent"],
            "exit_intent": settings["exit_intent"],
            "include": "\n".join(settings["include"]),
            "exclude": "\n".join(settings["exclude"]),
            "recontact_shown": days["shown"],
            "recontact_dismissed": days["dismissed"],
            "recontact_answered": days["answered"],
        })


# Fields of the service's errors that the form shows under another name.
FIELD_OF = {"sampling_rate": "sampling_percent", "recontact_days": "recontact_shown"}


@bp.route("/<org>/website", methods=["GET", "POST"])
@requires("admin")
def widget_sites():
    """The allowed websites and the surveys the widget can show."""
    org = g.organisation
    form = OriginsForm(data={"origins": "\n".join(org.allowed_origins or [])})
    if form.is_submitted():
        form = OriginsForm()
    if form.validate_on_submit() and attempt(form, lambda: service.set_origins(
        org_id(), actor(), (form.origins.data or "").split()
    )):
        return done(_("Websites saved."), "admin.widget_sites")
    return render_template(
        "admin/config/widget_sites.html", form=form, sites=service.sites(org_id())
    ), (REFUSED if form.errors else 200)


@bp.route("/<org>/website/<int:survey_id>", methods=["GET", "POST"])
@requires("admin")
def widget_site(survey_id: int):
    """One site's widget settings, its snippet and a link to the preview."""
    survey = service.site(org_id(), survey_id)
    form = SiteForm.of(service.settings_of(survey))
    if form.is_submitted():
        form = SiteForm()
    if form.validate_on_submit():
        try:
            service.save_settings(org_id(), actor(), survey_id, form.settings())
        except Invalid as error:
            error.field = FIELD_OF.get(error.field, error.field)
            add_form_error(form, error)
        else:
            return done(_("Widget settings saved."), "admin.widget_site", survey_id=survey_id)
    org = g.organisation
    return render_template(
        "admin/config/widget_site.html",
        survey=survey,
        form=form,
        enabled="widget" in (survey.settings or {}),
        has_version=survey.current_version is not None,
        snippet=service.snippet(current_app.config["PUBLIC_URL"], org.slug, survey.slug),
    ), (REFUSED if form.errors else 200)


@bp.get("/<org>/website/<int:survey_id>/preview")
@requires("admin")
def widget_preview(survey_id: int):
    """A test page of the platform with the real widget script on it."""
    survey = service.site(org_id(), survey_id)
    org = g.organisation
    return render_template(
        "admin/config/widget_preview.html", survey=survey, org_code=org.slug,
        settings=service.settings_of(survey),
    )
