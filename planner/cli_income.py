"""`planner income`: what was earned in a range under every pricing model, the effective hourly rate of each
engagement, the predictable share; `income add/list/rm` for income that is not time; `milestone` for the parts of a
fixed fee. Every figure comes from planner.money."""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta

from planner.cli_common import EXIT_OK, _print_json, _table
from planner.errors import ValidationError
from planner.hours import clock_hours
from planner.model import IncomeEntry, Milestone
from planner.schedule import (
    day_start,
    next_month,
    now,
    parse_date,
    parse_month,
    parse_week,
    span_of_days,
    to_local,
    today,
    week_label,
)
from planner.store import Store
from planner.text import printable

BY = ("engagement", "side", "model")


def _income_range(args: argparse.Namespace) -> tuple[date, date, str]:
    """--month (default this month), --year, --week, or --from/--to."""
    if args.year is not None:
        text = args.year.strip()
        if not (text.isdigit() and len(text) == 4):
            raise ValidationError(f"--year '{args.year}' is not a year; write it as 2026")
        first = parse_date(f"{text}-01-01")  # a year planner does not keep is refused here, as a date would be
        return first, date(first.year, 12, 31), text
    if args.week is not None:
        monday = parse_week(args.week)
        return monday, monday + timedelta(days=6), week_label(monday)
    if args.from_ is not None or args.to is not None:
        if args.from_ is None:
            raise ValidationError("--to needs --from; give both dates as YYYY-MM-DD")
        first = parse_date(args.from_)
        last = parse_date(args.to) if args.to is not None else today()
        if last < first:
            raise ValidationError(f"--to {last.isoformat()} is before --from {first.isoformat()}; swap them")
        return first, last, f"{first.isoformat()} to {last.isoformat()}"
    first = parse_month(args.month) if args.month is not None else today().replace(day=1)
    return first, next_month(first) - timedelta(days=1), first.strftime("%Y-%m")


def _amounts(amounts: dict[str, int]) -> str:
    from planner.money import format_amounts

    return format_amounts(amounts) or "–"


def _month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _forecast(store: Store, engagements: list, moment: datetime) -> tuple[date, date, list]:
    """What the plan and the terms promise from tomorrow to the end of the third month after this one: planned hours
    at the rate in force, retainer fees and overage, salaries, open milestones by their due day and a fixed fee by
    its deadline. Each sum on the day it would be earned, so tomorrow's forecast is the day after's earning."""
    from planner.money import earnings, planned_lines, price, projected_engagements, projected_milestones

    today_ = to_local(moment).date()
    first = today_ + timedelta(days=1)
    last = today_.replace(day=1)
    for _ in range(4):
        last = next_month(last)
    last -= timedelta(days=1)
    reach = _month_before(first)
    logs = store.logs(*span_of_days(reach, today_), include_running=False)
    lines = price(engagements, logs, reach, today_).lines
    lines += planned_lines(engagements, store.blocks(first, last), day_start(first))
    found = earnings(
        projected_engagements(engagements, today_),
        lines,
        store.income_entries(first, last),
        projected_milestones(store.milestones(), today_),
        first,
        last,
    )
    return first, last, found


def _names(store: Store) -> dict[int, str]:
    return {engagement.id: engagement.name for engagement in store.engagements(include_archived=True)}


def _json_amounts(minor: dict[str, int]) -> dict[str, float]:
    """Minor units per currency as decimal amounts, for --json."""
    from planner.money import to_decimal

    return {currency: float(to_decimal(value, currency)) for currency, value in sorted(minor.items())}


def _item_json(earning) -> dict[str, object]:
    from planner.money import to_decimal

    return {
        "date": earning.day.isoformat(),
        "engagement": earning.engagement.name,
        "kind": earning.kind,
        "amount": float(to_decimal(earning.amount, earning.currency)),
        "currency": earning.currency,
        "note": earning.note,
    }


def cmd_income(store: Store, args: argparse.Namespace) -> int:
    from planner.money import amounts_by, earnings, income_by_engagement, price, totals

    first, last, label = _income_range(args)
    moment = now()
    today_ = to_local(moment).date()
    engagements = store.engagements(include_archived=True)
    until = min(last, today_)  # what is dated after today is not earned yet (--forecast shows it)
    reach = _month_before(first)  # a retainer's carry-over month
    lines = price(engagements, store.logs(*span_of_days(reach, until), include_running=False), reach, until).lines
    found = earnings(engagements, lines, store.income_entries(first, until), store.milestones(), first, until)
    rows = income_by_engagement(engagements, lines, found, first, until)
    ahead: list = []
    by_month: dict[str, dict[str, int]] = {}
    forecast_json = None
    if args.forecast:
        ahead_first, ahead_last, ahead = _forecast(store, engagements, moment)
        by_month = amounts_by(ahead, lambda earning: earning.day.strftime("%Y-%m"))
        by_name = amounts_by(ahead, lambda earning: earning.engagement.name)
        forecast_json = {
            "from": ahead_first.isoformat(),
            "to": ahead_last.isoformat(),
            "amounts": _json_amounts(amounts_by(ahead, lambda earning: None).get(None, {})),
            "months": [
                {"month": month, "amounts": _json_amounts(values)} for month, values in sorted(by_month.items())
            ],
            "engagements": [
                {"name": name, "amounts": _json_amounts(values)}
                for name, values in sorted(by_name.items(), key=lambda item: item[0].casefold())
            ],
            "items": [_item_json(earning) for earning in ahead],
        }
    earned, predictable = totals(rows)
    shares = {currency: predictable.get(currency, 0) / amount for currency, amount in earned.items() if amount}
    share: float | dict[str, float] | None = (
        round(next(iter(shares.values())), 4) if len(shares) == 1 else {c: round(v, 4) for c, v in shares.items()}
    )
    if not shares:
        share = None
    groups: dict[str, dict] = {}
    if args.by and args.by != "engagement":
        for item in rows:
            key = item.engagement.kind if args.by == "side" else item.model
            group = groups.setdefault(key, {"earned": {}, "seconds": 0})
            group["seconds"] += item.seconds
            for currency, amount in item.earned.items():
                group["earned"][currency] = group["earned"].get(currency, 0) + amount
    if args.json:
        _print_json(
            {
                "range": {"from": first.isoformat(), "to": last.isoformat(), "label": label},
                "earned": _json_amounts(earned),
                "earned_minor": dict(sorted(earned.items())),
                "predictable": _json_amounts(predictable),
                "predictable_share": share,
                "forecast": forecast_json,
                "engagements": [
                    {
                        "name": item.engagement.name,
                        "side": item.engagement.kind,
                        "model": item.model,
                        "hours": round(item.seconds / 3600, 4),
                        "earned": _json_amounts(item.earned),
                        "effective_rate": {
                            c: float(rate) for c in sorted(item.earned) if (rate := item.effective_rate(c)) is not None
                        },
                    }
                    for item in rows
                ],
                **(
                    {
                        "by": args.by,
                        "groups": [
                            {
                                "key": key,
                                "hours": round(group["seconds"] / 3600, 4),
                                "earned": _json_amounts(group["earned"]),
                            }
                            for key, group in sorted(groups.items())
                        ],
                    }
                    if groups
                    else {}
                ),
                "items": [{**_item_json(earning), "predictable": earning.predictable} for earning in found],
            }
        )
        return EXIT_OK
    print(f"Income {label} (earned)")
    if groups:
        table = [
            [key, clock_hours(group["seconds"]), _amounts(group["earned"])] for key, group in sorted(groups.items())
        ]
        print(_table([args.by, "hours", "earned"], table, right=(1, 2)))
    else:
        table = []
        for item in rows:
            rates = [item.effective_rate(c) for c in sorted(item.earned)]
            per_hour = " + ".join(
                f"{rate:,} {c}" for c, rate in zip(sorted(item.earned), rates, strict=True) if rate is not None
            )
            table.append(
                [
                    printable(item.engagement.name),
                    item.model,
                    clock_hours(item.seconds),
                    _amounts(item.earned),
                    per_hour or "–",
                ]
            )
        print(_table(["engagement", "model", "hours", "earned", "per hour"], table, right=(2, 3, 4)))
    print(f"total: {_amounts(earned)}")
    if shares:
        text = ", ".join(f"{round(value * 100)} % of the {c} earned" for c, value in sorted(shares.items()))
        print(f"predictable (salary and retainers): {text}")
    if forecast_json is not None:
        print()
        print(f"Forecast {forecast_json['from']} to {forecast_json['to']} (from the plan and the terms)")
        months = [[month, _amounts(amounts)] for month, amounts in sorted(by_month.items())]
        print(_table(["month", "forecast"], months, right=(1,)) if months else "Nothing is planned or due.")
    return EXIT_OK


def cmd_income_add(store: Store, args: argparse.Namespace) -> int:
    engagement = store.engagement(args.name)
    entry = IncomeEntry(
        0, engagement.id, parse_date(args.date) if args.date else today(), args.amount, args.currency, args.note or ""
    )
    entry = store.add_income(entry)
    print(f"Added {entry.amount} {entry.currency} for {printable(engagement.name)} on {entry.day} (id {entry.id}).")
    return EXIT_OK


def cmd_income_list(store: Store, args: argparse.Namespace) -> int:
    names = _names(store)
    entries = store.income_entries()
    if args.json:
        _print_json(
            [
                {
                    "id": e.id,
                    "engagement": names.get(e.engagement_id),
                    "date": e.day.isoformat(),
                    "amount": float(e.amount),
                    "currency": e.currency,
                    "note": e.note,
                }
                for e in entries
            ]
        )
        return EXIT_OK
    if not entries:
        print("No income entries yet. Add a bonus or commission with 'planner income add NAME AMOUNT'.")
        return EXIT_OK
    rows = [
        [
            e.id,
            e.day.isoformat(),
            printable(names.get(e.engagement_id, "?")),
            f"{e.amount} {e.currency}",
            printable(e.note),
        ]
        for e in entries
    ]
    print(_table(["id", "date", "engagement", "amount", "note"], rows, right=(3,)))
    return EXIT_OK


def cmd_income_rm(store: Store, args: argparse.Namespace) -> int:
    entry = store.remove_income(args.id)
    print(f"Removed income entry {entry.id} ({entry.amount} {entry.currency} on {entry.day}).")
    return EXIT_OK


def cmd_milestone(store: Store, args: argparse.Namespace) -> int:
    if args.action == "add":
        engagement = store.engagement(args.name)
        milestone = Milestone(0, engagement.id, args.title, args.fee, parse_date(args.due) if args.due else None)
        milestone = store.add_milestone(milestone)
        print(f"Added milestone {milestone.id} '{printable(milestone.title)}' of {printable(engagement.name)}.")
        if engagement.model != "fixed":
            print(f"note: {printable(engagement.name)} is not a fixed-fee client; its milestones still count as income")
        return EXIT_OK
    if args.action == "done":
        done = parse_date(args.date) if args.date else today()
        milestone = store.update_milestone(args.id, done=done)
        print(f"Milestone {milestone.id} '{printable(milestone.title)}' done on {done.isoformat()}.")
        return EXIT_OK
    if args.action == "rm":
        milestone = store.remove_milestone(args.id)
        print(f"Removed milestone {milestone.id} '{printable(milestone.title)}'.")
        return EXIT_OK
    names = _names(store)
    found = store.milestones()
    if args.json:
        _print_json(
            [
                {
                    "id": m.id,
                    "engagement": names.get(m.engagement_id),
                    "title": m.title,
                    "fee": float(m.fee),
                    "due": m.due and m.due.isoformat(),
                    "done": m.done and m.done.isoformat(),
                }
                for m in found
            ]
        )
        return EXIT_OK
    if not found:
        print("No milestones yet. Add one with 'planner milestone add NAME TITLE --fee AMOUNT [--due D]'.")
        return EXIT_OK
    rows = [
        [
            m.id,
            printable(names.get(m.engagement_id, "?")),
            printable(m.title),
            f"{m.fee}",
            m.due.isoformat() if m.due else "",
            m.done.isoformat() if m.done else "open",
        ]
        for m in found
    ]
    print(_table(["id", "engagement", "milestone", "fee", "due", "done"], rows, right=(3,)))
    return EXIT_OK


def add_income_commands(commands) -> None:
    income = commands.add_parser("income", help="what you earned: per engagement, effective hourly rate, predictable")
    group = income.add_mutually_exclusive_group()
    group.add_argument("--month", metavar="YYYY-MM", help="default: this month")
    group.add_argument("--year", metavar="YYYY")
    group.add_argument("--week", metavar="W")
    group.add_argument("--from", dest="from_", metavar="D")
    income.add_argument("--to", metavar="D", help="with --from: the last day (default today)")
    income.add_argument("--by", choices=BY, help="group the income by engagement (default), side or model")
    income.add_argument(
        "--forecast", action="store_true", help="also the rest of the month and the next 3 months, from the plan"
    )
    income.add_argument("--json", action="store_true")
    income.set_defaults(handler=cmd_income)
    actions = income.add_subparsers(dest="action", metavar="ACTION", required=False)
    add = actions.add_parser("add", help="income that is not time: a bonus, a commission, a revenue share")
    add.add_argument("name", metavar="NAME")
    add.add_argument("amount", metavar="AMOUNT")
    add.add_argument("--date", metavar="D", help="the day it was earned (default today)")
    add.add_argument("--currency", help="default: the engagement's")
    add.add_argument("--note")
    add.set_defaults(handler=cmd_income_add)
    listing = actions.add_parser("list", help="the income entries")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_income_list)
    remove = actions.add_parser("rm", help="remove an income entry")
    remove.add_argument("id", type=int, metavar="ID")
    remove.set_defaults(handler=cmd_income_rm)

    milestone = commands.add_parser("milestone", help="the parts of a fixed fee, earned when done")
    sub = milestone.add_subparsers(dest="action", metavar="ACTION", required=True)
    m_add = sub.add_parser("add", help="a milestone of a fixed-fee client")
    m_add.add_argument("name", metavar="NAME")
    m_add.add_argument("title", metavar="TITLE")
    m_add.add_argument("--fee", required=True, metavar="AMOUNT")
    m_add.add_argument("--due", metavar="D")
    m_done = sub.add_parser("done", help="mark a milestone done: its fee is earned that day")
    m_done.add_argument("id", type=int, metavar="ID")
    m_done.add_argument("--date", metavar="D", help="default today")
    m_list = sub.add_parser("list", help="every milestone")
    m_list.add_argument("--json", action="store_true")
    m_rm = sub.add_parser("rm", help="remove a milestone")
    m_rm.add_argument("id", type=int, metavar="ID")
    milestone.set_defaults(handler=cmd_milestone)
