"""Fixtures of the administration tests (defined in tests/admin/fixtures.py, which the browser
tests use too)."""

from tests.admin.fixtures import quick_hashes, staff  # noqa: F401
