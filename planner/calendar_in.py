"""An employer's calendar in: the events of an iCalendar file (an Outlook or Google Calendar export, or a downloaded
subscription) as planned blocks of one engagement.

Reading never writes: `read_calendar` turns the file into the blocks (and, on request, days off) it means within a
range, and `Store.sync_calendar` makes the engagement's calendar blocks in that range equal to them in one
transaction. Every block keeps where it came from (`source`: the event's UID and RECURRENCE-ID), so importing the
same or an updated file again moves what moved, removes what was deleted and adds what is new, and leaves every
other block alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from planner.errors import ValidationError
from planner.model import Block, DayOff
from planner.schedule import MINUTES_PER_DAY, check_day, local_zone, parse_date, to_local
from planner.store import CalendarSync, Store
from planner.text import clean, printable

#: What a calendar import covers unless --from/--to say otherwise: four weeks back, twelve ahead.
DEFAULT_BACK = timedelta(weeks=4)
DEFAULT_AHEAD = timedelta(weeks=12)
#: The largest calendar file read (an export of years of meetings is a few MiB).
MAX_CALENDAR_BYTES = 64 * 2**20
#: What to do with all-day events: leave them out, or keep them as days off.
ALL_DAY = ("skip", "off")


@dataclass
class CalendarRead:
    blocks: list[Block]
    days_off: list[DayOff]
    events: int = 0  # occurrences found in the range
    skipped: dict[str, int] = field(default_factory=dict)  # why → how many


def _skip(read: CalendarRead, why: str) -> None:
    read.skipped[why] = read.skipped.get(why, 0) + 1


def _source_key(uid: str, recurrence: date | datetime | None, part: int = 0) -> dict[str, object]:
    """Where a block came from: the event's UID and its RECURRENCE-ID (the original start of an occurrence, in UTC),
    and which local day of a meeting over midnight it is."""
    if isinstance(recurrence, datetime):
        moment = recurrence if recurrence.tzinfo else recurrence.replace(tzinfo=local_zone())
        text: str | None = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    elif isinstance(recurrence, date):
        text = recurrence.strftime("%Y%m%d")
    else:
        text = None
    source: dict[str, object] = {"kind": "ics", "uid": uid, "recurrence_id": text}
    if part:
        source["part"] = part
    return source


def _declined(event, email: str) -> bool:
    """Whether the person (by their e-mail address) declined the event."""
    if not email:
        return False
    attendees = event.get("ATTENDEE")
    for attendee in attendees if isinstance(attendees, list) else [attendees] if attendees is not None else []:
        address = str(attendee).lower().removeprefix("mailto:")
        if address == email.lower() and str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED":
            return True
    return False


def _local_pieces(start: datetime, end: datetime) -> list[tuple[date, int, int]]:
    """An event's time as (local day, start minute, end minute) per local day it touches (24:00 ends a day)."""
    pieces: list[tuple[date, int, int]] = []
    lo, hi = to_local(start), to_local(end)
    day = lo.date()
    while True:
        begin = lo.hour * 60 + lo.minute if day == lo.date() else 0
        finish = hi.hour * 60 + hi.minute + (1 if hi.second else 0) if day == hi.date() else MINUTES_PER_DAY
        if finish > begin:
            pieces.append((day, begin, min(finish, MINUTES_PER_DAY)))
        if day >= hi.date():
            return pieces
        day += timedelta(days=1)


def read_calendar(
    path: Path, engagement_id: int, first: date, last: date, *, email: str = "", all_day: str = "skip"
) -> CalendarRead:
    """The planned blocks (and, with `all_day` "off", the days off) an iCalendar file means within first..last.

    Recurring events are expanded by recurring-ical-events (RRULE, RDATE, EXDATE and moved occurrences alike);
    cancelled events and events the person declined (an ATTENDEE with their e-mail and PARTSTAT=DECLINED) are left
    out; times are converted to the local zone, and a meeting over midnight becomes one block a day."""
    import icalendar
    import recurring_ical_events

    if all_day not in ALL_DAY:
        raise ValidationError(f"--all-day takes {' or '.join(ALL_DAY)}, not '{all_day}'")
    text = _read(path)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and friends for a file it cannot parse
        raise ValidationError(f"{path} is not an iCalendar file ({_short(exc)}); give a .ics export") from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise ValidationError(f"{path} is not an iCalendar file (it holds no VCALENDAR); give a .ics export")
    try:
        occurrences = list(
            recurring_ical_events.of(calendar, skip_bad_series=True).between(first, last + timedelta(days=1))
        )
    except Exception as exc:  # a damaged rule or time zone in the file
        raise ValidationError(f"{path} has an event planner cannot expand ({_short(exc)})") from None
    # A one-off event is known by its UID alone, so that moving it moves its block; recurrence-ical-events gives
    # every occurrence a RECURRENCE-ID, which only identifies an occurrence of a series.
    recurring = {
        str(event.get("UID", "")).strip()
        for event in calendar.walk("VEVENT")
        if any(event.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    }
    read = CalendarRead([], [])
    for event in occurrences:
        read.events += 1
        try:
            _add_event(read, event, engagement_id, first, last, email, all_day, recurring)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            _skip(read, "unreadable (no start, or a start planner cannot read)")
    read.blocks.sort(key=lambda block: (block.day, block.start, block.end))
    read.days_off.sort(key=lambda item: item.day)
    return read


def _add_event(
    read: CalendarRead, event, engagement_id: int, first: date, last: date, email: str, all_day: str, recurring: set
) -> None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        _skip(read, "cancelled")
        return
    if _declined(event, email):
        _skip(read, "declined")
        return
    uid = str(event.get("UID", "")).strip()
    if not uid:
        _skip(read, "without a UID")
        return
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if event.get("DTEND") is not None else None
    if end is None and event.get("DURATION") is not None:
        end = start + event.decoded("DURATION")
    recurrence = None
    if uid in recurring and event.get("RECURRENCE-ID") is not None:
        recurrence = event.decoded("RECURRENCE-ID")
    title = clean(str(event.get("SUMMARY", ""))).replace("\n", " ").strip()
    notes = clean(str(event.get("LOCATION", ""))).strip()
    if not isinstance(start, datetime):  # an all-day event: DTSTART is a date
        if all_day == "skip":
            _skip(read, "all-day (give --all-day off to keep them as days off)")
            return
        last_day = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
        day = start
        while day <= last_day:
            if first <= day <= last:
                check_day(day, f"the event '{title}'")
                read.days_off.append(DayOff(day, title, _source_key(uid, recurrence)))
            day += timedelta(days=1)
        return
    if end is None or not isinstance(end, datetime):
        end = start
    if start.tzinfo is None:  # a floating time: the person's own clock
        start = start.replace(tzinfo=local_zone())
        end = end.replace(tzinfo=start.tzinfo)
    if end <= start:
        _skip(read, "no length")
        return
    for part, (day, begin, finish) in enumerate(_local_pieces(start, end)):
        if not first <= day <= last:
            continue
        check_day(day, f"the event '{title}'")
        read.blocks.append(
            Block(
                id=0,
                engagement_id=engagement_id,
                day=day,
                start=begin,
                end=finish,
                title=title,
                notes=notes,
                source=_source_key(uid, recurrence, part),
            )
        )


def _read(path: Path) -> bytes:
    from planner.importers import _open_source

    with _open_source(path) as file:
        try:
            data = file.read(MAX_CALENDAR_BYTES + 1)
        except OSError as exc:
            raise ValidationError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_CALENDAR_BYTES:
        raise ValidationError(f"{path} has more than {MAX_CALENDAR_BYTES // 2**20} MiB; is it a calendar file?")
    return data


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 120 else text[:117] + "..."


def calendar_range(first_text: str | None, last_text: str | None, today: date) -> tuple[date, date]:
    """The days a calendar import covers: --from/--to, by default four weeks back and twelve ahead (from --from
    alone: twelve weeks from it). At most three years."""
    if last_text and not first_text:
        raise ValidationError("--to needs --from; give both dates as YYYY-MM-DD")
    first = parse_date(first_text) if first_text else today - DEFAULT_BACK
    last = parse_date(last_text) if last_text else (first if first_text else today) + DEFAULT_AHEAD
    if last < first:
        raise ValidationError(f"--to {last.isoformat()} is before --from {first.isoformat()}; swap them")
    if (last - first).days > 3 * 366:
        raise ValidationError("a calendar import covers at most 3 years; give a shorter --from/--to")
    return first, last


def import_calendar(
    store: Store, path: Path, engagement_name: str, first: date, last: date, *, all_day: str = "skip"
) -> tuple[CalendarRead, CalendarSync]:
    """Read a calendar and make the engagement's calendar blocks in first..last equal to it (the CLI's `import ics`
    and the board's calendar form alike)."""
    engagement = store.engagement(engagement_name)
    email = str(store.settings().get("email", ""))
    read = read_calendar(path, engagement.id, first, last, email=email, all_day=all_day)
    return read, store.sync_calendar(engagement.id, first, last, read.blocks, read.days_off)


def sync_summary(sync: CalendarSync, name: str, first: date, last: date) -> str:
    return (
        f"Calendar in: {len(sync.added)} added, {len(sync.changed)} moved or renamed, {len(sync.removed)} removed, "
        f"{sync.unchanged} unchanged ({printable(name)}, {first.isoformat()} to {last.isoformat()})."
    )
