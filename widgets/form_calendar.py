"""The calendar form: an .ics file into an engagement's blocks (the board's `planner import ics`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planner.calendar_in import DEFAULT_AHEAD, DEFAULT_BACK, calendar_range, import_calendar, sync_summary
from planner.errors import ValidationError
from planner.store import Store
from planner_widgets.forms import Field, Values


def calendar_fields(names: list[str], job: str, today: date) -> list[Field]:
    return [
        Field("file", "Calendar file", "", "an .ics export or downloaded subscription"),
        Field("engagement", "Engagement", job, "job or client", names),
        Field("first", "From", (today - DEFAULT_BACK).isoformat(), "YYYY-MM-DD"),
        Field("last", "To", (today + DEFAULT_AHEAD).isoformat(), "YYYY-MM-DD"),
        Field("all_day", "All-day events as days off", False),
    ]


def import_from(store: Store, values: Values, today: date) -> str:
    given = str(values["file"]).strip()
    if not given:
        raise ValidationError("give the calendar file, e.g. ~/Downloads/calendar.ics")
    first, last = calendar_range(str(values["first"]).strip(), str(values["last"]).strip(), today)
    all_day = "off" if values["all_day"] else "skip"
    name = str(values["engagement"]).strip()
    read, sync = import_calendar(store, Path(given).expanduser(), name, first, last, all_day=all_day)
    assert sync is not None
    skipped = sum(read.skipped.values())
    return sync_summary(sync, name, first, last) + (f" {skipped} events left out." if skipped else "")
