"""The week's warnings (`!`): every one, most severe first; enter takes the board's cursor to what causes it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from planner.schedule import week_label
from planner_widgets import theme
from planner_widgets.forms import TableScreen

if TYPE_CHECKING:
    from planner.balance import Finding
    from planner_widgets.app import PlannerApp


class WarningsScreen(TableScreen):
    COMPONENT_CLASSES = theme.COMPONENT_CLASSES
    BINDINGS = [Binding("enter,g", "go", "Go to it")]
    ENTER_ACTION = "go"

    def __init__(self, app: PlannerApp) -> None:
        super().__init__(
            f"Warnings of {week_label(app.monday)}",
            ["severity", "rule", "on", "what"],
            lambda: warning_rows(app.findings, theme.roles(self)),
            "enter goes to the block or day that causes it · escape close",
            app.week_changed,
            wrap="what",
        )
        self.planner = app

    def action_go(self) -> None:
        key = self.selected()
        if key is None:
            return
        app = self.planner
        finding = app.findings[int(key)] if int(key) < len(app.findings) else None
        if finding is None:
            return
        place = where(app, finding)
        self.dismiss(None)
        if place is None:
            app.notify("This warning is about the whole week.", timeout=3)
            return
        day_index, minute, lane = place
        app.board.place_cursor(day_index, minute, lane)


def warning_rows(findings: list[Finding], styles: Mapping[str, Style]) -> list[tuple[str, list[object]]]:
    """One row a warning, in the check's order (breaches first); the key is its place in that order."""
    return [
        (
            str(index),
            [
                Text(finding.severity, style=styles.get(finding.severity, "")),
                finding.code,
                finding.basis,
                finding.message,
            ],
        )
        for index, finding in enumerate(findings)
    ]


def where(app: PlannerApp, finding: Finding) -> tuple[int, int, str | None] | None:
    """(day index, minute, lane) of the first block a warning names, else of the day it is about; None for a
    warning about the whole week."""
    week = app.week_data
    if week is None:
        return None
    for block in week.blocks:
        if block.key in finding.block_ids:
            return (block.day - week.monday).days, block.start, week.kind_of(block.engagement_id)
    day = _day_of(finding)
    if day is not None and week.monday <= day <= week.monday + timedelta(days=6):
        return (day - week.monday).days, app.board.cursor_minute, None
    return None


def _day_of(finding: Finding) -> date | None:
    for text in (str(finding.numbers.get("date", "")), finding.subject):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            continue
    return None
