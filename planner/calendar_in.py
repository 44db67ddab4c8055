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
from planner.schedule import MINUTES_PER_DAY, check_day, local_zone, parse_date, to_local, wall_moment
from planner.store import CalendarSync, Store
from planner.text import clean, printable

#: What a calendar import covers unless --from/--to say otherwise: four weeks back, twelve ahead.
DEFAULT_BACK = timedelta(weeks=4)
DEFAULT_AHEAD = timedelta(weeks=12)
#: The largest calendar file read (an export of years of meetings is a few MiB).
MAX_CALENDAR_BYTES = 16 * 2**20
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
        pieces.append((day, begin, min(finish, MINUTES_PER_DAY)))
        if day >= hi.date():
            return pieces
        day += timedelta(days=1)


def _on_the_wall(pieces: list[tuple[date, int, int]], start: datetime, end: datetime) -> bool:
    """Whether planner's wall-clock blocks say exactly when the event happens: not so for an event that starts or ends
    in the second pass of the hour the clocks go back (02:15 CET), or that spans that hour."""
    first_day, begin, _ = pieces[0]
    last_day, _, finish = pieces[-1]
    starts = wall_moment(first_day, begin) == start.astimezone(UTC).replace(second=0, microsecond=0)
    return starts and abs(wall_moment(last_day, finish) - end.astimezone(UTC)) < timedelta(minutes=1)


#: Parts of a repeat rule that make it happen more than once a day: planner plans by the day.
_SUB_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
#: The most blocks one calendar import makes (a year of a busy calendar is a few thousand).
MAX_CALENDAR_BLOCKS = 10_000


def read_calendar(
    path: Path, engagement_id: int, first: date, last: date, *, email: str = "", all_day: str = "skip"
) -> CalendarRead:
    """The planned blocks (and, with `all_day` "off", the days off) an iCalendar file means within first..last.

    Recurring events are expanded by recurring-ical-events (RRULE, RDATE, EXDATE and moved occurrences alike), each
    series on its own, so that one broken rule costs only its own events (counted, never silent). Left out and
    counted: cancelled events, events the person declined (an ATTENDEE with their e-mail and PARTSTAT=DECLINED),
    rules that repeat more than once a day, events ending before they start, a second event under one UID, and
    meetings in the repeated hour of a DST change, which a wall-clock plan cannot hold. Times are converted to the
    local zone, and a meeting over midnight becomes one block a day."""
    import icalendar

    if all_day not in ALL_DAY:
        raise ValidationError(f"--all-day takes {' or '.join(ALL_DAY)}, not '{all_day}'")
    text = _read(path)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and friends for a file it cannot parse
        raise ValidationError(f"{path} is not an iCalendar file ({_short(exc)}); give a .ics export") from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise ValidationError(f"{path} is not an iCalendar file (it holds no VCALENDAR); give a .ics export")
    read = CalendarRead([], [])
    groups: dict[str, list] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "")).strip()
        if not uid:
            _skip(read, "without a UID")
            continue
        groups.setdefault(uid, []).append(event)
    zones = calendar.walk("VTIMEZONE")
    for uid, events in groups.items():
        for occurrence, recurring in _occurrences(read, uid, events, zones, first, last):
            try:
                _add_event(read, occurrence, uid, recurring, engagement_id, first, last, email, all_day)
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
                _skip(read, "unreadable (no start, or a start planner cannot read)")
            if len(read.blocks) > MAX_CALENDAR_BLOCKS:
                raise ValidationError(
                    f"{path} gives more than {MAX_CALENDAR_BLOCKS:,} blocks from {first.isoformat()} to "
                    f"{last.isoformat()}; give a shorter --from/--to"
                )
    read.blocks.sort(key=lambda block: (block.day, block.start, block.end))
    read.days_off.sort(key=lambda item: item.day)
    return read


def _occurrences(read: CalendarRead, uid: str, events: list, zones: list, first: date, last: date):
    """(occurrence, whether it belongs to a series) for the events sharing one UID, within first..last (with a day's
    margin each side: an event from the evening before may reach into the range)."""
    import icalendar
    import recurring_ical_events

    masters = [event for event in events if event.get("RECURRENCE-ID") is None]
    for extra in masters[1:]:
        _skip(read, "a second event with the UID of another (a damaged calendar)")
        events = [event for event in events if event is not extra]
    recurring = any(event.get(name) is not None for event in events for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    for event in events:
        try:
            start, end = event.decoded("DTSTART"), event.decoded("DTEND") if event.get("DTEND") is not None else None
        except Exception:  # a value icalendar cannot decode
            _skip(read, "unreadable (no start, or a start planner cannot read)")
            return
        if end is not None and type(start) is type(end) and end < start:
            _skip(read, "ends before it starts")
            return
        rule = event.get("RRULE")
        if rule is not None:
            rules = rule if isinstance(rule, list) else [rule]
            try:
                parts = [{key.upper(): value for key, value in dict(item).items()} for item in rules]
            except Exception:
                parts = [{"FREQ": ["?"]}]
            if any(
                str((part.get("FREQ") or ["?"])[0]).upper() in _SUB_DAILY
                or any(key in part for key in ("BYHOUR", "BYMINUTE", "BYSECOND"))
                for part in parts
            ):
                _skip(read, "repeats more than once a day (planner plans by the day)")
                return
    if not recurring:
        yield events[0], False
        return
    single = icalendar.Calendar()
    for zone in zones:
        single.add_component(zone)
    for event in events:
        single.add_component(event)
    try:
        found = recurring_ical_events.of(single).between(first - timedelta(days=1), last + timedelta(days=2))
    except Exception:  # a rule, date or zone in the series that cannot be expanded
        _skip(read, "a repeat rule planner cannot read")
        return
    for occurrence in found:
        yield occurrence, True


def _add_event(
    read: CalendarRead,
    event,
    uid: str,
    recurring: bool,
    engagement_id: int,
    first: date,
    last: date,
    email: str,
    all_day: str,
) -> None:
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if event.get("DTEND") is not None else None
    if end is None and event.get("DURATION") is not None:
        end = start + event.decoded("DURATION")
    if not isinstance(start, datetime):  # an all-day event: DTSTART is a date
        last_day = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
        if last_day < first or start > last:
            return
    else:
        if end is None or not isinstance(end, datetime):
            end = start
        if start.tzinfo is None:  # a floating time: the person's own clock
            start = start.replace(tzinfo=local_zone())
            end = end.replace(tzinfo=start.tzinfo)
        if to_local(end).date() < first or to_local(start).date() > last:
            return
    read.events += 1
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        _skip(read, "cancelled")
        return
    if _declined(event, email):
        _skip(read, "declined")
        return
    recurrence = None
    if recurring and event.get("RECURRENCE-ID") is not None:
        recurrence = event.decoded("RECURRENCE-ID")
    title = clean(str(event.get("SUMMARY", ""))).replace("\n", " ").strip()
    notes = clean(str(event.get("LOCATION", ""))).strip()
    if not isinstance(start, datetime):
        if all_day == "skip":
            _skip(read, "all-day (give --all-day off to keep them as days off)")
            return
        day = max(start, first)
        while day <= min(last_day, last):
            read.days_off.append(DayOff(day, title, _source_key(uid, recurrence)))
            day += timedelta(days=1)
        return
    assert isinstance(end, datetime)
    if end <= start:
        _skip(read, "no length")
        return
    pieces = _local_pieces(start, end)
    if not _on_the_wall(pieces, start, end):
        _skip(read, "in the hour the clocks go back twice (a wall-clock plan cannot hold it)")
        return
    for part, (day, begin, finish) in enumerate(pieces):
        if not first <= day <= last or finish <= begin:
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
    from planner.importers import read_source

    return read_source(path, MAX_CALENDAR_BYTES, "is it a calendar file?")


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
    store: Store,
    path: Path,
    engagement_name: str,
    first: date,
    last: date,
    *,
    all_day: str = "skip",
    dry_run: bool = False,
) -> tuple[CalendarRead, CalendarSync | None]:
    """Read a calendar and (unless `dry_run`, then the sync is None) make the engagement's calendar blocks in
    first..last equal to it: the CLI's `import ics` and the board's calendar form alike."""
    engagement = calendar_engagement(store, engagement_name)
    email = str(store.settings().get("email", ""))
    read = read_calendar(path, engagement.id, first, last, email=email, all_day=all_day)
    if dry_run:
        return read, None
    days_off = read.days_off if all_day == "off" else None  # skipping all-day events leaves days off alone
    return read, store.sync_calendar(engagement.id, first, last, read.blocks, days_off)


def calendar_engagement(store: Store, name: str):
    """The engagement a calendar goes to, refused before the file is read when it takes no new work."""
    engagement = store.engagement(name)
    if engagement.archived:
        raise ValidationError(
            f"{engagement.name} is archived; bring it back with 'planner unarchive {engagement.name}' first"
        )
    return engagement


def sync_summary(sync: CalendarSync, name: str, first: date, last: date) -> str:
    days_off = ""
    if sync.days_off or sync.days_off_removed:
        days_off = f", {sync.days_off} days off ({sync.days_off_removed} taken away)"
    return (
        f"Calendar in: {len(sync.added)} added, {len(sync.changed)} moved, {len(sync.renamed)} renamed, "
        f"{len(sync.removed)} removed, {sync.unchanged} unchanged{days_off} "
        f"({printable(name)}, {first.isoformat()} to {last.isoformat()})."
    )
