"""All tables, importable from one place."""

from survey.models.device import Device, Invitation
from survey.models.organisation import ApiKey, Location, Organisation, Topic, Unit
from survey.models.reporting import ContactVolume, Report, ReportJob, ReportTarget
from survey.models.response import Answer, Response
from survey.models.survey import Survey, SurveyVersion, WidgetRateChange
from survey.models.system import WorkerHeartbeat
from survey.models.user import User

__all__ = [
    "Answer",
    "ApiKey",
    "ContactVolume",
    "Device",
    "Invitation",
    "Location",
    "Organisation",
    "Report",
    "ReportJob",
    "ReportTarget",
    "Response",
    "Survey",
    "SurveyVersion",
    "Topic",
    "Unit",
    "User",
    "WidgetRateChange",
    "WorkerHeartbeat",
]
