"""A forgotten timer: one still running past its job's working window, past the latest finish, or longer than the
limit. `status`, `start --switch`, `check`, `remind` and the board all ask this one function, so they agree.

Kept small, free of the balance rules and of the model (no dataclasses): `status` runs in shell prompts and asks
it from planner.json alone (planner.glance).
"""

from __future__ import annotations

from datetime import datetime

from planner.hours import clock_hours
from planner.schedule import format_clock, to_local, wall_moment

#: Hours after which a running timer counts as forgotten, unless the boundaries say otherwise.
TIMER_LIMIT = 10.0

TYPE_CHECKING = False
if TYPE_CHECKING:
    from planner.model import Boundaries, Engagement, LogEntry
    from planner.window import WorkWindow


class Forgotten:
    """Why a running timer looks forgotten, and when it most likely really stopped (None: no better guess than
    now)."""

    __slots__ = ("elapsed", "name", "reasons", "since", "stop_at")

    def __init__(
        self, name: str, since: datetime, elapsed: float, reasons: tuple[str, ...], stop_at: datetime | None
    ) -> None:
        self.name, self.since, self.elapsed, self.reasons, self.stop_at = name, since, elapsed, reasons, stop_at

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
    day = to_local(running.start).date()
    window = engagement.terms_on(day).work_window if engagement is not None and engagement.inbound else None
    name = engagement.name if engagement is not None else "?"
    return forgotten_timer(running.start, name, window, rules.latest, rules.timer_limit, now)


def forgotten_timer(
    start: datetime,
    name: str,
    window: WorkWindow | None,
    latest: int | None,
    timer_limit: float | None,
    now: datetime,
) -> Forgotten | None:
    """`forgotten` from its facts: when the timer started, the name of its engagement, the working window in force
    the day it started (inbound only), the latest finish and the timer limit."""
    day = to_local(start).date()
    reasons: list[str] = []
    ends: list[datetime] = []
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
    if latest is not None:
        latest_moment = wall_moment(day, latest)
        if start < latest_moment < now:
            reasons.append(f"past the latest finish of {format_clock(latest)} on {day:%a %d %b}")
            ends.append(latest_moment)
    elapsed = (now - start).total_seconds()
    if timer_limit is not None and elapsed > timer_limit * 3600:
        reasons.append(f"longer than {timer_limit:g} h")
    if not reasons:
        return None
    return Forgotten(name, start, elapsed, tuple(reasons), min(ends, default=None))
