"""The export form: format, range, engagement, file and raw; checked into an `ExportRequest` before anything runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planner.errors import ValidationError
from planner.exports import CSV_FORMATS, FORMATS, export_format, export_path
from planner.schedule import parse_range, week_label
from planner.store import Store
from planner_widgets.forms import Field, Values


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    first: date
    last: date
    names: list[str]
    raw: bool
    path: Path


def export_fields(names: list[str], monday: date, fmt: str = "csv") -> list[Field]:
    label = week_label(monday)
    return [
        Field("format", "Format", fmt, " ".join(FORMATS), FORMATS),
        Field("range", "Range", "week", f"week month year · {label} · 2026-11 · 2026 · D..D"),
        Field("engagement", "Engagement", "", "empty: every job and client", names),
        Field("file", "File", "", "empty: timesheet-<range>.<format> here"),
        Field("raw", "Raw, for a service's importer", False),
    ]


def export_request(store: Store, values: Values, monday: date) -> ExportRequest:
    """The export the form asks for, checked (a clear reason when it cannot run)."""
    fmt = export_format(str(values["format"]))
    first, last = parse_range(str(values["range"]), monday)
    name = str(values["engagement"]).strip()
    names = [store.engagement(name).name] if name else []
    raw = bool(values.get("raw", False))
    if raw and fmt not in CSV_FORMATS:
        raise ValidationError(f"raw goes with a CSV format ({', '.join(CSV_FORMATS)}); {fmt} has no formula guard")
    path = export_path(fmt, first, last, names, str(values["file"]), Path.cwd())
    return ExportRequest(fmt, first, last, names, raw, path)
