"""The grid of the weekly board, drawn: seven day columns (or the 3 or 1 of a zoom) on a time axis, an inbound and an
outbound lane in each day, the day totals under them. `WeekBoard` (board.py) adds the cursor's keys and the mouse.

One widget draws the whole grid line by line (Textual's line API), so a week costs the same to draw whatever the
history. Each lane has a one-column gutter on its right that shows logged time beside the plan; logged time with
no block under it is shaded, so unplanned work shows too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from planner.hours import clock_hours
from planner.model import INBOUND, OUTBOUND, Block
from planner.schedule import format_clock, to_local
from planner.text import printable
from planner.week import LogPiece, Week
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


class WeekGrid(Widget):
    """Draws a `Week` with the cursor where the reactives put it; changes nothing itself."""

    COMPONENT_CLASSES = theme.COMPONENT_CLASSES

    cursor_day: reactive[int] = reactive(0)
    """0 = Monday."""
    cursor_row: reactive[int] = reactive(0)
    """Row on the time axis, counted from the axis start."""
    lane: reactive[str] = reactive(INBOUND)
    """The lane the cursor is in."""
    days_shown: reactive[int] = reactive(7)
    """The zoom: the whole week (7), or 3 days or 1 day around the cursor, with wide lanes."""

    def __init__(self, *, day_start_minute: int, day_end_minute: int, slot: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.slot = slot
        self.axis_start = day_start_minute
        self.axis_end = day_end_minute
        self.top_row = 0
        self.week: Week | None = None
        #: block id → the worst severity of the warnings it causes ("warn" or "breach"); those blocks are marked
        self.flags: dict[int, str] = {}
        self._pieces: list[dict[str, list[LogPiece]]] = [{INBOUND: [], OUTBOUND: []} for _ in range(7)]
        self._used: list[dict[str, bool]] = [{INBOUND: False, OUTBOUND: False} for _ in range(7)]
        self._totals: list[dict[str, tuple[float, float]]] = [{INBOUND: (0, 0), OUTBOUND: (0, 0)} for _ in range(7)]
        #: The first day shown when zoomed; it follows the cursor.
        self.first_shown = 0
        #: Per day and lane: the rows (start, end minutes, whole rows) of blocks drawn across the whole day column.
        self._wide: list[dict[str, list[tuple[int, int]]]] = [{INBOUND: [], OUTBOUND: []} for _ in range(7)]

    @property
    def rows(self) -> int:
        return max(1, (self.axis_end - self.axis_start) // self.slot)

    def blocks_at(self, day_index: int, lane: str, minute: int) -> list[Block]:
        """The blocks of a lane in the row at `minute`, the one drawn (and edited) first: the one that started last,
        so a block starting inside a longer one shows from its start instead of hiding under it."""
        if self.week is None:
            return []
        day = self.week.monday + timedelta(days=day_index)
        found = [
            block
            for block in self.week.blocks
            if block.day == day
            and self.week.kind_of(block.engagement_id) == lane
            and block.start < minute + self.slot
            and block.end > minute
        ]
        return sorted(found, key=lambda block: (-block.start, block.end))

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

    def _lay_out_lanes(self) -> None:
        """Per day: which lanes hold blocks (for their widths), and which blocks are drawn across the whole day
        column: a block whose rows the other lane leaves empty (no block, no logged time), so its title reads in the
        week view too; where both lanes hold something, each keeps its lane."""
        assert self.week is not None
        slot = self.slot

        def rows_of(start: int, end: int) -> tuple[int, int]:
            return start // slot * slot, -(-end // slot) * slot

        spans: list[dict[str, list[tuple[int, int]]]] = [{INBOUND: [], OUTBOUND: []} for _ in range(7)]
        for block in self.week.blocks:
            index = (block.day - self.week.monday).days
            if 0 <= index < 7:
                spans[index][self.week.kind_of(block.engagement_id)].append(rows_of(block.start, block.end))
        self._used = [{lane: bool(day[lane]) for lane in (INBOUND, OUTBOUND)} for day in spans]
        taken = [
            {lane: day[lane] + [rows_of(piece.start, piece.end) for piece in pieces[lane]] for lane in day}
            for day, pieces in zip(spans, self._pieces, strict=True)
        ]
        self._wide = [
            {
                lane: [
                    (start, end)
                    for start, end in spans[index][lane]
                    if not any(a < end and b > start for a, b in taken[index][OUTBOUND if lane == INBOUND else INBOUND])
                ]
                for lane in (INBOUND, OUTBOUND)
            }
            for index in range(7)
        ]

    def wide_lane(self, day_index: int, minute: int) -> str | None:
        """The lane whose block is drawn across the whole day column at this row, if any."""
        for lane, spans in self._wide[day_index].items():
            if any(start <= minute < end for start, end in spans):
                return lane
        return None

    def _fit(self) -> bool:
        """Fit the axis to the widget's size before a paint; the board does (returns whether anything changed)."""
        return False

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
        """Under each day: its two lanes' labels, and ⚑ with the number of delegated tasks due that day in the lane
        (a job's in the inbound lane, a client's or your own business's in the outbound lane)."""
        assert self.week is not None
        segments = [Segment(" " * AXIS)]
        for index, _, width in self._columns():
            segments.append(Segment("│", cell_style(dim=True)))
            day = self.week.monday + timedelta(days=index)
            for lane, lane_width in zip((INBOUND, OUTBOUND), self._lane_widths(width, index), strict=True):
                label = f"{MARKERS[lane]}{LANE_LABELS[lane]}"
                due = len(self.week.tasks_due(day, lane))
                if not due:
                    segments.append(Segment(label[:lane_width].ljust(lane_width), Style(dim=True, italic=True)))
                    continue
                flag = f"⚑{due}"
                text = f"{label}{flag}" if len(label) + len(flag) <= lane_width else flag
                segments.append(Segment(text[:lane_width].ljust(lane_width), Style(bold=True)))
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
                    text = f"{(int(seconds) + 1800) // 3600}h"  # whole hours, half up as everywhere
                style = cell_style(bold=which == 0, dim=which == 1)
                segments.append(Segment(fit(text, room) + (" " if lane_width else ""), style))
        return segments

    def _row_line(self, row: int) -> list[Segment]:
        assert self.week is not None
        minute = self.axis_start + row * self.slot
        today = self._today_index()
        now_minute = self._now_minute()
        is_now_row = today is not None and minute <= now_minute < minute + self.slot
        label = f"{minute // 60:02d}:00" if minute % 60 == 0 else f"  :{minute % 60:02d}"
        axis_style = theme.role(self, "now") if is_now_row else Style(dim=minute % 60 != 0)
        segments = [Segment(("▸" if is_now_row else " ") + label[: AXIS - 1].ljust(AXIS - 1), axis_style)]
        for index, _, width in self._columns():
            segments.append(Segment("│", cell_style(dim=True)))
            underline = is_now_row and index == today
            here = index == self.cursor_day and row == self.cursor_row
            widths = self._lane_widths(width, index)
            wide = self.wide_lane(index, minute)
            if wide is not None:  # one block across the day: the cursor in the other lane lights that lane's part
                whole = sum(widths)
                cell = self._cell(index, wide, whole, row, minute, underline)
                if here:
                    mine = self.lane == wide
                    # lit as wide as that lane's cell on any other row (its gutter column stays unlit)
                    part = (0, whole - 1) if mine else (widths[0], whole - 1) if wide == INBOUND else (0, widths[0] - 1)
                    cell = _reversed(cell, *part)
                segments.extend(cell)
                continue
            for lane, lane_width in zip((INBOUND, OUTBOUND), widths, strict=True):
                cell = self._cell(index, lane, lane_width, row, minute, underline)
                segments.extend(_reversed(cell, 0, lane_width - 1) if here and lane == self.lane else cell)
        return segments

    def _cell(self, day_index: int, lane: str, width: int, row: int, minute: int, underline: bool) -> list[Segment]:
        assert self.week is not None
        area = max(0, width - 1)
        blocks = self.blocks_at(day_index, lane, minute)
        pieces = [p for p in self._pieces[day_index][lane] if p.start < minute + self.slot and p.end > minute]
        if blocks:
            block = blocks[0]
            engagement = self.week.engagements.get(block.engagement_id)
            colour = self._colour(block.engagement_id)
            # The block's text flows down its rows, so a tall block in a narrow lane still reads in full.
            first_visible = max((block.start - self.axis_start) // self.slot, self.top_row)
            first_row = row == first_visible
            name = printable(engagement.name) if engagement else "?"
            flag = self.flags.get(block.key)
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
                block_style = cell_style(ink, colour, bold=True, underline=underline)
                cell = [
                    Segment(text[:1], block_style),
                    Segment("!", cell_style(theme.readable_on(warn or "red"), warn, bold=True)),
                    Segment(fit(text[2:], area - 2), block_style),
                ]
                return [*cell, self._gutter(pieces, minute)]
            style_args = {"colour": theme.readable_on(colour), "bgcolor": colour, "bold": first_row}
        elif pieces:
            colour = self._colour(pieces[0].engagement_id)
            text = "░" * area  # logged with nothing planned here
            style_args = {"colour": colour}
        else:
            text, style_args = "", {}
        style = cell_style(**style_args, underline=underline)
        cell = [Segment(fit(text, area), style)]
        if width >= 1:
            cell.append(self._gutter(pieces, minute))
        return cell

    def _gutter(self, pieces: list[LogPiece], minute: int) -> Segment:
        if not pieces or self.week is None:
            return Segment(" ")
        covered = sum(min(p.end, minute + self.slot) - max(p.start, minute) for p in pieces)
        colour = self._colour(pieces[0].engagement_id)
        if any(p.running for p in pieces):
            return Segment("▶" if minute + self.slot > self._now_minute() else "┃", cell_style(colour, bold=True))
        return Segment("┃" if covered * 2 >= self.slot else "╏", cell_style(colour, bold=True))

    def _colour(self, engagement_id: int) -> Any:
        """An engagement's own colour, else its side's colour in the theme."""
        assert self.week is not None
        engagement = self.week.engagements.get(engagement_id)
        own = engagement.colour if engagement is not None else None
        return own or theme.role_colour(self, self.week.kind_of(engagement_id)) or "blue"

    def _now_minute(self) -> int:
        assert self.week is not None
        now_local = to_local(self.week.now)
        return now_local.hour * 60 + now_local.minute


def _reversed(segments: list[Segment], first: int, last: int) -> list[Segment]:
    """`segments` with the cells first..last-1 shown reversed: the cursor."""
    if last <= first:
        return segments
    total = sum(segment.cell_length for segment in segments)
    before, inside, after = Segment.divide(segments, [first, min(last, total), total])
    cursor = Style(reverse=True)
    return [*before, *(Segment(segment.text, (segment.style or Style()) + cursor) for segment in inside), *after]
