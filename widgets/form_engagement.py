"""The job and client form: its fields (the terms in force on a day), and saving what the person changed."""

from __future__ import annotations

from datetime import date

from planner.model import (
    HOURLY,
    INBOUND,
    MODELS,
    ROUND_MODES,
    SALARY_PERIODS,
    Engagement,
    check_remind_before,
)
from planner.schedule import parse_date
from planner.store import Store
from planner_widgets.forms import Field, Values


def _text(value: object) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def engagement_fields(kind: str, current: Engagement | None, today: date) -> list[Field]:
    shown = None if current is None else current.terms_on(today)  # the terms in force today
    fields = [Field("name", "Name", shown.name if shown else "")]
    if kind == INBOUND:
        fields += [
            Field("hours", "Hours/week", _text(shown.hours) if shown else "", "e.g. 32"),
            Field("window", "Window", _text(shown.window) if shown else "", "mon-fri 09:00-17:00"),
            Field("start", "Overtime from", _text(shown.start) if shown else "", "YYYY-MM-DD (first entry)"),
            Field("salary", "Salary", _text(shown.salary) if shown else "", "empty: the rate is a wage"),
            Field("per", "Salary per", shown.per if shown else "month", "month year", SALARY_PERIODS),
        ]
    else:
        fields += [
            Field("cap", "Cap h/week", _text(shown.cap) if shown else ""),
            Field("budget", "Budget h", _text(shown.budget) if shown else ""),
            Field("deadline", "Deadline", _text(shown.deadline) if shown else "", "YYYY-MM-DD"),
            Field("one_off", "One-off task", shown.one_off if shown else False),
            Field("model", "Pricing", shown.model if shown else HOURLY, "hourly fixed retainer", MODELS),
            Field("fee", "Fee", _text(shown.fee) if shown else "", "fixed: the whole fee; retainer: a month's"),
            Field("covers", "Covers h/month", _text(shown.covers) if shown else "", "retainer: hours covered"),
            Field("overage", "Overage/hour", _text(shown.overage) if shown else "", "beyond them (empty: the rate)"),
            Field("carry", "Carry unused hours a month", shown.carry if shown else False),
            Field("done", "Done on", _text(shown.done) if shown else "", "YYYY-MM-DD: the fee is earned"),
        ]
    fields += [
        Field("rate", "Rate/hour", _text(shown.rate) if shown else ""),
        Field("currency", "Currency", _text(shown.currency) if shown else "", "EUR"),
        Field("round_minutes", "Round (min)", _text(shown.round_minutes) if shown else "1"),
        Field("round_mode", "Round mode", shown.round_mode if shown else "up", "up nearest down", ROUND_MODES),
        Field(
            "remind_before", "Remind min", _text(shown.remind_before) if shown else "", "before its blocks (setting)"
        ),
    ]
    if shown is not None:  # terms change from a date; earlier days keep theirs
        fields.append(Field("from", "Terms from", today.isoformat(), "YYYY-MM-DD"))
    return fields


def save_engagement(
    store: Store, kind: str, current: Engagement | None, values: Values, initial: Values, today: date
) -> str:
    """Add the engagement, or record only the terms the person changed, from the form's Terms from date."""
    changes: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, bool):
            changes[key] = value
        elif key in ("deadline", "start", "done"):
            changes[key] = parse_date(value) if value.strip() else None
        else:
            changes[key] = value.strip() or None
    if changes.get("remind_before") is not None:
        changes["remind_before"] = check_remind_before(changes["remind_before"])
    if changes.get("round_minutes") is None:
        changes["round_minutes"] = 1
    if changes.get("round_mode") is None:
        changes["round_mode"] = "up"
    if "model" in changes and changes["model"] is None:
        changes["model"] = HOURLY
    if "per" in changes and changes["per"] is None:
        changes["per"] = "month"
    if current is None:
        added = store.add_engagement(Engagement(id=0, kind=kind, **changes))  # type: ignore[arg-type]
        return f"Added {added.name}."
    given = changes.pop("from")
    start = parse_date(str(given)) if given else today
    # only what the person changed: a term left as shown must not become a change from another date
    changes = {key: value for key, value in changes.items() if values[key] != initial[key]}
    edit = store.edit_engagement(current.name, start, **changes)  # type: ignore[arg-type]
    if edit.start is None:
        return f"Updated {edit.engagement.name}."
    return f"Updated {edit.engagement.name}; its new terms apply from {edit.start.isoformat()} on."
