"""A late subscriber gets the report of the period that just ended once (survey.services.
late_reports), through the real SMTP server: not again after removing and adding the
subscription, with two workers at once, or when the scheduled mailing runs afterwards; a
report not built yet is sent by the schedule. The monthly report reaches a viewer who may
not read comments without them."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation, PeriodReport, ReportDelivery, ReportSubscription
from survey.services import late_reports, period_reports, reports, subscriptions
from survey.services.users import add_user
from tests.reports import test_period_reports as base
from tests.reports.test_period_reports import NEW_YEAR, PASSWORD, _mails, _org_id

subscribed = base.subscribed  # the fixture: three subscribers, October's responses

AFTER_THE_YEAR = datetime(2027, 1, 2, 9, 0, tzinfo=UTC)  # Q4 and 2026 had ended


def _late(email: str, kind: str, unit: str | None = None, role: str = "viewer") -> int:
    """A new member who subscribes after the period ended (created_at as on 2 January)."""
    add_user(email, PASSWORD, "demo", role=role)
    subscription_id = subscriptions.subscribe("demo", email, kind, unit).id
    _created(subscription_id, AFTER_THE_YEAR)
    return subscription_id


def _created(subscription_id: int, when: datetime) -> None:
    with unit_of_work() as session:
        session.get(ReportSubscription, subscription_id).created_at = when


def _deliveries() -> int:
    db.session.rollback()
    return db.session.query(ReportDelivery).count()


def test_a_late_subscriber_gets_the_built_report_once(app, subscribed, smtp_inbox):
    assert len(period_reports.send_due(NEW_YEAR)) == 3
    assert len(smtp_inbox.messages) == 3 and _deliveries() == 3
    raad = _late("raad@example.nl", "year")

    assert late_reports.deliver_late(raad, NEW_YEAR) == late_reports.SENT
    mails = _mails(smtp_inbox)
    subject, text, name = mails["raad@example.nl"]
    assert subject == "Gemeente Voorbeeld: rapport klanttevredenheid 2026"
    assert name == "kto-demo-2026-nl.pdf" and "Trend: per maand" in text
    assert len(smtp_inbox.messages) == 4

    # Never twice: the task again, the subscription removed and added again, the 06:30 job
    # and the catch-up afterwards.
    assert late_reports.deliver_late(raad, NEW_YEAR) == late_reports.NOTHING
    assert subscriptions.unsubscribe("demo", "raad@example.nl", "year") == 1
    again = subscriptions.subscribe("demo", "raad@example.nl", "year").id
    _created(again, AFTER_THE_YEAR)
    assert late_reports.deliver_late(again, NEW_YEAR) == late_reports.NOTHING
    assert period_reports.send_due(NEW_YEAR) == []
    assert period_reports.catch_up(NEW_YEAR) == []
    assert len(smtp_inbox.messages) == 4
    db.session.rollback()
    year = db.session.query(PeriodReport).filter_by(kind="year").one()
    delivered = db.session.query(ReportDelivery).filter_by(report_key=f"run:{year.id}").all()
    assert sorted((d.origin, d.sent_at is not None) for d in delivered) == [
        ("late", True), ("schedule", True)
    ]


def test_a_late_unit_subscriber_gets_the_units_report(app, subscribed, smtp_inbox):
    period_reports.send_due(NEW_YEAR)
    chef = _late("chef@example.nl", "quarter", "burgerzaken")
    assert late_reports.deliver_late(chef, NEW_YEAR) == late_reports.SENT
    subject, text, name = _mails(smtp_inbox)["chef@example.nl"]
    assert subject == "Gemeente Voorbeeld · Burgerzaken: rapport klanttevredenheid K4 2026"
    assert "n = 15" in text  # the unit's own responses


def test_two_workers_send_a_late_report_once(app, subscribed, smtp_inbox):
    period_reports.send_due(NEW_YEAR)
    raad = _late("raad@example.nl", "quarter")
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker():
        try:
            with app.app_context():
                start.wait()
                outcomes.append(late_reports.deliver_late(raad, NEW_YEAR))
                db.session.remove()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert sorted(outcomes) == [late_reports.NOTHING, late_reports.SENT]
    assert [to for to, _ in smtp_inbox.messages].count(["raad@example.nl"]) == 1
    assert len(smtp_inbox.messages) == 4


def test_nothing_is_sent_before_the_report_is_built_then_the_schedule_sends_it(
    app, subscribed, smtp_inbox
):
    raad = _late("raad@example.nl", "quarter")
    assert late_reports.deliver_late(raad, NEW_YEAR) == late_reports.NOTHING
    assert len(smtp_inbox.messages) == 0
    assert db.session.query(PeriodReport).count() == 0  # nothing was built for it
    # The 06:30 job builds Q4 (kwaliteit subscribed before it ended) and sends it to both.
    sent = {tuple(o.key.split(":")[2:5:2]): o.sent_to for o in period_reports.send_due(NEW_YEAR)}
    assert sent[("quarter", "all")] == 2
    assert {"kwaliteit@example.nl", "raad@example.nl"} <= set(_mails(smtp_inbox))
    assert late_reports.deliver_late(raad, NEW_YEAR) == late_reports.NOTHING
    assert len(smtp_inbox.messages) == 3


def test_a_report_being_built_is_looked_at_again(app, subscribed, smtp_inbox):
    period = period_reports.last_complete("quarter", NEW_YEAR)
    assert period_reports.claim_scheduled(_org_id(), "quarter", period, None, "nl",
                                          datetime.now(UTC))
    raad = _late("raad@example.nl", "quarter")
    assert late_reports.deliver_late(raad, NEW_YEAR) == late_reports.WAIT
    assert len(smtp_inbox.messages) == 0


def test_no_late_report_after_leaving_or_unsubscribing(app, subscribed, smtp_inbox):
    period_reports.send_due(NEW_YEAR)
    raad = _late("raad@example.nl", "year")
    assert subscriptions.unsubscribe("demo", "raad@example.nl", "year") == 1
    assert late_reports.deliver_late(raad, NEW_YEAR) == late_reports.NOTHING
    assert len(smtp_inbox.messages) == 3


def _comment_words() -> str:
    report = db.session.query(reports.Report).one()
    words = " ".join(reports.stored_data(report).comments[0].text.split()).split()[:3]
    return " ".join(words)


def test_monthly_report_late_and_without_comments_for_a_viewer(app, subscribed, smtp_inbox):
    subscriptions.subscribe("demo", "kwaliteit@example.nl", "month")  # an analyst
    assert [o.sent_to for o in reports.build_and_send_all(date(2026, 11, 5))] == [1]
    words = _comment_words()
    assert words in _mails(smtp_inbox)["kwaliteit@example.nl"][1]

    add_user("lezer@example.nl", PASSWORD, "demo")  # a viewer; comments are not allowed
    lezer = subscriptions.subscribe("demo", "lezer@example.nl", "month").id
    assert late_reports.deliver_late(lezer, date(2026, 11, 5)) == late_reports.SENT
    subject, text, name = _mails(smtp_inbox)["lezer@example.nl"]
    assert name == "kto-demo-2026-10-nl.pdf" and "oktober 2026" in subject
    assert "Gemeente Voorbeeld" in text and words not in text

    # An organisation that lets viewers read comments: a viewer's PDF has them.
    with unit_of_work() as session:
        session.query(Organisation).filter_by(slug="demo").one().viewers_see_comments = True
    add_user("lezer2@example.nl", PASSWORD, "demo")
    lezer2 = subscriptions.subscribe("demo", "lezer2@example.nl", "month").id
    assert late_reports.deliver_late(lezer2, date(2026, 11, 5)) == late_reports.SENT
    assert words in _mails(smtp_inbox)["lezer2@example.nl"][1]
    # The monthly job again, and the catch-up: nobody gets it twice.
    assert [o.sent_to for o in reports.build_and_send_all(date(2026, 11, 5))] == [0]
    reports.catch_up(date(2026, 11, 5))
    assert len(smtp_inbox.messages) == 3


def test_the_monthly_job_sends_viewers_a_pdf_without_comments(app, subscribed, smtp_inbox):
    subscriptions.subscribe("demo", "kwaliteit@example.nl", "month")
    subscriptions.subscribe("demo", "griffie@example.nl", "month")  # a viewer
    assert [o.sent_to for o in reports.build_and_send_all(date(2026, 11, 5))] == [2]
    words = _comment_words()
    mails = _mails(smtp_inbox)
    assert words in mails["kwaliteit@example.nl"][1]
    assert words not in mails["griffie@example.nl"][1]
    assert len(smtp_inbox.messages) == 2  # one e-mail with comments, one without


def test_mail_not_configured_leaves_no_claim(app, subscribed, monkeypatch):
    period_reports.send_due(NEW_YEAR)  # no mail server: built, not sent
    raad = _late("raad@example.nl", "year")
    assert late_reports.deliver_late(raad, NEW_YEAR) == late_reports.NOT_SENT
    assert _deliveries() == 0  # a later try may still send it
