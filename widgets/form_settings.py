"""The settings form: the board's time axis and row length, your name and e-mail for timesheets and exports, and the
task of an untagged Clockify or Harvest row. The theme is the palette's "Change theme"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.errors import ValidationError
from planner.model import DEFAULT_TASK, BoardSettings, checked_settings
from planner.schedule import format_clock
from planner_widgets.forms import Field, FormScreen, Values

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


def open_settings_form(app: PlannerApp) -> None:
    """The settings form; saved settings take effect on the board at once (its axis and row length)."""

    def submit(values: Values) -> str | None:
        def work() -> str:
            app.store.set_settings(**checked_settings(app.store.settings(), typed(values)))
            app.settings = app.store.settings()
            app.board.set_axis(BoardSettings.from_settings(app.settings))
            return "Settings saved."

        return app.attempt(work)

    app.push_screen(FormScreen("Settings", settings_fields(app.store.settings()), submit))


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
    """The form's values as `planner.model.checked_settings` reads them. The axis fields cannot be left empty (on
    the command line, leaving one out keeps it; a form shows every value, so an empty one is a mistake)."""
    for key, example in (("day_start", "07:00"), ("day_end", "21:00"), ("slot", "30")):
        if not str(values.get(key, "")).strip():
            raise ValidationError(f"--{key.replace('_', '-')} cannot be empty; give one, e.g. {example}")
    return {key: str(value) for key, value in values.items()}
