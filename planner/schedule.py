"""Weeks, days and moments: parsing what people type and doing time arithmetic that survives DST.

Rules kept everywhere in planner:
- a stored moment is an aware datetime written as ISO 8601 with its UTC offset;
- a duration is computed on UTC instants, never on wall clocks, so a day with a DST change adds up right;
- a planned block lives on the local wall clock (a date plus minutes after midnight).
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta, tzinfo

from planner.errors import ValidationError

MINUTES_PER_DAY = 24 * 60
#: The days planner keeps. Anything typed, imported or read outside them is refused: a year-1 entry once broke
#: `report --overtime` for good, and a week in the year 9999 overflowed the date arithmetic.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2200, 12, 31)
_DAYS_KEPT = "planner keeps dates from 1970-01-01 to 2200-12-31"

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
    """The person's time zone: $TZ when set, else the system's (/etc/localtime), else UTC.

    The standard library's zoneinfo reads it: dateutil.tz with its own tzdata lookup cost a shell prompt 11 ms. Only
    a POSIX rule in TZ (`CET-1CEST,M3.5.0,M10.5.0/3`), which zoneinfo does not read, or a system without zone files
    (Windows without the tzdata package) goes to dateutil."""
    key = os.environ.get("TZ")
    zone = _zone_cache.get(key)
    if zone is None:
        zone = _read_zone(key.strip().lstrip(":") if key else "")
        _zone_cache[key] = zone
    return zone


def _read_zone(key: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    try:
        if not key:
            if not os.path.exists("/etc/localtime"):
                return _dateutil_zone(None)
            with open("/etc/localtime", "rb") as file:
                return ZoneInfo.from_file(file, key="localtime")
        if key.startswith(("/", ".")):
            with open(key, "rb") as file:
                return ZoneInfo.from_file(file, key=key)
        return ZoneInfo(key)
    except Exception:  # zoneinfo raises several kinds for a name or file it cannot read
        return _dateutil_zone(key or None)


def _dateutil_zone(key: str | None) -> tzinfo:
    from dateutil import tz

    zone = tz.gettz(key) if key else tz.gettz()
    return zone if zone is not None else tz.tzlocal()


def datetime_exists(moment: datetime) -> bool:
    """Whether an aware wall time happens at all: one the clocks skip (spring forward) does not survive a round trip
    through UTC."""
    zone = moment.tzinfo
    assert zone is not None
    back = moment.astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def resolve_imaginary(moment: datetime) -> datetime:
    """A wall time the clocks skip moved forward by the gap (02:30 on the spring-forward night is 03:30)."""
    if datetime_exists(moment):
        return moment
    after = (moment + timedelta(hours=24)).utcoffset()
    before = (moment - timedelta(hours=24)).utcoffset()
    assert after is not None and before is not None
    return moment + (after - before)


def zone_name() -> str:
    """The IANA name of the person's time zone (`Europe/Berlin`), which a calendar file needs as its TZID.

    $TZ may be a name, a path into a zoneinfo folder (`/usr/share/zoneinfo/Europe/Berlin`, `:Europe/Berlin`) or
    nothing (then the system's /etc/localtime, or /etc/timezone, tells). A POSIX rule (`CET-1CEST,M3.5.0,M10.5.0/3`)
    or a zone file outside any zoneinfo folder names no zone: that is one line naming TZ, never a calendar an hour off.
    """
    key = os.environ.get("TZ", "").strip().lstrip(":")
    if key:
        name = _zone_from_path(key) if key.startswith(("/", ".")) else key
        if name is not None and _is_zone_name(name):
            return name
        raise ValidationError(
            f"TZ '{key}' is not the name of a time zone (such as Europe/Berlin) nor a path into a zoneinfo folder, "
            "and a calendar needs the name; set TZ to it, e.g. TZ=Europe/Berlin"
        )
    if not os.path.lexists("/etc/localtime"):
        return "UTC"  # what the C library and planner use then
    found = _zone_from_path("/etc/localtime")
    if found is None:
        try:
            with open("/etc/timezone", encoding="utf-8") as file:
                found = file.read(200).strip()
        except OSError:
            found = None
    if found and _is_zone_name(found):
        return found
    raise ValidationError(
        "the system's time zone (/etc/localtime) has no name planner can find, and a calendar needs one; "
        "set TZ to it, e.g. TZ=Europe/Berlin"
    )


def _zone_from_path(path: str) -> str | None:
    real = os.path.realpath(path)
    marker = "/zoneinfo/"
    if marker not in real:
        return None
    name = real.rsplit(marker, 1)[1]
    for prefix in ("posix/", "right/"):  # the same zones, kept twice by some systems
        name = name.removeprefix(prefix)
    return name


def _is_zone_name(name: str) -> bool:
    """A name other calendars know: an IANA zone (not a file of the zoneinfo folder such as posixrules)."""
    from zoneinfo import ZoneInfo, available_timezones

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", name):
        return False
    try:
        ZoneInfo(name)
    except Exception:  # zoneinfo raises several kinds for names it does not know
        return False
    if name in ("localtime", "posixrules", "Factory"):  # files of a zoneinfo folder, no zone's name
        return False
    known = available_timezones()
    return not known or name in known or name == "UTC"


def now() -> datetime:
    """The current instant in UTC. PLANNER_NOW (ISO 8601) pins it, for scripts, demos and tests."""
    pinned = os.environ.get("PLANNER_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned.strip())
        except ValueError:
            raise ValidationError(
                f"PLANNER_NOW '{pinned}' is not a moment; write it as ISO 8601, e.g. 2026-11-25T10:00:00+01:00"
            ) from None
        check_day(moment.date(), f"PLANNER_NOW {pinned}")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone())
        return moment.astimezone(UTC)
    return datetime.now(UTC).replace(microsecond=0)  # planner keeps whole seconds


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def check_past(moment: datetime, reference: datetime, what: str) -> datetime:
    """`moment` when it is not in the future (a minute's grace for clocks that differ): logged time has happened;
    the future is the plan's."""
    if moment > reference + timedelta(minutes=1):
        raise ValidationError(
            f"{what} {format_local(moment)} is in the future; log time that has passed, and plan what is to come"
        )
    return moment


def today() -> date:
    return to_local(now()).date()


# ---------------------------------------------------------------- parsing


def check_day(day: date, what: str) -> date:
    """`day` when planner keeps it (FIRST_DAY..LAST_DAY); `what` names it in the error."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"{what} is out of range; {_DAYS_KEPT}")
    return day


def parse_date(text: str) -> date:
    text = text.strip()
    if _DATE_RE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return check_day(day, f"the date {text}")
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


def localize(day: date, minutes: int, *, strict: bool = True, fold: int = 0) -> datetime:
    """The aware local moment at `minutes` after midnight of `day`.

    A wall time that does not exist (clocks jump forward) is an error when strict, else moved past the gap;
    a wall time that happens twice (clocks go back) is its first occurrence, or its second with `fold` 1.
    """
    base = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    zone = local_zone()
    moment = base.replace(tzinfo=zone, fold=fold)
    if not datetime_exists(moment):
        if strict:
            raise ValidationError(gap_problem(base))
        moment = resolve_imaginary(moment)
    return moment


def gap_problem(wall: datetime) -> str:
    """The one line for a wall time a DST change skips, saying which times exist around it."""
    zone = local_zone()
    before, after = wall, wall
    for _ in range(24 * 60):  # gaps last minutes to hours; the search ends within a day whatever the zone
        if datetime_exists((before - timedelta(minutes=1)).replace(tzinfo=zone)):
            break
        before -= timedelta(minutes=1)
    for _ in range(24 * 60):
        after += timedelta(minutes=1)
        if datetime_exists(after.replace(tzinfo=zone)):
            break
    return (
        f"{wall:%H:%M} on {wall:%a %Y-%m-%d} does not exist in this time zone: the clocks jump from {before:%H:%M} to "
        f"{after:%H:%M}; give a time before {before:%H:%M} or from {after:%H:%M} on"
    )


#: How far ahead a new series is checked for occurrences the clocks skip (DST rules repeat yearly).
SERIES_GAP_YEARS = 5


def check_series_wall_times(rule: str, first: date, start: int, end: int) -> None:
    """Refuse a series with an occurrence, within SERIES_GAP_YEARS of its start, whose start or end the clocks skip
    that day (a daily 02:30 block meets the spring-forward night once a year), naming that occurrence. Only the days
    the clocks move forward are looked at: the offset is read once a week, and a week whose offset grew is read day
    by day (no zone moves its clocks twice within a week)."""
    horizon = min(LAST_DAY - timedelta(days=1), first + timedelta(days=366 * SERIES_GAP_YEARS))

    def offset(day: date) -> timedelta | None:
        return localize(day, 0, strict=False).utcoffset()

    week = first
    before = offset(week)
    while week <= horizon:
        after = offset(min(week + timedelta(days=7), LAST_DAY))
        if before is not None and after is not None and after > before:
            day_before: timedelta | None = before
            for day in (week + timedelta(days=n) for n in range(7)):
                day_after = offset(day + timedelta(days=1))
                moved = day_before is not None and day_after is not None and day_after > day_before
                if moved and day <= horizon and expand_rrule(rule, first, day, day):
                    try:
                        check_wall_times(day, start, end)
                    except ValidationError as error:
                        raise ValidationError(f"the series would have an occurrence the clocks skip: {error}") from None
                day_before = day_after
        before = after
        week += timedelta(days=7)


def check_wall_times(day: date, start: int, end: int) -> None:
    """Refuse a planned start or end that the clocks skip on `day` (a DST change): calendars and planner would
    each read it differently. 24:00 is the next midnight, which exists."""
    for minute in (start, end):
        if minute < MINUTES_PER_DAY:
            localize(day, minute)


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
    check_day(day, f"the time '{raw}'")
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
    if text is None or text.strip().lower() in ("this", "now"):
        return monday_of(today())
    if not text.strip():
        raise ValidationError("an empty week; write an ISO week like 2026-W48, a date in it, or leave the option out")
    raw = text.strip()
    match = _WEEK_RE.match(raw)
    if match:
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise ValidationError(f"'{text}' is not an ISO week; {match[1]} has no week {int(match[2])}") from None
    elif _DATE_RE.match(raw):
        monday = monday_of(parse_date(raw))
    else:
        raise ValidationError(f"'{text}' is not a week; write an ISO week like 2026-W48 or a date in it")
    # A week is kept whole or not at all: 1970-W01 starts on 1969-12-29, before the first day planner keeps.
    if not FIRST_DAY <= monday <= LAST_DAY:  # (adding to a Monday of 9999 overflows)
        raise ValidationError(f"the week {raw} is out of range; {_DAYS_KEPT}")
    return monday


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_month(text: str) -> date:
    match = _MONTH_RE.match(text.strip())
    if match and 1 <= int(match[2]) <= 12:
        if not FIRST_DAY.year <= int(match[1]) <= LAST_DAY.year:
            raise ValidationError(f"the month {text.strip()} is out of range; {_DAYS_KEPT}")
        return date(int(match[1]), int(match[2]), 1)
    raise ValidationError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-11")


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months_before(day: date, months: int) -> date:
    """The same day `months` months before `day`, or that month's last day when it is shorter (31 March less one
    month is 28 February), as dateutil's relativedelta counts."""
    index = day.year * 12 + day.month - 1 - months
    first = date(index // 12, index % 12 + 1, 1)
    last = (next_month(first) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


def month_before(day: date) -> date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


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
    if re.fullmatch(r"[0-9]{4}", raw):
        if not FIRST_DAY.year <= int(raw) <= LAST_DAY.year:
            raise ValidationError(f"the year {raw} is out of range; {_DAYS_KEPT}")
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
    # in UTC: two aware times of one zone object subtract on the wall clock, which is wrong across a DST change
    return localize(day, minute, strict=False).astimezone(UTC)


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
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: The number lists of an RRULE planner takes: (smallest, largest, may count from the end with a minus).
_RRULE_LISTS = {
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
#: The parts of an RFC 5545 RRULE planner takes. BYHOUR, BYMINUTE and BYSECOND are not among them: a block takes its
#: time of day from its start and end, so a series happens at most once a day.
_RRULE_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", *_RRULE_LISTS, "WKST")
MAX_RRULE_LENGTH = 300
MAX_INTERVAL = 1000
MAX_COUNT = 1000
#: dateutil looks for a rule's next occurrence until the year 9999, which takes seconds for a rule that never happens.
#: Moved by 19 Gregorian cycles of 400 years (the calendar repeats exactly: weekdays, leap days, week numbers), a series
#: of 1970..2200 lies within 430 years of that end, so the search for its first occurrence ends quickly either way.
_CYCLE_SHIFT = 19 * 400
_NUMBER_RE = re.compile(r"^[+-]?[0-9]{1,3}$")
_BYDAY_RE = re.compile(r"^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_RRULE_EXAMPLE = "e.g. FREQ=WEEKLY;BYDAY=MO,WE"


def check_rrule(rule: str, first: date) -> str:
    """Validate an RFC 5545 RRULE (the part after `RRULE:`) for a series that starts on `first`, and return it
    normalised (upper case, without `RRULE:`).

    Refused: parts planner does not take (BYHOUR, BYMINUTE, BYSECOND among them) or gives twice, a frequency of less
    than a day, INTERVAL or COUNT outside 1..1000, an UNTIL before `first` or after 2200, and a rule that never
    happens from `first` to 2200-12-31. A rule that passes happens at most once a day, and expanding it ends.
    """
    if not isinstance(rule, str):
        raise ValidationError(f"{rule!r} is not an RRULE; write one like FREQ=WEEKLY;BYDAY=MO,WE")
    check_day(first, f"a series starting {first.isoformat()}")
    return _checked_rrule(rule.strip(), first)


@functools.lru_cache(maxsize=256)
def _checked_rrule(rule: str, first: date) -> str:
    shown = rule if len(rule) <= 80 else rule[:77] + "..."
    text = rule[6:] if rule.upper().startswith("RRULE:") else rule
    if not text or len(text) > MAX_RRULE_LENGTH or not text.isprintable() or " " in text or "FREQ=" not in text.upper():
        raise ValidationError(
            f"'{shown}' is not an RRULE; write one like FREQ=WEEKLY;BYDAY=MO,WE (the start is --date), "
            f"at most {MAX_RRULE_LENGTH} characters"
        )
    parts: dict[str, str] = {}
    for part in text.upper().split(";"):
        key, sep, value = part.partition("=")
        if not sep or not key or not value:
            raise ValidationError(f"'{shown}' is not an RRULE: '{part}' is not NAME=VALUE; {_RRULE_EXAMPLE}")
        if key in parts:
            raise ValidationError(f"the RRULE '{shown}' gives {key} twice; give each part once")
        if key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            raise ValidationError(
                f"the RRULE '{shown}' has {key}: a series repeats by the day and takes its time from the block's "
                "start and end; leave it out"
            )
        if key == "DTSTART":
            raise ValidationError(f"the RRULE '{shown}' has DTSTART; the series starts on the block's date (--date)")
        if key not in _RRULE_PARTS:
            raise ValidationError(f"the RRULE '{shown}' has {key}; planner takes {', '.join(_RRULE_PARTS)}")
        parts[key] = value
    freq = parts["FREQ"]
    if freq not in _FREQS:
        raise ValidationError(
            f"'{shown}' is not an RRULE planner can repeat; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"
        )
    for key, most in (("INTERVAL", MAX_INTERVAL), ("COUNT", MAX_COUNT)):
        given = parts.get(key)
        if given is not None and not (given.isascii() and given.isdigit() and 1 <= int(given) <= most):
            raise ValidationError(f"{key}={given} in the RRULE '{shown}' is out of range; give 1 to {most}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError(f"the RRULE '{shown}' gives both COUNT and UNTIL; give one of them")
    for key, (low, high, from_end) in _RRULE_LISTS.items():
        for item in parts[key].split(",") if key in parts else ():
            number = int(item) if _NUMBER_RE.match(item) else 0
            if not low <= abs(number) <= high or (number < 0 and not from_end):
                ends = f"-{high} to -{low} or " if from_end else ""
                raise ValidationError(
                    f"'{item}' in {key} of the RRULE '{shown}' is out of range; give {ends}{low} to {high}"
                )
    for item in parts["BYDAY"].split(",") if "BYDAY" in parts else ():
        match = _BYDAY_RE.match(item)
        if match is None:
            raise ValidationError(
                f"'{item}' in BYDAY of the RRULE '{shown}' is not a weekday; use MO TU WE TH FR SA SU, e.g. BYDAY=MO,WE"
            )
        most = {"MONTHLY": 5, "YEARLY": 53}.get(freq, 0)
        if match[1] is not None and not 1 <= abs(int(match[1])) <= most:
            raise ValidationError(
                f"'{item}' in BYDAY of the RRULE '{shown}': a numbered weekday (1FR, -1SU) goes with FREQ=MONTHLY "
                "(1 to 5) or FREQ=YEARLY (1 to 53)"
            )
    if "BYSETPOS" in parts and freq in ("DAILY", "WEEKLY"):
        raise ValidationError(f"the RRULE '{shown}' has BYSETPOS; it goes with FREQ=MONTHLY or FREQ=YEARLY")
    if parts.get("WKST", "MO") not in _WEEKDAYS:
        raise ValidationError(f"WKST={parts['WKST']} in the RRULE '{shown}' is not a weekday; use MO TU WE TH FR SA SU")
    normalised = ";".join(f"{key}={value}" for key, value in parts.items())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # dateutil only warns about rules RFC 5545 forbids
            parsed = _rrule(normalised, first)
    except Exception as exc:  # dateutil raises ValueError, TypeError, KeyError, IndexError… on bad rules
        raise ValidationError(f"'{shown}' is not a valid RRULE ({exc}); {_RRULE_EXAMPLE}") from None
    until: datetime | None = getattr(parsed, "_until", None)
    if until is not None:
        if until.date() < first:
            raise ValidationError(
                f"the RRULE '{shown}' ends (UNTIL {until:%Y-%m-%d}) before the series starts on {first.isoformat()}"
            )
        check_day(until.date(), f"UNTIL {until:%Y-%m-%d} in the RRULE '{shown}'")
    if _never_matches(parts) or _first_occurrence(parsed, first, until) is None:
        raise ValidationError(
            f"the RRULE '{shown}' never happens from {first.isoformat()} to {LAST_DAY.isoformat()}; "
            "check its BYMONTH, BYMONTHDAY, BYDAY and INTERVAL"
        )
    return normalised


_UNTIL_RE = re.compile(r"UNTIL=([0-9]{8})(T[0-9]{6}Z?)?", re.IGNORECASE)


def series_rule(rule: str, day: date, start: int) -> tuple[str, date]:
    """A series as planner stores it, from what a person typed: the rule checked, and the day of its first
    occurrence, which becomes its start (DTSTART).

    - UNTIL may be a date (`UNTIL=20260408`, the last day), a UTC instant (`UNTIL=20260408T235959Z`, as RFC 5545
      writes it beside a zoned start) or a local date-time; it is kept as the last local day on which the series
      starts (at `start` minutes after midnight) no later than that.
    - A start that is not itself an occurrence (a Monday for BYDAY=TU,TH) moves to the first one. RFC 5545 counts
      DTSTART as an occurrence whatever the rule says, so calendar apps would show one more than planner does.
    """
    if not isinstance(rule, str):
        raise ValidationError(f"{rule!r} is not an RRULE; write one like FREQ=WEEKLY;BYDAY=MO,WE")
    text = _until_as_day(rule.strip(), start)
    checked = check_rrule(text, day)
    first = first_within(checked, day, day, LAST_DAY)
    assert first is not None  # check_rrule refuses a rule that never happens
    return checked, first


def _until_as_day(rule: str, start: int) -> str:
    match = _UNTIL_RE.search(rule)
    if match is None or not match[2]:
        return rule
    try:
        stamp = datetime.strptime(match[1] + match[2].upper().rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise ValidationError(
            f"UNTIL={match[1]}{match[2]} in the RRULE is not a date-time; write UNTIL=20260408"
        ) from None
    check_day(stamp.date(), f"UNTIL {stamp:%Y-%m-%d} in the RRULE")
    last = stamp.date()
    if match[2].upper().endswith("Z"):
        instant = stamp.replace(tzinfo=UTC)
        last = to_local(instant).date()
        if last > FIRST_DAY and wall_moment(last, start) > instant:
            last -= timedelta(days=1)
    elif stamp.hour * 60 + stamp.minute < start:
        last -= timedelta(days=1)
    return rule[: match.start()] + f"UNTIL={last:%Y%m%d}" + rule[match.end() :]


def _never_matches(parts: dict[str, str]) -> bool:
    """Whether a daily or weekly rule can never happen because its days of the year match nothing, found cheaply:
    dateutil searches a daily rule a day at a time, but the same days looked for a year at a time take a fraction."""
    if parts["FREQ"] not in ("DAILY", "WEEKLY"):
        return False
    days = {
        key: value
        for key, value in parts.items()
        if key in ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY", "WKST")
    }
    if not {"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY"} & set(days):
        return False  # only months: every day of them
    yearly = ";".join(f"{key}={value}" for key, value in {"FREQ": "YEARLY", **days}.items())
    return _first_occurrence(_rrule(yearly, FIRST_DAY), FIRST_DAY, None) is None


def _first_occurrence(parsed, first: date, until: datetime | None) -> date | None:
    """The first day of a series up to LAST_DAY, or None; searched _CYCLE_SHIFT years later, so that it ends fast."""
    moved = parsed.replace(
        dtstart=datetime(first.year + _CYCLE_SHIFT, first.month, first.day),
        until=None if until is None else until.replace(year=until.year + _CYCLE_SHIFT),
    )
    for moment in moved:
        day = moment.date()
        day = day.replace(year=day.year - _CYCLE_SHIFT)
        return day if day <= LAST_DAY else None
    return None


@functools.lru_cache(maxsize=256)
def _rrule(text: str, first: date):
    from dateutil.rrule import rrulestr  # only planning needs it; keep it off the timer's start-up path

    return rrulestr(text, dtstart=datetime(first.year, first.month, first.day))


def expand_rrule(rule: str, first: date, lo: date, hi: date) -> list[date]:
    """Dates of a series that fall within [lo, hi] (inclusive).

    The rule is checked again first (once per rule and start, then remembered): a data file may hold a rule an older
    planner took, and expanding one must end, however it was stored. At most one date a day."""
    text = check_rrule(rule, first)
    lo, hi = max(lo, first), min(hi, LAST_DAY)
    if hi < lo:
        return []
    text, restart = _restarted(text, first, lo)
    start, stop = datetime(lo.year, lo.month, lo.day), datetime(hi.year, hi.month, hi.day)
    return [moment.date() for moment in _rrule(text, restart).between(start, stop, inc=True)]


def first_within(rule: str, first: date, lo: date, hi: date, skipped: Collection[date] = ()) -> date | None:
    """The first date of a series within [lo, hi] that is not `skipped`, or None; without expanding the others."""
    text = check_rrule(rule, first)
    lo, hi = max(lo, first), min(hi, LAST_DAY)
    if hi < lo:
        return None
    text, restart = _restarted(text, first, lo)
    for moment in _rrule(text, restart).xafter(datetime(lo.year, lo.month, lo.day), inc=True):
        if moment.date() > hi:
            return None
        if moment.date() not in skipped:
            return moment.date()
    return None


def _restarted(text: str, first: date, lo: date) -> tuple[str, date]:
    """The same series restarted at the beginning of its last period (of INTERVAL days, weeks, months or years) that
    begins on or before `lo`, with what dateutil takes from the first day written out: dateutil walks a series from
    its start, so expanding a week of a daily series from 1970 would cost 230 years. A series with COUNT counts from
    its first day and stays as it is (it has at most MAX_COUNT occurrences)."""
    parts = dict(part.split("=", 1) for part in text.split(";"))
    if "COUNT" in parts:
        return text, first
    freq, step = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    days_given = bool({"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY"} & set(parts))
    if freq == "DAILY":
        start = first + timedelta(days=(lo - first).days // step * step)
    elif freq == "WEEKLY":
        week = first - timedelta(days=(first.weekday() - _WEEKDAYS.index(parts.get("WKST", "MO"))) % 7)
        start = week + timedelta(weeks=(lo - week).days // 7 // step * step)
        if not days_given:
            parts["BYDAY"] = _WEEKDAYS[first.weekday()]
    elif freq == "MONTHLY":
        months = (lo.year - first.year) * 12 + lo.month - first.month
        index = first.year * 12 + first.month - 1 + months // step * step
        start = date(index // 12, index % 12 + 1, 1)
        if not days_given:
            parts["BYMONTHDAY"] = str(first.day)
    else:
        start = date(first.year + (lo.year - first.year) // step * step, 1, 1)
        if not days_given:
            parts.setdefault("BYMONTH", str(first.month))
            parts["BYMONTHDAY"] = str(first.day)
    if start <= first:
        return text, first
    return ";".join(f"{key}={value}" for key, value in parts.items()), start


# ---------------------------------------------------------------- display


def hours(seconds: float) -> float:
    return seconds / 3600.0
