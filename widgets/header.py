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
        room = self.size.width - text.cell_len - right.cell_len
        for middle in self._coming():  # the longest wording that fits whole (the 80-column board has less room)
            if middle.cell_len and room >= middle.cell_len + 4:
                text.append("  ")
                text.append_text(middle)
                room -= middle.cell_len + 2
                break
        text.append(" " * max(1, room))
        text.append_text(right)
        return text

    def _coming(self) -> list[Text]:
        """The next planned block (from now, when this week is shown) and the nearest deadline: in full, shorter,
        and each alone, longest first."""
        week, moment = self.week, self._clock()
        if week is None:
            return []
        today = to_local(moment).date()
        lo, hi = week.span
        nxt: tuple[str, str] | None = None
        if lo <= moment < hi:
            ahead = [block for block in week.blocks if block_interval(block)[0] > moment]
            if ahead:
                block = min(ahead, key=lambda item: block_interval(item)[0])
                engagement = week.engagements.get(block.engagement_id)
                when = f"{block.day:%a} " if block.day != today else ""
                nxt = (f"{when}{format_clock(block.start)}", printable(engagement.name) if engagement else "?")
        deadlines = [
            (engagement.deadline, engagement.name)
            for engagement in week.engagements.values()
            if engagement.deadline is not None and not engagement.archived and engagement.deadline >= today
        ]
        due = min(deadlines) if deadlines else None
        urgent = theme.role(self, "warn") if due is not None and (due[0] - today).days < 7 else ""

        def line(long: bool, with_next: bool, with_due: bool) -> Text:
            text = Text()
            if with_next and nxt is not None:
                text.append("next " if long else "▸", style="dim")
                text.append(f"{nxt[0]} {nxt[1]}")
            if with_due and due is not None:
                if text.cell_len:
                    text.append(" · ", style="dim")
                text.append("due " if long else "⚑", style="dim")
                text.append(f"{printable(due[1])} {due[0]:%a %d %b}" if long else f"{printable(due[1])} {due[0]:%d %b}",
                            style=urgent)  # fmt: skip
            return text

        return [line(True, True, True), line(False, True, True), line(False, True, False), line(False, False, True)]
