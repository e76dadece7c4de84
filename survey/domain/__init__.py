"""Pure survey domain: question kinds, the question flow (show-if, next question, replies),
answer validation, satisfied rules.

Imports nothing but the standard library, so every rule here is testable without an app.
"""

from survey.domain.channels import CONTACT_CHANNELS, SURVEY_MODES
from survey.domain.definition import Option, Question, SatisfiedRule, SurveyDefinition
from survey.domain.errors import ValidationError
from survey.domain.validation import validate_answers

__all__ = [
    "CONTACT_CHANNELS",
    "SURVEY_MODES",
    "Option",
    "Question",
    "SatisfiedRule",
    "SurveyDefinition",
    "ValidationError",
    "validate_answers",
]
