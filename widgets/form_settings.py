"""The settings form: the board's time axis and row length, your name and e-mail for timesheets and exports, and the
task of an untagged Clockify or Harvest row, and the reminders (minutes ahead, quiet hours, each kind on or off).
The theme is the palette's "Change theme".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.errors import ValidationError
from planner.model import DEFAULT_CURRENCY, DEFAULT_TASK, BoardSettings, checked_settings
from planner.remind import KINDS, ReminderSettings, checked_reminder_settings
from planner.schedule import format_clock
from planner_widgets.forms import Field, FormScreen, Values

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


def open_settings_form(app: PlannerApp) -> None:
    """The settings form; saved settings take effect on the board at once (its axis and row length)."""

    def submit(values: Values) -> str | None:
        def work() -> str:
            stored = app.store.settings()
            changes = checked_settings(stored, typed(values))
            switches = [f"{kind}={'off' if values.get(f'remind_{kind}') is False else 'on'}" for kind in KINDS]
            changes.update(
                checked_reminder_settings(
                    stored, str(values["remind_before"]).strip() or "5", str(values["quiet_hours"]), switches
                )
            )
            app.store.set_settings(**changes)  # one write, once every value is checked
            app.settings = app.store.settings()
            app.board.set_axis(BoardSettings.from_settings(app.settings))
            return "Settings saved."

        return app.attempt(work)

    app.push_screen(FormScreen("Settings", settings_fields(app.store.settings()), submit))


def settings_fields(stored: dict) -> list[Field]:
    axis = BoardSettings.from_settings(stored)
    reminders = ReminderSettings.from_settings(stored)
    shown = reminders.shown()
    return [
        Field("day_start", "Day starts", format_clock(axis.day_start), "HH:MM, where the axis starts"),
        Field("day_end", "Day ends", format_clock(axis.day_end), "HH:MM (24:00 for midnight)"),
        Field("slot", "Minutes a row", str(axis.slot), "10, 15, 20, 30 or 60"),
        Field("name", "Your name", stored.get("name", ""), "on timesheets and exports"),
        Field("email", "E-mail", stored.get("email", ""), "on timesheets and exports"),
        Field("task", "Default task", stored.get("task", ""), f"untagged rows' task (empty: {DEFAULT_TASK})"),
        Field("currency", "Base currency", stored.get("currency") or DEFAULT_CURRENCY, "income totals, e.g. EUR"),
        Field("remind_before", "Remind min", str(reminders.before), "minutes before a block starts"),
        Field("quiet_hours", "Quiet hours", shown["quiet_hours"] or "", "e.g. 21:00-08:00 (empty: none)"),
        *(Field(f"remind_{kind}", f"Remind: {kind}", kind not in reminders.off) for kind in KINDS),
    ]


def typed(values: Values) -> dict[str, str | None]:
    """The form's values as `planner.model.checked_settings` reads them. The axis fields cannot be left empty (on
    the command line, leaving one out keeps it; a form shows every value, so an empty one is a mistake)."""
    for key, example in (("day_start", "07:00"), ("day_end", "21:00"), ("slot", "30")):
        if not str(values.get(key, "")).strip():
            raise ValidationError(f"--{key.replace('_', '-')} cannot be empty; give one, e.g. {example}")
    return {key: str(value) for key, value in values.items() if key in ("day_start", "day_end", "slot", "name", "email",
                                                                        "task", "currency")}  # fmt: skip
