"""All tables, importable from one place."""

from survey.models.device import Device, Invitation
from survey.models.organisation import ApiKey, Location, Organisation, Topic, Unit
from survey.models.response import Answer, Response
from survey.models.survey import Survey, SurveyVersion
from survey.models.system import WorkerHeartbeat

__all__ = [
    "Answer",
    "ApiKey",
    "Device",
    "Invitation",
    "Location",
    "Organisation",
    "Response",
    "Survey",
    "SurveyVersion",
    "Topic",
    "Unit",
    "WorkerHeartbeat",
]
