"""The administration tests' staff fixture, for the alert and privacy pages."""

from tests.admin.fixtures import quick_hashes, staff  # noqa: F401
