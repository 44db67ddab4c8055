"""The block form: its fields, and its values read back into a Block."""

from __future__ import annotations

from datetime import date

from planner.model import Block
from planner.schedule import format_clock, parse_clock, parse_date, series_rule
from planner.store import Store
from planner_widgets.forms import Field, Values


def block_fields(
    names: list[str], block: Block | None, engagement: str, day: date, start: int, end: int
) -> list[Field]:
    return [
        Field("engagement", "Engagement", engagement, "job or client", names),
        Field("title", "Title", block.title if block else ""),
        Field("day", "Day", day.isoformat(), "YYYY-MM-DD"),
        Field("start", "Start", format_clock(start), "HH:MM"),
        Field("end", "End", format_clock(end), "HH:MM"),
        Field("repeat", "Repeat", (block.repeat or "") if block else "", "e.g. FREQ=WEEKLY;BYDAY=MO,WE"),
        Field("notes", "Notes", block.notes if block else ""),
    ]


def block_from(store: Store, values: Values, base: Block | None) -> Block:
    """The block the form describes (checked); a series starts on its first occurrence."""
    engagement = store.engagement(str(values["engagement"]))
    day = parse_date(str(values["day"]))
    start = parse_clock(str(values["start"]))
    repeat = str(values["repeat"]).strip()
    rule = None
    if repeat:
        rule, day = series_rule(repeat, day, start)
    return Block(
        id=base.id if base else 0,
        engagement_id=engagement.id,
        day=day,
        start=start,
        end=parse_clock(str(values["end"]), allow_midnight_end=True),
        title=str(values["title"]).strip(),
        notes=str(values["notes"]).strip(),
        repeat=rule,
        exdates=list(base.exdates) if base and base.repeat and repeat else [],
    ).validate()
