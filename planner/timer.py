"""A forgotten timer: one still running past its job's working window, past the latest finish, or longer than the
limit. `status`, `start --switch`, `check`, `remind` and the board all ask this one function, so they agree.

Kept small and free of the balance rules: `status` runs in shell prompts and must stay cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from planner.hours import clock_hours
from planner.model import Boundaries, Engagement, LogEntry
from planner.schedule import format_clock, to_local, wall_moment


@dataclass(frozen=True)
class Forgotten:
    """Why a running timer looks forgotten, and when it most likely really stopped (None: no better guess than
    now)."""

    name: str
    since: datetime
    elapsed: float  # seconds
    reasons: tuple[str, ...]
    stop_at: datetime | None

    @property
    def message(self) -> str:
        return (
            f"The {self.name} timer has run since {to_local(self.since):%a %d %b %H:%M} ({clock_hours(self.elapsed)}): "
            f"{' and '.join(self.reasons)}."
        )

    def stop_text(self, now: datetime) -> str:
        """The likely stop as `stop --at` and `--stop-at` read it: the time alone when it was today, else with its
        date; "HH:MM" with no guess."""
        if self.stop_at is None:
            return "HH:MM"
        local = to_local(self.stop_at)
        return f"{local:%H:%M}" if local.date() == to_local(now).date() else f"'{local:%Y-%m-%d %H:%M}'"

    def advice(self, now: datetime) -> str:
        return f"Stop it when you really stopped: planner stop --at {self.stop_text(now)}"

    def to_json(self) -> dict[str, object]:
        return {
            "since": to_local(self.since).isoformat(timespec="seconds"),
            "hours": round(self.elapsed / 3600, 2),
            "reasons": list(self.reasons),
            "stop_at": None if self.stop_at is None else to_local(self.stop_at).isoformat(timespec="seconds"),
        }


def forgotten(running: LogEntry, engagement: Engagement | None, rules: Boundaries, now: datetime) -> Forgotten | None:
    """The running timer as forgotten, or None while it looks like real work."""
    start = running.start
    day = to_local(start).date()
    reasons: list[str] = []
    ends: list[datetime] = []
    name = engagement.name if engagement is not None else "?"
    window = engagement.terms_on(day).work_window if engagement is not None and engagement.inbound else None
    if window is not None:
        for _, end_minute in sorted(window.intervals_on(day)):
            end = wall_moment(day, end_minute)
            if end > start:  # the window span the timer started in (or before)
                if now > end:
                    reasons.append(
                        f"past {name}'s working window, which ended at {format_clock(end_minute)} on {day:%a %d %b}"
                    )
                    ends.append(end)
                break
    if rules.latest is not None:
        latest = wall_moment(day, rules.latest)
        if start < latest < now:
            reasons.append(f"past the latest finish of {format_clock(rules.latest)} on {day:%a %d %b}")
            ends.append(latest)
    elapsed = (now - start).total_seconds()
    if rules.timer_limit is not None and elapsed > rules.timer_limit * 3600:
        reasons.append(f"longer than {rules.timer_limit:g} h")
    if not reasons:
        return None
    return Forgotten(name, start, elapsed, tuple(reasons), min(ends, default=None))
