"""The log form: its fields, and its values read back into a LogEntry."""

from __future__ import annotations

from datetime import datetime

from planner.model import LogEntry, check_new_tags
from planner.schedule import parse_moment, to_local
from planner.store import Store
from planner_widgets.forms import Field, Values


def log_fields(
    names: list[str], entry: LogEntry | None, engagement: str, start: datetime, end: datetime
) -> list[Field]:
    return [
        Field("engagement", "Engagement", engagement, "job or client", names),
        Field("start", "Start", f"{to_local(start):%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),
        Field("end", "End", f"{to_local(end):%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),
        Field("note", "Note", entry.note if entry else ""),
        Field("tags", "Tags", ", ".join(entry.tags) if entry else "", "comma-separated"),
        Field("billable", "Billable", entry.billable if entry else True),
    ]


def log_from(store: Store, values: Values, base: LogEntry | None, reference: datetime) -> LogEntry:
    """The entry the form describes (checked); `reference` is now, for times typed without a date."""
    engagement = store.engagement(str(values["engagement"]))
    tags = [tag for tag in str(values["tags"]).split(",") if tag.strip()]
    return LogEntry(
        id=base.id if base else 0,
        engagement_id=engagement.id,
        start=parse_moment(str(values["start"]), reference=reference),
        end=parse_moment(str(values["end"]), reference=reference),
        note=str(values["note"]).strip(),
        tags=check_new_tags(tags),
        billable=bool(values["billable"]),
        block_id=base.block_id if base else None,
    ).validate()
