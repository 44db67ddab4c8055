"""The command line. Scriptable: every listing has --json; bad input exits 2 with one `error:` line on stderr.

This module must stay light at start-up (no Textual): the timer commands run many times a day.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from itertools import takewhile

from planner import __version__
from planner.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_WARN,
    _add_range_options,
    _hours_number,
    _Parser,
    _print_json,
    _range,
    _table,
    command_words,
)
from planner.cli_completion import add_completion_commands
from planner.cli_delegation import add_delegation_commands
from planner.cli_income import add_income_commands
from planner.cli_records import add_record_commands
from planner.cli_remind import add_remind_commands
from planner.errors import PlannerError, ValidationError
from planner.hours import clock_hours
from planner.schedule import (
    check_past,
    format_clock,
    format_moment,
    now,
    parse_clock,
    parse_date,
    parse_moment,
    parse_week,
    series_rule,
    span_of_days,
    to_local,
    today,
    week_label,
)
from planner.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from planner.glance import TimerFacts
    from planner.model import Block, Engagement, LogEntry
    from planner.store import Store
    from planner.timesheet import Group, Summary


# ---------------------------------------------------------------- output helpers


def _optional(value: str | None, check: Callable[[str], object]) -> object:
    """An option that may clear its field: '' or 'none' means no value."""
    if value is None:
        return None
    if value.strip().lower() in ("", "none"):
        return ""
    return check(value)


# ---------------------------------------------------------------- engagements


def _engagement_fields(args: argparse.Namespace) -> dict[str, object]:
    """The options of `job add`, `client add` and `edit` that were given, checked; '' marks a cleared field."""
    from planner.model import (
        check_currency,
        check_hours,
        check_rate,
        check_remind_before,
        check_round,
        check_round_mode,
    )

    fields: dict[str, object] = {}
    checks: dict[str, Callable[[str], object]] = {
        "rate": check_rate,
        "currency": check_currency,
        "round_minutes": check_round,
        "round_mode": check_round_mode,
        "hours": lambda text: check_hours(text, "contracted hours"),
        "window": str,
        "cap": lambda text: check_hours(text, "weekly cap"),
        "budget": lambda text: check_hours(text, "budget", most=1_000_000),
        "deadline": parse_date,
        "colour": str,
    }
    for name, check in checks.items():
        raw = getattr(args, name, None)
        if raw is not None:
            fields[name] = _optional(raw, check)
    if getattr(args, "one_off", None) is not None:
        fields["one_off"] = args.one_off
    if getattr(args, "account_start", None) is not None:
        fields["start"] = _optional(args.account_start, parse_date)
    if getattr(args, "remind_before", None) is not None:
        fields["remind_before"] = _optional(args.remind_before, check_remind_before)
    fields.update(_pricing_fields(args))
    return fields


def _pricing_fields(args: argparse.Namespace) -> dict[str, object]:
    """--fixed, --retainer (with --covers, --overage, --carry), --hourly; --salary and --per; --done."""
    from planner.model import check_amount, check_hours

    fields: dict[str, object] = {}
    chosen = [flag for flag in ("fixed", "retainer", "hourly") if getattr(args, flag, None) not in (None, False)]
    if len(chosen) > 1:
        raise ValidationError(f"--{chosen[0]} and --{chosen[1]} are two pricing models; give one")
    if getattr(args, "fixed", None) is not None:
        fields.update(model="fixed", fee=check_amount(args.fixed, "--fixed"), covers=None, overage=None, carry=False)
    if getattr(args, "retainer", None) is not None:
        fields.update(model="retainer", fee=check_amount(args.retainer, "--retainer"))
    if getattr(args, "hourly", False):
        fields.update(model="hourly", fee=None, covers=None, overage=None, carry=False)
    if getattr(args, "covers", None) is not None:
        fields["covers"] = check_hours(args.covers, "--covers", allow_zero=True, most=744)
    if getattr(args, "overage", None) is not None:
        fields["overage"] = _optional(args.overage, lambda text: check_amount(text, "--overage"))
    if getattr(args, "carry", None) is not None:
        fields["carry"] = args.carry
    if getattr(args, "salary", None) is not None:
        fields["salary"] = _optional(args.salary, lambda text: check_amount(text, "--salary"))
    if getattr(args, "per", None) is not None:
        fields["per"] = args.per
    if getattr(args, "done", None) is not None:
        fields["done"] = _optional(args.done, parse_date)
    return fields


def _apply_cleared(fields: dict[str, object]) -> dict[str, object]:
    for key, option, hint in (
        ("round_minutes", "--round", "a number of minutes (1 bills whole minutes)"),
        ("round_mode", "--round-mode", "up, nearest or down"),
    ):
        if fields.get(key) == "":
            raise ValidationError(f"{option} cannot be cleared; give {hint}")
    return {key: (None if value == "" else value) for key, value in fields.items()}


def cmd_add_engagement(store: Store, args: argparse.Namespace) -> int:
    from planner.model import INBOUND, OUTBOUND, Engagement

    kind = INBOUND if args.command == "job" else OUTBOUND
    if getattr(args, "per", None) is not None and not getattr(args, "salary", None):
        raise ValidationError("--per goes with --salary; give the salary too, e.g. --salary 50000 --per year")
    fields = _apply_cleared(_engagement_fields(args))
    engagement = store.add_engagement(Engagement(id=0, name=args.name, kind=kind, **fields))  # type: ignore[arg-type]
    label = "job" if kind == INBOUND else "client"
    print(f"Added {label} {printable(engagement.name)} (id {engagement.id}).")
    _warn_past_deadline(engagement)
    _warn_future_start(engagement)
    return EXIT_OK


def _warn_future_start(engagement: Engagement) -> None:
    if engagement.start is not None and engagement.start > today():
        print(
            f"warning: the overtime account of {printable(engagement.name)} starts on {engagement.start.isoformat()}, "
            "in the future; 'report --overtime' counts nothing until then",
            file=sys.stderr,
        )


def _warn_past_deadline(engagement: Engagement) -> None:
    """A deadline in the past is kept (a late project is real) with one warning line: `check` reports it missed."""
    if engagement.deadline is not None and engagement.deadline < today():
        print(
            f"warning: the deadline {engagement.deadline.isoformat()} of {printable(engagement.name)} has passed; "
            "'planner check' reports it as missed while budgeted hours remain or work is planned after it",
            file=sys.stderr,
        )


def _terms_text(item: Engagement) -> tuple[str, str]:
    """(rate, terms) of an engagement's in-force copy, as `list` shows them."""
    from planner.model import DEFAULT_CURRENCY

    terms = []
    if item.inbound:
        if item.hours is not None:
            terms.append(f"{item.hours:g} h/week")
        if item.window:
            terms.append(item.window)
    else:
        if item.cap is not None:
            terms.append(f"cap {item.cap:g} h/week")
        if item.budget is not None:
            terms.append(f"budget {item.budget:g} h")
        if item.deadline:
            terms.append(f"due {item.deadline.isoformat()}")
        terms.append("one-off" if item.one_off else "ongoing")
    if item.round_minutes > 1:
        terms.append(f"rounds {item.round_mode} to {item.round_minutes} min")
    if item.remind_before is not None:
        terms.append(f"reminds {item.remind_before} min ahead")
    if item.start is not None:
        what = "overtime from" if item.inbound else "started"
        terms.append(f"{what} {item.start.isoformat()}")
    if item.done is not None:
        terms.append(f"done {item.done.isoformat()}")
    from planner.money import pricing_words

    paid = pricing_words(item)  # a fixed fee, a retainer, a salary: as a timesheet says it
    if paid is not None:
        terms.insert(0, paid)
    rate = "" if item.rate is None else f"{item.rate} {item.currency or DEFAULT_CURRENCY}/h"
    return rate, ", ".join(terms)


def _history_json(engagement: Engagement) -> list[dict[str, object]]:
    return [
        {
            "from": None if day is None else day.isoformat(),
            **{
                key: (None if value is None else float(str(value))) if key == "rate" else value
                for key, value in terms.items()
            },
        }
        for day, terms in engagement.periods()
    ]


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    from planner.model import DEFAULT_CURRENCY

    engagements = store.engagements(include_archived=args.all)
    day = today()
    if args.json:
        shown = []
        from planner.money import model_of, pricing_words

        for engagement in engagements:
            item = engagement.terms_on(day)
            data = item.to_json()  # the terms in force today
            data["model"] = model_of(engagement, day)  # a job's is salary or wage
            data["pricing"] = pricing_words(item)
            if data["currency"] is None and any(data[key] is not None for key in ("rate", "fee", "salary")):
                data["currency"] = DEFAULT_CURRENCY  # what its money is counted in
            if args.history:
                data["history"] = _history_json(engagement)
            shown.append(data)
        _print_json(shown)
        return EXIT_OK
    if not engagements:
        print("No engagements yet. Add one with 'planner job add' or 'planner client add'.")
        return EXIT_OK
    rows = []
    for engagement in engagements:
        item = engagement.terms_on(day)
        rate, terms = _terms_text(item)
        if engagement.changes and not args.history:
            terms += " (dated changes: --history)"
        name = item.name + (" (archived)" if item.archived else "")
        rows.append([item.id, name, item.kind, rate, terms])
        if args.history:
            for start, _ in engagement.periods():
                period = engagement if start is None else engagement.terms_on(start)
                rate, terms = _terms_text(period)
                since = "from the start" if start is None else f"from {start.isoformat()}"
                rows.append(["", f"  {since}", "", rate, terms])
    print(_table(["id", "name", "side", "rate (today)", "terms in force today"], rows))
    return EXIT_OK


def cmd_edit(store: Store, args: argparse.Namespace) -> int:
    from planner.model import DATED_TERMS, INBOUND

    kind = getattr(args, "kind", None)
    if kind is not None:
        found = store.engagement(args.name)
        if found.kind != kind:
            word, other = ("job", "client") if kind == INBOUND else ("client", "job")
            raise ValidationError(f"{printable(found.name)} is a {other}, not a {word}; use 'planner {other} edit'")
    fields = _apply_cleared(_engagement_fields(args))
    if args.new_name is not None:
        fields["name"] = args.new_name
    if not fields:
        raise ValidationError("nothing to change; give at least one option, e.g. --rate 90")
    dated = [name for name in fields if name in DATED_TERMS]
    if args.start is not None and not dated:
        raise ValidationError(
            "--from dates changes of terms (--rate, --currency, --round, --round-mode, --hours, --window, --cap); "
            "the other options have no date"
        )
    start = parse_date(args.start) if args.start is not None else today()
    # the entries a change may reprice, read first: a damaged month file stops the edit before anything changes
    logs = _logs_from(store, start) if dated else []
    edit = store.edit_engagement(args.name, start, after_locks=args.after_locks, **fields)
    name = printable(edit.engagement.name)
    if dated and edit.start is None:
        print(f"{name}: those terms are already in force from {start.isoformat()}; nothing changed.")
    elif edit.start is not None:
        moved = (
            f" (the day after the last locked week it touched, not {start.isoformat()})" if edit.start != start else ""
        )
        print(f"Updated {name} from {edit.start.isoformat()} on{moved}; earlier days keep their terms.")
        later = [change["from"] for change in edit.engagement.changes if change["from"] > edit.start.isoformat()]
        if later:
            print(f"note: a later dated change still applies from {later[0]} ('planner list --history')")
        _print_repriced(logs, edit.before, edit.engagement, edit.start)
    else:
        print(f"Updated {name}.")
    if "deadline" in fields:
        _warn_past_deadline(edit.engagement)
    if "start" in fields:
        _warn_future_start(edit.engagement)
    return EXIT_OK


def _logs_from(store: Store, start: date) -> list[LogEntry]:
    """Every finished entry from `start` on (to the end of the last month with entries)."""
    months = store.log_months()
    if not months:
        return []
    last = max(today(), date.fromisoformat(months[-1] + "-01") + timedelta(days=31))
    return [] if start > last else store.logs(*span_of_days(start, last), include_running=False)


def _print_repriced(logs: list[LogEntry], before: Engagement, after: Engagement, start: date) -> None:
    """Say which weeks' billed time or amounts a dated change altered, with the old and new figures."""
    from planner.money import Figures, format_amounts, price

    logs = [entry for entry in logs if entry.engagement_id == after.id and entry.end is not None]
    if not logs:
        return
    last = max(to_local(entry.end).date() for entry in logs if entry.end is not None)
    old, new = price([before], logs, start, last).lines, price([after], logs, start, last).lines
    weeks: dict[date, tuple[Figures, Figures]] = {}
    for lines, index in ((old, 0), (new, 1)):
        for line in lines:
            monday = line.day - timedelta(days=line.day.weekday())
            weeks.setdefault(monday, (Figures(), Figures()))[index].add(line)
    changed = [
        (monday, was, now_)
        for monday, (was, now_) in sorted(weeks.items())
        if (was.billed_seconds, was.amounts) != (now_.billed_seconds, now_.amounts)
    ]
    for monday, was, now_ in changed:
        part = f" from {start.isoformat()} on" if monday < start else ""
        print(
            f"repriced {week_label(monday)}{part}: {format_amounts(was.amounts) or 'no amount'} -> "
            f"{format_amounts(now_.amounts) or 'no amount'} (billed {clock_hours(was.billed_seconds)} -> "
            f"{clock_hours(now_.billed_seconds)})"
        )
    if changed:
        print(f"{len(changed)} week{'s' if len(changed) != 1 else ''} repriced; timesheets of them now read so.")


def cmd_archive(store: Store, args: argparse.Namespace) -> int:
    archived = args.command == "archive"
    engagement = store.update_engagement(args.name, archived=archived)
    print(f"{'Archived' if archived else 'Restored'} {printable(engagement.name)}.")
    return EXIT_OK


# ---------------------------------------------------------------- plan


def _block_json(block: Block, engagements: dict[int, Engagement]) -> dict[str, object]:
    from planner.week import block_seconds

    engagement = engagements.get(block.engagement_id)
    return {
        "id": block.key,
        "engagement": engagement.name if engagement else None,
        "kind": engagement.kind if engagement else None,
        "date": block.day.isoformat(),
        "start": format_clock(block.start),
        "end": format_clock(block.end),
        "hours": round(block_seconds(block) / 3600, 4),
        "title": block.title,
        "notes": block.notes,
        "repeat": block.repeat,
        "series": block.series_id is not None,
        "source": _source_json(block.source),
    }


def _source_json(source: dict | None) -> dict[str, object] | None:
    """Where a block came from, for scripts: null for planner's own, else the calendar event (`import ics`)."""
    if not source:
        return None
    return {
        "kind": source.get("kind"),
        "uid": source.get("uid"),
        "recurrence_id": source.get("recurrence_id"),
    }


def cmd_plan_add(store: Store, args: argparse.Namespace) -> int:
    from planner.model import Block

    engagement = store.engagement(args.name)
    asked = day = parse_date(args.date)
    start = parse_clock(args.start)
    repeat = None
    if args.repeat:
        repeat, day = series_rule(args.repeat, asked, start)
    block = Block(
        id=0,
        engagement_id=engagement.id,
        day=day,
        start=start,
        end=parse_clock(args.end, allow_midnight_end=True),
        title=args.title or "",
        notes=args.notes or "",
        repeat=repeat,
    )
    block = store.add_block(block)
    what = f"series repeating {printable(block.repeat)}" if block.repeat else "block"
    print(
        f"Planned {printable(engagement.name)} {day.isoformat()} {format_clock(block.start)}-{format_clock(block.end)} "
        f"({what}, id {block.id})."
    )
    if day != asked:
        print(
            f"The series starts on its first occurrence, {day:%a %Y-%m-%d}: {asked:%a %Y-%m-%d} is not one of its days."
        )
    return EXIT_OK


def cmd_plan_list(store: Store, args: argparse.Namespace) -> int:
    from planner.week import block_seconds

    monday = parse_week(args.week)
    blocks = store.blocks(monday, monday + timedelta(days=6))
    engagements = {engagement.id: engagement for engagement in store.engagements()}
    items = [_block_json(block, engagements) for block in blocks]
    if args.json:
        _print_json(items)
        return EXIT_OK
    days_off = store.days_off(monday, monday + timedelta(days=6))
    if not items:
        print(f"Nothing planned in {week_label(monday)}.")
    rows = [
        [
            item["id"],
            f"{block.day:%a %Y-%m-%d}",
            f"{item['start']}-{item['end']}",
            clock_hours(block_seconds(block)),
            item["engagement"],
            item["kind"],
            item["title"],
            "repeats" if item["series"] else "calendar" if item["source"] else "",
        ]
        for block, item in zip(blocks, items, strict=True)
    ]
    if rows:
        print(f"{week_label(monday)}  {monday.isoformat()} to {(monday + timedelta(days=6)).isoformat()}")
        print(_table(["id", "day", "time", "hours", "engagement", "side", "title", ""], rows, right=(3,)))
    for day_off in days_off:
        print(f"day off {day_off.day:%a %Y-%m-%d}: {printable(day_off.title) or '(no title)'} (calendar)")
    return EXIT_OK


def cmd_plan_rm(store: Store, args: argparse.Namespace) -> int:
    if args.date:
        series = store.skip_occurrence(args.id, parse_date(args.date))
        print(f"Removed the {printable(args.date)} occurrence of series {series.id}.")
        return EXIT_OK
    block = store.remove_block(args.id)
    print(f"Removed {'series' if block.repeat else 'block'} {block.id}.")
    return EXIT_OK


# ---------------------------------------------------------------- timer and logs


def _log_json(entry: LogEntry, engagements: dict[int, Engagement], moment: datetime) -> dict[str, object]:
    engagement = engagements.get(entry.engagement_id)
    name, kind = (engagement.name, engagement.kind) if engagement else (None, None)
    return _entry_json(entry, name, kind, entry.seconds(moment))


def _entry_json(entry: LogEntry | TimerFacts, name: str | None, kind: str | None, seconds: float) -> dict[str, object]:
    """An entry (or the running timer `status` tells of) as `log list --json` and `status --json` print it."""
    return {
        "id": entry.id,
        "engagement": name,
        "kind": kind,
        "start": format_moment(entry.start),
        "end": None if entry.end is None else format_moment(entry.end),
        "hours": _hours_number(seconds),
        "note": entry.note,
        "tags": entry.tags,
        "billable": entry.billable,
        "block_id": entry.block_id,
        "task_id": entry.task_id,
        "running": entry.end is None,
    }


def _moment(text: str | None, reference: datetime) -> datetime:
    return reference if text is None else parse_moment(text, reference=reference)


def cmd_start(store: Store, args: argparse.Namespace) -> int:
    from planner.model import LogEntry, check_new_tags

    moment = now()
    engagement = store.engagement(args.name)
    start = _moment(args.at, moment)
    if start > moment + timedelta(minutes=1):
        raise ValidationError(f"{args.at} is in the future; a timer starts now or earlier")
    entry = LogEntry(
        id=0,
        engagement_id=engagement.id,
        start=start,
        note=args.note or "",
        tags=check_new_tags(args.tag or []),
        billable=not args.no_billable,
        block_id=args.block,
    )
    stop_at = None
    if args.stop_at is not None and not args.switch:
        raise ValidationError("--stop-at answers --switch: give both, e.g. --switch --stop-at 17:00")
    if args.stop_at is not None:
        stop_at = start if args.stop_at.strip().lower() == "now" else parse_moment(args.stop_at, reference=moment)
        stop_at = check_past(stop_at, moment, "--stop-at")
    elif args.switch:
        stop_at = _when_forgotten_stopped(store, start, moment)
    started, stopped = store.start_timer(entry, switch=args.switch, stop_at=stop_at)
    if stopped is not None:
        previous = store.engagement_by_id(stopped.engagement_id)
        if stopped.seconds() == 0:
            print(f"Discarded the {printable(previous.name)} timer: it ran for less than a minute.")
        else:
            print(f"Stopped {printable(previous.name)} after {clock_hours(stopped.seconds())} (id {stopped.id}).")
    print(f"Started {printable(engagement.name)} at {to_local(started.start):%H:%M} (id {started.id}).")
    return EXIT_OK


def _forgotten(store: Store, moment: datetime):
    """The running timer if it looks forgotten (see planner.timer), else None."""
    from planner.timer import forgotten

    running = store.running()
    if running is None:
        return None
    return forgotten(running, store.engagement_by_id(running.engagement_id), store.boundaries(), moment)


def _when_forgotten_stopped(store: Store, start: datetime, moment: datetime) -> datetime | None:
    """`start --switch` on a forgotten timer: ask when it really stopped (its window's end, the latest finish, now,
    or a time typed); a script answers with --stop-at. None: not forgotten, it stops where the new one starts."""
    found = _forgotten(store, moment)
    if found is None:
        return None
    guess = found.stop_text(moment) if found.stop_at is not None else None
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise ValidationError(
            f"{printable(found.message)} Say when it stopped: --switch --stop-at {guess or 'HH:MM'} or "
            "--switch --stop-at now"
        )
    print(printable(found.message), file=sys.stderr)
    offer = f"[Enter] {to_local(found.stop_at):%a %d %b %H:%M}, " if found.stop_at is not None else ""
    while True:
        print(
            f"When did it stop? {offer}'now', or a time (HH:MM today, YYYY-MM-DD HH:MM): ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        try:
            answer = input().strip()
        except EOFError:
            raise ValidationError("no answer; nothing changed (in scripts give --stop-at)") from None
        if not answer and found.stop_at is not None:
            return found.stop_at
        if answer.lower() == "now":
            return start
        try:
            return check_past(parse_moment(answer, reference=moment), moment, "the stop")
        except ValidationError as error:
            print(f"  {error}", file=sys.stderr)


def cmd_stop(store: Store, args: argparse.Namespace) -> int:
    moment = now()
    changes: dict[str, object] = {}
    if args.note is not None:
        changes["note"] = args.note
    entry = store.stop_timer(check_past(_moment(args.at, moment), moment, "the stop"), **changes)
    engagement = store.engagement_by_id(entry.engagement_id)
    assert entry.end is not None
    if entry.seconds() == 0:
        print(f"Discarded the {printable(engagement.name)} timer: it ran for less than a minute, too short to bill.")
        return EXIT_OK
    print(
        f"Stopped {printable(engagement.name)}: {to_local(entry.start):%H:%M}-{to_local(entry.end):%H:%M}, "
        f"{clock_hours(entry.seconds())} (id {entry.id})."
    )
    return EXIT_OK


PROMPT_FIELDS = ("engagement", "elapsed", "note", "today", "week_share")


def _prompt_format(text: str) -> list[tuple[str, str | None]]:
    """A --format as (literal text, field or None) pieces; only the fields of PROMPT_FIELDS, with no conversion,
    format spec, attribute or index."""
    import string

    pieces: list[tuple[str, str | None]] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValidationError(
            f"--format '{text}' is not a format ({error}); e.g. '{{engagement}} {{elapsed}}'"
        ) from None
    fields = ", ".join("{" + f + "}" for f in PROMPT_FIELDS)
    for literal, name, spec, conversion in parsed:
        if name is not None and name not in PROMPT_FIELDS:
            raise ValidationError(f"--format: '{{{name}}}' is not a field; use {fields}")
        if name is not None and (spec or conversion):
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValidationError(
                f"--format: '{shown}' takes no conversion or format spec (no ! or :); write {{{name}}}"
            )
        pieces.append((literal, name))
    return pieces


def _timer_facts(root: str, moment: datetime) -> TimerFacts | None:
    """The running timer for `status`: from planner.json alone when it is as planner wrote it (planner.glance),
    else through the store, which checks every record and refuses a damaged file."""
    from planner.glance import Glance, TimerFacts

    glance = Glance.read(root)
    if glance is not None:
        found = glance.timer(moment)
        if found is not False:
            return found  # type: ignore[return-value]
    from planner.store import Store
    from planner.timer import forgotten

    store = Store(root)
    running = store.running()
    if running is None:
        return None
    engagement = store.engagement_by_id(running.engagement_id)
    return TimerFacts(
        id=running.id,
        engagement=engagement.name,
        kind=engagement.kind,
        start=running.start,
        note=running.note,
        tags=running.tags,
        billable=running.billable,
        block_id=running.block_id,
        task_id=running.task_id,
        seconds=running.seconds(moment),
        forgotten=forgotten(running, engagement, store.boundaries(), moment),
    )


def _prompt_line(root: str, pieces: list[tuple[str, str | None]], moment: datetime) -> str:
    """The --format line: the running timer's engagement, elapsed time and note (empty when none runs), the time
    logged today (the timer included) and the outbound share logged this week."""
    needed = {name for _, name in pieces if name is not None}
    values = dict.fromkeys(PROMPT_FIELDS, "")
    timer = _timer_facts(root, moment)
    if timer is not None:
        values.update(engagement=timer.engagement, elapsed=clock_hours(timer.seconds), note=timer.note)
    if needed & {"today", "week_share"}:  # these read the week's logs: through the store
        from planner.store import Store
        from planner.timesheet import summarize

        store = Store(root)
        day = to_local(moment).date()
        monday = day - timedelta(days=day.weekday())
        engagements = store.engagements(include_archived=True)
        logs = store.logs(*span_of_days(monday, monday + timedelta(days=6)))
        today = summarize(engagements, logs, day, day, moment)
        week = summarize(engagements, logs, monday, monday + timedelta(days=6), moment)
        values["today"] = clock_hours(today.inbound_seconds + today.outbound_seconds)
        share = week.outbound_share
        values["week_share"] = "–" if share is None else f"{share * 100:.0f}%"
    text = "".join(literal + ("" if name is None else values[name]) for literal, name in pieces)
    return printable(text).rstrip()


def cmd_status(root: str, args: argparse.Namespace) -> int:
    """The running timer. It is given the data folder, not a store: a prompt runs it every few seconds, and it
    answers from planner.json alone when it can (see _timer_facts)."""
    moment = now()
    if args.short or args.format is not None:
        if args.json:
            raise ValidationError("--json is the full status; --short and --format are one line for a prompt")
        pieces = _prompt_format("{engagement} {elapsed}" if args.format is None else args.format)
        line = _prompt_line(root, pieces, moment)
        if line:
            print(line)
        return EXIT_OK
    timer = _timer_facts(root, moment)
    if timer is None:
        if args.json:
            _print_json({"running": False})
        else:
            print("No timer is running.")
        return EXIT_OK
    found = timer.forgotten
    if args.json:
        shown = _entry_json(timer, timer.engagement, timer.kind, timer.seconds)
        shown["forgotten"] = None if found is None else {"message": found.message, **found.to_json()}
        _print_json(shown)
        return EXIT_OK
    note = f" — {printable(timer.note)}" if timer.note else ""
    print(
        f"{printable(timer.engagement)} ({printable(timer.kind)}) since {to_local(timer.start):%Y-%m-%d %H:%M}, "
        f"{clock_hours(timer.seconds)}{note} (id {timer.id})"
    )
    if found is not None:
        print(f"warning: {printable(found.message)} {found.advice(moment)}.", file=sys.stderr)
    return EXIT_OK


def cmd_log_add(store: Store, args: argparse.Namespace) -> int:
    from planner.model import LogEntry, check_new_tags

    moment = now()
    engagement = store.engagement(args.name)
    entry = LogEntry(
        id=0,
        engagement_id=engagement.id,
        start=parse_moment(args.start, reference=moment),
        end=check_past(parse_moment(args.end, reference=moment), moment, "the end"),
        note=args.note or "",
        tags=check_new_tags(args.tag or []),
        billable=not args.no_billable,
        block_id=args.block,
        task_id=args.task,
    )
    entry = store.add_log(entry)
    print(f"Logged {clock_hours(entry.seconds())} for {printable(engagement.name)} (id {entry.id}).")
    return EXIT_OK


def cmd_log_list(store: Store, args: argparse.Namespace) -> int:
    moment = now()
    first, last, label = _range(args)
    lo, hi = span_of_days(first, last)
    entries = store.logs(lo, hi)
    engagements = {engagement.id: engagement for engagement in store.engagements()}
    if args.json:
        _print_json([_log_json(entry, engagements, moment) for entry in entries])
        return EXIT_OK
    if not entries:
        print(f"No time logged in {label}.")
        return EXIT_OK
    rows = []
    for entry in entries:
        item = _log_json(entry, engagements, moment)
        start = to_local(entry.start)
        end = "now" if entry.end is None else f"{to_local(entry.end):%H:%M}"
        rows.append(
            [
                entry.id,
                f"{start:%a %Y-%m-%d}",
                f"{start:%H:%M}-{end}",
                clock_hours(entry.seconds(moment)),
                item["engagement"],
                item["kind"],
                entry.note,
                ",".join(entry.tags),
                "" if entry.billable else "non-billable",
            ]
        )
    total = sum(entry.seconds(moment) for entry in entries)
    print(label)
    print(_table(["id", "day", "time", "hours", "engagement", "side", "note", "tags", ""], rows, right=(3,)))
    print(f"{len(entries)} entries, {clock_hours(total)} in all")
    return EXIT_OK


def cmd_log_edit(store: Store, args: argparse.Namespace) -> int:
    from planner.model import check_new_tags

    moment = now()
    changes: dict[str, object] = {}
    if args.engagement is not None:
        changes["engagement_id"] = store.engagement(args.engagement).id
    if args.start is not None:
        changes["start"] = check_past(parse_moment(args.start, reference=moment), moment, "the start")
    if args.end is not None:
        changes["end"] = check_past(parse_moment(args.end, reference=moment), moment, "the end")
    if args.note is not None:
        changes["note"] = args.note
    if args.tag is not None:
        changes["tags"] = check_new_tags(args.tag)
    if args.clear_tags:
        changes["tags"] = []
    if args.billable is not None:
        changes["billable"] = args.billable
    if not changes:
        raise ValidationError("nothing to change; give at least one option, e.g. --note 'review'")
    entry = store.update_log(args.id, **changes)
    print(f"Updated log {entry.id}.")
    return EXIT_OK


def cmd_log_rm(store: Store, args: argparse.Namespace) -> int:
    entry = store.remove_log(args.id)
    print(f"Removed log {entry.id} ({clock_hours(entry.seconds(now()))}).")
    return EXIT_OK


# ---------------------------------------------------------------- report


def cmd_overtime(store: Store, args: argparse.Namespace) -> int:
    """Per inbound job: logged minus contracted hours, week by week from the account's start (`--since`, else the
    job's `--start`, else its first logged entry, else the day it was added), shown for the range asked for with
    the balance brought forward into it."""
    from planner.balance import overtime

    moment = now()
    given = (args.week, getattr(args, "month", None), args.from_, args.to)
    ranged = any(value is not None for value in given)
    first_shown, last_shown, label = _range(args) if ranged else (date.min, date.max, "")
    since = parse_date(args.since) if args.since is not None else None
    jobs = [e for e in store.engagements() if e.inbound]
    months = store.log_months()
    starts = [since] if since else [job.start for job in jobs if job.start is not None]
    if months:
        starts.append(date.fromisoformat(months[0] + "-01"))
    earliest = min(starts, default=today())
    logs = store.logs(span_of_days(earliest - timedelta(days=7), earliest)[0], moment)
    accounts = []
    for job in jobs:
        own = [entry for entry in logs if entry.engagement_id == job.id]
        if since is not None:
            first, basis = since, "--since"
        elif job.start is not None:
            first, basis = job.start, "its start"
        elif own:
            first, basis = min(to_local(entry.start).date() for entry in own), "its first logged entry"
        else:
            continue  # nothing logged and no start: no account yet
        weeks = overtime(job, own, first, moment)
        shown = [w for w in weeks if w.monday + timedelta(days=6) >= first_shown and w.monday <= last_shown]
        before = [w for w in weeks if w.monday + timedelta(days=6) < first_shown]
        forward = before[-1].balance if before else 0.0
        accounts.append((job, first, basis, shown, forward, weeks))
    if args.json:
        _print_json(
            {
                **({"range": label} if ranged else {}),
                "jobs": [
                    {
                        "name": job.name,
                        "since": first.isoformat(),
                        "brought_forward_hours": forward,
                        "balance_hours": shown[-1].balance if shown else forward,
                        "weeks": [
                            {
                                "week": week_label(w.monday),
                                "logged_hours": w.logged,
                                "contracted_hours": w.contracted,
                                "difference_hours": round(w.difference, 2),
                                "balance_hours": w.balance,
                            }
                            for w in shown
                        ],
                    }
                    for job, first, _, shown, forward, _ in accounts
                ],
            }
        )
        return EXIT_OK
    if not accounts:
        print("No inbound job has logged time or a start yet.")
        return EXIT_OK
    for job, first, basis, shown, forward, weeks in accounts:
        balance = shown[-1].balance if shown else forward
        where = f" by the end of {min(last_shown, today()).isoformat()}" if ranged else " today"
        print(f"{printable(job.name)}: {balance:+.2f} h overtime{where}, counted from {first.isoformat()} ({basis})")
        if ranged:
            print(f"brought forward: {forward:+.2f} h")
        quiet = list(takewhile(lambda w: w.logged == 0, weeks[1:]))
        if basis == "its first logged entry" and len(quiet) >= 2 and len(weeks) > len(quiet) + 1:
            print(
                f"note: {len(quiet)} weeks after the first entry in {week_label(weeks[0].monday)} had nothing logged "
                f"and count {-sum(w.contracted for w in quiet):+.2f} h; if the job began later, give its start: "
                f"'planner job edit {printable(job.name)} --start D'"
            )
        rows = [
            [
                week_label(w.monday),
                f"{w.logged:.2f}",
                f"{w.contracted:.2f}",
                f"{w.difference:+.2f}",
                f"{w.balance:+.2f}",
            ]
            for w in shown
        ]
        if rows:
            print(_table(["week", "logged", "contracted", "difference", "balance"], rows, right=(1, 2, 3, 4)))
        elif first > today():
            print(f"The account starts on {first.isoformat()}, which has not come yet.")
        else:
            print(f"No week of the account falls in {label or 'it yet'}.")
    return EXIT_OK


def cmd_report(store: Store, args: argparse.Namespace) -> int:
    from planner.words import INBOUND, OUTBOUND

    if args.overtime:
        if args.by or args.chart:
            raise ValidationError("--by and --chart go with the hours report, not with --overtime")
        return cmd_overtime(store, args)
    if args.since:
        raise ValidationError("--since goes with --overtime")
    from planner.cli_income import delegated_report, margins_json, print_margins
    from planner.money import Figures, by_engagement, format_amounts, price
    from planner.timesheet import group_hours, summarize

    moment = now()
    first, last, label = _range(args)
    lo, hi = span_of_days(first, last)
    engagements, logs = store.engagements(), store.logs(lo, hi)
    summary = summarize(engagements, logs, first, last, moment)
    priced = price(engagements, logs, first, last, now=moment)  # the figures of a timesheet, and the timer so far
    figures = by_engagement(priced.lines)
    running = next((line for line in priced.lines if line.running), None)
    share = summary.outbound_share
    groups = group_hours(engagements, logs, first, last, moment, args.by) if args.by else None
    if args.json:
        extra: dict[str, object] = {}
        if groups is not None:
            extra = {
                "by": args.by,
                "groups": [
                    {
                        "key": group.key,
                        "hours": _hours_number(group.seconds),
                        "inbound_hours": _hours_number(group.inbound),
                        "outbound_hours": _hours_number(group.outbound),
                        "billable_hours": _hours_number(group.billable),
                    }
                    for group in groups
                ],
            }
        engagement_rows = []
        for total in summary.totals:
            own = figures.get(total.engagement.id)
            money = own.to_json() if own is not None else {}
            amounts = money.get("amounts", {})
            single = next(iter(amounts)) if len(amounts) == 1 else None
            engagement_rows.append(
                {
                    "name": total.engagement.name,
                    "kind": total.engagement.kind,
                    "hours": _hours_number(total.seconds),
                    "billable_hours": _hours_number(total.billable_seconds),
                    "non_billable_hours": money.get("non_billable_hours", 0.0),
                    "billed_hours": money.get("billed_hours", 0.0),
                    "amount": None if single is None else amounts[single],  # None too when it is in two currencies
                    "currency": single,
                    "seconds": round(total.seconds),
                    "billable_seconds": round(total.billable_seconds),
                    "non_billable_seconds": round(total.seconds - total.billable_seconds),
                    "billed_seconds": money.get("billed_seconds", 0),
                    "amounts": amounts,
                    "amounts_minor": money.get("amounts_minor", {}),
                }
            )
        _print_json(
            {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "inbound_hours": _hours_number(summary.inbound_seconds),
                "outbound_hours": _hours_number(summary.outbound_seconds),
                "outbound_share": None if share is None else round(share, 4),
                "running_timer_included": running is not None,
                "engagements": engagement_rows,
                "days": [
                    {
                        "date": day.isoformat(),
                        "inbound_hours": _hours_number(sides[INBOUND]),
                        "outbound_hours": _hours_number(sides[OUTBOUND]),
                    }
                    for day, sides in summary.days.items()
                ],
                "delegated": margins_json(delegated_report(store, first, last, moment)),
                **extra,
            }
        )
        return EXIT_OK
    shown = _hours_shown(args)
    print(f"{label}  {first.isoformat()} to {last.isoformat()}")
    if not summary.totals:
        print("No time logged.")
        print_margins(delegated_report(store, first, last, moment))
        return EXIT_OK
    if groups is not None or args.chart:
        _print_groups(groups or group_hours(engagements, logs, first, last, moment, "engagement"), args.chart, shown)
        _print_share_line(summary, shown)
        return EXIT_OK
    rows = []
    for total in summary.totals:
        own = figures.get(total.engagement.id)
        rows.append(
            [
                total.engagement.name,
                total.engagement.kind,
                shown(total.seconds),
                shown(total.billable_seconds),
                shown(total.seconds - total.billable_seconds),
                "" if own is None else shown(own.billed_seconds),
                "" if own is None else format_amounts(own.amounts),
            ]
        )
    if len(rows) > 1:
        whole = Figures.of(priced.lines)
        worked = sum(total.seconds for total in summary.totals)
        billable = sum(total.billable_seconds for total in summary.totals)
        rows.append(
            [
                "total",
                "",
                shown(worked),
                shown(billable),
                shown(worked - billable),
                shown(whole.billed_seconds),
                format_amounts(whole.amounts),
            ]
        )
    headers = ["engagement", "side", "worked", "billable", "non-billable", "billed", "amount"]
    print(_table(headers, rows, right=(2, 3, 4, 5, 6)))
    print()
    day_rows = [
        [f"{day:%a %Y-%m-%d}", shown(sides[INBOUND]), shown(sides[OUTBOUND])] for day, sides in summary.days.items()
    ]
    print(_table(["day", "inbound", "outbound"], day_rows, right=(1, 2)))
    _print_share_line(summary, shown)
    print_margins(delegated_report(store, first, last, moment))
    if running is not None:
        print(
            f"note: includes the running {printable(running.engagement.name)} timer so far "
            f"({clock_hours(running.seconds)}); a timesheet leaves it out until it stops"
        )
    return EXIT_OK


def _hours_shown(args: argparse.Namespace) -> Callable[[float], str]:
    """How the report writes hours: h:mm (default), or decimal hours with --decimal."""
    from planner.money import decimal_hours

    if getattr(args, "decimal", False):
        return lambda seconds: f"{decimal_hours(round(seconds))}"
    return lambda seconds: clock_hours(round(seconds))


def _print_share_line(summary: Summary, shown: Callable[[float], str]) -> None:
    share = summary.outbound_share
    share_text = "no hours" if share is None else f"{share * 100:.1f} %"
    print(
        f"inbound {shown(summary.inbound_seconds)} h · outbound {shown(summary.outbound_seconds)} h · "
        f"outbound share {share_text}"
    )


def _print_groups(groups: list[Group], chart: bool, shown: Callable[[float], str]) -> None:
    """A table of grouped hours; with `chart`, a bar per row (█ inbound, ░ outbound) scaled to the longest."""
    import shutil

    from planner.text import cells as text_cells
    from planner.text import pad
    from planner.timesheet import bar

    labels = [_group_label(group.key) for group in groups]
    rows = [
        [label, shown(group.seconds), shown(group.inbound), shown(group.outbound)]
        for label, group in zip(labels, groups, strict=True)
    ]
    table = _table(["", "hours", "inbound", "outbound"], rows, right=(1, 2, 3)).splitlines()
    if not chart:
        print("\n".join(table))
        return
    full = max(map(text_cells, table))  # terminal cells: a wide name must not push its bar out of line
    width = max(10, min(60, shutil.get_terminal_size((100, 24)).columns - full - 3))
    scale = max((group.seconds for group in groups), default=0.0)
    print(table[0])
    for line, group in zip(table[1:], groups, strict=True):
        print(f"{pad(line, full)}  {bar(group.inbound, group.outbound, scale, width)}".rstrip())
    print(f"{'':{full}}  █ inbound  ░ outbound")


def _group_label(key: str) -> str:
    try:
        return f"{date.fromisoformat(key):%a %Y-%m-%d}"
    except ValueError:
        return key


def _theme(name: str) -> str:
    """A theme the board knows, by name ('' is the default)."""
    if not name:
        return ""
    from planner_widgets.app import theme_names  # the board's themes are Textual's: only it lists them

    known = theme_names()
    if name not in known:
        shown = name if len(name) <= 40 else name[:40] + "…"
        raise ValidationError(f"'{shown}' is not a theme; choose one of: {', '.join(known)}")
    return name


def cmd_settings(store: Store, args: argparse.Namespace) -> int:
    from planner.model import DEFAULT_CURRENCY, DEFAULT_TASK, BoardSettings, checked_settings
    from planner.remind import ReminderSettings, checked_reminder_settings

    if args.action == "set":
        typed = {key: getattr(args, key) for key in ("name", "email", "task", "day_start", "day_end", "currency")}
        typed["slot"] = None if args.slot is None else str(args.slot)
        changes = checked_settings(store.settings(), typed)
        if args.theme is not None:
            changes["theme"] = _theme(args.theme.strip())
        changes.update(
            checked_reminder_settings(store.settings(), args.remind_before, args.quiet_hours, args.remind or [])
        )
        store.set_settings(**changes)  # one write, once every value is checked
    stored = store.settings()
    board = BoardSettings.from_settings(stored)
    shown = {
        "day_start": format_clock(board.day_start),
        "day_end": format_clock(board.day_end),
        "slot": board.slot,
        "name": stored.get("name", ""),
        "email": stored.get("email", ""),
        "task": stored.get("task") or DEFAULT_TASK,
        "currency": stored.get("currency") or DEFAULT_CURRENCY,
        "theme": stored.get("theme") or "textual-dark",
        **ReminderSettings.from_settings(stored).shown(),
    }
    if getattr(args, "json", False):
        _print_json(shown)
    else:
        for key, value in shown.items():
            if isinstance(value, list):
                value = ", ".join(value) or "none"
            print(f"{key:<14} {printable('none' if value is None else value)}")
    return EXIT_OK


def cmd_boundaries(store: Store, args: argparse.Namespace) -> int:
    from planner.model import TYPED_BOUNDARIES

    rules = store.boundaries()
    if args.action == "set":
        values: dict[str, str | bool] = {
            key: getattr(args, key) for key in TYPED_BOUNDARIES if getattr(args, key) is not None
        }
        if args.protect_windows is not None:
            values["protect_windows"] = args.protect_windows
        if not values:
            raise ValidationError("nothing to change; give at least one option, e.g. --max-week 45")
        rules = store.set_boundaries(rules.updated(values))
    shown = rules.to_doc()
    if getattr(args, "json", False):
        _print_json(shown)
        return EXIT_OK
    labels = {
        "max_week": "most hours a week",
        "max_day": "most hours a day",
        "outbound_share": "outbound share target %",
        "tolerance": "tolerance (points)",
        "outbound_cap": "outbound cap h/week",
        "protect_windows": "protect working windows",
        "days_off": "days off",
        "latest": "latest finish",
        "min_rest": "minimum rest h",
        "max_stretch": "longest stretch h",
        "concentration": "one client at most %",
        "concentration_min": "…once outbound h ≥",
        "deadline_near": "deadline near, days",
        "timer_limit": "timer forgotten after h",
        "concentration_basis": "concentration measures",
        "concentration_months": "…over months (income)",
        "min_rate": "lowest effective rate/h",
        "task_stale": "task stale after days",
    }
    for key, label in labels.items():
        value = shown[key]
        if isinstance(value, bool):
            text = "on" if value else "off"
        elif value is None or value == []:
            text = "off"
        else:
            text = ", ".join(value) if isinstance(value, list) else f"{value:g}" if isinstance(value, float) else value
        print(f"{label:<26} {printable(text)}")
    return EXIT_OK


def cmd_check(store: Store, args: argparse.Namespace) -> int:
    from planner.balance import check_week, failing, gather

    monday = parse_week(args.week)
    moment = now()
    store.make_task_occurrences(to_local(moment).date())  # a recurring task's next one counts once it is made
    week = store.week(monday, moment)
    findings = check_week(gather(store, week))
    if args.json:
        _print_json({"week": week_label(monday), "warnings": [finding.to_json() for finding in findings]})
    elif not findings:
        print(f"{week_label(monday)}: the week is within your boundaries.")
    else:
        print(f"{week_label(monday)}: {len(findings)} warning{'s' if len(findings) != 1 else ''}")
        for finding in findings:
            print(f"{finding.severity:<6} {finding.code:<18} {finding.basis:<6} {printable(finding.message)}")
    return EXIT_WARN if failing(findings) else EXIT_OK


def _run_board(store: Store) -> int:
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise ValidationError("the board needs a terminal; in scripts use the commands ('planner --help')")
    from planner_widgets.app import make_app  # Textual loads only for the board

    store.engagements()  # a damaged data file stops here with its one-line error, before the screen opens
    app = make_app(store, reminding=True)
    app.run()
    if app.crash is not None:
        raise app.crash
    return EXIT_OK


def cmd_board(store: Store, args: argparse.Namespace) -> int:
    return _run_board(store)


def cmd_demo(store: Store, args: argparse.Namespace) -> int:
    import shutil
    import tempfile
    from pathlib import Path

    from planner.demo import seed_demo
    from planner.store import Store

    folder = Path(tempfile.mkdtemp(prefix="planner-demo-"))
    try:
        demo = Store(folder / "data")
        seed_demo(demo, now())
        if args.keep:
            print(f"Demo data in {demo.root}", file=sys.stderr)
        return _run_board(demo)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- parser


def _add_engagement_options(parser: argparse.ArgumentParser, kind: str | None, editing: bool = False) -> None:
    from planner.words import INBOUND, OUTBOUND

    parser.add_argument("--rate", help="hourly rate, e.g. 85 or 92.50")
    parser.add_argument("--currency", help="three-letter currency code, e.g. EUR")
    parser.add_argument("--round", dest="round_minutes", metavar="MIN", help="billing increment in minutes (1 = exact)")
    parser.add_argument(
        "--round-mode", dest="round_mode", metavar="MODE", help="round each entry up (default), nearest or down"
    )
    parser.add_argument("--colour", "--color", dest="colour", help="colour on the board")
    parser.add_argument(
        "--start",
        dest="account_start",
        metavar="D",
        help="its first day: a job's overtime account and a retainer's first month count from it "
        "(default: the first logged entry, else the day added)",
    )
    parser.add_argument(
        "--remind-before", metavar="MIN", help="minutes before its blocks start to remind (default: the setting, 5)"
    )
    if kind in (INBOUND, None):
        parser.add_argument(
            "--hours", required=kind == INBOUND and not editing, metavar="H", help="contracted hours per week"
        )
        parser.add_argument("--window", metavar="WINDOW", help="working window, e.g. 'mon-fri 09:00-17:00'")

    if kind in (INBOUND, None):
        parser.add_argument("--salary", metavar="AMOUNT", help="a salary (--per month or year); else --rate is a wage")
        parser.add_argument("--per", choices=("month", "year"), help="the salary's period (month)")
    if kind in (OUTBOUND, None):
        parser.add_argument("--fixed", metavar="AMOUNT", help="a fixed fee for the engagement (milestones split it)")
        parser.add_argument("--retainer", metavar="AMOUNT", help="a monthly fee covering --covers hours")
        parser.add_argument("--covers", metavar="H", help="hours a month the retainer covers")
        parser.add_argument("--overage", metavar="RATE", help="the rate of hours beyond them (default: --rate)")
        parser.add_argument(
            "--carry", action=argparse.BooleanOptionalAction, default=None, help="carry unused retainer hours a month"
        )
        parser.add_argument("--done", metavar="D", help="completed: a fixed fee is earned that day; a retainer ends")
    if kind is None:
        parser.add_argument("--hourly", action="store_true", help="back to billing by the hour (clears a fee)")
    if kind in (OUTBOUND, None):
        parser.add_argument("--cap", metavar="H", help="most hours per week")
        parser.add_argument("--budget", metavar="H", help="hours budgeted for the whole engagement")
        parser.add_argument("--deadline", metavar="YYYY-MM-DD")
        parser.add_argument(
            "--one-off",
            dest="one_off",
            action="store_const",
            const=True,
            help="a one-off task rather than an ongoing engagement",
        )
    if kind != INBOUND and (kind is None or editing):
        parser.add_argument(
            "--ongoing",
            dest="one_off",
            action="store_const",
            const=False,
            help="an ongoing engagement (undoes --one-off)",
        )


def _add_edit_options(edit: argparse.ArgumentParser, kind: str | None) -> None:
    """`planner edit NAME` and its spellings `job edit` / `client edit` (which take only their kind's options)."""
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--name", dest="new_name", metavar="NEW", help="rename it")
    edit.add_argument(
        "--from",
        dest="start",
        metavar="D",
        help="the new terms (rate, currency, rounding, hours, window, cap) apply from this date (default today); "
        "earlier days keep theirs",
    )
    edit.add_argument(
        "--after-locks",
        action="store_true",
        help="when the change would touch a locked week, start it the day after the last such week instead",
    )
    _add_engagement_options(edit, kind, editing=True)
    edit.set_defaults(handler=cmd_edit, kind=kind)


def build_parser(wanted: tuple[str, ...] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `wanted` (a command path, see `command_words`) only that command's parsers
    are built, the others are names for help and errors."""
    from planner.words import INBOUND, OUTBOUND

    parser = _Parser(
        prog="planner", description="A weekly planner for inbound jobs and outbound clients.", wanted=wanted
    )
    parser.add_argument("--db", metavar="DIR", help="data folder (default: $PLANNER_DB, else the user data folder)")
    parser.add_argument("--version", action="version", version=f"planner {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    for word, kind in (("job", INBOUND), ("client", OUTBOUND)):
        group = commands.add_parser(word, help=f"add {'an inbound job' if kind == INBOUND else 'an outbound client'}")
        sub = group.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
        add = sub.add_parser("add", help=f"add a {word}")
        add.add_argument("name", metavar="NAME")
        _add_engagement_options(add, kind)
        add.set_defaults(handler=cmd_add_engagement)
        _add_edit_options(sub.add_parser("edit", help=f"change a {word} (the same as 'planner edit')"), kind)

    listing = commands.add_parser("list", help="list jobs and clients")
    listing.add_argument("--all", action="store_true", help="include archived ones")
    listing.add_argument("--history", action="store_true", help="every dated change of terms, oldest first")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    _add_edit_options(commands.add_parser("edit", help="change a job or client ('' or none clears an option)"), None)

    for word, text in (("archive", "hide a finished job or client"), ("unarchive", "bring an archived one back")):
        archive = commands.add_parser(word, help=text)
        archive.add_argument("name", metavar="NAME")
        archive.set_defaults(handler=cmd_archive)

    plan = commands.add_parser("plan", help="planned blocks")
    plan_sub = plan.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    plan_add = plan_sub.add_parser("add", help="plan a block")
    plan_add.add_argument("name", metavar="NAME")
    plan_add.add_argument("--date", required=True, metavar="D")
    plan_add.add_argument("--start", required=True, metavar="HH:MM")
    plan_add.add_argument("--end", required=True, metavar="HH:MM")
    plan_add.add_argument("--title")
    plan_add.add_argument("--notes")
    plan_add.add_argument("--repeat", metavar="RRULE", help="RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE")
    plan_add.set_defaults(handler=cmd_plan_add)
    plan_list = plan_sub.add_parser("list", help="the blocks of a week")
    plan_list.add_argument("--week", metavar="W")
    plan_list.add_argument("--json", action="store_true")
    plan_list.set_defaults(handler=cmd_plan_list)
    plan_rm = plan_sub.add_parser("rm", help="remove a block or a whole series")
    plan_rm.add_argument("id", type=int, metavar="ID")
    plan_rm.add_argument("--date", metavar="D", help="only this occurrence of a series")
    plan_rm.set_defaults(handler=cmd_plan_rm)

    start = commands.add_parser("start", help="start the timer")
    start.add_argument("name", metavar="NAME")
    start.add_argument("--note")
    start.add_argument("--tag", action="append", metavar="TAG")
    start.add_argument("--at", metavar="T", help="when it started (default now)")
    start.add_argument("--switch", action="store_true", help="stop a running timer at the same instant")
    start.add_argument(
        "--stop-at",
        metavar="T",
        help="with a running timer: stop it at T (or 'now') instead of asking when a forgotten one stopped",
    )
    start.add_argument("--no-billable", action="store_true")
    start.add_argument("--block", type=int, metavar="ID", help="the planned block this fulfils")
    start.set_defaults(handler=cmd_start)

    stop = commands.add_parser("stop", help="stop the timer")
    stop.add_argument("--at", metavar="T", help="when it stopped (default now)")
    stop.add_argument("--note")
    stop.set_defaults(handler=cmd_stop)

    status = commands.add_parser("status", help="the running timer (a warning on stderr when it looks forgotten)")
    status.add_argument("--json", action="store_true")
    status.add_argument("--short", action="store_true", help="one line for a prompt: 'globex 1:23', or nothing")
    status.add_argument(
        "--format",
        metavar="FMT",
        help="one line with {engagement} {elapsed} {note} {today} (logged today) {week_share} (outbound this week)",
    )
    status.set_defaults(handler=cmd_status, folder_only=True)

    log = commands.add_parser("log", help="logged time")
    log_sub = log.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    log_add = log_sub.add_parser("add", help="log time by hand")
    log_add.add_argument("name", metavar="NAME")
    log_add.add_argument("--start", required=True, metavar="T")
    log_add.add_argument("--end", required=True, metavar="T")
    log_add.add_argument("--note")
    log_add.add_argument("--tag", action="append", metavar="TAG")
    log_add.add_argument("--no-billable", action="store_true")
    log_add.add_argument("--block", type=int, metavar="ID")
    log_add.add_argument("--task", type=int, metavar="ID", help="a delegated task this time went to (briefing it)")
    log_add.set_defaults(handler=cmd_log_add)
    log_list = log_sub.add_parser("list", help="entries of a week or a range")
    _add_range_options(log_list, month=False)
    log_list.add_argument("--json", action="store_true")
    log_list.set_defaults(handler=cmd_log_list)
    log_edit = log_sub.add_parser("edit", help="change an entry")
    log_edit.add_argument("id", type=int, metavar="ID")
    log_edit.add_argument("--engagement", metavar="NAME")
    log_edit.add_argument("--start", metavar="T")
    log_edit.add_argument("--end", metavar="T")
    log_edit.add_argument("--note")
    log_edit.add_argument("--tag", action="append", metavar="TAG", help="replaces the tags")
    log_edit.add_argument("--clear-tags", action="store_true")
    log_edit.add_argument("--billable", dest="billable", action="store_const", const=True)
    log_edit.add_argument("--no-billable", dest="billable", action="store_const", const=False)
    log_edit.set_defaults(handler=cmd_log_edit)
    log_rm = log_sub.add_parser("rm", help="delete an entry")
    log_rm.add_argument("id", type=int, metavar="ID")
    log_rm.set_defaults(handler=cmd_log_rm)

    boundaries = commands.add_parser("boundaries", help="show or set the rules your week keeps")
    boundaries_sub = boundaries.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    boundaries_show = boundaries_sub.add_parser("show", help="the current boundaries")
    boundaries_show.add_argument("--json", action="store_true")
    boundaries_show.set_defaults(handler=cmd_boundaries)
    boundaries_set = boundaries_sub.add_parser("set", help="change boundaries ('none' turns a rule off)")
    boundaries_set.add_argument("--max-week", metavar="H", help="most hours of work in a week")
    boundaries_set.add_argument("--max-day", metavar="H", help="most hours of work in a day")
    boundaries_set.add_argument("--outbound-share", metavar="PCT", help="target outbound share of the week, percent")
    boundaries_set.add_argument("--tolerance", metavar="POINTS", help="points either side of the target (10)")
    boundaries_set.add_argument("--outbound-cap", metavar="H", help="most outbound hours a week, all clients")
    boundaries_set.add_argument(
        "--protect-windows",
        dest="protect_windows",
        action="store_const",
        const=True,
        help="no outbound work inside an inbound job's working window (the default)",
    )
    boundaries_set.add_argument("--no-protect-windows", dest="protect_windows", action="store_const", const=False)
    boundaries_set.add_argument("--days-off", metavar="mon,...,sun", help="days without work ('none': no days off)")
    boundaries_set.add_argument("--latest", metavar="HH:MM", help="latest finish")
    boundaries_set.add_argument("--min-rest", metavar="H", help="least rest between two working days")
    boundaries_set.add_argument("--max-stretch", metavar="H", help="longest work without a 15-minute break")
    boundaries_set.add_argument(
        "--concentration", metavar="PCT", help="most of the outbound hours of 4 weeks one client may hold (83)"
    )
    boundaries_set.add_argument(
        "--concentration-min",
        metavar="H",
        help="outbound hours of the 4 weeks below which one client's share is not judged (10)",
    )
    boundaries_set.add_argument(
        "--deadline-near", metavar="DAYS", help="days before a client's deadline from which it warns (7; 'none': off)"
    )
    boundaries_set.add_argument(
        "--timer-limit", metavar="H", help="hours after which a running timer counts as forgotten (10; 'none': off)"
    )
    boundaries_set.add_argument(
        "--concentration-basis",
        metavar="hours|income",
        help="concentration measures outbound hours of 4 weeks (hours) or outbound income of the last months (income)",
    )
    boundaries_set.add_argument(
        "--concentration-months", metavar="N", help="with the income basis: the months it looks back (3)"
    )
    boundaries_set.add_argument(
        "--min-rate",
        metavar="AMOUNT",
        help="lowest effective hourly rate of a client, in the base currency (rate-below-floor; 'none': off)",
    )
    boundaries_set.add_argument(
        "--task-stale", metavar="DAYS", help="days without a status update before a delegated task is stale (3)"
    )
    boundaries_set.set_defaults(handler=cmd_boundaries)

    check = commands.add_parser("check", help="warnings for a week; exit 1 when any is warn or breach")
    check.add_argument("--week", metavar="W")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_check)

    settings = commands.add_parser("settings", help="show or change settings")
    settings_sub = settings.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    settings_show = settings_sub.add_parser("show", help="the current settings")
    settings_show.add_argument("--json", action="store_true")
    settings_show.set_defaults(handler=cmd_settings)
    settings_set = settings_sub.add_parser("set", help="change settings")
    settings_set.add_argument("--day-start", metavar="HH:MM", help="where the board's time axis starts (07:00)")
    settings_set.add_argument("--day-end", metavar="HH:MM", help="where it ends (21:00)")
    settings_set.add_argument("--slot", type=int, metavar="MIN", help="minutes per row: 10, 15, 20, 30 or 60")
    settings_set.add_argument("--name", help="your name, on timesheets and in Toggl, Clockify and Harvest exports")
    settings_set.add_argument("--email", help="your e-mail address, on timesheets and exports")
    settings_set.add_argument(
        "--currency", metavar="CODE", help="base currency: income totals across currencies, new engagements (EUR)"
    )
    settings_set.add_argument(
        "--task", help="the task of a Clockify or Harvest row whose entry has no tag ('' resets to General)"
    )
    settings_set.add_argument(
        "--theme", help="the board's colours: a Textual theme (textual-dark, catppuccin-latte, ...; '' resets)"
    )
    settings_set.add_argument(
        "--remind-before", metavar="MIN", help="minutes before a block starts to remind of it (5)"
    )
    settings_set.add_argument(
        "--quiet-hours", metavar="HH:MM-HH:MM", help="send no reminder then, e.g. 21:00-08:00 ('none': off)"
    )
    settings_set.add_argument(
        "--remind",
        action="append",
        metavar="KIND=on|off",
        help="turn one kind of reminder on or off (all=off silences every kind); see 'planner remind --help'",
    )
    settings_set.set_defaults(handler=cmd_settings)

    add_record_commands(commands)
    add_remind_commands(commands)
    add_income_commands(commands)
    add_delegation_commands(commands)
    add_completion_commands(commands)

    demo = commands.add_parser("demo", help="open the board on a realistic sample week (your data is not touched)")
    demo.add_argument("--keep", action="store_true", help="keep the sample data folder and print where it is")
    demo.set_defaults(handler=cmd_demo)

    report = commands.add_parser("report", help="hours per engagement and side")
    _add_range_options(report, month=True)
    report.add_argument("--json", action="store_true")
    report.add_argument(
        "--overtime",
        action="store_true",
        help="per inbound job: hours logged minus contracted, week by week, with the running balance",
    )
    report.add_argument("--since", metavar="D", help="with --overtime: start the account here (default: first log)")
    report.add_argument("--by", choices=("day", "engagement", "side", "tag"), help="group the hours by this")
    report.add_argument("--chart", action="store_true", help="draw the hours as bars (█ inbound, ░ outbound)")
    report.add_argument("--decimal", action="store_true", help="hours as decimals (7.25) instead of h:mm (7:15)")
    report.set_defaults(handler=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with the stream closed (`planner status --json >&-`)
            import os

            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 (what is written goes nowhere, as asked)
    report_folder: Path | str | None = None
    try:
        args = build_parser(command_words(words)).parse_args(words)
        handler: Callable[..., int] = getattr(args, "handler", cmd_board)
        if getattr(args, "no_folder", False):  # needs no data at all (a completion script)
            return handler(None, args)
        if getattr(args, "folder_only", False):  # a prompt's command: it opens the store only if it must
            from planner.layout import folder_text

            folder = folder_text(args.db)
            report_folder = folder
            return handler(folder, args)
        from planner.store import Store

        store = Store(args.db)
        if handler is not cmd_demo:  # a crash of the demo is reported outside the person's data folder
            report_folder = store.root
        return handler(store, args)
    except PlannerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRORS:  # every data file's error is a StoreError by now: this is the output
            from planner import crash

            return crash.report(exc, report_folder, words)
        return _output_lost(exc)
    except Exception as exc:  # a bug in planner: one line and a report file, never a traceback, never exit 0
        from planner import crash

        return crash.report(exc, report_folder, words)


#: Errors of writing the output (a full disk or quota under a redirection, a device failing), not bugs.
_OUTPUT_ERRORS = {getattr(errno, name, None) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO")} - {None}


def _output_lost(exc: OSError) -> int:
    """One line for output that could not all be written, exit 2 (nothing stored depends on it)."""
    from contextlib import suppress

    with suppress(OSError, ValueError, AttributeError):  # standard error may be gone too: the exit status says it
        print(f"error: could not write the output: {exc.strerror or exc}", file=sys.stderr, flush=True)
    return EXIT_BAD_INPUT


def run() -> None:
    """The `planner` program: `main`, then out without tearing the interpreter down.

    By then every change is on disk (each write is flushed and renamed before `main` returns) and only standard
    output and error are buffered: they are flushed here. Unloading two hundred modules one by one, which a normal
    exit does, took a `start` or `stop` a fifth of its time, paid on every prompt and every tab."""
    import os

    try:
        code = main()
    except SystemExit as done:  # --help and --version print, then exit through argparse
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_BAD_INPUT)
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the stream closed (`planner status >&-`): nothing to flush
            continue
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away (`planner log list | head`): it read all it wanted
            pass
        except (OSError, ValueError) as exc:  # a full disk under a redirection: not all that was asked arrived
            if stream is sys.stdout:
                code = code or _output_lost(exc if isinstance(exc, OSError) else OSError(str(exc)))
    os._exit(code)
