from datetime import UTC, date, datetime, timedelta

import pytest

from planner.errors import ValidationError
from planner.hours import clock_hours
from planner.schedule import (
    check_rrule,
    expand_rrule,
    localize,
    month_key,
    parse_clock,
    parse_date,
    parse_moment,
    parse_month,
    parse_week,
    shift_month_key,
    span_of_days,
    split_by_day,
    to_local,
    week_label,
)


def test_parse_moment_forms():
    assert parse_moment("2026-11-24 18:00") == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    assert parse_moment("09:30") == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)  # today, from the pinned clock
    assert parse_moment("yesterday 23:15") == datetime(2026, 11, 24, 22, 15, tzinfo=UTC)
    assert parse_moment("2026-11-24T18:00:00+00:00") == datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    assert parse_moment("2026-11-24T18:00Z") == datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["25:00", "2026-13-01 10:00", "tomorrow", "10.30", "", "2026-11-24 9:60"])
def test_parse_moment_refuses_with_a_clear_line(text):
    with pytest.raises(ValidationError) as error:
        parse_moment(text)
    assert "\n" not in str(error.value)


def test_nonexistent_wall_time_is_refused_and_ambiguous_one_takes_the_first():
    with pytest.raises(ValidationError, match="does not exist"):
        parse_moment("2026-03-29 02:30")  # Berlin springs forward 02:00 → 03:00
    first = parse_moment("2026-10-25 02:30")  # happens twice; the first is still summer time (+02:00)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_durations_are_real_elapsed_time_across_dst():
    autumn_day = span_of_days(date(2026, 10, 25), date(2026, 10, 25))
    spring_day = span_of_days(date(2026, 3, 29), date(2026, 3, 29))
    assert autumn_day[1] - autumn_day[0] == timedelta(hours=25)
    assert spring_day[1] - spring_day[0] == timedelta(hours=23)
    start, end = localize(date(2026, 10, 25), 60), localize(date(2026, 10, 25), 4 * 60)
    assert (end.astimezone(UTC) - start.astimezone(UTC)) == timedelta(hours=4)  # 01:00 → 04:00 on the long day


def test_split_by_day_over_midnight():
    start, end = parse_moment("2026-11-24 22:00"), parse_moment("2026-11-25 01:30")
    assert split_by_day(start, end) == [(date(2026, 11, 24), 7200.0), (date(2026, 11, 25), 5400.0)]


def test_weeks_and_months():
    assert parse_week("2026-W48") == date(2026, 11, 23)
    assert parse_week("2026-11-29") == date(2026, 11, 23)
    assert parse_week(None) == date(2026, 11, 23)
    assert week_label(date(2026, 11, 23)) == "2026-W48"
    assert week_label(date(2026, 12, 28)) == "2026-W53"
    assert parse_month("2026-02") == date(2026, 2, 1)
    with pytest.raises(ValidationError):
        parse_week("2026-W60")
    with pytest.raises(ValidationError):
        parse_month("2026-13")


def test_clock_and_dates():
    assert parse_clock("9:05") == 545
    assert parse_clock("24:00", allow_midnight_end=True) == 1440
    with pytest.raises(ValidationError):
        parse_clock("24:00")
    with pytest.raises(ValidationError):
        parse_date("2026-02-30")


def test_month_keys_are_utc():
    late_berlin_evening = parse_moment("2026-12-01 00:30")  # still 30 November in UTC
    assert month_key(late_berlin_evening) == "2026-11"
    assert shift_month_key("2026-01", -1) == "2025-12"
    assert shift_month_key("2026-12", 1) == "2027-01"


def test_rrule_expansion_and_validation():
    rule = check_rrule("RRULE:FREQ=WEEKLY;BYDAY=MO,WE", date(2026, 11, 2))
    assert rule == "FREQ=WEEKLY;BYDAY=MO,WE"
    days = expand_rrule(rule, date(2026, 11, 2), date(2026, 11, 23), date(2026, 11, 29))
    assert days == [date(2026, 11, 23), date(2026, 11, 25)]
    assert expand_rrule(rule, date(2026, 12, 1), date(2026, 11, 23), date(2026, 11, 29)) == []
    for bad in ("FREQ=SOMETIMES", "BYDAY=MO", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;COUNT=2;UNTIL=20261201"):
        with pytest.raises(ValidationError):
            check_rrule(bad, date(2026, 11, 2))


def test_clock_hours():
    assert clock_hours(5400) == "1:30"
    assert clock_hours(59) == "0:01"
    assert to_local(parse_moment("2026-07-01 12:00")).utcoffset() == timedelta(hours=2)


def _daily_scan(rule: str, first: date, start: int, end: int) -> str | None:
    """The plain reference: every day of the horizon, one by one."""
    from planner.schedule import SERIES_GAP_YEARS, check_wall_times, expand_rrule, localize

    day, horizon = first, first + timedelta(days=366 * SERIES_GAP_YEARS)
    while day <= horizon:
        before = localize(day, 0, strict=False).utcoffset()
        after = localize(day + timedelta(days=1), 0, strict=False).utcoffset()
        if after > before and expand_rrule(rule, first, day, day):
            try:
                check_wall_times(day, start, end)
            except ValidationError as error:
                return str(error)
        day += timedelta(days=1)
    return None


@pytest.mark.parametrize(
    "zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Africa/Casablanca", "America/Santiago"]
)
def test_the_weekly_series_scan_finds_what_a_daily_scan_finds(monkeypatch, zone):
    """The gap check reads the offset once a week and only the weeks where it grows day by day; in zones with
    half-hour changes (Lord Howe), two changes a year around Ramadan (Casablanca) and southern summers (Santiago)
    it refuses exactly the series a day-by-day scan refuses, naming the same occurrence."""
    from planner.schedule import check_series_wall_times

    monkeypatch.setenv("TZ", zone)
    for rule in ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=SU", "FREQ=WEEKLY;BYDAY=SA", "FREQ=MONTHLY;BYDAY=-1SU"):
        for start, end in (
            (0, 60),
            (2 * 60, 3 * 60),
            (2 * 60 + 15, 4 * 60),
            (1 * 60 + 45, 2 * 60 + 10),
            (9 * 60, 17 * 60),
        ):
            expected = _daily_scan(rule, date(2026, 1, 5), start, end)
            try:
                check_series_wall_times(rule, date(2026, 1, 5), start, end)
                found = None
            except ValidationError as error:
                found = str(error).removeprefix("the series would have an occurrence the clocks skip: ")
            assert found == expected, (rule, start, end)
