"""Working windows (`mon-thu 09:00-17:00; fri 09:00-13:00`) and day names: plain classes, not dataclasses, so that
`planner status` can tell a forgotten timer without loading the model (importing dataclasses alone cost a prompt
several milliseconds)."""

from __future__ import annotations

from datetime import date, datetime

from planner.errors import ValidationError
from planner.schedule import format_clock, parse_clock, to_local

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {name: index for index, name in enumerate(DAY_NAMES)}
_DAY_ALIASES.update(
    {
        full: index
        for index, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    }
)


class WindowSegment:
    """Some days of the week, from `start` to `end` (minutes after midnight; 0 = Monday in `days`)."""

    __slots__ = ("days", "end", "start")

    def __init__(self, days: frozenset[int], start: int, end: int) -> None:
        self.days, self.start, self.end = days, start, end

    def _key(self) -> tuple[frozenset[int], int, int]:
        return self.days, self.start, self.end

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WindowSegment) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"WindowSegment(days={self.days!r}, start={self.start!r}, end={self.end!r})"


class WorkWindow:
    """When an inbound job expects the person at work, e.g. `mon-thu 09:00-17:00; fri 09:00-13:00`."""

    __slots__ = ("segments",)

    def __init__(self, segments: tuple[WindowSegment, ...]) -> None:
        self.segments = segments

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkWindow) and self.segments == other.segments

    def __hash__(self) -> int:
        return hash(self.segments)

    def __repr__(self) -> str:
        return f"WorkWindow(segments={self.segments!r})"

    @classmethod
    def parse(cls, text: str) -> WorkWindow:
        segments = tuple(_parse_segment(part, text) for part in text.split(";") if part.strip())
        if not segments:
            raise ValidationError(f"'{text}' is not a working window; write it like 'mon-fri 09:00-17:00'")
        return cls(segments)

    def intervals_on(self, day: date) -> list[tuple[int, int]]:
        """The window's spans (minutes after midnight) on a given date."""
        weekday = day.weekday()
        return [(seg.start, seg.end) for seg in self.segments if weekday in seg.days]

    def contains(self, moment: datetime) -> bool:
        local = to_local(moment)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.intervals_on(local.date()))

    def __str__(self) -> str:
        return "; ".join(
            f"{_format_days(seg.days)} {format_clock(seg.start)}-{format_clock(seg.end)}" for seg in self.segments
        )


def _parse_day(token: str, whole: str) -> int:
    index = _DAY_ALIASES.get(token.strip().lower())
    if index is None:
        raise ValidationError(f"'{token.strip()}' in window '{whole}' is not a day; use mon tue wed thu fri sat sun")
    return index


def _parse_days(spec: str, whole: str) -> frozenset[int]:
    lowered = spec.strip().lower()
    if lowered in ("daily", "every-day", "all"):
        return frozenset(range(7))
    if lowered == "weekdays":
        return frozenset(range(5))
    if lowered == "weekends":
        return frozenset((5, 6))
    days: set[int] = set()
    for item in lowered.split(","):
        if "-" in item:
            first, _, last = item.partition("-")
            a, b = _parse_day(first, whole), _parse_day(last, whole)
            days.update((a + step) % 7 for step in range((b - a) % 7 + 1))
        else:
            days.add(_parse_day(item, whole))
    return frozenset(days)


def _parse_segment(part: str, whole: str) -> WindowSegment:
    pieces = part.split()
    if len(pieces) != 2 or pieces[1].count("-") != 1:
        raise ValidationError(f"'{whole}' is not a working window; write days and hours like 'mon-fri 09:00-17:00'")
    days = _parse_days(pieces[0], whole)
    first, _, last = pieces[1].partition("-")
    start, end = parse_clock(first), parse_clock(last, allow_midnight_end=True)
    if end <= start:
        raise ValidationError(
            f"window '{whole}' ends at {last} before it starts at {first}; a window stays within one day"
        )
    return WindowSegment(days, start, end)


def _format_days(days: frozenset[int]) -> str:
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}" for run in runs)
