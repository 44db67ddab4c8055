"""Properties: parsers of user input fail only with planner's own one-line error; the store keeps entries exactly."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import importers
from planner.errors import PlannerError
from planner.exports import safe_cell
from planner.importers import parse_mapping
from planner.model import (
    OUTBOUND,
    Boundaries,
    Engagement,
    LogEntry,
    WorkWindow,
    check_currency,
    check_hours,
    check_rate,
    check_round,
    check_round_mode,
    check_tags,
)
from planner.schedule import (
    check_rrule,
    parse_clock,
    parse_date,
    parse_moment,
    parse_month,
    parse_range,
    parse_week,
    span_of_days,
    split_by_day,
)
from planner.store import Store

# Text that looks like what people type into these fields, plus arbitrary junk.
typed = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A[0-9:\- TWZ+a-z,;=]{0,30}\Z"),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}( \d{1,2}:\d{2})?\Z"),
    st.from_regex(r"\A(mon|tue|fri|sat)(-(thu|sun))? \d{2}:\d{2}-\d{2}:\d{2}\Z"),
    st.from_regex(r"\AFREQ=(DAILY|WEEKLY|HOURLY|[A-Z]{1,8})(;[A-Z]{2,8}=[A-Z0-9,\-]{0,12}){0,3}\Z"),
)

PARSERS = [
    parse_moment,
    parse_date,
    parse_clock,
    parse_week,
    parse_month,
    WorkWindow.parse,
    check_rate,
    check_round,
    lambda text: check_hours(text, "hours"),
    lambda text: check_rrule(text, datetime(2026, 11, 2).date()),
    lambda text: parse_range(text, datetime(2026, 11, 23).date()),
    check_round_mode,
    check_currency,
    lambda text: check_tags([text, "x"]),
    lambda text: Boundaries().updated({"max_week": text}),
    lambda text: Boundaries().updated({"outbound_share": text}),
    lambda text: Boundaries().updated({"days_off": text}),
    lambda text: Boundaries().updated({"latest": text}),
    lambda text: parse_mapping([text]),
    lambda text: importers._clock(text),
    lambda text: importers._date(text, us=True),
    lambda text: importers._FileOrder().read(  # a CSV row's date and time, read on the local clock
        importers.Record("row"), importers._wall(text[:10], text[10:]), importers._wall(text[:10], text[10:])
    ),
    lambda text: importers._timew_tags(text),
    safe_cell,
]


@pytest.mark.parametrize("parser", PARSERS)
@given(text=typed)
@settings(max_examples=300, deadline=None)
def test_parsers_raise_only_planner_errors(parser, text):
    try:
        parser(text)
    except PlannerError as error:
        message = str(error)
        assert message and "\n" not in message


instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)).map(
    lambda moment: moment.replace(microsecond=0)
)


@given(
    start=instants,
    length=st.integers(min_value=1, max_value=28 * 24 * 3600),
    note=st.text(max_size=30),
    tags=st.lists(
        st.text(alphabet=st.characters(categories=("L", "N", "Pd")), min_size=1, max_size=8), max_size=3, unique=True
    ),
    billable=st.booleans(),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_store_round_trips_any_valid_entry_exactly(start, length, note, tags, billable):
    with tempfile.TemporaryDirectory() as folder:
        store = Store(folder)
        client = store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND))
        entry = LogEntry(
            id=0,
            engagement_id=client.id,
            start=start,
            end=start + timedelta(seconds=length),
            note=note,
            tags=tags,
            billable=billable,
        )
        saved = store.add_log(entry)
        assert store.log(saved.id) == saved
        lo, hi = span_of_days(saved.start.date() - timedelta(days=1), saved.start.date() + timedelta(days=1))
        assert saved in store.logs(lo, hi)


@given(start=instants, length=st.integers(min_value=1, max_value=10 * 24 * 3600))
@settings(max_examples=200, deadline=None)
def test_day_split_adds_up_to_the_whole(start, length):
    end = start + timedelta(seconds=length)
    parts = split_by_day(start, end)
    assert sum(seconds for _, seconds in parts) == length
    assert all(seconds > 0 for _, seconds in parts)
