"""Opening hours per weekday: parsing the form's text, checks, and whether a place is open."""

from datetime import datetime

import pytest

from survey.domain import ValidationError
from survey.domain.opening_hours import check_hours, day_text, is_open, opening_minutes, parse_day


def test_parse_day_orders_and_formats():
    assert parse_day("13:00-17:00, 8:30 - 12:00", "mon") == [["08:30", "12:00"], ["13:00", "17:00"]]
    assert parse_day("", "sun") == []
    assert day_text({"mon": parse_day("08:30-12:00,13:00-24:00", "mon")}, "mon") == (
        "08:30-12:00, 13:00-24:00"
    )


@pytest.mark.parametrize(
    "text",
    ["8-12", "08:00-25:00", "12:00-08:00", "08:00-12:00,11:00-13:00", "08:60-09:00", "x",
     "1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-10:00"],
)
def test_bad_days_are_refused_with_the_day_as_field(text):
    with pytest.raises(ValidationError) as error:
        parse_day(text, "wed")
    assert error.value.field == "wed"


def test_week_and_is_open():
    week = check_hours({"mon": [["08:30", "12:00"], ["13:00", "17:00"]], "sat": []})
    assert week == {"mon": [["08:30", "12:00"], ["13:00", "17:00"]]}
    monday = datetime(2026, 12, 7)
    assert is_open(week, monday.replace(hour=8, minute=30))
    assert not is_open(week, monday.replace(hour=12, minute=30))
    assert not is_open(week, monday.replace(hour=17))
    assert not is_open(week, datetime(2026, 12, 8, 10))  # Tuesday: closed
    assert opening_minutes(week, "mon") == 7 * 60 + 30
    with pytest.raises(ValidationError):
        check_hours({"maandag": []})
