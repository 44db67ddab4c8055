"""One week as the board shows it: the plan, the actuals, and the totals behind the balance panel.

Pure data: built from the store in one read, never touching the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from planner.model import INBOUND, OUTBOUND, Block, Boundaries, DayOff, Engagement, LogEntry
from planner.schedule import overlap_seconds, span_of_days, to_local, wall_moment

TYPE_CHECKING = False
if TYPE_CHECKING:
    from planner.delegation import Task

T = TypeVar("T")


def block_interval(block: Block) -> tuple[datetime, datetime]:
    """A planned block as instants: its start and end on its day's wall clock."""
    return wall_moment(block.day, block.start), wall_moment(block.day, block.end)


def block_seconds(block: Block) -> float:
    """Real elapsed duration of a planned block: 01:00-04:00 is 2 h on the day clocks spring forward and 4 h on the
    day they fall back. An occurrence of a series whose start the clocks skip that day and whose end comes before the
    moved start (02:30-03:15) lasts nothing, as in every calendar."""
    start, end = block_interval(block)
    return max(0.0, (end - start).total_seconds())


def once_per_engagement(
    items: Iterable[T], bounds: Callable[[T], tuple[datetime, datetime]], engagement_of: Callable[[T], int]
) -> list[tuple[T, datetime, datetime]]:
    """Planned time of one engagement counted once: each item (a block, a span of one) in time order with the part
    of it after every earlier item of its engagement, (item, start, end); where an item lies wholly inside earlier
    ones (two meetings of an imported calendar at once) its start is at or after its end."""
    found = []
    reached: dict[int, datetime] = {}
    for item in sorted(items, key=bounds):
        start, end = bounds(item)
        owner = engagement_of(item)
        before = reached.get(owner)
        found.append((item, start if before is None else max(start, before), end))
        reached[owner] = end if before is None else max(before, end)
    return found


@dataclass(frozen=True)
class LogPiece:
    """The part of a log entry on one local day, in wall minutes after midnight (24:00 for a part running past
    midnight), as the board draws it beside the plan."""

    start: int
    end: int
    engagement_id: int
    running: bool
    entry_id: int = 0


@dataclass
class EngagementWeek:
    engagement: Engagement
    planned: float = 0.0  # seconds
    logged: float = 0.0  # seconds

    @property
    def target(self) -> float | None:
        """Hours the week should hold: contracted hours of a job, the weekly cap of a client (None: no target)."""
        return self.engagement.hours if self.engagement.inbound else self.engagement.cap


@dataclass
class Week:
    monday: date
    now: datetime
    engagements: dict[int, Engagement]
    blocks: list[Block]
    logs: list[LogEntry]
    running: LogEntry | None
    boundaries: Boundaries = field(default_factory=Boundaries)
    locked: bool = False  # the whole week is locked (sent)
    locked_ids: frozenset[int] = frozenset()  # engagements whose entries of this week are locked
    days_off: list[DayOff] = field(default_factory=list)  # dated days off this week (from imported calendars)
    tasks: list[Task] = field(default_factory=list)  # open delegated tasks due this week
    people: dict[int, str] = field(default_factory=dict)  # the names of the people they are handed to

    def tasks_due(self, day: date, lane: str | None = None) -> list[Task]:
        """The open delegated tasks due on `day`; with `lane`, those shown in it: a job's task in the inbound lane,
        a client's (or your own business's) in the outbound lane."""
        found = [task for task in self.tasks if task.due == day]
        if lane is None:
            return found
        return [task for task in found if self.task_lane(task) == lane]

    def task_lane(self, task: Task) -> str:
        engagement = None if task.for_id is None else self.engagements.get(task.for_id)
        return INBOUND if engagement is not None and engagement.inbound else OUTBOUND

    def day_off(self, day: date) -> DayOff | None:
        return next((item for item in self.days_off if item.day == day), None)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=offset) for offset in range(7)]

    @property
    def day_spans(self) -> list[tuple[datetime, datetime]]:
        """Each day's [00:00, next 00:00) as UTC instants, Monday first (23 or 25 hours on a DST change)."""
        return [span_of_days(day, day) for day in self.days]

    @property
    def span(self) -> tuple[datetime, datetime]:
        return span_of_days(self.monday, self.monday + timedelta(days=6))

    def kind_of(self, engagement_id: int) -> str:
        engagement = self.engagements.get(engagement_id)
        return engagement.kind if engagement else OUTBOUND

    def log_end(self, entry: LogEntry) -> datetime:
        return entry.end if entry.end is not None else max(self.now, entry.start)

    def log_pieces(self) -> list[dict[str, list[LogPiece]]]:
        """Per day, Monday first, per side: the parts of the log entries on that day (a running timer up to now)."""
        days: list[dict[str, list[LogPiece]]] = [{INBOUND: [], OUTBOUND: []} for _ in range(7)]
        bounds = self.day_spans
        for entry in self.logs:
            kind = self.kind_of(entry.engagement_id)
            end = self.log_end(entry)
            for index, (lo, hi) in enumerate(bounds):
                if entry.start >= hi or end <= lo:
                    continue
                start_local, end_local = to_local(max(entry.start, lo)), to_local(min(end, hi))
                start_minute = start_local.hour * 60 + start_local.minute
                end_minute = 24 * 60 if end >= hi else end_local.hour * 60 + end_local.minute
                if entry.running and end_minute <= start_minute < 24 * 60:
                    end_minute = start_minute + 1  # a timer started this minute shows at once (▶)
                if end_minute > start_minute:
                    days[index][kind].append(
                        LogPiece(start_minute, end_minute, entry.engagement_id, entry.running, entry.id)
                    )
        return days

    def counted_blocks(self) -> list[tuple[Block, float]]:
        """Each block with the seconds it adds to its engagement's plan: where it overlaps an earlier block of the
        same engagement (two meetings of an imported calendar at once) only its part after that one counts."""
        counted = once_per_engagement(self.blocks, block_interval, lambda block: block.engagement_id)
        return [(block, max(0.0, (end - start).total_seconds())) for block, start, end in counted]

    def rows(self) -> list[EngagementWeek]:
        """Per engagement: planned and logged seconds this week. Active engagements always; archived ones only
        when they have time this week. Inbound first, then by name."""
        rows = {
            engagement.id: EngagementWeek(engagement)
            for engagement in self.engagements.values()
            if not engagement.archived
        }
        lo, hi = self.span
        for block, seconds in self.counted_blocks():
            engagement = self.engagements.get(block.engagement_id)
            if engagement is not None:
                rows.setdefault(engagement.id, EngagementWeek(engagement)).planned += seconds
        for entry in self.logs:
            engagement = self.engagements.get(entry.engagement_id)
            if engagement is not None:
                seconds = overlap_seconds(entry.start, self.log_end(entry), lo, hi)
                rows.setdefault(engagement.id, EngagementWeek(engagement)).logged += seconds
        return sorted(rows.values(), key=lambda row: (row.engagement.kind != INBOUND, row.engagement.name.casefold()))

    def day_totals(self) -> list[dict[str, tuple[float, float]]]:
        """Per day, Monday first, per side: (planned, logged) seconds, exact: a block's elapsed time, and each log
        entry's part inside the day (a running timer up to now). The board's totals lines and its detail line both
        read these."""
        totals = [{INBOUND: [0.0, 0.0], OUTBOUND: [0.0, 0.0]} for _ in range(7)]
        for block, seconds in self.counted_blocks():
            index = (block.day - self.monday).days
            if 0 <= index < 7:
                totals[index][self.kind_of(block.engagement_id)][0] += seconds
        bounds = self.day_spans
        for entry in self.logs:
            start, end, side = entry.start, self.log_end(entry), self.kind_of(entry.engagement_id)
            for index, (lo, hi) in enumerate(bounds):
                if start < hi and end > lo:
                    totals[index][side][1] += overlap_seconds(start, end, lo, hi)
        return [{side: (values[0], values[1]) for side, values in day.items()} for day in totals]

    def side_totals(self) -> dict[str, tuple[float, float]]:
        """(planned, logged) seconds per side."""
        totals = {INBOUND: [0.0, 0.0], OUTBOUND: [0.0, 0.0]}
        for row in self.rows():
            totals[row.engagement.kind][0] += row.planned
            totals[row.engagement.kind][1] += row.logged
        return {kind: (values[0], values[1]) for kind, values in totals.items()}

    def contracted_hours(self) -> float:
        return sum(e.hours or 0.0 for e in self.engagements.values() if e.inbound and not e.archived)

    def outbound_cap(self) -> float | None:
        """The week's outbound cap: the boundary when set, else the clients' own caps added up (None: no cap)."""
        if self.boundaries.outbound_cap is not None:
            return self.boundaries.outbound_cap
        caps = [e.cap for e in self.engagements.values() if not e.inbound and not e.archived and e.cap is not None]
        return sum(caps) if caps else None

    def share(self, basis: str) -> float | None:
        """Outbound share (0..1) of the planned (`plan`) or logged (`actual`) hours; None with no hours."""
        index = 0 if basis == "plan" else 1
        totals = self.side_totals()
        inbound, outbound = totals[INBOUND][index], totals[OUTBOUND][index]
        return None if inbound + outbound == 0 else outbound / (inbound + outbound)
