"""Creating and enrolling kiosk devices in tests."""

from __future__ import annotations

from survey.services import kiosks


def enrolled_device(settings: dict | None = None, location: str = "stadhuis") -> tuple[int, str]:
    """A device for demo/balie at a location, enrolled; returns its id and secret."""
    device = kiosks.create_device("demo", location, "balie", settings=settings)
    return device.id, kiosks.enrol(device.token)
