"""Jobs and clients (`E`): a list to add, edit, archive and restore, and the engagement form it opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from planner.errors import PlannerError
from planner.model import INBOUND, OUTBOUND, Engagement
from planner.schedule import to_local
from planner.text import printable
from planner_widgets.form_engagement import engagement_fields, save_engagement
from planner_widgets.forms import FormScreen, TableScreen, Values

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


class EngagementsScreen(TableScreen):
    BINDINGS = [
        Binding("j", "add_job", "Add job"),
        Binding("a", "add_client", "Add client"),
        Binding("e,enter", "edit", "Edit"),
        Binding("x", "archive", "Archive/restore"),
    ]

    ENTER_ACTION = "edit"

    def __init__(self, app: PlannerApp) -> None:
        super().__init__(
            "Jobs and clients",
            ["name", "side", "rate", "terms", ""],
            lambda: engagement_rows(app),
            "j add job · a add client · e edit · x archive/restore · escape close",
            app.week_changed,
        )
        self.planner = app

    def action_add_job(self) -> None:
        open_engagement_form(self.planner, INBOUND, None)

    def action_add_client(self) -> None:
        open_engagement_form(self.planner, OUTBOUND, None)

    def action_edit(self) -> None:
        key = self.selected()
        if key is None:
            return
        try:
            current = self.planner.store.engagement(key)
        except PlannerError as error:
            self.planner.notify(str(error), severity="error")
            return
        open_engagement_form(self.planner, current.kind, current)

    def action_archive(self) -> None:
        key = self.selected()
        if key is not None:
            self.planner.attempt(lambda: self.planner.edits.toggle_archived(key))


def open_engagement_form(app: PlannerApp, kind: str, current: Engagement | None) -> None:
    today = to_local(app.clock()).date()
    fields = engagement_fields(kind, current, today)
    initial = {field.key: field.value for field in fields}

    def submit(values: Values) -> str | None:
        return app.attempt(lambda: save_engagement(app.store, kind, current, values, initial, today))

    title = ("Edit " if current else "New ") + ("job" if kind == INBOUND else "client")
    app.push_screen(FormScreen(title, fields, submit))


def engagement_rows(app: PlannerApp) -> list[tuple[str, list[object]]]:
    rows: list[tuple[str, list[object]]] = []
    today = to_local(app.clock()).date()
    for e in (engagement.terms_on(today) for engagement in app.store.engagements()):  # the terms in force
        terms = (
            f"{e.hours:g} h/week {e.window or ''}"
            if e.inbound
            else " ".join(
                filter(
                    None,
                    [
                        f"cap {e.cap:g}" if e.cap is not None else "",
                        f"budget {e.budget:g}" if e.budget is not None else "",
                        f"due {e.deadline}" if e.deadline else "",
                        "one-off" if e.one_off else "",
                    ],
                )
            )
        )
        rate = "" if e.rate is None else f"{e.rate} {e.currency or 'EUR'}"
        name = Text(("■ " if e.inbound else "◆ ") + printable(e.name), style=e.colour or "")
        rows.append((e.name, [name, e.kind, rate, terms.strip(), "archived" if e.archived else ""]))
    return rows
