"""Weeks, days and moments: parsing what people type and doing time arithmetic that survives DST.

Rules kept everywhere in planner:
- a stored moment is an aware datetime written as ISO 8601 with its UTC offset;
- a duration is computed on UTC instants, never on wall clocks, so a day with a DST change adds up right;
- a planned block lives on the local wall clock (a date plus minutes after midnight).
"""

from __future__ import annotations

import os
import re
import warnings
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil import tz

from planner.errors import ValidationError

MINUTES_PER_DAY = 24 * 60

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_MOMENT_RE = re.compile(
    r"^(?:(?P<date>\d{4}-\d{2}-\d{2}|today|yesterday)[ T])?"
    r"(?P<clock>\d{1,2}:\d{2})(?::(?P<sec>\d{2}))?(?P<offset>Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)

_zone_cache: dict[str | None, tzinfo] = {}


def local_zone() -> tzinfo:
    """The person's time zone: $TZ when set, else the system's."""
    key = os.environ.get("TZ")
    zone = _zone_cache.get(key)
    if zone is None:
        zone = tz.gettz(key) if key else tz.gettz()
        if zone is None:
            zone = tz.tzlocal()
        _zone_cache[key] = zone
    return zone


def now() -> datetime:
    """The current instant in UTC. PLANNER_NOW (ISO 8601) pins it, for scripts, demos and tests."""
    pinned = os.environ.get("PLANNER_NOW")
    if pinned:
        moment = datetime.fromisoformat(pinned)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone())
        return moment.astimezone(UTC)
    return datetime.now(UTC).replace(microsecond=0)  # planner keeps whole seconds


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def today() -> date:
    return to_local(now()).date()


# ---------------------------------------------------------------- parsing


def parse_date(text: str) -> date:
    text = text.strip()
    if _DATE_RE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-25")


def parse_clock(text: str, *, allow_midnight_end: bool = False) -> int:
    """HH:MM → minutes after midnight. 24:00 is accepted where it means the end of the day."""
    match = _CLOCK_RE.match(text.strip())
    if match:
        hours, minutes = int(match[1]), int(match[2])
        if minutes < 60 and (hours < 24 or (allow_midnight_end and hours == 24 and minutes == 0)):
            return hours * 60 + minutes
    raise ValidationError(f"'{text}' is not a time of day; write it as HH:MM, e.g. 09:30")


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def localize(day: date, minutes: int, *, strict: bool = True) -> datetime:
    """The aware local moment at `minutes` after midnight of `day`.

    A wall time that does not exist (clocks jump forward) is an error when strict, else moved past the gap;
    a wall time that happens twice (clocks go back) is its first occurrence.
    """
    base = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    zone = local_zone()
    moment = base.replace(tzinfo=zone)
    if not tz.datetime_exists(moment):
        if strict:
            raise ValidationError(
                f"{base:%Y-%m-%d %H:%M} does not exist in this time zone (the clocks jump forward then); "
                "give a time outside the gap"
            )
        moment = tz.resolve_imaginary(moment)
    return moment


def parse_moment(text: str, *, reference: datetime | None = None) -> datetime:
    """`YYYY-MM-DD HH:MM`, `HH:MM` (today), `yesterday HH:MM`, or ISO 8601 with offset → aware UTC instant."""
    raw = text.strip()
    match = _MOMENT_RE.match(raw)
    if not match:
        raise ValidationError(
            f"'{text}' is not a time; write YYYY-MM-DD HH:MM, or HH:MM for today, e.g. '2026-11-25 09:30'"
        )
    ref_day = to_local(reference or now()).date()
    day_text = (match["date"] or "today").lower()
    if day_text == "today":
        day = ref_day
    elif day_text == "yesterday":
        day = ref_day - timedelta(days=1)
    else:
        day = parse_date(day_text)
    minutes = parse_clock(match["clock"])
    seconds = int(match["sec"] or 0)
    if seconds >= 60:
        raise ValidationError(f"'{text}' has {seconds} seconds; seconds run from 00 to 59")
    offset = match["offset"]
    if offset:
        offset = "+00:00" if offset.upper() == "Z" else offset
        stamp = f"{day.isoformat()}T{format_clock(minutes)}:{seconds:02d}{offset}"
        try:
            return datetime.fromisoformat(stamp).astimezone(UTC)
        except ValueError as exc:
            raise ValidationError(f"'{text}' has a bad UTC offset; write it as +HH:MM") from exc
    return (localize(day, minutes) + timedelta(seconds=seconds)).astimezone(UTC)


def parse_stored_moment(text: str) -> datetime:
    """An ISO 8601 moment as planner stores it; must carry its UTC offset."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"moment {text!r} has no UTC offset")
    return moment


def format_moment(moment: datetime) -> str:
    """ISO 8601 on the local clock with its offset: what planner stores and prints in JSON."""
    return to_local(moment).isoformat(timespec="seconds")


def format_local(moment: datetime) -> str:
    """A moment as a person reads it in a message: local `YYYY-MM-DD HH:MM`."""
    return f"{to_local(moment):%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- weeks, months, days


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(text: str | None) -> date:
    """An ISO week (`2026-W48`) or any date in it (`2026-11-25`) → the Monday that starts it. None: this week."""
    if text is None or text.strip().lower() in ("", "this", "now"):
        return monday_of(today())
    raw = text.strip()
    match = _WEEK_RE.match(raw)
    if match:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise ValidationError(f"'{text}' is not an ISO week; {match[1]} has no week {int(match[2])}") from None
    if _DATE_RE.match(raw):
        return monday_of(parse_date(raw))
    raise ValidationError(f"'{text}' is not a week; write an ISO week like 2026-W48 or a date in it")


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_month(text: str) -> date:
    match = _MONTH_RE.match(text.strip())
    if match and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    raise ValidationError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-11")


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def period_of(monday: date, kind: str) -> tuple[date, date]:
    """The week, month or year a board week belongs to (a week belongs to the month and year of its Thursday, as
    ISO weeks do), as first and last day."""
    thursday = monday + timedelta(days=3)
    if kind == "week":
        return monday, monday + timedelta(days=6)
    if kind == "month":
        first = thursday.replace(day=1)
        return first, next_month(first) - timedelta(days=1)
    if kind == "year":
        return date(thursday.year, 1, 1), date(thursday.year, 12, 31)
    raise ValidationError(f"'{kind}' is not a period; use week, month or year")


def parse_range(text: str, monday: date) -> tuple[date, date]:
    """A range of days as a person types it in a form: `week`, `month` or `year` (the one the shown week belongs
    to), an ISO week (`2026-W48`), a month (`2026-11`), a year (`2026`), one date, or two dates joined by `..` or
    ` to ` (inclusive)."""
    raw = text.strip().lower()
    if raw in ("", "week", "month", "year"):
        return period_of(monday, raw or "week")
    for joiner in ("..", " to "):
        if joiner in raw:
            left, _, right = raw.partition(joiner)
            first, last = parse_date(left), parse_date(right)
            if last < first:
                raise ValidationError(f"the range {text.strip()} ends before it starts; swap the dates")
            return first, last
    if re.fullmatch(r"\d{4}", raw):
        return date(int(raw), 1, 1), date(int(raw), 12, 31)
    if _MONTH_RE.match(raw):
        first = parse_month(raw)
        return first, next_month(first) - timedelta(days=1)
    if _WEEK_RE.match(raw):
        week = parse_week(raw)
        return week, week + timedelta(days=6)
    if _DATE_RE.match(raw):
        day = parse_date(raw)
        return day, day
    raise ValidationError(
        f"'{text.strip()}' is not a range; write week, month, year, 2026-W48, 2026-11, 2026 or 2026-11-01..2026-11-30"
    )


def day_start(day: date) -> datetime:
    """Local midnight of `day` as a UTC instant (moved past a DST gap that swallows midnight)."""
    return localize(day, 0, strict=False).astimezone(UTC)


def wall_moment(day: date, minute: int) -> datetime:
    """The instant at `minute` after local midnight of `day` on the wall clock: 24:00 is the next midnight, and a time
    in a DST gap moves past it. Used for planned blocks, working windows and the latest finish alike."""
    if minute >= MINUTES_PER_DAY:
        return day_start(day + timedelta(days=1))
    return localize(day, minute, strict=False)


def span_of_days(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, day after last 00:00) on the local clock, as UTC instants."""
    return day_start(first), day_start(last + timedelta(days=1))


def split_by_day(start: datetime, end: datetime) -> list[tuple[date, float]]:
    """Seconds of [start, end) falling on each local day; an entry over midnight counts for each day its part."""
    parts: list[tuple[date, float]] = []
    day = to_local(start).date()
    cursor = start
    while cursor < end:
        boundary = day_start(day + timedelta(days=1))
        piece_end = min(boundary, end)
        parts.append((day, (piece_end - cursor).total_seconds()))
        cursor = piece_end
        day += timedelta(days=1)
    return parts


def overlap_seconds(start: datetime, end: datetime, lo: datetime, hi: datetime) -> float:
    """Seconds of [start, end) inside [lo, hi)."""
    seconds = (min(end, hi) - max(start, lo)).total_seconds()
    return seconds if seconds > 0 else 0.0


def month_key(moment: datetime) -> str:
    """The shard a moment belongs to: its month in UTC (unambiguous whatever the person's time zone)."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


def month_keys(first: str, last: str) -> list[str]:
    """Every month key from `first` to `last` inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    keys = []
    while (year, month) <= end:
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def shift_month_key(key: str, months: int) -> str:
    index = int(key[:4]) * 12 + int(key[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# ---------------------------------------------------------------- recurrence

_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def check_rrule(rule: str, first: date) -> str:
    """Validate an RFC 5545 RRULE (the part after `RRULE:`) and return it normalised."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    upper = text.upper()
    if not text or "\n" in text or "DTSTART" in upper or "FREQ=" not in upper:
        raise ValidationError(f"'{rule}' is not an RRULE; write one like FREQ=WEEKLY;BYDAY=MO,WE (the start is --date)")
    freq = re.search(r"FREQ=([A-Z]+)", upper)
    if freq is None or freq[1] not in _FREQS:
        raise ValidationError(f"'{rule}' is not an RRULE planner can repeat; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # dateutil only warns about rules RFC 5545 forbids (COUNT with UNTIL)
            _rrule(text, first)
    except Exception as exc:  # dateutil raises ValueError, TypeError, KeyError, IndexError… on bad rules
        raise ValidationError(f"'{rule}' is not a valid RRULE ({exc}); e.g. FREQ=WEEKLY;BYDAY=MO,WE") from None
    return text


def _rrule(text: str, first: date):
    from dateutil.rrule import rrulestr  # only planning needs it; keep it off the timer's start-up path

    return rrulestr(text, dtstart=datetime(first.year, first.month, first.day))


def expand_rrule(rule: str, first: date, lo: date, hi: date) -> list[date]:
    """Dates of a series that fall within [lo, hi] (inclusive)."""
    if hi < first:
        return []
    start = datetime(max(lo, first).year, max(lo, first).month, max(lo, first).day)
    stop = datetime(hi.year, hi.month, hi.day)
    return [moment.date() for moment in _rrule(rule, first).between(start, stop, inc=True)]


# ---------------------------------------------------------------- display


def hours(seconds: float) -> float:
    return seconds / 3600.0


def format_duration(seconds: float) -> str:
    """H:MM, what a person reads at a glance."""
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
