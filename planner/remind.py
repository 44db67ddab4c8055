"""Reminders: what should reach the person now, each once. `planner remind` (from cron or a systemd timer), the
board and `planner agenda` all read `due_reminders`; the store remembers which were shown (`Store.claim_reminders`).

A reminder has a stable key (its kind and what it is about: a block's occurrence, a deadline, a timer, a week), so a
run every minute shows it once, and two runs at once never both show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.errors import ValidationError
from planner.hours import clock_hours
from planner.model import check_remind_before
from planner.schedule import format_clock, parse_clock, to_local, wall_moment, week_label
from planner.week import block_interval

#: Every kind with what it reminds of, for `remind --kinds`, the README and the tests.
KINDS = {
    "block-start": "a planned block starts in --remind-before minutes (5; per engagement with edit --remind-before)",
    "no-timer": "a planned block started 10 minutes ago, no timer runs and nothing is logged for it",
    "deadline-near": "a client's deadline falls within the boundaries' --deadline-near days",
    "deadline-missed": "a client's deadline passed with budgeted hours left or work planned after it",
    "forgotten-timer": "the timer runs past its job's window, past the latest finish, or longer than --timer-limit",
    "week-plan": "from Monday morning, a job's week is planned below its contracted hours",
    "not-exported": "a locked (sent) week has not been exported since",
    "task-due": "a delegated task is due within 3 days, or its due day passed, and it is not done",
    "task-stale": "an open delegated task has had no status update for --task-stale days (3, or the person's own)",
}
NO_TIMER_AFTER = timedelta(minutes=10)
START_GRACE = timedelta(minutes=5)  # a block-start reminder is still worth showing this long after the start
MONDAY_MORNING = 8 * 60


@dataclass(frozen=True)
class ReminderSettings:
    before: int = 5  # minutes
    quiet: tuple[int, int] | None = None  # minutes after midnight: from, until (may wrap past midnight)
    off: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: dict) -> ReminderSettings:
        quiet = settings.get("quiet_hours")
        return cls(
            before=int(settings.get("remind_before", 5)),
            quiet=None if not quiet else parse_quiet(str(quiet)),
            off=frozenset(settings.get("remind_off", [])),
        )

    def is_quiet(self, moment: datetime) -> bool:
        if self.quiet is None:
            return False
        local = to_local(moment)
        minute = local.hour * 60 + local.minute
        start, end = self.quiet
        return start <= minute < end if start < end else minute >= start or minute < end

    def shown(self) -> dict[str, object]:
        return {
            "remind_before": self.before,
            "quiet_hours": None
            if self.quiet is None
            else f"{format_clock(self.quiet[0])}-{format_clock(self.quiet[1])}",
            "reminders_off": sorted(self.off),
        }


def parse_quiet(text: str) -> tuple[int, int]:
    parts = text.strip().split("-")
    if len(parts) != 2:
        raise ValidationError(f"--quiet-hours: '{text}' is not a span like 21:00-08:00")
    try:
        start, end = (parse_clock(part.strip(), allow_midnight_end=True) for part in parts)
    except ValidationError as error:
        raise ValidationError(f"--quiet-hours: {error}") from None
    if start == end:
        raise ValidationError(f"--quiet-hours: '{text}' starts and ends at the same time; 'none' turns them off")
    return start % (24 * 60), end % (24 * 60)


def checked_reminder_settings(
    stored: dict, before: str | None, quiet: str | None, switches: list[str]
) -> dict[str, object]:
    """The reminder settings to store from what was typed (every one checked before any is kept):
    `--remind-before MIN`, `--quiet-hours HH:MM-HH:MM` ('none' off), `--remind KIND=on|off` (repeatable)."""
    changes: dict[str, object] = {}
    if before is not None:
        changes["remind_before"] = check_remind_before(before)
    if quiet is not None:
        off = quiet.strip().lower() in ("", "none", "off")
        if not off:
            start, end = parse_quiet(quiet)
            changes["quiet_hours"] = f"{format_clock(start)}-{format_clock(end)}"
        else:
            changes["quiet_hours"] = None
    if switches:
        disabled = set(stored.get("remind_off", []))
        for switch in switches:
            kind, _, state = switch.strip().partition("=")
            kinds = list(KINDS) if kind == "all" else [kind]
            if kind != "all" and kind not in KINDS:
                raise ValidationError(f"--remind: '{kind}' is not a kind of reminder; use one of {', '.join(KINDS)}")
            if state not in ("on", "off"):
                raise ValidationError(f"--remind {switch}: say KIND=on or KIND=off, e.g. block-start=off")
            disabled = disabled - set(kinds) if state == "on" else disabled | set(kinds)
        changes["remind_off"] = sorted(disabled)
    return changes


@dataclass(frozen=True)
class Reminder:
    key: str  # what makes it the same reminder from one run to the next
    kind: str
    subject: str  # an engagement's name, or "week"
    at: datetime  # the moment it is about: a block's start, a deadline's day, the timer's start
    message: str

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "kind": self.kind,
            "subject": self.subject,
            "at": to_local(self.at).isoformat(timespec="minutes"),
            "message": self.message,
        }


def due_reminders(store, moment: datetime, settings: ReminderSettings) -> list[Reminder]:
    """Every reminder due at `moment` (shown before or not; the caller claims them), soonest first."""
    from planner.balance import check_week, gather
    from planner.timer import forgotten

    today = to_local(moment).date()
    monday = today - timedelta(days=today.weekday())
    store.make_task_occurrences(today)  # a recurring task's next one, made once however many processes ask
    week = store.week(monday, moment)
    found: list[Reminder] = []
    engagements = week.engagements
    coming = store.blocks(today, today + timedelta(days=1))  # tomorrow too: a block just after midnight
    logs = [entry for entry in week.logs if entry.end is not None]
    for block in coming:
        engagement = engagements.get(block.engagement_id)
        if engagement is None or engagement.archived:
            continue
        start, end = block_interval(block)
        before = engagement.remind_before if engagement.remind_before is not None else settings.before
        what = f"{engagement.name}" + (f" · {block.title}" if block.title else "")
        span = f"{format_clock(block.start)}–{format_clock(block.end)}"
        if start - timedelta(minutes=before) <= moment < start + START_GRACE:
            minutes = round((start - moment).total_seconds() / 60)
            when = "now" if minutes <= 0 else f"in {minutes} min"
            found.append(
                Reminder(
                    f"block-start:{block.key}:{block.day.isoformat()}",
                    "block-start",
                    engagement.name,
                    start,
                    f"{what} starts {when} ({block.day:%a} {span}).",
                )
            )
        elif start + NO_TIMER_AFTER <= moment < end:
            running = week.running is not None and week.running.engagement_id == block.engagement_id
            logged = any(
                entry.engagement_id == block.engagement_id and entry.start < moment and entry.end > start  # type: ignore[operator]
                for entry in logs
            )
            if not running and not logged:
                found.append(
                    Reminder(
                        f"no-timer:{block.key}:{block.day.isoformat()}",
                        "no-timer",
                        engagement.name,
                        start,
                        f"{what} ({span}) started {clock_hours((moment - start).total_seconds())} ago and no timer "
                        f"runs for it: 'planner start {engagement.name}'.",
                    )
                )
    findings = check_week(gather(store, week))
    for finding in findings:
        if finding.code in ("deadline-near", "deadline-missed"):
            deadline = date.fromisoformat(str(finding.numbers["deadline"]))
            found.append(
                Reminder(
                    f"{finding.code}:{finding.subject}:{deadline.isoformat()}",
                    finding.code,
                    finding.subject,
                    wall_moment(deadline, 0),
                    finding.message,
                )
            )
        elif finding.code in ("task-overdue", "task-due-soon"):
            due = date.fromisoformat(str(finding.numbers["due"]))
            state = "overdue" if finding.code == "task-overdue" else "soon"
            found.append(
                Reminder(
                    f"task-due:{finding.numbers['task']}:{due.isoformat()}:{state}",
                    "task-due",
                    finding.subject,
                    wall_moment(due, 0),
                    finding.message,
                )
            )
        elif finding.code == "task-stale":
            found.append(
                Reminder(
                    f"task-stale:{finding.numbers['task']}:{finding.numbers['last_update']}",
                    "task-stale",
                    finding.subject,
                    moment,
                    finding.message,
                )
            )
        elif (
            finding.code == "contract-shortfall"
            and finding.basis == "plan"
            and moment >= wall_moment(monday, MONDAY_MORNING)
        ):
            found.append(
                Reminder(
                    f"week-plan:{finding.subject}:{week_label(monday)}",
                    "week-plan",
                    finding.subject,
                    wall_moment(monday, MONDAY_MORNING),
                    f"{finding.message} Plan the rest on the board, or copy last week's plan (w).",
                )
            )
    if week.running is not None:
        late = forgotten(week.running, engagements.get(week.running.engagement_id), week.boundaries, moment)
        if late is not None:
            found.append(
                Reminder(
                    f"forgotten-timer:{week.running.id}",
                    "forgotten-timer",
                    late.name,
                    week.running.start,
                    f"{late.message} {late.advice(moment)}.",
                )
            )
    # only past weeks' locks, and not from long ago (planner kept no export records then)
    for lock in store.unexported_locks(today - timedelta(days=62), today - timedelta(days=7)):
        name = engagements[lock.engagement_id].name if lock.engagement_id in engagements else None
        label = week_label(lock.monday)
        scope = f" for {name}" if name else ""
        option = f" --engagement {name}" if name else ""
        found.append(
            Reminder(
                f"not-exported:{label}:{lock.engagement_id or 'all'}",
                "not-exported",
                name or "week",
                wall_moment(lock.monday, 0),
                f"{label}{scope} is locked (sent) but its timesheet was not exported: "
                f"'planner export --format md --week {label}{option} -o FILE'.",
            )
        )
    found = [reminder for reminder in found if reminder.kind not in settings.off]
    found.sort(key=lambda reminder: (reminder.at, reminder.kind, reminder.subject))
    return found
