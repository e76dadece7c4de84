"""The one error type the domain raises for input that does not fit a survey."""


class ValidationError(Exception):
    """Input rejected by the domain: a machine code, a human message and the field at fault."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
