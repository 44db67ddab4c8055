"""The week's logs (`g`): a list to edit, delete and add entries; and the log form both it and the board open."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from planner.hours import clock_hours
from planner.model import LogEntry
from planner.schedule import to_local, week_label
from planner.text import printable
from planner_widgets.form_log import log_fields, log_from
from planner_widgets.forms import FormScreen, TableScreen, Values

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


def open_log_form(app: PlannerApp, entry: LogEntry | None, engagement: str, start: datetime, end: datetime) -> None:
    """The log form: a new entry (entry None, or one prefilled from a block with id 0) or an edit of a stored one."""
    editing = entry is not None and entry.id != 0

    def submit(values: Values) -> str | None:
        def work() -> str:
            moment = app.clock()
            made = log_from(app.store, values, entry, moment)
            if editing:
                assert entry is not None
                return app.edits.edit_log(entry, made, moment)
            return app.edits.log_time(made, moment)

        return app.attempt(work)

    fields = log_fields(app.engagement_names(), entry, engagement, start, end)
    app.push_screen(FormScreen("Edit log" if editing else "Log time", fields, submit))


class LogsScreen(TableScreen):
    BINDINGS = [
        Binding("e,enter", "edit", "Edit"),
        Binding("d,delete", "delete", "Delete"),
        Binding("a", "add", "Add"),
    ]

    ENTER_ACTION = "edit"

    def __init__(self, app: PlannerApp) -> None:
        super().__init__(
            f"Logs of {week_label(app.monday)}",
            ["id", "day", "time", "hours", "engagement", "note", "tags", "billable"],
            lambda: week_log_rows(app),
            "e edit · d delete · a add · escape close",
            app.week_changed,
        )
        self.planner = app

    def action_edit(self) -> None:
        key = self.selected()
        if key is None:
            return
        app = self.planner
        try:
            entry = app.store.log(int(key))
        except Exception as error:  # a PlannerError: the entry is gone meanwhile
            app.notify(str(error), severity="error")
            return
        if entry.running or entry.end is None:
            app.notify("The timer is running; stop it with s before editing its times.", severity="warning")
            return
        open_log_form(app, entry, app.store.engagement_by_id(entry.engagement_id).name, entry.start, entry.end)

    def action_delete(self) -> None:
        key = self.selected()
        if key is not None:
            self.planner.attempt(lambda: self.planner.edits.delete_log(int(key)))

    def action_add(self) -> None:
        self.planner.board_screen.action_log_time()


def week_log_rows(app: PlannerApp) -> list[tuple[str, list[object]]]:
    week = app.week_data
    if week is None:
        return []
    rows: list[tuple[str, list[object]]] = []
    for entry in week.logs:
        engagement = week.engagements.get(entry.engagement_id)
        start = to_local(entry.start)
        end = "running" if entry.end is None else f"{to_local(entry.end):%H:%M}"
        name = Text(
            printable(engagement.name) if engagement else "?", style=(engagement.colour or "") if engagement else ""
        )
        rows.append(
            (
                str(entry.id),
                [
                    entry.id,
                    f"{start:%a %d}",
                    f"{start:%H:%M}-{end}",
                    clock_hours(entry.seconds(week.now)),
                    name,
                    entry.note,
                    ", ".join(entry.tags),
                    "yes" if entry.billable else "no",
                ],
            )
        )
    return rows
