"""planner's one hour formatter: durations as a person reads them, on the board, in the CLI, the reports and every
export. Integer arithmetic, rounding half up once; no Decimal, so the board can show hours without loading the
money module (planner.money computes every billed figure and reads hours through here too)."""

from __future__ import annotations


def _whole_units(seconds: float, unit: int) -> int:
    """`seconds` in whole `unit`s, half up: exact for whole seconds, and a float (elapsed time) rounds once."""
    if isinstance(seconds, int):
        return (2 * seconds + unit) // (2 * unit)
    return int(seconds / unit + 0.5)


def clock_hours(seconds: float, *, with_seconds: bool = False) -> str:
    """h:mm (4:20), or h:mm:ss (a running timer: whole seconds elapsed). Whole minutes add up where 4.33 does not;
    without seconds shown, a part minute rounds half up."""
    if with_seconds:
        minutes, second = divmod(int(seconds), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{second:02d}"
    minutes = _whole_units(seconds, 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def hours_text(seconds: float, style: str = "clock", *, with_seconds: bool = False) -> str:
    """Hours in a `style`: `clock` (h:mm, what the board, the CLI and the reports show) or `decimal` (to the
    hundredth, as Toggl, Clockify and Harvest read them and a printed timesheet can show them)."""
    if style == "decimal":
        hundredths = _whole_units(seconds, 36)
        return f"{hundredths // 100}.{hundredths % 100:02d}"
    return clock_hours(seconds, with_seconds=with_seconds)
