"""Other tools' files → planner's log entries: Watson frames, Timewarrior data (or `timew export` JSON), Toggl and
Clockify detailed CSV exports, and planner's own `export --format csv`.

Reading a file gives `Record`s, one per source interval, each knowing where it came from (for error messages) and
either its values or why it is bad. `plan_import` then decides, against what the store holds, which engagement each
record belongs to, which are duplicates of entries already stored, which overlap, and which engagements to create.
Nothing here writes; the CLI stores the plan with `Store.import_entries`, in one transaction.

Only a regular file of at most MAX_IMPORT_BYTES is read (never a device such as /dev/zero, a pipe or a socket). CSV
exports are streamed: records are made one row at a time as `plan_import` consumes them, and only what the plan keeps
(one compact entry per importable row) stays in memory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, TextIO

from planner.errors import ValidationError
from planner.exports import unguard_cell
from planner.model import DEFAULT_TASK, INBOUND, MAX_LOG_SPAN, OUTBOUND, Engagement, LogEntry, check_new_tags
from planner.schedule import FIRST_DAY, LAST_DAY, check_day, format_local, localize, to_local, week_label
from planner.store import Store

FORMATS = ("watson", "timewarrior", "toggl", "clockify", "harvest", "csv")
#: Harvest's report holds hours but no times of day: a day's entries are placed one after another from here.
HARVEST_DAY_START = 9 * 60
#: A new inbound job needs contracted hours; an import cannot know them, so it starts here (change with `edit`).
IMPORTED_JOB_HOURS = 40.0
#: The largest file (or Timewarrior folder, all its files together) an import reads: 512 MiB, about 4 million rows of
#: a Toggl export.
MAX_IMPORT_BYTES = 512 * 2**20
#: The longest line of a CSV export or Timewarrior file: a file of one endless line is refused, not read whole.
MAX_LINE_CHARS = 2**20

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Record:
    """One interval of the source file."""

    where: str  # "frame 12", "line 7", "2025-10.data line 3"
    start: datetime | None = None
    end: datetime | None = None
    project: str = ""  # Watson's project; Toggl's and Clockify's project; planner's engagement
    client: str = ""  # Toggl's and Clockify's client
    tags: list[str] = field(default_factory=list)
    note: str = ""
    billable: bool = True
    side: str | None = None  # planner's own CSV says which side its engagement is on
    error: str | None = None  # why this record cannot be imported
    skip: str | None = None  # why it is left out without being an error (zero length, still running)
    remark: str | None = None  # how a time the file leaves open was read (the repeated hour of a DST change)
    shifted: bool = False  # its UTC times say other local times than its own (written in another time zone)
    task: str = ""  # a service's task (Toggl, Clockify, Harvest): a tag, unless it is only the default task


# ---------------------------------------------------------------- reading the formats


def import_format(text: str) -> str:
    """A format name as typed (any case), checked."""
    fmt = text.strip().lower()
    if fmt not in FORMATS:
        raise ValidationError(f"format '{text.strip()}' is unknown; use one of {', '.join(FORMATS)}")
    return fmt


def read_records(fmt: str, path: Path) -> Iterable[Record]:
    """The records of a file. The file and (for CSV) its header are checked here; a CSV export's rows are then read
    one at a time as the records are consumed, so a bad row further in surfaces then (as a ValidationError)."""
    readers = {
        "watson": read_watson,
        "timewarrior": read_timewarrior,
        "toggl": read_toggl,
        "clockify": read_clockify,
        "harvest": read_harvest,
        "csv": read_planner_csv,
    }
    reader = readers[import_format(fmt)]
    if not path.exists():
        raise ValidationError(f"{path} does not exist; give the path of the {fmt} file or folder")
    return reader(path)


def _open_source(path: Path) -> BinaryIO:
    """`path` opened for reading when it is a regular file of at most MAX_IMPORT_BYTES: never a folder, a device such
    as /dev/zero, a pipe (opening one for reading would wait for a writer) or a socket. The opened file is checked
    again, so nothing swapped in between is read."""
    fd = None
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode):  # anything else is not even opened
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            info = os.fstat(fd)  # what was opened, not what was there a moment before
    except FileNotFoundError:
        raise ValidationError(f"{path} does not exist; give the path of the file to import") from None
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}") from None
    try:
        if stat.S_ISDIR(info.st_mode):
            raise ValidationError(f"{path} is a folder; give the file itself")
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError(f"{path} is not a regular file (a device, pipe or socket); give the exported file")
        if info.st_size > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"{path} has {info.st_size / 2**20:,.0f} MiB; planner imports files of at most "
                f"{MAX_IMPORT_BYTES // 2**20} MiB: split it and import the parts"
            )
        assert fd is not None
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        if fd is not None:
            os.close(fd)
        raise


def read_source(path: Path, limit: int, advice: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (checked again as it is read: it may grow meanwhile);
    a larger one is refused with `advice`."""
    with _open_source(path) as file:
        try:
            raw = file.read(limit + 1)
        except OSError as exc:
            raise ValidationError(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > limit:
        raise ValidationError(f"{path} has more than {limit // 2**20} MiB; {advice}")
    return raw


def _read_text(path: Path) -> str:
    raw = read_source(path, MAX_IMPORT_BYTES, "split it and import the parts")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text; is it the right file?") from None


def _read_json(path: Path, what: str) -> object:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} is not {what} (not JSON: {exc.msg} at line {exc.lineno})") from None


def _finish(record: Record) -> Record:
    """Check the interval a reader found: an end after the start, not too long."""
    if record.error or record.start is None:
        return record
    if not FIRST_DAY <= record.start.date() <= LAST_DAY or (record.end and not record.end.date() <= LAST_DAY):
        record.error = f"its date is out of range; planner keeps dates from {FIRST_DAY} to {LAST_DAY}"
    elif record.end is None:
        record.skip = "still running in the source; stop it there and import again"
    elif record.end < record.start:
        record.error = f"it ends ({format_local(record.end)}) before it starts ({format_local(record.start)})"
    elif record.end == record.start:
        record.skip = "zero length"
    elif record.end - record.start > MAX_LOG_SPAN:
        record.error = "it lasts more than 28 days"
    if record.error is None:
        try:
            record.tags = check_new_tags(record.tags)
        except ValidationError as error:
            record.error = str(error)
    return record


def read_watson(path: Path) -> Iterator[Record]:
    """Watson's `frames` file: a JSON list of [start, stop, project, id, tags, updated_at], Unix seconds."""
    frames = _read_json(path, "a Watson frames file")
    if not isinstance(frames, list):
        raise ValidationError(f"{path} is not a Watson frames file (it holds no list of frames)")
    return _watson_records(frames)


def _watson_records(frames: list) -> Iterator[Record]:
    for index, frame in enumerate(frames):
        record = Record(where=f"frame {index + 1}")
        if not isinstance(frame, list) or len(frame) < 3:
            record.error = "it is not a frame [start, stop, project, id, tags, updated_at]"
        else:
            if len(frame) > 3 and isinstance(frame[3], str):
                record.where += f" (id {frame[3][:8]})"
            start, stop, project = frame[0], frame[1], frame[2]
            tags = frame[4] if len(frame) > 4 else []
            if not _is_number(start) or not _is_number(stop):
                record.error = "its start and stop are not Unix times"
            elif not isinstance(project, str) or not project.strip():
                record.error = "it has no project"
            elif not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
                record.error = "its tags are not a list of words"
            else:
                record.start = _unix(start)
                record.end = _unix(stop)
                record.project = project.strip()
                record.tags = list(tags)
                if record.start is None or record.end is None:
                    record.error = "its start or stop is out of range"
        yield _finish(record)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _unix(value: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(round(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


_TIMEW_LINE = re.compile(r"^inc\s+(\d{8}T\d{6}Z)(?:\s+-\s+(\d{8}T\d{6}Z))?\s*(?:#\s?(.*))?$")


def read_timewarrior(path: Path) -> Iterator[Record]:
    """A Timewarrior folder, its data/ folder (YYYY-MM.data files of `inc` lines), or the JSON of `timew export`."""
    if not path.is_dir():
        if path.suffix == ".data":
            return _read_timew_data([path])
        return _read_timew_export(path)
    folder = path / "data" if (path / "data").is_dir() else path
    files = sorted(item for item in folder.glob("*.data") if re.fullmatch(r"\d{4}-\d{2}\.data", item.name))
    if not files:
        raise ValidationError(
            f"{path} holds no Timewarrior data (no YYYY-MM.data files); give the Timewarrior folder, its data/ "
            "folder, or the JSON of 'timew export'"
        )
    return _read_timew_data(files)


def _read_timew_data(files: list[Path]) -> Iterator[Record]:
    if sum(file.stat().st_size for file in files) > MAX_IMPORT_BYTES:
        raise ValidationError(
            f"{files[0].parent} holds more than {MAX_IMPORT_BYTES // 2**20} MiB of Timewarrior data; import it in parts"
        )
    return _timew_data_records(files)


def _timew_data_records(files: list[Path]) -> Iterator[Record]:
    for file in files:
        for number, line in enumerate(_read_text(file).splitlines(), 1):
            if not line.strip():
                continue
            record = Record(where=f"{file.name} line {number}")
            match = _TIMEW_LINE.match(line.strip())
            if match is None:
                record.error = "it is not an 'inc' interval line"
            else:
                record.start, record.end = _timew_moment(match[1]), _timew_moment(match[2]) if match[2] else None
                words, note = _timew_tags(match[3] or "")
                record.tags, record.note = words, note
                if record.start is None or (match[2] and record.end is None):
                    record.error = "its time is not a valid moment"
            yield _finish(record)


def _timew_moment(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _timew_tags(text: str) -> tuple[list[str], str]:
    """Tags after '#', each a word or a double-quoted string with backslash escapes; an annotation may follow a
    second '#'."""
    tags: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
        elif char == "#":
            return tags, " ".join(_timew_tags(text[index + 1 :])[0])
        elif char == '"':
            index += 1
            word = []
            while index < length and text[index] != '"':
                if text[index] == "\\" and index + 1 < length:
                    index += 1
                word.append(text[index])
                index += 1
            tags.append("".join(word))
            index += 1
        else:
            end = index
            while end < length and not text[end].isspace():
                end += 1
            tags.append(text[index:end])
            index = end
    return tags, ""


def _read_timew_export(path: Path) -> Iterator[Record]:
    data = _read_json(path, "the JSON of 'timew export'")
    if not isinstance(data, list):
        raise ValidationError(f"{path} is not the JSON of 'timew export' (it holds no list of intervals)")
    return _timew_export_records(data)


def _timew_export_records(data: list) -> Iterator[Record]:
    for index, item in enumerate(data):
        record = Record(where=f"interval {index + 1}")
        if not isinstance(item, dict) or not isinstance(item.get("start"), str):
            record.error = "it is not an interval with a start"
        else:
            record.start = _timew_moment(item["start"])
            record.end = _timew_moment(item["end"]) if isinstance(item.get("end"), str) else None
            tags = item.get("tags", [])
            record.tags = [str(tag) for tag in tags] if isinstance(tags, list) else []
            record.note = str(item.get("annotation", "") or "")
            if record.start is None or (item.get("end") is not None and record.end is None):
                record.error = "its time is not a valid moment"
        yield _finish(record)


# ---------------------------------------------------------------- CSV exports: Toggl, Clockify, planner


def _csv_rows(path: Path, needed: Iterable[str], what: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV export as (line, cells by column). The file and its header are checked now; the rows are
    read one at a time as they are asked for (a million rows never sit in memory at once)."""
    file = _open_source(path)
    try:
        text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        reader = csv.reader(_lines(text, path))
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        file.close()
        raise ValidationError(f"{path} is empty; give a {what}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        file.close()
        raise ValidationError(f"{path} is not a {what} ({exc})") from None
    except BaseException:
        file.close()
        raise
    missing = [name for name in needed if name not in header]
    if missing:
        file.close()
        raise ValidationError(f"{path} is not a {what}: it lacks the column(s) {', '.join(missing)}")
    return _csv_body(path, text, reader, header)


def _csv_body(path: Path, text: TextIO, reader, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, cells) per row; `line` is the line of the file the row starts on, so a note with line breaks in one
    row does not put every later row number off."""
    number = reader.line_num + 1
    with text:
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield number, dict(zip(header, cells, strict=False))
                number = reader.line_num + 1
        except csv.Error as exc:
            raise ValidationError(f"{path} is not valid CSV near line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise ValidationError(f"{path} is not UTF-8 text (near line {number}); is it the right file?") from None


def _lines(text: TextIO, path: Path) -> Iterator[str]:
    """The lines of a text file (line ends kept, as the csv module wants them), each at most MAX_LINE_CHARS long."""
    while line := text.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise ValidationError(f"{path} has a line longer than {MAX_LINE_CHARS:,} characters; is it the right file?")
        yield line


def _clock(text: str) -> tuple[int, int, int]:
    """HH:MM, HH:MM:SS, or the same with AM/PM (12-hour clock)."""
    raw = text.strip().upper()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?", raw)
    if match is None:
        raise ValidationError(f"'{text}' is not a time of day")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValidationError(f"'{text}' is not a 12-hour time")
        hour = hour % 12 + (12 if match[4] == "PM" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValidationError(f"'{text}' is not a time of day")
    return hour, minute, second


def _date(text: str, us: bool = False) -> date:
    raw = text.strip()
    try:
        day = datetime.strptime(raw, "%m/%d/%Y").date() if us and "/" in raw else date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"'{text}' is not a date{' (MM/DD/YYYY)' if us else ' (YYYY-MM-DD)'}") from None
    return check_day(day, f"the date {raw}")


def _wall(day_text: str, clock_text: str, us: bool = False) -> datetime:
    """A local date and time of a CSV row, naive (the zone is applied by `_FileOrder`)."""
    hour, minute, second = _clock(clock_text)
    day = _date(day_text, us)
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _utc_cell(text: str) -> datetime | None:
    """A `start_utc`/`end_utc` cell of planner's CSV (2026-10-25T00:10:00Z); None when empty (an older export)."""
    if not text.strip():
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ValidationError(f"'{text}' is not a UTC time; write it as 2026-10-25T00:10:00Z") from None


class _FileOrder:
    """Reads the local times of a CSV file without UTC times (Toggl, Clockify, an older planner CSV), row after row.

    A wall time the clocks pass twice (02:10 the night they go back) is its first pass, unless the file's order says
    otherwise: such files list entries in time order, so a start that would fall before the end of the row above it
    is read as the second pass, and an end that would not come after its start likewise. Each such reading is
    remarked, so the import says how it read them: never dropped as "already stored"."""

    def __init__(self) -> None:
        self.previous_end: datetime | None = None

    def read(self, record: Record, start: datetime, end: datetime) -> None:
        record.start = self._instant(record, start, self.previous_end, strictly=False)
        record.end = self._instant(record, end, record.start, strictly=True)
        self.previous_end = record.end

    def _instant(self, record: Record, wall: datetime, after: datetime | None, *, strictly: bool) -> datetime:
        minute, extra = wall.hour * 60 + wall.minute, timedelta(seconds=wall.second)
        # to UTC before adding the seconds: arithmetic on a local time forgets which pass (fold) it was
        first = localize(wall.date(), minute).astimezone(UTC) + extra
        second = localize(wall.date(), minute, fold=1).astimezone(UTC) + extra
        if first == second:
            return first
        chosen, which = first, "first"
        if after is not None:
            too_early = first <= after if strictly else first < after
            fits = second > after if strictly else second >= after
            if too_early and fits:
                chosen, which = second, "second"
        text = (
            f"{wall:%Y-%m-%d %H:%M} happens twice (the clocks go back); "
            f"read as its {which} pass, UTC{to_local(chosen).isoformat()[-6:]}"
        )
        record.remark = f"{record.remark}; {text}" if record.remark else text
        return chosen


def _split_tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def _yes(text: str) -> bool:
    return text.strip().lower() in ("yes", "true", "1", "y")


def read_toggl(path: Path) -> Iterator[Record]:
    needed = ("Client", "Project", "Description", "Billable", "Start date", "Start time", "End date", "End time")
    rows = _csv_rows(path, needed, "Toggl detailed CSV export")
    order = _FileOrder()
    return (_service_record(number, row, order, us=False, start=("Start date", "Start time"),
                            end=("End date", "End time"))
            for number, row in rows)  # fmt: skip


def read_clockify(path: Path) -> Iterator[Record]:
    needed = ("Project", "Client", "Description", "Billable", "Start Date", "Start Time", "End Date", "End Time")
    rows = _csv_rows(path, needed, "Clockify detailed CSV export")
    order = _FileOrder()
    return (_service_record(number, row, order, us=True, start=("Start Date", "Start Time"),
                            end=("End Date", "End Time"))
            for number, row in rows)  # fmt: skip


def _service_record(
    number: int, row: dict[str, str], order: _FileOrder, *, us: bool, start: tuple, end: tuple
) -> Record:
    record = Record(where=f"line {number}")
    try:
        begins = _wall(row.get(start[0], ""), row.get(start[1], ""), us)
        order.read(record, begins, _wall(row.get(end[0], ""), row.get(end[1], ""), us))
    except ValidationError as error:
        record.error = str(error)
        return record
    record.project = _unsafe(row.get("Project", "")).strip()
    record.client = _unsafe(row.get("Client", "")).strip()
    record.note = _unsafe(row.get("Description", ""))  # as written: a round trip gives back every space
    record.billable = _yes(row.get("Billable", "yes"))
    record.tags = _split_tags(_unsafe(row.get("Tags", "")))
    record.task = _unsafe(row.get("Task", "")).strip()
    if not record.project and not record.client:
        record.error = "it has neither a project nor a client"
    return _finish(record)


def read_harvest(path: Path) -> Iterator[Record]:
    """Harvest's detailed time report (Date, Client, Project, Task, Notes, Hours, Billable?, ...). It has hours but no
    times of day: each day's entries are placed one after another from 09:00, in the file's order, so importing the
    same file again finds them stored already."""
    needed = ("Date", "Client", "Project", "Task", "Notes", "Hours")  # Billable? only in the report, not the template
    rows = _csv_rows(path, needed, "Harvest CSV (its detailed time report, or its time import template)")
    return _harvest_records(rows)


def _harvest_records(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[Record]:
    next_start: dict[date, datetime] = {}
    for number, row in rows:
        record = Record(where=f"line {number}")
        try:
            day = _date(row["Date"], us=True)
            seconds = _harvest_seconds(row["Hours"])
            start = next_start.get(day) or localize(day, HARVEST_DAY_START).astimezone(UTC)
        except ValidationError as error:
            record.error = str(error)
            yield record
            continue
        record.start, record.end = start, start + timedelta(seconds=seconds)
        next_start[day] = record.end
        record.project = _unsafe(row["Project"]).strip()
        record.client = _unsafe(row["Client"]).strip()
        record.note = _unsafe(row["Notes"])
        record.billable = _yes(row.get("Billable?", "Yes"))
        record.task = _unsafe(row["Task"]).strip()
        if not record.project and not record.client:
            record.error = "it has neither a project nor a client"
        yield _finish(record)


def _harvest_seconds(text: str) -> int:
    """Harvest's Hours: decimal (`1.5`, or `1,5` and `1.234,5` with a decimal comma) or h:mm (`1:30`)."""
    from decimal import Decimal, InvalidOperation

    raw = text.strip()
    clock = re.fullmatch(r"(\d{1,4}):([0-5]\d)", raw)
    if clock:
        return int(clock[1]) * 3600 + int(clock[2]) * 60
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rindex(",") > raw.rindex(".") else "."
        raw = raw.replace("." if decimal_mark == "," else ",", "")
    raw = raw.replace(",", ".")
    try:
        hours = Decimal(raw) if re.fullmatch(r"\d{1,6}(\.\d+)?", raw) else None
    except InvalidOperation:
        hours = None
    if hours is None:
        raise ValidationError(f"Hours '{text}' is not a number of hours (1.5, 1,5 or 1:30)")
    return int((hours * 3600).to_integral_value())


def _unsafe(text: str) -> str:
    """Undo the spreadsheet guard of planner's CSV exports: a leading ' before =, +, -, @ (after any spaces), a tab,
    a carriage return or a line break."""
    return unguard_cell(text)


#: The columns of planner's own CSV the importer reads (older exports lack the later `seconds` columns).
PLANNER_CSV_NEEDS = ("date", "start", "end", "side", "engagement", "note", "tags", "billable")


def read_planner_csv(path: Path) -> Iterator[Record]:
    return _planner_records(_csv_rows(path, PLANNER_CSV_NEEDS, "planner CSV export (planner export --format csv)"))


def _planner_records(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[Record]:
    order = _FileOrder()
    for number, row in rows:
        record = Record(where=f"line {number}")
        try:
            day = _date(row["date"])
            start = _wall(row["date"], row["start"])
            end_text = row["end"].strip()
            if " " in end_text:
                end_day, _, end_clock = end_text.partition(" ")
                end = _wall(end_day, end_clock)
            else:
                end = _wall(day.isoformat(), end_text)
            utc_start, utc_end = _utc_cell(row.get("start_utc", "")), _utc_cell(row.get("end_utc", ""))
            if utc_start is not None and utc_end is not None:  # planner's own CSV: the UTC times are the entry
                record.start, record.end = utc_start, utc_end
                order.previous_end = utc_end
                here = (to_local(utc_start).replace(tzinfo=None), to_local(utc_end).replace(tzinfo=None))
                record.shifted = here != (start, end)
            else:
                order.read(record, start, end)
        except ValidationError as error:
            record.error = str(error)
            yield record
            continue
        record.project = _unsafe(row["engagement"]).strip()
        record.note = _unsafe(row["note"])
        record.tags = [_unsafe(tag) for tag in _split_tags(_unsafe(row["tags"]))]
        record.billable = row["billable"].strip().lower() != "no"
        side = row["side"].strip().lower()
        record.side = side if side in (INBOUND, OUTBOUND) else None
        if not record.project:
            record.error = "it has no engagement"
        yield _finish(record)


# ---------------------------------------------------------------- deciding what to store


@dataclass(slots=True)
class Planned:
    where: str  # the record it comes from
    engagement: str  # the planner name it goes to
    entry: LogEntry


@dataclass
class ImportPlan:
    entries: list[Planned]
    new_engagements: list[Engagement]
    bad: list[tuple[str, str]]  # (where, why)
    duplicates: int
    skipped: list[tuple[str, str]]  # (where, why): zero length, still running
    read: int = 0  # records read from the file
    remarks: list[tuple[str, str]] = field(default_factory=list)  # (where, how): times the file left open
    shifted: int = 0  # rows of planner's CSV whose local times differ here from their UTC times

    def per_engagement(self) -> dict[str, tuple[int, float]]:
        """Entries and hours per engagement name."""
        totals: dict[str, tuple[int, float]] = {}
        for item in self.entries:
            count, seconds = totals.get(item.engagement, (0, 0.0))
            totals[item.engagement] = (count + 1, seconds + item.entry.seconds())
        return dict(sorted(totals.items(), key=lambda pair: pair[0].casefold()))

    def span(self) -> tuple[datetime, datetime] | None:
        if not self.entries:
            return None
        return (
            min(item.entry.start for item in self.entries),
            max(item.entry.end or item.entry.start for item in self.entries),
        )


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValidationError(f"--map '{pair}' is not SOURCE=ENGAGEMENT, e.g. --map 'Big Company=bigco'")
        mapping[source.strip().casefold()] = target.strip()
    return mapping


def plan_import(
    store: Store,
    fmt: str,
    records: Iterable[Record],
    *,
    inbound: Iterable[str] = (),
    clients: Iterable[str] = (),
    mapping: dict[str, str] | None = None,
    default: str | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """What an import would store: each good record as an entry of its engagement, minus those already stored (same
    engagement, same start and end: importing a file twice adds nothing), with overlaps and bad records listed."""
    mapping = mapping or {}
    inbound_keys = {name.strip().casefold() for name in inbound}
    client_keys = {name.strip().casefold() for name in clients}
    clash = inbound_keys & client_keys
    if clash:
        raise ValidationError(f"{', '.join(sorted(clash))} cannot be both --inbound and --client")
    existing = {engagement.name.casefold(): engagement for engagement in store.engagements()}
    named = {name.strip().casefold(): name.strip() for name in [*inbound, *clients]}
    if default is not None:
        key = mapping.get(default.strip().casefold(), default.strip()).casefold()
        if key not in existing and key not in named:
            raise ValidationError(
                f"--default '{default}' is no engagement; add it first, or name it with --inbound or --client"
            )
    new: dict[str, Engagement] = {}
    bad: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    remarks: list[tuple[str, str]] = []
    shifted = 0
    # A task that is only the default a row gets without a tag (planner's own exports write one) is no tag.
    default_tasks = {DEFAULT_TASK.casefold(), str(store.settings().get("task") or DEFAULT_TASK).casefold()}
    planned: list[Planned] = []

    def engagement_for(source: str, side: str | None) -> str:
        target = mapping.get(source.casefold(), source)
        key = target.casefold()
        if key in existing:
            return existing[key].name
        if key not in new:
            kind = INBOUND if key in inbound_keys else OUTBOUND if key in client_keys else side or OUTBOUND
            name = named.get(key, target)
            hours = IMPORTED_JOB_HOURS if kind == INBOUND else None
            new[key] = Engagement(id=0, name=name, kind=kind, hours=hours).validate()
        return new[key].name

    total = len(records) if isinstance(records, Sized) else 0  # a streamed file does not know its length
    read = 0
    for read, record in enumerate(records, 1):
        if progress is not None and read % 1000 == 0:
            progress(read, total)
        if record.error:
            bad.append((record.where, record.error))
            continue
        if record.skip:
            skipped.append((record.where, record.skip))
            continue
        if record.remark:
            remarks.append((record.where, record.remark))
        shifted += record.shifted
        if record.task and record.task not in record.tags and record.task.casefold() not in default_tasks:
            try:
                record.tags = check_new_tags([*record.tags, record.task])
            except ValidationError as error:
                bad.append((record.where, f"its task: {error}"))
                continue
        try:
            source = _source_name(fmt, record, existing, named, mapping, default)
            name = engagement_for(source, record.side)
        except ValidationError as error:
            bad.append((record.where, str(error)))
            continue
        assert record.start is not None and record.end is not None
        entry = LogEntry(0, 0, record.start, record.end, note=record.note, tags=record.tags, billable=record.billable)
        planned.append(Planned(record.where, name, entry))
    if progress is not None and read:
        progress(read, total or read)
    planned, duplicates, clashes = _against_store(store, planned)
    bad += clashes
    return ImportPlan(planned, list(new.values()), bad, duplicates, skipped, read, remarks, shifted)


def _source_name(
    fmt: str,
    record: Record,
    existing: dict[str, Engagement],
    named: dict[str, str],
    mapping: dict[str, str],
    default: str | None,
) -> str:
    """The source's name for the engagement of a record. Timewarrior has only tags: the one tag that names an
    engagement (known to planner, named with --inbound/--client, or mapped) is it; the others stay tags."""
    if fmt != "timewarrior":
        mapped_client = record.client and record.client.casefold() in mapping
        if record.project and mapped_client and record.project.casefold() not in mapping:
            return record.client
        return record.project or record.client
    known = set(existing) | set(named) | set(mapping)
    matches = [tag for tag in record.tags if tag.casefold() in known]
    if len(matches) == 1:
        record.tags = [tag for tag in record.tags if tag != matches[0]]
        return matches[0]
    if default is not None:
        return default.strip()
    if not matches:
        raise ValidationError(
            f"none of its tags ({', '.join(record.tags) or 'no tags'}) names an engagement; name it with --client "
            "or --inbound, or give --default NAME"
        )
    raise ValidationError(
        f"its tags name {len(matches)} engagements ({', '.join(matches)}); give --default NAME or fix the interval"
    )


def _against_store(store: Store, planned: list[Planned]) -> tuple[list[Planned], int, list[tuple[str, str]]]:
    """Drop what is stored already; list what overlaps a stored entry, another record, or a locked week."""
    if not planned:
        return [], 0, []
    planned.sort(key=lambda item: item.entry.end)  # type: ignore[arg-type,return-value]
    planned.sort(key=lambda item: item.entry.start)  # by start, then end: two stable sorts, no key tuple a row
    lo = planned[0].entry.start
    hi = max(item.entry.end or item.entry.start for item in planned)
    stored = sorted(store.logs(lo, hi, include_running=True), key=lambda entry: entry.start)
    names = {engagement.id: engagement.name.casefold() for engagement in store.engagements()}
    ids = {name: engagement_id for engagement_id, name in names.items()}
    same = {(names.get(entry.engagement_id), entry.start, entry.end) for entry in stored}
    ends = [entry.end or datetime.max.replace(tzinfo=UTC) for entry in stored]
    locks = store.locks()
    kept: list[Planned] = []
    clashes: list[tuple[str, str]] = []
    duplicates = 0
    # Sorted by start and end, the records of one interval are neighbours: the names already met for the current
    # interval find the duplicates within the file without a set of every row.
    interval: tuple[datetime, datetime | None] | None = None
    names_in_interval: set[str] = set()
    last_end: datetime | None = None  # the latest end among the records kept so far
    last_where = ""
    for item in planned:
        entry = item.entry
        key = (item.engagement.casefold(), entry.start, entry.end)
        if (entry.start, entry.end) != interval:
            interval, names_in_interval = (entry.start, entry.end), set()
        if key in same or key[0] in names_in_interval:
            duplicates += 1
            continue
        names_in_interval.add(key[0])
        assert entry.end is not None
        index = bisect_right(ends, entry.start)
        if index < len(stored) and stored[index].start < entry.end:
            other = stored[index]
            until = "now (the running timer)" if other.end is None else format_local(other.end)
            clashes.append((item.where, f"it overlaps log {other.id} ({format_local(other.start)} to {until})"))
            continue
        if last_end is not None and entry.start < last_end:
            clashes.append((item.where, f"it overlaps {last_where} of the same file"))
            continue
        if locks:
            held = replace(entry, engagement_id=ids.get(key[0], 0))  # a new engagement has no lock of its own
            locked = next((lock for lock in locks if lock.covers(held)), None)
            if locked is not None:
                clashes.append((item.where, f"{week_label(locked.monday)} is locked; unlock it to import into it"))
                continue
        kept.append(item)
        if last_end is None or entry.end > last_end:
            last_end, last_where = entry.end, item.where
    return kept, duplicates, clashes
