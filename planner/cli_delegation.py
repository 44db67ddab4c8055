"""`planner person`, `planner task` and `planner playbook`: the people the user hands work to, the tasks given to
them (brief, checklist, due day, estimate, price, status updates) and reusable briefs. Costs come from planner.money."""

from __future__ import annotations

import argparse
import stat
import sys
from datetime import date

from planner.cli_common import EXIT_OK, _print_json, _table
from planner.errors import ValidationError
from planner.hours import clock_hours
from planner.schedule import format_local, now, parse_date, parse_moment, to_local, today
from planner.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from planner.delegation import Person
    from planner.store import Store

MAX_BRIEF_BYTES = 400_000


def read_brief(source: str) -> str:
    """A brief from a file, or from standard input for '-': UTF-8 text."""
    from pathlib import Path

    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_BRIEF_BYTES + 1)
        else:
            path = Path(source).expanduser()
            if path.is_dir():
                raise ValidationError(f"{path} is a folder; give the brief's file")
            if path.exists() and not stat.S_ISREG(path.stat().st_mode):
                raise ValidationError(f"{path} is not a regular file (a pipe or a device); give the brief's file")
            with open(path, "rb") as handle:
                data = handle.read(MAX_BRIEF_BYTES + 1)
    except OSError as exc:
        raise ValidationError(f"cannot read the brief {source}: {exc.strerror}") from None
    if len(data) > MAX_BRIEF_BYTES:
        raise ValidationError(
            f"the brief {source} is over {MAX_BRIEF_BYTES:,} bytes; a brief is a page, not a file dump"
        )
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise ValidationError(f"the brief {source} is not UTF-8 text") from None


# ---------------------------------------------------------------- people


def _money_text(amount: object, currency: str | None) -> str:
    return "" if amount is None else f"{amount} {currency or 'EUR'}"


def cmd_person(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation import ONE_OFF, ONGOING, Person

    if args.action == "add":
        person = Person(
            0,
            args.name,
            kind=ONE_OFF if args.one_off else ONGOING,
            rate=args.rate,
            currency=args.currency or store.base_currency(),
            fixed=bool(args.fixed),
            contact=args.contact or "",
            stale_days=args.stale_days,
        )
        person = store.add_person(person)
        what = "a one-off contractor" if person.kind == ONE_OFF else "an ongoing team member"
        print(f"Added {printable(person.name)}, {what} (id {person.id}).")
        return EXIT_OK
    if args.action == "edit":
        return _edit_person(store, args)
    if args.action in ("archive", "unarchive"):
        person = store.edit_person(args.name, archived=args.action == "archive")
        print(f"{printable(person.name)} is {'archived' if person.archived else 'back'}.")
        return EXIT_OK
    if args.action == "show":
        return _show_person(store, args)
    people = store.people(include_archived=args.all)
    day = today()
    if args.json:
        _print_json([_person_json(person, day) for person in people])
        return EXIT_OK
    if not people:
        print("No people yet. Add someone you hand work to with 'planner person add NAME --ongoing --rate 25'.")
        return EXIT_OK
    rows = []
    for person in people:
        now_terms = person.terms_on(day)
        rows.append(
            [
                person.id,
                person.name + (" (archived)" if person.archived else ""),
                person.kind,
                _money_text(now_terms.rate, now_terms.currency) + ("/h" if now_terms.rate is not None else ""),
                "fixed prices" if person.fixed else "hourly",
                person.contact,
            ]
        )
    print(_table(["id", "name", "kind", "rate (today)", "paid", "contact"], rows))
    return EXIT_OK


def _person_json(person: Person, day: date) -> dict[str, object]:
    from planner.delegation_report import rates_json

    terms = person.terms_on(day)
    return {
        "id": person.id,
        "name": person.name,
        "kind": person.kind,
        "rate": None if terms.rate is None else float(terms.rate),
        "currency": terms.currency,
        "fixed": person.fixed,
        "contact": person.contact,
        "stale_days": person.stale_days,
        "archived": person.archived,
        "rates": rates_json(person),
    }


def _edit_person(store: Store, args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    if args.rate is not None:
        changes["rate"] = None if args.rate.strip().lower() in ("", "none") else args.rate
    if args.currency is not None:
        changes["currency"] = args.currency
    if args.new_name is not None:
        changes["name"] = args.new_name
    if args.contact is not None:
        changes["contact"] = args.contact
    if args.stale_days is not None:
        changes["stale_days"] = None if args.stale_days.strip().lower() in ("", "none") else args.stale_days
    if args.kind is not None:
        changes["kind"] = args.kind
    if args.fixed is not None:
        changes["fixed"] = args.fixed
    if not changes:
        raise ValidationError("nothing to change; give at least one option, e.g. --rate 30 --from 2027-01-01")
    if args.from_ is not None and not {"rate", "currency"} & set(changes):
        raise ValidationError("--from dates a change of --rate or --currency; give one of them")
    start = parse_date(args.from_) if args.from_ is not None else None
    person = store.edit_person(args.name, start, **changes)
    print(f"Changed {printable(person.name)}.")
    return EXIT_OK


def _show_person(store: Store, args: argparse.Namespace) -> int:
    """A person's record: tasks done, on time or late, estimate against reported hours, cost per task, rates."""
    from planner.delegation_report import person_record

    person = store.person(args.name)
    record = person_record(store, person, now())
    if args.json:
        _print_json(record.to_json())
        return EXIT_OK
    print(record.text())
    return EXIT_OK


# ---------------------------------------------------------------- tasks


def _for_id(store: Store, name: str | None) -> int | None:
    from planner.delegation import SELF

    if name is None or name.strip().lower() == SELF:
        return None
    return store.engagement(name).id


def cmd_task_add(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation import Task, checklist_of, parse_estimate

    person = store.person(args.to)
    brief, playbook = "", None
    checklist: list[dict] = []
    if args.from_playbook is not None:
        chosen = store.playbook(args.from_playbook)
        brief, playbook = chosen.brief, chosen.name
        checklist = checklist_of(chosen.brief) + [{"text": item, "done": False} for item in chosen.checklist]
    if args.brief is not None:
        brief = read_brief(args.brief)
        checklist = checklist_of(brief) or checklist
    checklist += [{"text": item, "done": False} for item in args.check or []]
    if args.price is not None and args.hourly:
        raise ValidationError("--price and --hourly are two ways to pay; give one")
    price = args.price
    if price is None and not args.hourly and person.fixed:
        raise ValidationError(f"{person.name} is paid fixed prices; give the task's --price (or --hourly)")
    if price is None and person.terms_on(today()).rate is None:
        raise ValidationError(
            f"{person.name} has no hourly rate, so the task's cost would be unknown; give --price, or set a rate "
            f"with 'planner person edit {person.name} --rate R'"
        )
    if args.currency is not None and price is None:
        raise ValidationError("--currency is the --price's; an hourly task costs in the person's currency")
    if any(not item.strip() for item in args.check or []):
        raise ValidationError("a --check item is empty; give it a few words")
    if args.repeat is not None and args.due is None:
        raise ValidationError("a recurring task needs --due: the day its first occurrence is due")
    task = Task(
        0,
        args.title,
        person.id,
        for_id=_for_id(store, args.for_),
        due=parse_date(args.due) if args.due is not None else None,
        estimate=parse_estimate(args.estimate) if args.estimate is not None else None,
        price=price,
        currency=args.currency,
        brief=brief,
        checklist=checklist,
        status=args.status,
        repeat=args.repeat,
        playbook=playbook,
    )
    made = store.add_task(task)
    first = made[0]
    if first.repeat:
        print(f"Added recurring task {first.id} '{printable(first.title)}' for {printable(person.name)} "
              f"({len(made) - 1} made so far; each is made a week before it is due).")  # fmt: skip
    else:
        print(f"Added task {first.id} '{printable(first.title)}' for {printable(person.name)}.")
    return EXIT_OK


def cmd_task_list(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation_report import task_rows

    moment = now()
    store.make_task_occurrences(to_local(moment).date())
    tasks = store.tasks()
    if args.person is not None:
        wanted = store.person(args.person).id
        tasks = [task for task in tasks if task.person_id == wanted]
    if args.for_ is not None:
        wanted_for = _for_id(store, args.for_)
        tasks = [task for task in tasks if task.for_id == wanted_for]
    if args.status is not None:
        tasks = [task for task in tasks if task.status == args.status]
    elif not args.all:
        tasks = [task for task in tasks if task.open]
    if args.due_before is not None:
        limit = parse_date(args.due_before)
        tasks = [task for task in tasks if task.due is not None and task.due < limit]
    if args.output and args.format is None:
        raise ValidationError("-o writes a --format csv or md report; give --format too")
    if args.json and args.format is not None:
        raise ValidationError("--json and --format are two outputs; give one")
    rows = task_rows(store, tasks, moment)
    if args.json:
        _print_json(rows)
        return EXIT_OK
    if args.format is not None:
        from planner.delegation_report import task_list_csv, task_list_markdown

        text = task_list_csv(rows) if args.format == "csv" else task_list_markdown(rows, moment)
        return _emit(text, args, f"{len(rows)} task{'' if len(rows) == 1 else 's'}")
    if not rows:
        print("No open tasks. Hand one on with 'planner task add TITLE --for CLIENT --to PERSON --due D'.")
        return EXIT_OK
    table = [
        [
            row["id"],
            row["due"] or "",
            row["title"],
            row["person"] or "?",
            row["for"] or "?",
            row["status"],
            _age(row["days_since_update"]),
            f"{row['reported_hours']:g}" + (f"/{row['estimate_hours']:g}" if row["estimate_hours"] is not None else ""),
            "" if row["cost"] is None else f"{row['cost']:,.2f} {row['currency']}",
        ]
        for row in rows
    ]
    print(_table(["id", "due", "task", "person", "for", "status", "updated", "h/est", "cost"], table, right=(7, 8)))
    return EXIT_OK


def _age(days: object) -> str:
    if days is None:
        return ""
    return "today" if days == 0 else f"{days} day{'' if days == 1 else 's'} ago"


def cmd_task_show(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation_report import task_detail

    task = store.task(args.id)
    detail = task_detail(store, task, now())
    if args.json:
        _print_json(detail.to_json())
    else:
        print(detail.text())
    return EXIT_OK


def cmd_task_update(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation import Update

    at = parse_moment(args.at) if args.at is not None else now()
    seconds = 0
    if args.hours is not None:
        seconds = round(float(_hours(args.hours)) * 3600)
    task = store.update_task(args.id, Update(at, args.status, args.note or "", seconds), reopen=args.reopen)
    reported = f", {clock_hours(seconds)} h reported" if seconds else ""
    print(f"Task {task.id} '{printable(task.title)}' is {task.status} ({format_local(at)}{reported}).")
    return EXIT_OK


def _hours(text: str) -> float:
    from planner.model import check_hours

    return check_hours(text, "--hours", allow_zero=True, most=744)


def cmd_task_edit(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation import checklist_of, parse_estimate

    task = store.task(args.id)
    changes: dict[str, object] = {}
    if args.title is not None:
        changes["title"] = args.title
    if args.due is not None:
        changes["due"] = None if args.due.strip().lower() in ("", "none") else parse_date(args.due)
    if args.estimate is not None:
        changes["estimate"] = None if args.estimate.strip().lower() in ("", "none") else parse_estimate(args.estimate)
    if args.price is not None and args.hourly:
        raise ValidationError("--price and --hourly are two ways to pay; give one")
    if args.price is not None:
        changes["price"] = args.price
    if args.hourly:
        changes["price"] = None
    if args.to is not None:
        changes["person_id"] = store.person(args.to).id
    if args.for_ is not None:
        changes["for_id"] = _for_id(store, args.for_)
    checklist = [dict(item) for item in task.checklist]
    if args.brief is not None:
        changes["brief"] = read_brief(args.brief)
        checklist = checklist_of(str(changes["brief"])) or checklist
    checklist += [{"text": item, "done": False} for item in args.check or []]
    for number, done in [(n, True) for n in args.tick or []] + [(n, False) for n in args.untick or []]:
        if not 1 <= number <= len(checklist):
            raise ValidationError(f"the checklist has {len(checklist)} items; there is no item {number}")
        checklist[number - 1]["done"] = done
    if checklist != task.checklist:
        changes["checklist"] = checklist
    if not changes:
        raise ValidationError("nothing to change; give at least one option, e.g. --due 2026-12-20")
    task = store.edit_task(args.id, **changes)
    print(f"Changed task {task.id} '{printable(task.title)}'.")
    return EXIT_OK


def cmd_task_rm(store: Store, args: argparse.Namespace) -> int:
    task = store.remove_task(args.id)
    what = "recurring task" if task.repeat else "task"
    print(f"Removed {what} {task.id} '{printable(task.title)}'.")
    return EXIT_OK


def cmd_task_export(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation_report import task_brief_markdown

    task = store.task(args.id)
    return _emit(task_brief_markdown(store, task), args, f"the brief of task {task.id}")


def _emit(text: str, args: argparse.Namespace, what: str) -> int:
    """Write an export to -o FILE (whole or not at all, never over a file without --force), else to standard output."""
    if args.output:
        from planner.exports import write_export

        path = write_export(args.output, text, replace=args.force)
        print(f"Wrote {what} to {path}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_playbook(store: Store, args: argparse.Namespace) -> int:
    from planner.delegation import Playbook, checklist_of

    if args.action == "add":
        brief = read_brief(args.brief) if args.brief is not None else ""
        playbook = store.add_playbook(Playbook(args.name, brief, list(args.check or [])))
        print(f"Added playbook '{printable(playbook.name)}'.")
        return EXIT_OK
    if args.action == "rm":
        playbook = store.remove_playbook(args.name)
        print(f"Removed playbook '{printable(playbook.name)}'.")
        return EXIT_OK
    if args.action == "show":
        playbook = store.playbook(args.name)
        if args.json:
            _print_json(playbook.to_doc())
        else:
            print("\n".join(printable(line) for line in playbook.brief.split("\n")) if playbook.brief else "(no brief)")
            for item in playbook.checklist:
                print(f"- [ ] {printable(item)}")
        return EXIT_OK
    playbooks = store.playbooks()
    if args.json:
        _print_json([playbook.to_doc() for playbook in playbooks])
        return EXIT_OK
    if not playbooks:
        print("No playbooks yet. Keep a brief you reuse with 'planner playbook add NAME --brief FILE'.")
        return EXIT_OK
    rows = [[p.name, len(p.brief.splitlines()), len(p.checklist) or len(checklist_of(p.brief))] for p in playbooks]
    print(_table(["playbook", "brief lines", "checklist"], rows, right=(1, 2)))
    return EXIT_OK


def add_delegation_commands(commands) -> None:
    from planner.words import ONE_OFF, ONGOING, STATUSES

    person = commands.add_parser("person", help="the people you hand work to")
    people = person.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = people.add_parser("add", help="someone you hand work to")
    add.add_argument("name", metavar="NAME")
    kind = add.add_mutually_exclusive_group()
    kind.add_argument("--ongoing", action="store_true", help="a team member who learns your ways (default)")
    kind.add_argument("--one-off", action="store_true", help="a contractor for single tasks")
    add.add_argument("--rate", help="hourly rate, e.g. 25")
    add.add_argument("--currency", help="default: the base currency")
    add.add_argument("--fixed", action="store_true", help="paid a fixed price per task (each task gives --price)")
    add.add_argument("--contact", help="e-mail, phone, handle")
    add.add_argument("--stale-days", metavar="N", help="days without an update before a task of theirs is stale (3)")
    edit = people.add_parser("edit", help="change a person; --rate and --currency from --from on")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--rate")
    edit.add_argument("--currency")
    edit.add_argument("--from", dest="from_", metavar="D", help="the day a new rate applies from (default today)")
    edit.add_argument("--name", dest="new_name", metavar="NEW")
    edit.add_argument("--contact")
    edit.add_argument("--stale-days", metavar="N")
    edit_kind = edit.add_mutually_exclusive_group()
    edit_kind.add_argument("--ongoing", dest="kind", action="store_const", const=ONGOING)
    edit_kind.add_argument("--one-off", dest="kind", action="store_const", const=ONE_OFF)
    paid = edit.add_mutually_exclusive_group()
    paid.add_argument("--fixed", dest="fixed", action="store_const", const=True)
    paid.add_argument("--hourly", dest="fixed", action="store_const", const=False)
    for action in ("archive", "unarchive"):
        sub = people.add_parser(action, help=f"{action} a person")
        sub.add_argument("name", metavar="NAME")
    listing = people.add_parser("list", help="everyone you hand work to")
    listing.add_argument("--all", action="store_true", help="archived people too")
    listing.add_argument("--json", action="store_true")
    show = people.add_parser("show", help="a person's record: tasks on time or late, hours against estimates, cost")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true")
    person.set_defaults(handler=cmd_person)

    task = commands.add_parser("task", help="work you hand on: briefs, status updates, costs")
    tasks = task.add_subparsers(dest="action", metavar="ACTION", required=True)
    t_add = tasks.add_parser("add", help="hand a task to a person")
    t_add.add_argument("title", metavar="TITLE")
    t_add.add_argument("--for", dest="for_", required=True, metavar="ENGAGEMENT", help="a job or client, or 'self'")
    t_add.add_argument("--to", required=True, metavar="PERSON")
    t_add.add_argument("--due", metavar="D")
    t_add.add_argument("--estimate", metavar="H", help="e.g. 6h, 90m, 1:30")
    t_add.add_argument("--price", metavar="AMOUNT", help="a fixed price (else the person's hourly rate)")
    t_add.add_argument("--hourly", action="store_true", help="paid by the hours the person reports")
    t_add.add_argument("--currency", help="the price's currency (default the person's)")
    t_add.add_argument("--brief", metavar="FILE", help="the written instructions, markdown ('-': standard input)")
    t_add.add_argument("--from", dest="from_playbook", metavar="PLAYBOOK", help="copy a playbook's brief")
    t_add.add_argument("--check", action="append", metavar="ITEM", help="a checklist item (repeat it)")
    t_add.add_argument("--repeat", metavar="RRULE", help="a recurring task, e.g. FREQ=WEEKLY;BYDAY=FR")
    t_add.add_argument("--status", default="draft", choices=("draft", "sent"), help="draft (default) or sent")
    t_add.set_defaults(handler=cmd_task_add)
    t_list = tasks.add_parser("list", help="open tasks by due day, with the age of their last update")
    t_list.add_argument("--person", metavar="P")
    t_list.add_argument("--for", dest="for_", metavar="E")
    which = t_list.add_mutually_exclusive_group()
    which.add_argument("--open", action="store_true", help="open tasks only (default)")
    which.add_argument("--all", action="store_true", help="done and cancelled ones too")
    which.add_argument("--status", choices=STATUSES)
    t_list.add_argument("--due-before", metavar="D")
    t_list.add_argument("--json", action="store_true")
    t_list.add_argument("--format", choices=("csv", "md"), help="a status report for a client")
    t_list.add_argument("-o", "--output", metavar="FILE")
    t_list.add_argument("--force", action="store_true", help="replace FILE")
    t_list.set_defaults(handler=cmd_task_list)
    t_show = tasks.add_parser("show", help="a task in full: brief, checklist, history, cost, your own hours on it")
    t_show.add_argument("id", type=int, metavar="ID")
    t_show.add_argument("--json", action="store_true")
    t_show.set_defaults(handler=cmd_task_show)
    t_update = tasks.add_parser("update", help="a status update, with the hours the person reports")
    t_update.add_argument("id", type=int, metavar="ID")
    t_update.add_argument("--status", required=True, choices=STATUSES)
    t_update.add_argument("--note")
    t_update.add_argument("--hours", metavar="H", help="hours the person reports with this update")
    t_update.add_argument("--at", metavar="T", help="when it came (default now)")
    t_update.add_argument("--reopen", action="store_true", help="move a done or cancelled task back to work")
    t_update.set_defaults(handler=cmd_task_update)
    t_edit = tasks.add_parser("edit", help="change a task")
    t_edit.add_argument("id", type=int, metavar="ID")
    t_edit.add_argument("--title")
    t_edit.add_argument("--due", metavar="D")
    t_edit.add_argument("--estimate", metavar="H")
    t_edit.add_argument("--price", metavar="AMOUNT")
    t_edit.add_argument("--hourly", action="store_true")
    t_edit.add_argument("--to", metavar="PERSON")
    t_edit.add_argument("--for", dest="for_", metavar="ENGAGEMENT")
    t_edit.add_argument("--brief", metavar="FILE")
    t_edit.add_argument("--check", action="append", metavar="ITEM", help="add a checklist item")
    t_edit.add_argument("--tick", action="append", type=int, metavar="N", help="mark checklist item N done")
    t_edit.add_argument("--untick", action="append", type=int, metavar="N")
    t_edit.set_defaults(handler=cmd_task_edit)
    t_rm = tasks.add_parser("rm", help="remove a task (a recurring one: stop the series)")
    t_rm.add_argument("id", type=int, metavar="ID")
    t_rm.set_defaults(handler=cmd_task_rm)
    t_export = tasks.add_parser("export", help="the brief, ready to send")
    t_export.add_argument("id", type=int, metavar="ID")
    t_export.add_argument("--format", default="md", choices=("md",))
    t_export.add_argument("-o", "--output", metavar="FILE")
    t_export.add_argument("--force", action="store_true")
    t_export.set_defaults(handler=cmd_task_export)

    playbook = commands.add_parser("playbook", help="briefs you reuse for recurring work")
    books = playbook.add_subparsers(dest="action", metavar="ACTION", required=True)
    p_add = books.add_parser("add", help="keep a brief")
    p_add.add_argument("name", metavar="NAME")
    p_add.add_argument("--brief", metavar="FILE", help="markdown ('-': standard input)")
    p_add.add_argument("--check", action="append", metavar="ITEM")
    p_list = books.add_parser("list", help="the playbooks")
    p_list.add_argument("--json", action="store_true")
    p_show = books.add_parser("show", help="a playbook's brief")
    p_show.add_argument("name", metavar="NAME")
    p_show.add_argument("--json", action="store_true")
    p_rm = books.add_parser("rm", help="remove a playbook")
    p_rm.add_argument("name", metavar="NAME")
    playbook.set_defaults(handler=cmd_playbook)
