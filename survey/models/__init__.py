"""All tables, importable from one place."""

from survey.models.alerts import AlertEvent, AlertRule, KioskReading
from survey.models.audit import AuditEntry
from survey.models.callback import CallbackCase, CallbackNote, CallbackRequest
from survey.models.comparison import ComparisonGroup, ComparisonMember
from survey.models.device import Device
from survey.models.invitation import Contact, Delivery, Invitation, InvitationRule, OptOut
from survey.models.membership import Membership
from survey.models.organisation import ApiKey, Location, Organisation, Topic, Unit
from survey.models.period_report import (
    PeriodReport,
    ReportDelivery,
    ReportSubscription,
    StoredMonthCells,
)
from survey.models.privacy import RetentionRun
from survey.models.reporting import ContactVolume, Report, ReportJob, ReportTarget
from survey.models.response import Answer, Response
from survey.models.survey import Survey, SurveyVersion, WidgetRateChange
from survey.models.system import WorkerHeartbeat
from survey.models.user import PasswordToken, User
from survey.models.whatsapp import (
    WhatsAppAccount,
    WhatsAppConversation,
    WhatsAppEvent,
    WhatsAppMessage,
)

__all__ = [
    "AlertEvent",
    "AlertRule",
    "KioskReading",
    "RetentionRun",
    "Answer",
    "AuditEntry",
    "CallbackCase",
    "CallbackNote",
    "CallbackRequest",
    "ApiKey",
    "Contact",
    "ComparisonGroup",
    "ComparisonMember",
    "ContactVolume",
    "Delivery",
    "Device",
    "Invitation",
    "InvitationRule",
    "Location",
    "OptOut",
    "Membership",
    "Organisation",
    "PasswordToken",
    "PeriodReport",
    "Report",
    "ReportJob",
    "ReportDelivery",
    "ReportSubscription",
    "ReportTarget",
    "Response",
    "Survey",
    "StoredMonthCells",
    "SurveyVersion",
    "Topic",
    "Unit",
    "User",
    "WhatsAppAccount",
    "WhatsAppConversation",
    "WhatsAppEvent",
    "WhatsAppMessage",
    "WidgetRateChange",
    "WorkerHeartbeat",
]
