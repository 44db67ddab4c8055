"""The top line: which week is on the board, and the running timer ticking every second."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from planner.hours import clock_hours
from planner.model import Engagement, LogEntry
from planner.schedule import format_clock, to_local, week_label
from planner.text import printable
from planner.week import Week, block_interval
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
        middle = self._coming()
        room = self.size.width - text.cell_len - right.cell_len
        if middle.cell_len and room >= middle.cell_len + 4:  # shown only where it fits whole
            text.append("  ")
            text.append_text(middle)
            room -= middle.cell_len + 2
        text.append(" " * max(1, room))
        text.append_text(right)
        return text

    def _coming(self) -> Text:
        """The next planned block (from now, when this week is shown) and the nearest deadline."""
        week, moment = self.week, self._clock()
        text = Text()
        if week is None:
            return text
        lo, hi = week.span
        if lo <= moment < hi:
            ahead = [block for block in week.blocks if block_interval(block)[0] > moment]
            if ahead:
                block = min(ahead, key=lambda item: block_interval(item)[0])
                engagement = week.engagements.get(block.engagement_id)
                name = printable(engagement.name) if engagement else "?"
                when = f"{block.day:%a} " if block.day != to_local(moment).date() else ""
                text.append("next ", style="dim")
                text.append(f"{when}{format_clock(block.start)} {name}")
        today = to_local(moment).date()
        deadlines = [
            (engagement.deadline, engagement.name)
            for engagement in week.engagements.values()
            if engagement.deadline is not None and not engagement.archived and engagement.deadline >= today
        ]
        if deadlines:
            day, name = min(deadlines)
            if text.cell_len:
                text.append(" · ", style="dim")
            text.append("due ", style="dim")
            text.append(
                f"{printable(name)} {day:%a %d %b}", style=theme.role(self, "warn") if (day - today).days < 7 else ""
            )
        return text
