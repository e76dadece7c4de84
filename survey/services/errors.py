"""Errors services raise besides the domain's ValidationError."""


class Conflict(Exception):
    """The request clashes with what is stored (e.g. a reused response id)."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Forbidden(Exception):
    """The caller is known but may not do this."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
