"""The weekly board: the grid (grid.py) with a cursor. Keys and the mouse move the cursor; `z` zooms; a week
shown keeps the cursor where it was. The screen that owns the board makes every change."""

from __future__ import annotations

from datetime import date, timedelta

from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message

from planner.model import INBOUND, OUTBOUND, Block, BoardSettings
from planner.week import LogPiece, Week
from planner_widgets.grid import HEADER_LINES, TOTAL_LINES, WeekGrid


class WeekBoard(WeekGrid):
    """The board: the grid of a `Week` with a cursor that keys and the mouse move; the screen that owns it makes the
    changes."""

    DEFAULT_CSS = """
    WeekBoard { width: 1fr; height: 1fr; min-height: 6; }
    """
    can_focus = True
    # declared for the type checker, which reads the grid (an installed package) as untyped; set by WeekGrid
    days_shown: int
    first_shown: int

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

    def __init__(
        self, *, day_start_minute: int = 7 * 60, day_end_minute: int = 21 * 60, slot: int = 30, **kwargs
    ) -> None:
        super().__init__(day_start_minute=day_start_minute, day_end_minute=day_end_minute, slot=slot, **kwargs)
        self.default_start = day_start_minute
        self.default_end = day_end_minute
        self._content_axis = (day_start_minute, day_end_minute)
        self._fitted = Size(0, 0)  # the size the axis and the scroll were last fitted to

    # ------------------------------------------------------------ data

    def set_axis(self, axis: BoardSettings) -> None:
        """New settings for the axis and the row length; the next week shown (a reload follows) uses them."""
        minute = self.cursor_minute
        self.slot, self.default_start, self.default_end = axis.slot, axis.day_start, axis.day_end
        self._content_axis = (axis.day_start, axis.day_end)
        self._fitted = Size(0, 0)
        self.axis_start = axis.day_start
        self.cursor_row = max(0, (minute - self.axis_start) // self.slot)

    def show(self, week: Week) -> None:
        """Display `week`, keeping the cursor where it was."""
        self.week = week
        self._pieces = week.log_pieces()
        self._totals = week.day_totals()
        self._lay_out_lanes()
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
                wide = self.wide_lane(index, self.axis_start + row * self.slot)  # a block across the day: its lane
                return index, wide or (INBOUND if x - left - 1 < inbound else OUTBOUND), row
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
            self.set_reactive(WeekGrid.cursor_row, row)
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
