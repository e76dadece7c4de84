"""Places, kiosk devices, widget sites, volumes and targets: the services behind the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey.errors import Conflict, Gone, Invalid, NotFound
from survey.extensions import db
from survey.models import (
    ContactVolume,
    Device,
    Location,
    ReportTarget,
    Survey,
    Unit,
    WidgetRateChange,
)
from survey.models.types import utcnow
from survey.reports.builder import build, channel_target
from survey.reports.inputs import collect
from survey.reports.period import parse_month
from survey.services import kiosk_admin, kiosks, places, targets, volumes
from survey.services import widget_sites as widget_settings
from survey.services.catalogue import organisation
from tests.admin_config.helpers import demo_id, other_org
from tests.conftest import count_rows
from tests.reports.data import load_month


def _id(model, slug):
    return db.session.execute(select(model.id).where(model.slug == slug)).scalars().first()


# Places ----------------------------------------------------------------------------------


def test_location_rename_keeps_id_and_reports_show_current_name(demo_org):
    org = demo_id()
    stadhuis = _id(Location, "stadhuis")
    load_month()
    hours = {"mon": [["08:30", "12:00"], ["13:00", "17:00"]]}
    places.update_location(org, None, stadhuis, "Stadhuis Centrum", hours)
    location = db.session.get(Location, stadhuis)
    assert location.name == "Stadhuis Centrum" and location.slug == "stadhuis"
    assert location.opening_hours == {"mon": [["08:30", "12:00"], ["13:00", "17:00"]]}
    names = collect(organisation("demo"), parse_month("2026-10")).names["location"]
    assert names[stadhuis] == "Stadhuis Centrum"  # answers given before the rename count here


def test_bad_places_change_nothing(demo_org):
    org, elders = demo_id(), other_org()
    before = count_rows()
    with pytest.raises(Conflict) as taken:
        places.create_location(org, None, "stadhuis", "Nog een stadhuis")
    assert taken.value.field == "slug"
    with pytest.raises(Invalid) as bad_code:
        places.create_location(org, None, "Stad Huis", "x")
    assert bad_code.value.field == "slug"
    with pytest.raises(Invalid) as long_name:
        places.create_topic(org, None, "nieuw", "x" * 201, "new")
    assert long_name.value.field == "name_nl"
    with pytest.raises(Invalid) as hours:
        places.create_location(org, None, "markt", "Markt", {"tue": [["17:00", "08:00"]]})
    assert hours.value.field == "hours_tue"
    with pytest.raises(Invalid) as overlap:
        places.create_location(
            org, None, "markt", "Markt", {"tue": [["08:00", "12:00"], ["11:00", "13:00"]]}
        )
    assert overlap.value.field == "hours_tue"
    for call in (
        lambda: places.update_location(org, None, elders["location"], "Van ons", {}),
        lambda: places.update_unit(org, None, elders["unit"], "Van ons", None),
        lambda: places.update_topic(org, None, elders["topic"], "Van ons", "Ours"),
        lambda: places.create_unit(org, None, "nieuw", "Nieuw", elders["unit"]),
        lambda: places.update_location(org, None, 10**20, "Groot", {}),
    ):
        with pytest.raises(NotFound):
            call()
    assert count_rows() == before


def test_unit_tree_refuses_a_cycle(demo_org):
    org = demo_id()
    top, child = _id(Unit, "dienstverlening"), _id(Unit, "kcc")
    with pytest.raises(Invalid) as cycle:
        places.update_unit(org, None, top, "Dienstverlening", child)
    assert cycle.value.field == "parent_id"
    places.update_unit(org, None, child, "KCC", _id(Unit, "fysiek"))
    tree = places.unit_tree(org)
    rows = {r.slug: r for r in tree}
    assert rows["kcc"].depth == 1 and rows["kcc"].parent_id == _id(Unit, "fysiek")
    slugs = [r.slug for r in tree]
    assert slugs.index("fysiek") < slugs.index("kcc")  # a unit comes under its parent


# Kiosk devices ---------------------------------------------------------------------------


def test_device_added_enrols_moves_and_is_revoked(demo_org):
    org = demo_id()
    new = kiosk_admin.add_device(org, None, "Hal links", _id(Location, "stadhuis"),
                                 _id(Survey, "balie"))
    rows = kiosk_admin.devices(org)
    assert [(r.name, r.location, r.state) for r in rows] == [("Hal links", "Stadhuis", "waiting")]
    assert kiosk_admin.enrolment_for(org, new.device_id, new.token).device_id == new.device_id
    with pytest.raises(Gone):
        kiosk_admin.enrolment_for(org, new.device_id, "wrong-token")
    secret = kiosks.enrol(new.token)
    with pytest.raises(Gone):  # used: the PDF of a used link is not printed again
        kiosk_admin.enrolment_for(org, new.device_id, new.token)
    kiosk_admin.update_device(org, None, new.device_id, "Hal rechts",
                              _id(Location, "stadskantoor"), _id(Survey, "website"))
    assert kiosks.kiosk_config(secret)["survey"] == "website"
    row = kiosk_admin.devices(org)[0]
    assert (row.name, row.location, row.state) == ("Hal rechts", "Stadskantoor", "active")
    kiosk_admin.revoke(org, None, new.device_id)
    assert kiosk_admin.devices(org)[0].state == "revoked"
    with pytest.raises(Gone):
        kiosk_admin.new_enrolment(org, None, new.device_id)


def test_device_of_another_organisation_is_not_found(demo_org):
    org, elders = demo_id(), other_org()
    mine = kiosk_admin.add_device(org, None, "Hal", None, _id(Survey, "balie"))
    before = count_rows()
    for call in (
        lambda: kiosk_admin.add_device(org, None, "Hal", elders["location"], _id(Survey, "balie")),
        lambda: kiosk_admin.add_device(org, None, "Hal", None, elders["survey"]),
        lambda: kiosk_admin.update_device(
            org, None, mine.device_id, "Hal", None, elders["survey"]
        ),
        lambda: kiosk_admin.revoke(elders["org"], None, mine.device_id),
        lambda: kiosk_admin.new_enrolment(elders["org"], None, mine.device_id),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(Invalid):
        kiosk_admin.add_device(org, None, "x" * 101, None, _id(Survey, "balie"))
    assert count_rows() == before
    assert db.session.get(Device, mine.device_id).survey_id == _id(Survey, "balie")


def test_new_enrolment_replaces_the_link(demo_org):
    org = demo_id()
    first = kiosk_admin.add_device(org, None, "Hal", None, _id(Survey, "balie"))
    second = kiosk_admin.new_enrolment(org, None, first.device_id)
    with pytest.raises(Gone):
        kiosks.enrol(first.token)
    assert kiosks.enrol(second.token)


# Website widget --------------------------------------------------------------------------


def test_origins_are_checked_and_normalised(demo_org):
    org = demo_id()
    widget_settings_before = count_rows()
    for bad in ("www.gemeente.nl", "https://gemeente.nl/pagina", "ftp://gemeente.nl",
                "https://user@gemeente.nl", "javascript:alert(1)", "https://gemeente.nl:99999"):
        with pytest.raises(Invalid) as error:
            widget_settings.set_origins(org, None, [bad])
        assert error.value.field == "origins"
    assert count_rows() == widget_settings_before
    widget_settings.set_origins(
        org, None, ["https://WWW.Gemeente.nl/", "http://localhost:8001", "https://www.gemeente.nl"]
    )
    assert organisation("demo").allowed_origins == [
        "https://www.gemeente.nl", "http://localhost:8001"
    ]


def test_widget_settings_saved_and_rate_change_remembered(demo_org):
    org, site = demo_id(), _id(Survey, "website")
    current = widget_settings.settings_of(db.session.get(Survey, site))
    assert current["sampling_rate"] == 0.25
    with pytest.raises(Invalid) as bad:
        widget_settings.save_settings(org, None, site, {**current, "sampling_rate": 1.5})
    assert bad.value.field == "sampling_rate"
    with pytest.raises(Invalid) as days:
        widget_settings.save_settings(
            org, None, site, {**current, "recontact_days": {**current["recontact_days"],
                                                            "shown": 99999}}
        )
    assert days.value.field == "recontact_days"
    assert db.session.query(WidgetRateChange).count() == 0
    widget_settings.save_settings(org, None, site, {**current, "sampling_rate": 0.5})
    assert widget_settings.settings_of(db.session.get(Survey, site))["sampling_rate"] == 0.5
    assert [r.sampling_rate for r in db.session.query(WidgetRateChange)] == [0.25]
    with pytest.raises(NotFound):
        widget_settings.save_settings(org, None, other_org()["survey"], current)


def test_snippet():
    assert widget_settings.snippet("https://kto.example.nl/", "demo", "website") == (
        '<script src="https://kto.example.nl/static/widget/v1.js" data-org="demo" '
        'data-survey="website" async></script>'
    )


# Volumes ---------------------------------------------------------------------------------


def test_csv_lists_every_bad_line_and_stores_nothing(demo_org):
    org = demo_id()
    before = count_rows()
    text = (
        "month,contact_channel,count\n"
        "2026-10,counter,6000\n"
        "2026-13,phone,1\n"
        "2026-10,fax,1\n"
        "2026-10,phone,veel\n"
        "2026-10,counter,6100\n"
        "2026-10,website,-1\n"
    )
    with pytest.raises(volumes.CsvInvalid) as error:
        volumes.upload_csv(org, None, text)
    assert [(e.line, e.field) for e in error.value.lines] == [
        (3, "month"), (4, "contact_channel"), (5, "count"), (6, "month"), (7, "count")
    ]
    assert "regel 2" in error.value.lines[3].message  # Dutch: the app's default language
    assert count_rows() == before
    with pytest.raises(Invalid) as columns:
        volumes.upload_csv(org, None, "maand,kanaal,aantal\n2026-10,counter,1\n")
    assert columns.value.code == "missing_columns"
    with pytest.raises(Invalid):
        volumes.upload_csv(org, None, "month,contact_channel,count\n")
    with pytest.raises(volumes.CsvInvalid):
        volumes.upload_csv(org, None, "month,contact_channel,count\n2026-10,counter,1,extra\n")
    assert count_rows() == before


def test_csv_and_form_store_volumes(demo_org):
    org = demo_id()
    assert volumes.upload_csv(
        org, None, "\ufeffmonth,contact_channel,count\n2026-10,counter,6000\n2026-09,counter,5000\n"
    ) == 2
    volumes.save_volume(org, None, "2026-10", "counter", "6100")
    assert volumes.volumes_for(org, date(2026, 10, 1)) == {"counter": 6100}
    assert db.session.query(ContactVolume).count() == 2


def test_volume_overview_counts_responses_per_month(demo_org):
    from survey.services import volume_chart

    load_month()
    rows = volume_chart.overview(demo_id(), date(2026, 10, 1), "counter")
    assert len(rows) == 13 and rows[-1].month == date(2026, 10, 1)
    assert (rows[-1].contacts, rows[-1].responses) == (300, 40)
    assert (rows[-2].contacts, rows[-2].responses) == (None, 40)  # September: no volume entered
    everything = volume_chart.overview(demo_id(), date(2026, 10, 1))
    assert everything[-1].responses == 85 and everything[-1].contacts == 940
    svg = volume_chart.chart_svg(rows, "nl", ("Contacten", "Reacties"), "niet ingevuld")
    assert "<svg" in svg and "niet ingevuld" in svg and "2026-10" in svg
    assert "font-family: DejaVuSans" not in svg and "'DejaVu Sans', sans-serif" in svg


# Targets ---------------------------------------------------------------------------------


def test_target_validation_changes_nothing(demo_org):
    org, elders = demo_id(), other_org()
    before = count_rows()
    cases = [
        (("bogus", None, None, 90, None, "a", "b"), "measure"),
        (("satisfied", "fax", None, 90, None, "a", "b"), "contact_channel"),
        (("satisfied", None, None, 120, None, "a", "b"), "value"),
        (("nps", None, None, -101, None, "a", "b"), "value"),
        (("satisfied", None, None, "90", None, "a", "b"), "value"),
        (("yes_share", None, "onbekend", 80, None, "a", "b"), "question_key"),
        (("satisfied", None, None, 90, "2026-13", "a", "b"), "start_month"),
        (("satisfied", None, None, 90, None, "x" * 201, "b"), "label_nl"),
    ]
    for args, field in cases:
        with pytest.raises(Invalid) as error:
            targets.create_target(org, None, *args)
        assert error.value.field == field, args
    with pytest.raises(NotFound):
        targets.delete_target(elders["org"], None, db.session.query(ReportTarget.id).first()[0])
    assert count_rows() == before


def test_channel_target_wins_start_month_and_nps(demo_org):
    org = demo_id()
    load_month()
    # Made after the channel's own target, an all-channels target must not take its place.
    targets.create_target(org, None, "satisfied", "counter", None, 95, None, "95% balie", "c")
    targets.create_target(org, None, "satisfied", None, None, 50, None, "50% alles", "a")
    targets.create_target(org, None, "satisfied", None, None, 10, "2026-11", "later", "l")
    targets.create_target(org, None, "nps", "phone", None, 0, "2026-10", "NPS >= 0", "n")
    targets.create_target(org, None, "yes_share", "phone", "in_een_keer", 80, None, "80%", "y")
    data = build(collect(organisation("demo"), parse_month("2026-10")))
    rows = {r.channel: r for r in data.channels}
    assert rows["counter"].target.label == "95% balie"
    assert rows["counter"].target.status == "not_met"  # 37/40 = 92.5% < 95%
    assert rows["phone"].target.label == "50% alles"
    labels = [t.label for t in data.summary.targets]
    assert "later" not in labels  # starts in November
    nps = next(t for t in data.summary.targets if t.label == "NPS >= 0")
    assert nps.measure == "nps" and nps.status == "no_data"  # the phone survey asks no NPS
    yes = next(t for t in data.summary.targets if t.label == "80%")
    assert yes.result.estimate == pytest.approx(38 / 60) and yes.status == "not_met"
    stored = db.session.query(ReportTarget).filter_by(label_nl="95% balie").one()
    assert stored.share == pytest.approx(0.95) and targets.norm_value(stored) == 95


def test_satisfied_target_prefers_the_channel_whatever_the_order():
    general = {"measure": "satisfied", "question": None, "channel": None, "label": "all"}
    own = {"measure": "satisfied", "question": None, "channel": "phone", "label": "own"}
    nps = {"measure": "nps", "question": None, "channel": "phone", "label": "nps"}
    assert channel_target([own, general], "phone")["label"] == "own"
    assert channel_target([general, own, nps], "phone")["label"] == "own"
    assert channel_target([general, own], "counter")["label"] == "all"
    assert channel_target([nps], "phone") is None


def test_enrolment_expiry(demo_org):
    org = demo_id()
    new = kiosk_admin.add_device(org, None, "Hal", None, _id(Survey, "balie"))
    device = db.session.get(Device, new.device_id)
    device.enrolment_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Gone):
        kiosk_admin.enrolment_for(org, new.device_id, new.token)


def test_every_change_is_in_the_audit_log_with_before_and_after(demo_org):
    from survey.models import AuditEntry, User

    org = demo_id()
    from survey.database import unit_of_work

    with unit_of_work() as session:
        user = User(email="beheer@example.nl", password_hash="x")
        session.add(user)
    stadhuis = _id(Location, "stadhuis")
    places.update_location(org, user, stadhuis, "Stadhuis Centrum", {})
    new = kiosk_admin.add_device(org, user, "Hal", stadhuis, _id(Survey, "balie"))
    kiosk_admin.revoke(org, user, new.device_id)
    volumes.save_volume(org, user, "2026-10", "phone", 9000)
    volumes.save_volume(org, user, "2026-10", "phone", 9100)
    target = targets.create_target(org, user, "nps", None, None, 0, "2026-01", "NPS", "NPS")
    widget_settings.set_origins(org, user, ["https://www.voorbeeld.nl"])
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert [e.action for e in entries] == [
        "location.update", "device.create", "device.revoke", "volume.set", "volume.set",
        "target.create", "widget.origins",
    ]
    assert all(e.actor_id == user.id and e.organisation_id == org for e in entries)
    assert (entries[0].before["name"], entries[0].after["name"]) == ("Stadhuis", "Stadhuis Centrum")
    assert (entries[4].before, entries[4].after) == ({"count": 9000}, {"count": 9100})
    assert entries[5].target == f"target:{target}" and entries[5].after["start_month"] == "2026-01"
    # A refused change writes no audit row either.
    with pytest.raises(Invalid):
        places.update_location(org, user, stadhuis, "", {})
    assert db.session.query(AuditEntry).count() == len(entries)


def test_nps_target_is_judged_and_rendered_in_points(demo_org):
    """An NPS target: met / not met on the NPS (-100..100), shown as points in the PDF and
    the tables, never as a percentage."""
    import io
    import uuid
    from datetime import UTC, datetime

    import pdfplumber

    from survey.reports import pdf, spreadsheet
    from survey.services.responses import record_many

    load_month()
    scores = [10] * 30 + [8] * 10 + [3] * 20  # NPS = (30 - 20) / 60 = +16.7
    record_many([
        {"id": str(uuid.uuid4()), "organisation": "demo", "survey": "whatsapp",
         "contact_channel": "whatsapp", "survey_mode": "whatsapp",
         "submitted_at": datetime(2026, 10, 3 + i % 20, 10, tzinfo=UTC).isoformat(),
         "inclusion_probability": 1.0, "answers": {"oordeel": "up", "aanbevelen": s}}
        for i, s in enumerate(scores)
    ])
    targets.create_target(demo_id(), None, "nps", "whatsapp", None, 0, None, "NPS ≥ 0", "NPS ≥ 0")
    data = build(collect(organisation("demo"), parse_month("2026-10")))
    target = next(t for t in data.summary.targets if t.label == "NPS ≥ 0")
    assert target.is_nps and target.status == "met"
    assert target.result.estimate == pytest.approx(100 * 10 / 60)
    assert target.result.low < 0 < target.result.high  # the norm lies in the interval
    assert not target.result.certain
    row = next(r for r in spreadsheet.tables(data)["targets"][1] if r[0] == "NPS ≥ 0")
    assert row[1:5] == [0, 17, round(target.result.low), round(target.result.high)]
    with pdfplumber.open(io.BytesIO(pdf.render(data))) as doc:
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    line = next(x for x in text.splitlines() if x.startswith("NPS ≥ 0"))
    low, high = round(target.result.low), round(target.result.high)
    assert line.startswith(f"NPS ≥ 0 +17 {low}–+{high}")
    assert "%" not in line  # points, not a percentage
