"""The weekly board: seven day columns on a time axis, an inbound and an outbound lane in each day.

One widget draws the whole grid line by line (Textual's line API), so a week costs the same to draw whatever the
history. Each lane has a one-column gutter on its right that shows logged time beside the plan; logged time with
no block under it is shaded, so unplanned work shows too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from planner.hours import clock_hours
from planner.model import INBOUND, OUTBOUND, Block
from planner.schedule import day_start, format_clock, to_local
from planner.text import printable
from planner.week import Week
from planner_widgets import theme
from planner_widgets.board_text import cell_style, fit, short_tag, wrap_text

AXIS = 6  # "07:00 "
HEADER_LINES = 2
#: The day totals under the grid: planned, then logged hours of each lane.
TOTAL_LINES = 2
MARKERS = {INBOUND: "■", OUTBOUND: "◆"}
#: After the side marker of a block that came from an imported calendar (`planner import ics`).
CALENDAR_MARK = "◷"
LANE_LABELS = {INBOUND: "in", OUTBOUND: "out"}


@dataclass(frozen=True)
class LogPiece:
    """The part of a log entry on one local day, in wall minutes after midnight."""

    start: int
    end: int
    engagement_id: int
    running: bool
    entry_id: int = 0


class WeekBoard(Widget, can_focus=True):
    """The grid. It shows a `Week` and moves a cursor; the screen that owns it makes the changes."""

    DEFAULT_CSS = """
    WeekBoard { width: 1fr; height: 1fr; min-height: 6; }
    """
    COMPONENT_CLASSES = theme.COMPONENT_CLASSES

    BINDINGS = [
        Binding("up,k", "move(0, -1)", "Up", show=False),
        Binding("down,j", "move(0, 1)", "Down", show=False),
        Binding("left,h", "move(-1, 0)", "Left", show=False),
        Binding("right,l", "move(1, 0)", "Right", show=False),
        Binding("tab", "switch_lane", "Lane", show=False, tooltip="Switch between the inbound and outbound lane"),
        Binding("pageup", "move(0, -8)", show=False),
        Binding("pagedown", "move(0, 8)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
    ]

    cursor_day: reactive[int] = reactive(0)
    """0 = Monday."""
    cursor_row: reactive[int] = reactive(0)
    """Row on the time axis, counted from the axis start."""
    lane: reactive[str] = reactive(INBOUND)
    """The lane the cursor is in."""
    days_shown: reactive[int] = reactive(7)
    """The zoom: the whole week (7), or 3 days or 1 day around the cursor, with wide lanes."""

    def __init__(
        self, *, day_start_minute: int = 7 * 60, day_end_minute: int = 21 * 60, slot: int = 30, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.slot = slot
        self.default_start = day_start_minute
        self.default_end = day_end_minute
        self.axis_start = day_start_minute
        self.axis_end = day_end_minute
        self.top_row = 0
        self.week: Week | None = None
        #: block id → the worst severity of the warnings it causes ("warn" or "breach"); those blocks are marked
        self.flags: dict[int, str] = {}
        self._pieces: list[dict[str, list[LogPiece]]] = [{INBOUND: [], OUTBOUND: []} for _ in range(7)]
        self._used: list[dict[str, bool]] = [{INBOUND: False, OUTBOUND: False} for _ in range(7)]
        self._totals: list[dict[str, tuple[float, float]]] = [{INBOUND: (0, 0), OUTBOUND: (0, 0)} for _ in range(7)]
        self._content_axis = (day_start_minute, day_end_minute)
        self._fitted = Size(0, 0)  # the size the axis and the scroll were last fitted to
        #: The first day shown when zoomed; it follows the cursor.
        self.first_shown = 0

    # ------------------------------------------------------------ data

    def show(self, week: Week) -> None:
        """Display `week`, keeping the cursor where it was."""
        self.week = week
        self._pieces = self._log_pieces(week)
        self._used = [{INBOUND: False, OUTBOUND: False} for _ in range(7)]  # the lanes that hold blocks
        self._totals = week.day_totals()
        for block in week.blocks:
            index = (block.day - week.monday).days
            if 0 <= index < 7:
                self._used[index][week.kind_of(block.engagement_id)] = True
        first, last = self.default_start, self.default_end
        for block in week.blocks:
            first, last = min(first, block.start), max(last, block.end)
        for day in self._pieces:
            for pieces in day.values():
                for piece in pieces:
                    first, last = min(first, piece.start), max(last, piece.end)
        minute = self.cursor_minute
        self._content_axis = (first // self.slot * self.slot, -(-last // self.slot) * self.slot)
        self._fill_height()
        self.cursor_row = max(0, min(self.rows - 1, (minute - self.axis_start) // self.slot))
        self._keep_cursor_visible()
        self.refresh()
        self.post_message(self.CursorMoved())

    def _fill_height(self) -> None:
        """The axis: the settings' day, widened to what the week holds, then to the rows the terminal has room for
        (later hours first, then earlier ones), so no line under the grid stays empty."""
        first, last = self._content_axis
        spare = max(0, self.size.height - HEADER_LINES - TOTAL_LINES) - (last - first) // self.slot
        if spare > 0 and self.size.height:
            later = min(spare, (24 * 60 - last) // self.slot)
            last += later * self.slot
            first = max(0, first - (spare - later) * self.slot)
        self.axis_start, self.axis_end = first, last

    @staticmethod
    def _log_pieces(week: Week) -> list[dict[str, list[LogPiece]]]:
        days: list[dict[str, list[LogPiece]]] = [{INBOUND: [], OUTBOUND: []} for _ in range(7)]
        bounds = [(day_start(day), day_start(day + timedelta(days=1))) for day in week.days]
        for entry in week.logs:
            kind = week.kind_of(entry.engagement_id)
            end = week.log_end(entry)
            for index, (lo, hi) in enumerate(bounds):
                if entry.start >= hi or end <= lo:
                    continue
                piece_start, piece_end = max(entry.start, lo), min(end, hi)
                start_local, end_local = to_local(piece_start), to_local(piece_end)
                start_minute = start_local.hour * 60 + start_local.minute
                end_minute = 24 * 60 if piece_end == hi else end_local.hour * 60 + end_local.minute
                if end_minute > start_minute:
                    days[index][kind].append(
                        LogPiece(start_minute, end_minute, entry.engagement_id, entry.running, entry.id)
                    )
        return days

    @property
    def rows(self) -> int:
        return max(1, (self.axis_end - self.axis_start) // self.slot)

    @property
    def cursor_date(self) -> date:
        assert self.week is not None
        return self.week.monday + timedelta(days=self.cursor_day)

    @property
    def cursor_minute(self) -> int:
        return self.axis_start + self.cursor_row * self.slot

    def place_cursor(self, day: int, minute: int, lane: str | None = None) -> None:
        self.cursor_day = max(0, min(6, day))
        self.cursor_row = max(0, min(self.rows - 1, (minute - self.axis_start) // self.slot))
        if lane is not None:
            self.lane = lane

    def blocks_at(self, day_index: int, lane: str, minute: int) -> list[Block]:
        if self.week is None:
            return []
        day = self.week.monday + timedelta(days=day_index)
        return [
            block
            for block in self.week.blocks
            if block.day == day
            and self.week.kind_of(block.engagement_id) == lane
            and block.start < minute + self.slot
            and block.end > minute
        ]

    def block_at_cursor(self) -> Block | None:
        found = self.blocks_at(self.cursor_day, self.lane, self.cursor_minute)
        return found[0] if found else None

    # ------------------------------------------------------------ keys

    def action_move(self, days: int, rows: int) -> None:
        self.cursor_day = max(0, min(6, self.cursor_day + days))
        self.cursor_row = max(0, min(self.rows - 1, self.cursor_row + rows))

    def action_jump(self, row: int) -> None:
        self.cursor_row = row % self.rows

    def action_switch_lane(self) -> None:
        self.lane = OUTBOUND if self.lane == INBOUND else INBOUND

    class CursorMoved(Message):
        """The cursor moved (or the week under it changed): the screen updates what it shows about the cursor."""

    class OpenRequested(Message):
        """A double click on a block: the screen opens it for editing."""

    # ------------------------------------------------------------ the mouse

    def cell_at(self, x: int, y: int) -> tuple[int, str, int] | None:
        """(day index, lane, row) under a point of the widget, or None outside the grid."""
        row = self.top_row + y - HEADER_LINES
        if y < HEADER_LINES or y >= self.size.height - TOTAL_LINES or not 0 <= row < self.rows:
            return None
        for index, left, width in self._columns():
            if left <= x < left + width:
                inbound, _ = self._lane_widths(width, index)
                return index, INBOUND if x - left - 1 < inbound else OUTBOUND, row
        return None

    def on_click(self, event) -> None:
        """A click moves the cursor to the cell; a double click on a block opens it."""
        found = self.cell_at(event.x, event.y)
        if found is None:
            return
        self.cursor_day, self.lane, self.cursor_row = found
        self.focus()
        if event.chain >= 2 and self.block_at_cursor() is not None:
            self.post_message(self.OpenRequested())

    def on_mouse_scroll_down(self, event) -> None:
        self.action_move(0, 3)
        event.stop()

    def on_mouse_scroll_up(self, event) -> None:
        self.action_move(0, -3)
        event.stop()

    def watch_cursor_row(self) -> None:
        self._keep_cursor_visible()
        self.refresh()
        self.post_message(self.CursorMoved())

    def watch_cursor_day(self) -> None:
        self._follow_cursor()
        self.refresh()
        self.post_message(self.CursorMoved())

    def watch_lane(self) -> None:
        self.refresh()
        self.post_message(self.CursorMoved())

    def logs_at_cursor(self) -> list[LogPiece]:
        """The pieces of log entries in the cursor's slot and lane."""
        minute = self.cursor_minute
        pieces = self._pieces[self.cursor_day][self.lane]
        return [piece for piece in pieces if piece.start < minute + self.slot and piece.end > minute]

    def on_resize(self) -> None:
        if self._fit():  # else the first paint at this size already fitted it
            self.refresh()

    def _fit(self) -> bool:
        """Fit the axis and the scroll to the widget's size, once per size. The first paint comes before the
        Resize event, so render_line fits too: the board is drawn once, at its real height."""
        if self.size == self._fitted:
            return False
        self._fitted = self.size
        minute = self.cursor_minute
        self._fill_height()
        row = max(0, min(self.rows - 1, (minute - self.axis_start) // self.slot))
        if row != self.cursor_row:
            self.set_reactive(WeekBoard.cursor_row, row)
            self.post_message(self.CursorMoved())
        # Show the cursor with some of the day before it: from the axis start when it fits, else a third down.
        visible = max(1, self.size.height - HEADER_LINES - TOTAL_LINES)
        self.top_row = 0 if self.cursor_row < visible else self.cursor_row - visible // 3
        self._keep_cursor_visible()
        return True

    def _keep_cursor_visible(self) -> None:
        visible = max(1, self.size.height - HEADER_LINES - TOTAL_LINES)
        if self.cursor_row < self.top_row:
            self.top_row = self.cursor_row
        elif self.cursor_row >= self.top_row + visible:
            self.top_row = self.cursor_row - visible + 1
        self.top_row = max(0, min(self.top_row, max(0, self.rows - visible)))

    def cursor_region(self) -> Region:
        _, x, width = next(column for column in self._columns() if column[0] == self.cursor_day)
        return Region(x, HEADER_LINES + self.cursor_row - self.top_row, width, 1)

    # ------------------------------------------------------------ drawing

    def zoom(self) -> int:
        """Step the zoom: the week, then 3 days, then 1 day, then the week again. Returns the days now shown."""
        self.days_shown = {7: 3, 3: 1}.get(self.days_shown, 7)
        return self.days_shown

    def watch_days_shown(self) -> None:
        self._follow_cursor(centre=True)
        self.refresh()

    def _follow_cursor(self, centre: bool = False) -> None:
        """Keep the cursor's day among the days shown: a zoomed view scrolls by days as the cursor moves."""
        shown = self.days_shown
        if centre or not self.first_shown <= self.cursor_day < self.first_shown + shown:
            first = self.cursor_day - shown // 2 if centre else min(self.cursor_day, self.first_shown)
            if self.cursor_day >= first + shown:
                first = self.cursor_day - shown + 1
            self.first_shown = first
        self.first_shown = max(0, min(7 - shown, self.first_shown))

    def _columns(self) -> list[tuple[int, int, int]]:
        """(day index, x, width) of each day shown; leftover columns go one each to the first days."""
        shown = self.days_shown
        usable = max(shown * 5, self.size.width - AXIS)
        width, extra = divmod(usable, shown)
        columns, x = [], AXIS
        for offset in range(shown):
            day_width = width + (1 if offset < extra else 0)
            columns.append((self.first_shown + offset, x, day_width))
            x += day_width
        return columns

    def _lane_widths(self, width: int, day_index: int | None = None) -> tuple[int, int]:
        """The inbound and outbound lanes of a day column. They share it by what they hold: a lane with no block
        that day keeps 3 cells (the cursor, and logged time as shading, which reads at any width), so the other's
        titles read wide; two lanes with blocks, or none, take half each."""
        inner = width - 1  # the separator
        inbound = inner // 2
        if day_index is not None and self.week is not None:
            used = self._used[day_index]
            if used[INBOUND] and not used[OUTBOUND]:
                inbound = max(inbound, inner - 3)
            elif used[OUTBOUND] and not used[INBOUND]:
                inbound = min(inbound, 3)
        return inbound, inner - inbound

    def render_line(self, y: int) -> Strip:
        self._fit()
        width = self.size.width
        if self.week is None:
            return Strip.blank(width)
        if y == 0:
            segments = self._header_line()
        elif y == 1:
            segments = self._lane_line()
        elif y >= self.size.height - TOTAL_LINES and self.size.height > HEADER_LINES + TOTAL_LINES:
            segments = self._total_line(y - (self.size.height - TOTAL_LINES))
        else:
            row = self.top_row + y - HEADER_LINES
            if row >= self.rows:
                return Strip.blank(width)
            segments = self._row_line(row)
        # the theme's background and text under every cell that sets no colour of its own
        return Strip(segments).adjust_cell_length(width).apply_style(self.rich_style)

    def _today_index(self) -> int | None:
        assert self.week is not None
        offset = (to_local(self.week.now).date() - self.week.monday).days
        return offset if 0 <= offset < 7 else None

    def _header_line(self) -> list[Segment]:
        assert self.week is not None
        today = self._today_index()
        segments = [Segment(" " * AXIS)]
        for index, _, width in self._columns():
            day = self.week.monday + timedelta(days=index)
            label = f"{day:%a %d}" if width >= 7 else f"{day:%a}"[: width - 1]
            if self.days_shown < 7:  # zoomed: the whole date
                label = f"{day:%A %d %B}" if width >= 24 else f"{day:%a %d %b}"
            if self.week.day_off(day) is not None:
                label = f"{label} off" if width >= 11 else f"{day:%a} off" if width >= 8 else label
            style = Style(bold=True, reverse=True) if index == today else Style(bold=True)
            if self.week.day_off(day) is not None:
                style += Style(italic=True, dim=index != today)
            segments.append(Segment("│", cell_style(dim=True)))
            segments.append(Segment(label[: width - 1].ljust(width - 1), style))
        return segments

    def _lane_line(self) -> list[Segment]:
        segments = [Segment(" " * AXIS)]
        for index, _, width in self._columns():
            segments.append(Segment("│", cell_style(dim=True)))
            for lane, lane_width in zip((INBOUND, OUTBOUND), self._lane_widths(width, index), strict=True):
                label = f"{MARKERS[lane]}{LANE_LABELS[lane]}"[:lane_width]
                segments.append(Segment(label.ljust(lane_width), Style(dim=True, italic=True)))
        return segments

    def _total_line(self, which: int) -> list[Segment]:
        """Under each day, in each lane: the planned hours (first line) or the logged hours (second line)."""
        assert self.week is not None
        label = ("plan", "log")[which]
        segments = [Segment(f" {label:<{AXIS - 1}}", Style(bold=True, dim=which == 1))]
        for index, _, width in self._columns():
            segments.append(Segment("│", cell_style(dim=True)))
            for lane, lane_width in zip((INBOUND, OUTBOUND), self._lane_widths(width, index), strict=True):
                seconds = self._totals[index][lane][which]
                room = max(0, lane_width - 1)  # a cell between the two lanes' figures
                text = "" if not seconds else clock_hours(seconds)
                if cell_len(text) > room:
                    text = f"{round(seconds / 3600)}h"
                style = cell_style(bold=which == 0, dim=which == 1)
                segments.append(Segment(fit(text, room) + (" " if lane_width else ""), style))
        return segments

    def _row_line(self, row: int) -> list[Segment]:
        assert self.week is not None
        minute = self.axis_start + row * self.slot
        today = self._today_index()
        now_local = to_local(self.week.now)
        now_minute = now_local.hour * 60 + now_local.minute
        is_now_row = today is not None and minute <= now_minute < minute + self.slot
        label = f"{minute // 60:02d}:00" if minute % 60 == 0 else f"  :{minute % 60:02d}"
        axis_style = theme.role(self, "now") if is_now_row else Style(dim=minute % 60 != 0)
        segments = [Segment(("▸" if is_now_row else " ") + label[: AXIS - 1].ljust(AXIS - 1), axis_style)]
        for index, _, width in self._columns():
            segments.append(Segment("│", cell_style(dim=True)))
            underline = is_now_row and index == today
            for lane, lane_width in zip((INBOUND, OUTBOUND), self._lane_widths(width, index), strict=True):
                segments.extend(self._cell(index, lane, lane_width, row, minute, underline))
        return segments

    def _cell(self, day_index: int, lane: str, width: int, row: int, minute: int, underline: bool) -> list[Segment]:
        assert self.week is not None
        area = max(0, width - 1)
        blocks = self.blocks_at(day_index, lane, minute)
        pieces = [p for p in self._pieces[day_index][lane] if p.start < minute + self.slot and p.end > minute]
        cursor = day_index == self.cursor_day and lane == self.lane and row == self.cursor_row
        if blocks:
            block = blocks[0]
            engagement = self.week.engagements.get(block.engagement_id)
            colour = self._colour(engagement.colour if engagement else None, lane)
            # The block's text flows down its rows, so a tall block in a narrow lane still reads in full.
            first_visible = max((block.start - self.axis_start) // self.slot, self.top_row)
            first_row = row == first_visible
            name = printable(engagement.name) if engagement else "?"
            flag = self.flags.get(block.series_id if block.series_id is not None else block.id)
            # marker, then ! for a block that causes a warning (the side stays readable), the calendar mark, the
            # title, and the engagement as a short tag (the full name when there is no title)
            words = MARKERS[lane] + ("!" if flag else "") + (CALENDAR_MARK if block.source else "")
            if len(blocks) > 1:
                words += f"+{len(blocks) - 1} "
            tag = name if self.days_shown < 7 else short_tag(name)
            words += f"{printable(block.title)} ·{tag}" if block.title else name
            if self.days_shown < 7:  # zoomed, the lane has room for the times
                words += f" {format_clock(block.start)}–{format_clock(block.end)}"
            rows = max(1, -(-(block.end - max(block.start, self.axis_start + first_visible * self.slot)) // self.slot))
            lines = wrap_text(words, area, rows)
            index = row - first_visible
            text = lines[index] if index < len(lines) else ""
            if flag and first_row and area >= 2:
                warn = theme.role_colour(self, "breach" if flag == "breach" else "warn")
                ink = theme.readable_on(colour)
                block_style = cell_style(ink, colour, bold=True, underline=underline, reverse=cursor)
                cell = [
                    Segment(text[:1], block_style),
                    Segment("!", cell_style(theme.readable_on(warn or "red"), warn, bold=True, reverse=cursor)),
                    Segment(fit(text[2:], area - 2), block_style),
                ]
                return [*cell, self._gutter(pieces, minute)]
            style_args = {"colour": theme.readable_on(colour), "bgcolor": colour, "bold": first_row}
        elif pieces:
            engagement = self.week.engagements.get(pieces[0].engagement_id)
            colour = self._colour(engagement.colour if engagement else None, lane)
            text = "░" * area  # logged with nothing planned here
            style_args = {"colour": colour}
        else:
            text, style_args = "", {}
        style = cell_style(**style_args, underline=underline, reverse=cursor)
        cell = [Segment(fit(text, area), style)]
        if width >= 1:
            cell.append(self._gutter(pieces, minute))
        return cell

    def _gutter(self, pieces: list[LogPiece], minute: int) -> Segment:
        if not pieces or self.week is None:
            return Segment(" ")
        covered = sum(min(p.end, minute + self.slot) - max(p.start, minute) for p in pieces)
        engagement = self.week.engagements.get(pieces[0].engagement_id)
        colour = self._colour(engagement.colour if engagement else None, self.week.kind_of(pieces[0].engagement_id))
        if any(p.running for p in pieces):
            return Segment("▶" if minute + self.slot > self._now_minute() else "┃", cell_style(colour, bold=True))
        return Segment("┃" if covered * 2 >= self.slot else "╏", cell_style(colour, bold=True))

    def _colour(self, own: str | None, lane: str) -> Any:
        """An engagement's own colour, else its side's colour in the theme."""
        return own or theme.role_colour(self, lane) or "blue"

    def _now_minute(self) -> int:
        assert self.week is not None
        now_local = to_local(self.week.now)
        return now_local.hour * 60 + now_local.minute
