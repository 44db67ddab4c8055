"""The boundaries form: the rules the week keeps, as fields (empty turns a rule off)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.model import Boundaries
from planner_widgets.forms import Field, FormScreen, Values

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


def open_boundaries_form(app: PlannerApp) -> None:
    def submit(values: Values) -> str | None:
        def work() -> str:
            app.store.set_boundaries(app.store.boundaries().updated(dict(values)))
            return "Boundaries saved."

        return app.attempt(work)

    app.push_screen(FormScreen("Boundaries", boundaries_fields(app.store.boundaries()), submit))


def boundaries_fields(rules: Boundaries) -> list[Field]:
    shown = rules.to_doc()

    def text(key: str) -> str:
        value = shown[key]
        if value is None:
            return ""
        if isinstance(value, list):
            return ",".join(value)
        return f"{value:g}" if isinstance(value, float) else str(value)

    return [
        Field("max_week", "Max h/week", text("max_week"), "e.g. 45 (empty: off)"),
        Field("max_day", "Max h/day", text("max_day"), "e.g. 10"),
        Field("outbound_share", "Outbound %", text("outbound_share"), "target share, e.g. 30"),
        Field("tolerance", "± points", text("tolerance"), "e.g. 10"),
        Field("outbound_cap", "Outbound cap h", text("outbound_cap"), "all clients, per week"),
        Field("protect_windows", "Keep outbound work out of job windows", rules.protect_windows),
        Field("days_off", "Days off", text("days_off"), "e.g. sat,sun"),
        Field("latest", "Latest finish", text("latest"), "HH:MM"),
        Field("min_rest", "Min rest h", text("min_rest"), "between working days"),
        Field("max_stretch", "Max stretch h", text("max_stretch"), "without a 15-min break"),
        Field("concentration", "One client %", text("concentration"), "of 4 weeks' outbound hours"),
        Field("concentration_min", "…once out h ≥", text("concentration_min"), "4 weeks' outbound hours, e.g. 10"),
        Field("deadline_near", "Deadline near", text("deadline_near"), "days before a deadline (empty: off)"),
        Field("timer_limit", "Timer forgotten h", text("timer_limit"), "a timer running longer (empty: off)"),
        Field("concentration_basis", "Concentration by", text("concentration_basis"), "hours or income"),
        Field("concentration_months", "…income months", text("concentration_months"), "months back, e.g. 3"),
        Field("min_rate", "Min rate/h", text("min_rate"), "effective, base currency (empty: off)"),
        Field("task_stale", "Task stale days", text("task_stale"), "no update on a delegated task (empty: off)"),
    ]
