"""`planner income`: what was earned in a range under every pricing model, the effective hourly rate of each
engagement, the predictable share; `income add/list/rm` for income that is not time; `milestone` for the parts of a
fixed fee. Every figure comes from planner.money."""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from planner.cli_common import EXIT_OK, _print_json, _table
from planner.errors import ValidationError
from planner.hours import clock_hours
from planner.schedule import (
    next_month,
    now,
    parse_date,
    parse_month,
    parse_week,
    to_local,
    today,
    week_label,
)
from planner.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    from planner.income import IncomeReport
    from planner.store import Store

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


def _total_json(total) -> dict[str, object]:
    """The total in the base currency with the rates it used, or why there is none."""
    from planner.money import to_decimal

    if total.amount is None:
        return {"currency": total.base, "earned": None, "predictable": None, "rates": [], "missing": total.reason}
    return {
        "currency": total.base,
        "earned": float(to_decimal(total.amount, total.base)),
        "earned_minor": total.amount,
        "predictable": float(to_decimal(total.predictable or 0, total.base)),
        "rates": [
            {"currency": rate.currency, "rate": str(rate.rate), "from": rate.start.isoformat()} for rate in total.rates
        ],
        "missing": None,
    }


def _total_line(total, amounts: dict[str, int]) -> str:
    """'1,234.00 EUR', '1,200.00 EUR (USD at 0.92 from 2026-11-01)', or per currency with the reason."""
    from planner.money import format_amount

    currencies = set(amounts)
    if total.amount is None:
        return f"{_amounts(amounts)}\nnote: {total.reason}"
    if currencies <= {total.base}:
        return format_amount(total.amount, total.base) if currencies else _amounts(amounts)
    return f"{format_amount(total.amount, total.base)} ({_amounts(amounts)}; {total.rates_named()})"


def delegated_report(store: Store, first: date, last: date, moment: datetime) -> IncomeReport | None:
    """The income report behind the delegated work of first..last (`IncomeReport.margins`), None when no task handed
    on cost anything then: `report` shows that section on every run, and loading the income module and pricing two
    months of entries for an empty table cost a week's report most of its time."""
    until = min(last, to_local(moment).date())
    tasks = store.tasks() if until >= first else []
    if not tasks:
        return None
    from planner.money import task_costs

    people = {person.id: person for person in store.people(include_archived=True)}
    if not task_costs(tasks, people, first, until):
        return None
    from planner.income import income_report

    return income_report(store, first, last, moment)


def print_margins(report) -> None:
    """The delegated work table: per engagement, the tasks' cost against its income and the margin (nothing for no
    report: no task cost anything)."""
    margins = report.margins() if report is not None else []
    if not margins:
        return
    print()
    print("Delegated work (what it cost against what the engagement earned)")
    from planner.money import format_amount

    lines = []
    for m in margins:
        base = m.earned_base.base if m.earned_base is not None else ""
        margin = _amounts(m.margin) if m.margin_base is None else format_amount(m.margin_base, base)
        lines.append([printable(m.name), len(m.tasks), _amounts(m.earned), _amounts(m.cost), margin])
    print(_table(["for", "tasks", "earned", "cost", "margin"], lines, right=(1, 2, 3, 4)))


def margins_json(report) -> list[dict[str, object]]:
    """Per engagement (and 'self'): the tasks handed on for it in the range, their cost, its income, the margin."""
    from planner.money import to_decimal

    if report is None:
        return []
    return [
        {
            "for": m.name,
            "tasks": sorted(m.tasks),
            "earned": _json_amounts(m.earned),
            "cost": _json_amounts(m.cost),
            "margin": _json_amounts(m.margin),
            "margin_base": None
            if m.margin_base is None or m.earned_base is None
            else {"currency": m.earned_base.base, "amount": float(to_decimal(m.margin_base, m.earned_base.base))},
        }
        for m in report.margins()
    ]


def cmd_income(store: Store, args: argparse.Namespace) -> int:
    from planner.income import forecast_end, income_report
    from planner.money import amounts_by

    first, last, label = _income_range(args)
    moment = now()
    ahead_to = forecast_end(to_local(moment).date()) if args.forecast else None
    report = income_report(store, first, last, moment, forecast_to=ahead_to)
    rows, found, earned, predictable = report.rows, report.found, report.earned, report.predictable
    ahead = report.forecast
    by_month: dict[str, dict[str, int]] = {}
    forecast_json = None
    if ahead is not None:
        by_month = amounts_by(ahead.found, lambda earning: earning.day.strftime("%Y-%m"))
        by_name = amounts_by(ahead.found, lambda earning: earning.engagement.name)
        forecast_json = {
            "from": ahead.first.isoformat(),
            "to": ahead.last.isoformat(),
            "amounts": _json_amounts(amounts_by(ahead.found, lambda earning: None).get(None, {})),
            "total": _total_json(ahead.total),
            "months": [
                {"month": month, "amounts": _json_amounts(values)} for month, values in sorted(by_month.items())
            ],
            "engagements": [
                {"name": name, "amounts": _json_amounts(values)}
                for name, values in sorted(by_name.items(), key=lambda item: item[0].casefold())
            ],
            "items": [_item_json(earning) for earning in ahead.found],
        }
    share = report.predictable_share
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
                "currency": report.total.base,
                "earned": _json_amounts(earned),
                "earned_minor": dict(sorted(earned.items())),
                "predictable": _json_amounts(predictable),
                "predictable_share": share,
                "total": _total_json(report.total),
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
                "delegated": margins_json(report),
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
    print(f"total: {_total_line(report.total, earned)}")
    if isinstance(share, float):
        print(f"predictable (salary and retainers): {round(share * 100)} % of the income earned")
    elif isinstance(share, dict):
        text = ", ".join(f"{round(value * 100)} % of the {c} earned" for c, value in sorted(share.items()))
        print(f"predictable (salary and retainers): {text}")
    print_margins(report)
    if forecast_json is not None and ahead is not None:
        print()
        print(f"Forecast {forecast_json['from']} to {forecast_json['to']} (from the plan and the terms)")
        months = [[month, _amounts(amounts)] for month, amounts in sorted(by_month.items())]
        print(_table(["month", "forecast"], months, right=(1,)) if months else "Nothing is planned or due.")
        if months:
            whole = amounts_by(ahead.found, lambda earning: None).get(None, {})
            print(f"total: {_total_line(ahead.total, whole)}")
    return EXIT_OK


def cmd_income_add(store: Store, args: argparse.Namespace) -> int:
    from planner.model import IncomeEntry

    engagement = store.engagement(args.name)
    entry = IncomeEntry(
        0,
        engagement.id,
        parse_date(args.date) if args.date is not None else today(),
        args.amount,
        args.currency,
        args.note or "",
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
    from planner.model import Milestone

    if args.action == "add":
        engagement = store.engagement(args.name)
        milestone = Milestone(0, engagement.id, args.title, args.fee, parse_date(args.due) if args.due else None)
        milestone = store.add_milestone(milestone)
        print(f"Added milestone {milestone.id} '{printable(milestone.title)}' of {printable(engagement.name)}.")
        if engagement.model != "fixed":
            print(f"note: {printable(engagement.name)} is not a fixed-fee client; its milestones still count as income")
        return EXIT_OK
    if args.action == "done":
        done = parse_date(args.date) if args.date is not None else today()
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


def cmd_fx(store: Store, args: argparse.Namespace) -> int:
    """`fx set CUR RATE --from D`, `fx list`, `fx rm CUR --from D`: what one unit of a currency is worth in the base
    currency, from a day on."""
    from planner.model import FxRate

    base = store.base_currency()
    if args.action == "set":
        start = parse_date(args.from_) if args.from_ is not None else today()
        rate, replaced = store.set_fx(FxRate(args.currency, base, args.rate, start))
        was = f" (was {replaced.rate})" if replaced is not None else ""
        print(f"1 {rate.currency} = {rate.rate} {rate.base} from {rate.start.isoformat()}{was}.")
        return EXIT_OK
    if args.action == "rm":
        removed = store.remove_fx(args.currency, parse_date(args.from_))
        print(f"Removed the {removed.currency} rate {removed.rate} {removed.base} from {removed.start.isoformat()}.")
        return EXIT_OK
    rates = store.fx_rates()
    if args.json:
        _print_json(
            {
                "base": base,
                "rates": [
                    {
                        "currency": rate.currency,
                        "base": rate.base,
                        "rate": str(rate.rate),
                        "from": rate.start.isoformat(),
                        "used": rate.base == base,
                    }
                    for rate in rates
                ],
            }
        )
        return EXIT_OK
    print(f"Base currency: {base} (planner settings set --currency CODE)")
    if not rates:
        print("No exchange rates yet. Add one with 'planner fx set USD 0.92 --from 2026-11-01'.")
        return EXIT_OK
    rows = [
        [rate.currency, f"{rate.rate} {rate.base}", rate.start.isoformat(), "" if rate.base == base else "not used"]
        for rate in rates
    ]
    print(_table(["currency", "1 unit is", "from", ""], rows, right=(1,)))
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

    fx = commands.add_parser("fx", help="exchange rates into the base currency, from a day on")
    fx_sub = fx.add_subparsers(dest="action", metavar="ACTION", required=True)
    fx_set = fx_sub.add_parser("set", help="what one unit of CURRENCY is worth in the base currency, from --from on")
    fx_set.add_argument("currency", metavar="CURRENCY")
    fx_set.add_argument("rate", metavar="RATE", help="e.g. 0.92")
    fx_set.add_argument("--from", dest="from_", metavar="D", help="the first day it applies (default today)")
    fx_list = fx_sub.add_parser("list", help="the exchange rates")
    fx_list.add_argument("--json", action="store_true")
    fx_rm = fx_sub.add_parser("rm", help="remove the rate of CURRENCY from a day")
    fx_rm.add_argument("currency", metavar="CURRENCY")
    fx_rm.add_argument("--from", dest="from_", metavar="D", required=True)
    fx.set_defaults(handler=cmd_fx)
