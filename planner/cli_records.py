"""The commands that move records in and out and keep them safe: export, import, lock, backup, doctor."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from planner.cli_common import (
    EXIT_OK,
    EXIT_WARN,
    _add_range_options,
    _Parser,
    _print_json,
    _range,
    _table,
)
from planner.errors import ValidationError
from planner.schedule import format_local, hours, now, parse_week, week_label
from planner.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from planner.store import Store


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    from planner.exports import build_export, check_target, export_format, record_export, write_export

    fmt = export_format(args.format)
    first, last, _ = _range(args)
    if args.decimal and fmt not in ("md", "html"):
        raise ValidationError("--decimal goes with --format md or html; the other formats keep their own hours")
    if args.output not in (None, "-"):
        check_target(args.output, replace=args.force)  # refused before the export is read and rendered
    hours = "decimal" if args.decimal else "clock"
    result = build_export(
        store, fmt, first, last, names=args.engagement or (), side=args.side, stamp=now(), hours=hours, raw=args.raw
    )
    if args.output in (None, "-"):
        sys.stdout.write(result.text)
    else:
        write_export(args.output, result.text, replace=args.force)
        print(f"Wrote {result.count()} to {printable(args.output)}.", file=sys.stderr)
    if fmt != "ics":  # a timesheet left planner: a locked week it covers need not be reminded of any more
        warning = record_export(store, first, last, args.engagement or (), args.side)
        if warning:
            print(f"warning: {printable(warning)}", file=sys.stderr)
    if result.skipped_running:
        print("note: the running timer is not in the export; stop it first to include it", file=sys.stderr)
    for warning in result.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    return EXIT_OK


_LOG_IMPORT_ONLY = ("inbound", "client", "map", "default", "skip_bad")
_ICS_ONLY = ("engagement", "from_", "to", "all_day")


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.importers import import_format, parse_mapping, plan_import, read_records

    if args.format.strip().lower() == "ics":
        return cmd_import_ics(store, args)
    given = [name for name in _ICS_ONLY if getattr(args, name, None)]
    if given:
        flag = "--" + given[0].rstrip("_").replace("_", "-")
        raise ValidationError(f"{flag} goes with 'planner import ics' (a calendar); log imports take whole files")
    fmt = import_format(args.format)
    mapping = parse_mapping(args.map or [])
    show = _progress_bar("checking")
    records = read_records(fmt, Path(args.path).expanduser())
    plan = plan_import(
        store,
        fmt,
        records,
        inbound=args.inbound or [],
        clients=args.client or [],
        mapping=mapping,
        default=args.default,
        progress=show,
    )
    show(0, 0)
    print(f"{printable(args.path)}: {plan.read} {'interval' if plan.read == 1 else 'intervals'} read as {fmt}")
    new_names = {engagement.name for engagement in plan.new_engagements}
    kinds = {engagement.name: engagement.kind for engagement in store.engagements()}
    kinds.update({engagement.name: engagement.kind for engagement in plan.new_engagements})
    rows = [
        [name, kinds.get(name, ""), "new" if name in new_names else "", count, f"{hours(seconds):.2f}"]
        for name, (count, seconds) in plan.per_engagement().items()
    ]
    if rows:
        print(_table(["engagement", "side", "", "entries", "hours"], rows, right=(3, 4)))
    span = plan.span()
    if span is not None:
        print(f"from {format_local(span[0])} to {format_local(span[1])}")
    notes = []
    if plan.duplicates:
        notes.append(f"{plan.duplicates} already stored (left out)")
    if plan.skipped:
        reasons: dict[str, int] = {}
        for _, why in plan.skipped:
            reasons[why] = reasons.get(why, 0) + 1
        notes += [f"{count} left out: {why}" for why, count in reasons.items()]
    for note in notes:
        print(printable(note))
    for where, how in plan.remarks:
        print(f"note: {printable(where)}: {printable(how)}")
    if plan.shifted:
        print(
            f"note: {plan.shifted} rows were written in another time zone (their local times differ here); "
            "each is read by its start_utc and end_utc, so it keeps its moment"
        )
    if fmt == "harvest" and plan.entries:
        print(
            "note: Harvest's report has hours but no times of day; each day's entries are placed one after "
            "another from 09:00, in the file's order"
        )
    for where, why in plan.bad:
        print(f"bad: {printable(where)}: {printable(why)}", file=sys.stderr)
    if plan.bad and not args.skip_bad:
        first_where, first_why = plan.bad[0]
        more = f" ({len(plan.bad) - 1} more bad rows listed above)" if len(plan.bad) > 1 else ""
        raise ValidationError(
            f"{first_where}: {first_why}{more} -- nothing was imported; fix the file, or --skip-bad imports the rest"
        )
    if args.dry_run:
        print(f"Dry run: would import {len(plan.entries)} entries; nothing was written.")
        return EXIT_OK
    if not plan.entries and not plan.new_engagements:
        print("Nothing new to import.")
        return EXIT_OK
    if sys.stderr.isatty():
        print(f"writing {len(plan.entries)} entries…", file=sys.stderr, end="\r", flush=True)
    store.import_entries(plan.new_engagements, [(item.engagement, item.entry) for item in plan.entries])
    skipped = f"; {len(plan.bad)} bad rows skipped" if plan.bad else ""
    print(f"Imported {len(plan.entries)} entries{skipped}.")
    for engagement in plan.new_engagements:
        if engagement.inbound:
            print(
                f"note: job {printable(engagement.name)} starts with {engagement.hours:g} contracted hours a week; "
                f"set them with 'planner edit {printable(engagement.name)} --hours H'"
            )
    return EXIT_OK


def cmd_import_ics(store: Store, args: argparse.Namespace) -> int:
    """`planner import ics FILE --engagement NAME`: a calendar's events as the engagement's planned blocks."""
    from pathlib import Path

    from planner.calendar_in import calendar_range, import_calendar, sync_summary
    from planner.schedule import format_clock, today

    given = [name for name in _LOG_IMPORT_ONLY if getattr(args, name, None)]
    if given:
        flag = "--" + given[0].replace("_", "-")
        raise ValidationError(f"{flag} goes with log imports; a calendar goes to one engagement (--engagement NAME)")
    if not args.engagement:
        raise ValidationError("import ics needs --engagement NAME: the job or client whose blocks the events become")
    engagement = store.engagement(args.engagement)
    first, last = calendar_range(args.from_, args.to, today())
    read, sync = import_calendar(
        store, Path(args.path).expanduser(), engagement.name, first, last,
        all_day=args.all_day or "skip", dry_run=args.dry_run,
    )  # fmt: skip
    name = printable(engagement.name)
    print(
        f"{printable(args.path)}: {read.events} event{'' if read.events == 1 else 's'} from "
        f"{first.isoformat()} to {last.isoformat()}, {len(read.blocks)} block{'' if len(read.blocks) == 1 else 's'} "
        f"for {name}"
        + (f", {len(read.days_off)} day{'' if len(read.days_off) == 1 else 's'} off" if read.days_off else "")
    )
    for why, count in read.skipped.items():
        print(f"{count} left out: {why}")
    if sync is None:  # --dry-run
        for block in read.blocks:
            print(
                f"  {block.day:%a %Y-%m-%d} {format_clock(block.start)}-{format_clock(block.end)}  "
                f"{printable(block.title)}"
            )
        print("Dry run: nothing was written.")
        return EXIT_OK
    for before, after in sync.changed:
        was = f"{before.day:%a %Y-%m-%d} {format_clock(before.start)}-{format_clock(before.end)}"
        now_at = f"{after.day:%a %Y-%m-%d} {format_clock(after.start)}-{format_clock(after.end)}"
        print(f"moved: {printable(after.title)} {was} → {now_at}")
    for before, after in sync.renamed:
        when = f"{after.day:%a %Y-%m-%d} {format_clock(after.start)}-{format_clock(after.end)}"
        print(f"renamed: {printable(before.title)} → {printable(after.title)} ({when})")
    for block in sync.removed:
        print(f"removed: {printable(block.title)} {block.day:%a %Y-%m-%d} {format_clock(block.start)}")
    print(sync_summary(sync, engagement.name, first, last))
    return EXIT_OK


def _progress_bar(label: str) -> Callable[[int, int], None]:
    """A one-line progress bar on stderr when it is a terminal; nothing otherwise. (0, 0) clears it."""
    if not sys.stderr.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        if done == 0:
            sys.stderr.write("\r\033[K")
        elif total <= 0:  # a streamed file: its length is known only at its end
            sys.stderr.write(f"\r{label} {done}")
        else:
            filled = round(30 * done / total)
            sys.stderr.write(f"\r{label} [{'█' * filled}{' ' * (30 - filled)}] {done}/{total}")
        sys.stderr.flush()

    return show


def cmd_doctor(store: Store, args: argparse.Namespace) -> int:
    from planner.doctor import examine, repair

    if args.repair:
        for change in repair(store):
            print(f"fixed: {printable(change)}")
    problems = examine(store.root)
    if args.json:
        _print_json([{"file": p.where, "problem": p.message, "repairable": p.repairable} for p in problems])
    elif not problems:
        print(f"{printable(store.root)}: every file is sound.")
    else:
        for problem in problems:
            print(f"{printable(problem.where)}: {printable(problem.message)}")
        repairable = sum(problem.repairable for problem in problems)
        if repairable and not args.repair:
            print(
                f"{repairable} of {len(problems)} can be fixed with 'planner doctor --repair' (a backup is kept first)."
            )
    return EXIT_WARN if problems else EXIT_OK


def cmd_backup(store: Store, args: argparse.Namespace) -> int:
    if args.action == "restore":
        if not args.when.strip():  # '' would match every backup's start
            raise ValidationError("backup restore '' names no backup; give a `when` from 'planner backup list'")
        restored, before = store.restore_backup(args.when)
        print(f"Restored the data as it was at {format_local(restored.when)} ({printable(restored.label)}).")
        if before is not None:
            print(f"The state before is kept as backup {printable(before.label)}; restoring that undoes this.")
        return EXIT_OK
    backups = store.backups()
    if args.json:
        _print_json([backup.describe() for backup in backups])
        return EXIT_OK
    if not backups:
        print(
            f"No backups yet in {printable(store.root / 'backups')}; one is made before the first change of each hour."
        )
        return EXIT_OK
    rows = []
    for backup in backups:
        files = [str(file) for file in backup.files()]
        problem = backup.check()
        if problem is not None:
            holds = f"DAMAGED ({problem}): see 'planner doctor'"
        elif backup.complete:
            holds = f"all {len(files)} files"
        else:
            holds = ", ".join([*files, *(f"{name} (not yet)" for name in backup.absent)])
        rows.append([backup.label, format_local(backup.when), holds, backup.note])
    print(_table(["when", "local time", "holds the state of", "note"], rows))
    return EXIT_OK


def cmd_lock(store: Store, args: argparse.Namespace) -> int:
    if args.list:
        if args.week or args.engagement:
            raise ValidationError("--list shows every lock; give it without --week or --engagement")
        return _list_locks(store, args.json)
    if not args.week:
        raise ValidationError(f"say which week to {args.command}, e.g. --week {week_label(parse_week(None))}")
    monday = parse_week(args.week)
    whose = f" for {printable(args.engagement.strip())}" if args.engagement else ""
    if args.command == "lock":
        store.lock_week(monday, args.engagement)
        print(f"Locked {week_label(monday)}{whose}: its entries cannot be added, changed or deleted.")
    else:
        store.unlock_week(monday, args.engagement)
        print(f"Unlocked {week_label(monday)}{whose}.")
    return EXIT_OK


def _essence(figures: dict[int, dict]) -> dict[int, tuple]:
    return {key: (value["seconds"], value["billed_seconds"], value["amounts_minor"]) for key, value in figures.items()}


def _list_locks(store: Store, as_json: bool) -> int:
    """Each locked week with the totals it was locked with, per engagement; a lock whose figures come out otherwise
    today is flagged (it never should: a locked week's entries and terms cannot change)."""
    from planner.hours import clock_hours
    from planner.money import format_amounts

    names = {engagement.id: engagement.name for engagement in store.engagements(include_archived=True)}
    locks = sorted(store.locks(), key=lambda lock: (lock.monday, names.get(lock.engagement_id or 0, "")))
    shown: list[dict[str, Any]] = []
    for lock in locks:
        today_figures = store.lock_figures(lock)
        frozen = lock.totals if lock.totals is not None else today_figures
        changed = lock.totals is not None and {
            key: (value["billed_seconds"], value["amounts_minor"], value["seconds"]) for key, value in frozen.items()
        } != {
            key: (value["billed_seconds"], value["amounts_minor"], value["seconds"])
            for key, value in today_figures.items()
        }
        shown.append(
            {
                "week": week_label(lock.monday),
                "monday": lock.monday.isoformat(),
                "engagement": names.get(lock.engagement_id or 0),
                "frozen": lock.totals is not None,
                "changed_since": changed,
                "totals": [
                    {"engagement": names.get(engagement_id, f"id {engagement_id}"), **figures}
                    for engagement_id, figures in frozen.items()
                ],
            }
        )
    if as_json:
        _print_json(shown)
        return EXIT_OK
    if not shown:
        print("No week is locked.")
        return EXIT_OK
    for item in shown:
        print(f"{item['week']}  {printable(item['engagement'] or 'all engagements')}")
        rows = [
            [
                f"  {total['engagement']}",
                clock_hours(total["seconds"]),
                clock_hours(total["billed_seconds"]),
                format_amounts(total["amounts_minor"]),
            ]
            for total in item["totals"]
        ]
        if rows:
            print(_table(["", "worked", "billed", "amount"], rows, right=(1, 2, 3)))
        else:
            print("  nothing logged")
        if not item["frozen"]:
            print("  (locked before planner kept frozen totals: these are today's figures)")
        elif item["changed_since"]:
            print("  warning: today's figures differ from those it was locked with; see 'planner doctor'")
    return EXIT_OK


def add_record_commands(commands) -> None:
    """Add export, import, lock, unlock, doctor and backup to the command line's subcommands."""
    from planner.words import INBOUND, OUTBOUND

    for word, text in (("lock", "lock a sent week against changes to its entries"), ("unlock", "unlock a week")):
        lock = commands.add_parser(word, help=text)
        lock.add_argument("--week", metavar="W", help="ISO week (2026-W48) or a date in it")
        lock.add_argument("--engagement", metavar="NAME", help="only this job's or client's entries")
        if word == "lock":
            lock.add_argument("--list", action="store_true", help="show the locked weeks")
            lock.add_argument("--json", action="store_true")
        else:
            lock.set_defaults(list=False, json=False)
        lock.set_defaults(handler=cmd_lock)

    doctor = commands.add_parser("doctor", help="check every data file; exit 1 when something is wrong")
    doctor.add_argument("--repair", action="store_true", help="fix what can be fixed safely, and say what changed")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(handler=cmd_doctor)

    backup = commands.add_parser("backup", help="list the dated backups, or restore one")
    backup_sub = backup.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    backup_list = backup_sub.add_parser("list", help="the backups, oldest first")
    backup_list.add_argument("--json", action="store_true")
    backup_list.set_defaults(handler=cmd_backup)
    backup_restore = backup_sub.add_parser("restore", help="put the data back as it was (the current state is kept)")
    backup_restore.add_argument("when", metavar="WHEN", help="a `when` from 'planner backup list' (or its start)")
    backup_restore.set_defaults(handler=cmd_backup)

    imports = commands.add_parser(
        "import", help="time logs from Watson, Timewarrior, Toggl, Clockify, Harvest, CSV; a calendar (ics) as blocks"
    )
    imports.add_argument(
        "format", metavar="FORMAT", help="watson, timewarrior, toggl, clockify, harvest, csv, or ics (a calendar)"
    )
    imports.add_argument("path", metavar="PATH", help="the file (or Timewarrior folder) to read")
    imports.add_argument("--inbound", action="append", metavar="NAME", help="this source name is an inbound job")
    imports.add_argument("--client", action="append", metavar="NAME", help="this source name is a client")
    imports.add_argument("--map", action="append", metavar="SOURCE=ENGAGEMENT", help="import SOURCE as ENGAGEMENT")
    imports.add_argument("--default", metavar="NAME", help="Timewarrior: the engagement when no tag names one")
    imports.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    imports.add_argument("--skip-bad", action="store_true", help="import the good rows and list the bad ones")
    imports.add_argument("--engagement", metavar="NAME", help="ics: the job or client whose blocks the events become")
    imports.add_argument("--from", dest="from_", metavar="D", help="ics: first day (default 4 weeks ago)")
    imports.add_argument("--to", metavar="D", help="ics: last day (default 12 weeks ahead)")
    imports.add_argument(
        "--all-day", choices=("skip", "off"), help="ics: all-day events are left out (skip) or days off (off)"
    )
    imports.set_defaults(handler=cmd_import)

    export = commands.add_parser(
        "export", help="timesheets (csv, toggl, clockify, harvest, harvest-report, json, md, html), plan (ics)"
    )
    _add_range_options(export, month=True)
    export.add_argument(
        "--engagement", action="append", metavar="NAME", help="only this job or client (repeat for several)"
    )
    export.add_argument("--side", choices=(INBOUND, OUTBOUND), help="only inbound jobs or only clients")
    export.add_argument(
        "--format", required=True, metavar="FMT", help="csv toggl clockify harvest harvest-report json md html ics"
    )
    export.add_argument(
        "--raw",
        action="store_true",
        help="CSV for a service's importer: no ' guard before cells starting = + - @ (keep it for spreadsheets)",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists (refused otherwise)")
    export.add_argument(
        "--decimal", action="store_true", help="md and html: hours as decimals (7.25) instead of h:mm (7:15)"
    )
    export.set_defaults(handler=cmd_export)
