"""The top line: which week is on the board, and the running timer ticking every second."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from planner.hours import clock_hours
from planner.model import Engagement, LogEntry
from planner.schedule import to_local, week_label
from planner.text import printable
from planner.week import Week
from planner_widgets import theme


class WeekHeader(Widget):
    DEFAULT_CSS = """
    WeekHeader { height: 1; background: $panel; color: $text; }
    """
    COMPONENT_CLASSES = theme.COMPONENT_CLASSES

    week: reactive[Week | None] = reactive(None, layout=False)
    """The week on the board."""

    def __init__(self, clock: Callable[[], datetime], **kwargs) -> None:
        super().__init__(**kwargs)
        self._clock = clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def _timer(self) -> tuple[LogEntry, Engagement] | None:
        if self.week is None or self.week.running is None:
            return None
        engagement = self.week.engagements.get(self.week.running.engagement_id)
        return (self.week.running, engagement) if engagement else None

    def render(self) -> Text:
        text = Text()
        text.append(" planner ", style="bold reverse")  # only the name: a Text's own style would reverse the line
        if self.week is None:
            return text
        monday = self.week.monday
        sunday = monday + timedelta(days=6)
        span = (
            f"{monday:%d %b}–{sunday:%d %b %Y}"
            if monday.year == sunday.year
            else f"{monday:%d %b %Y}–{sunday:%d %b %Y}"
        )
        text.append(f" {week_label(monday)} ", style="bold")
        text.append(span)
        if self.week.locked:
            text.append("  🔒 locked", style=theme.role(self, "warn"))
        elif self.week.locked_ids:
            names = sorted(
                printable(self.week.engagements[engagement_id].name)
                for engagement_id in self.week.locked_ids
                if engagement_id in self.week.engagements
            )
            text.append(f"  🔒 {', '.join(names)}", style=theme.role(self, "warn"))
        timer = self._timer()
        if timer is None:
            right = Text("no timer ", style="dim")
        else:
            entry, engagement = timer
            elapsed = max(0.0, (self._clock() - entry.start).total_seconds())
            right = Text()
            right.append(" ● ", style=theme.role(self, "now"))
            right.append(f"{printable(engagement.name)} ", style=f"bold {engagement.colour or ''}".strip())
            right.append(clock_hours(elapsed, with_seconds=True), style="bold")
            right.append(f" since {to_local(entry.start):%H:%M} ")
        gap = max(1, self.size.width - text.cell_len - right.cell_len)
        text.append(" " * gap)
        text.append_text(right)
        return text
