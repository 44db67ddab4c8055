"""`planner remind` (what is due now, each once, for cron and systemd timers) and `planner agenda` (what is planned,
due and at risk from now on, day by day)."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from planner.cli_common import EXIT_OK, _print_json
from planner.errors import ValidationError
from planner.schedule import format_clock, now, to_local
from planner.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from planner.model import Engagement
    from planner.store import Store

EXIT_NOTIFY = 2
MAX_AGENDA_DAYS = 92


def _notifier():
    """The desktop notification library (the `notify` extra), or one line saying how to get it."""
    try:
        from notifypy import Notify  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise ValidationError(
            "--notify needs the notify extra (notify-py): pip install 'planner[notify]'; without --notify the "
            "reminders print, for cron to mail"
        ) from None
    return Notify


def _send(notify_class, title: str, message: str) -> bool:
    try:
        note = notify_class()
        note.application_name = "planner"
        note.title = title
        note.message = message
        return bool(note.send(block=True))
    except Exception:  # a library failing in its own way is still one clear line, below
        return False


def cmd_remind(store: Store, args: argparse.Namespace) -> int:
    from planner.remind import ReminderSettings, due_reminders

    moment = now()
    notify_class = _notifier() if args.notify else None  # refused before anything is claimed
    settings = ReminderSettings.from_settings(store.settings())
    quiet = settings.is_quiet(moment)
    due = [] if quiet else due_reminders(store, moment, settings)
    fresh = set(store.claim_reminders([reminder.key for reminder in due], moment)) if due else set()
    shown = [reminder for reminder in due if reminder.key in fresh]
    if args.json:
        _print_json(
            {
                "now": to_local(moment).isoformat(timespec="minutes"),
                "quiet": quiet,
                "reminders": [reminder.to_json() for reminder in shown],
            }
        )
    else:
        for reminder in shown:
            print(f"{to_local(moment):%H:%M} {reminder.kind}: {printable(reminder.message)}")
    if notify_class is not None and shown:
        failed = [r for r in shown if not _send(notify_class, f"planner: {r.kind}", printable(r.message))]
        if failed:
            print(
                f"error: no desktop notification service answered for {len(failed)} reminder"
                f"{'s' if len(failed) != 1 else ''} (notify-py found no notification daemon or D-Bus session); "
                "they are printed above",
                file=sys.stderr,
            )
            return EXIT_NOTIFY
    return EXIT_OK


def cmd_agenda(store: Store, args: argparse.Namespace) -> int:
    from planner.balance import SEVERITY_RANK, WARN, check_week, gather

    days = args.days
    if not 1 <= days <= MAX_AGENDA_DAYS:
        raise ValidationError(f"--days takes 1 to {MAX_AGENDA_DAYS} days, not {days}")
    moment = now()
    today = to_local(moment).date()
    last = today + timedelta(days=days - 1)
    engagements = {engagement.id: engagement for engagement in store.engagements(include_archived=True)}
    blocks = [block for block in store.blocks(today, last) if block.engagement_id in engagements]
    monday = today - timedelta(days=today.weekday())
    findings = [
        finding
        for finding in check_week(gather(store, store.week(monday, moment)))
        if SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[WARN]
    ]
    risks_by_day: dict[str, list] = {}
    now_risks = []
    for finding in findings:
        day = finding.numbers.get("date")
        if isinstance(day, str):
            if day >= today.isoformat():
                risks_by_day.setdefault(day, []).append(finding)
        elif finding.basis == "plan" or finding.code in ("budget", "deadline-missed", "forgotten-timer"):
            now_risks.append(finding)
    due: dict[str, list[Engagement]] = {}
    for engagement in engagements.values():
        if engagement.deadline is not None and not engagement.archived and today <= engagement.deadline <= last:
            due.setdefault(engagement.deadline.isoformat(), []).append(engagement)
    plan_days = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        todays = [
            block
            for block in blocks
            if block.day == day and (day != today or block.end > to_local(moment).hour * 60 + to_local(moment).minute)
        ]
        plan_days.append((day, todays, due.get(day.isoformat(), []), risks_by_day.get(day.isoformat(), [])))
    if args.json:
        _print_json(
            {
                "from": today.isoformat(),
                "to": last.isoformat(),
                "at_risk": [finding.to_json() for finding in now_risks],
                "days": [
                    {
                        "date": day.isoformat(),
                        "blocks": [
                            {
                                "id": block.key,
                                "engagement": engagements[block.engagement_id].name,
                                "kind": engagements[block.engagement_id].kind,
                                "start": format_clock(block.start),
                                "end": format_clock(block.end),
                                "title": block.title,
                            }
                            for block in todays
                        ],
                        "due": [
                            {"engagement": engagement.name, "what": "deadline", "budget": engagement.budget}
                            for engagement in dues
                        ],
                        "warnings": [finding.to_json() for finding in risks],
                    }
                    for day, todays, dues, risks in plan_days
                ],
            }
        )
        return EXIT_OK
    if now_risks:
        print("At risk now:")
        for finding in now_risks:
            print(f"  {finding.severity:<6} {printable(finding.message)}")
        print()
    for day, todays, dues, risks in plan_days:
        heading = "Today" if day == today else "Tomorrow" if day == today + timedelta(days=1) else f"{day:%A}"
        print(f"{heading}, {day:%a %d %b}")
        if not (todays or dues or risks):
            print("  nothing planned")
        for block in todays:
            engagement = engagements[block.engagement_id]
            mark = "■" if engagement.inbound else "◆"
            title = f"  {printable(block.title)}" if block.title else ""
            print(
                f"  {format_clock(block.start)}–{format_clock(block.end)}  {mark} {printable(engagement.name)}{title}"
            )
        for engagement in dues:
            print(f"  due: {printable(engagement.name)}'s deadline")
        for finding in risks:
            print(f"  {finding.severity}: {printable(finding.message)}")
    return EXIT_OK


def add_remind_commands(commands) -> None:
    remind = commands.add_parser(
        "remind", help="print the reminders due now, each once (run it every minute from cron or a systemd timer)"
    )
    remind.add_argument("--json", action="store_true")
    remind.add_argument(
        "--notify", action="store_true", help="also send each as a desktop notification (the notify extra)"
    )
    remind.set_defaults(handler=cmd_remind)
    agenda = commands.add_parser("agenda", help="what is planned, due and at risk from now on, day by day")
    agenda.add_argument("--days", type=int, default=7, metavar="N", help="how many days, today first (7)")
    agenda.add_argument("--json", action="store_true")
    agenda.set_defaults(handler=cmd_agenda)
