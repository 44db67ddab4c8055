"""The settings form: the board's time axis and row length, your name and e-mail for timesheets and exports, and the
task of an untagged Clockify or Harvest row. The theme is the palette's "Change theme"."""

from __future__ import annotations

from planner.model import DEFAULT_TASK, BoardSettings
from planner.schedule import format_clock
from planner_widgets.forms import Field, Values


def settings_fields(stored: dict) -> list[Field]:
    axis = BoardSettings.from_settings(stored)
    return [
        Field("day_start", "Day starts", format_clock(axis.day_start), "HH:MM, where the axis starts"),
        Field("day_end", "Day ends", format_clock(axis.day_end), "HH:MM (24:00 for midnight)"),
        Field("slot", "Minutes a row", str(axis.slot), "10, 15, 20, 30 or 60"),
        Field("name", "Your name", stored.get("name", ""), "on timesheets and exports"),
        Field("email", "E-mail", stored.get("email", ""), "on timesheets and exports"),
        Field("task", "Default task", stored.get("task", ""), f"untagged rows' task (empty: {DEFAULT_TASK})"),
    ]


def typed(values: Values) -> dict[str, str | None]:
    """The form's values as `planner.model.checked_settings` reads them."""
    return {key: str(value) for key, value in values.items()}
