"""A realistic week for `planner demo`: an employer job with a working window and a salary, three clients (paid by
the hour, by a monthly retainer and by a fixed fee), recurring blocks, logged time (some of it unplanned, one call
inside employer hours) and one running timer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from planner.delegation import IN_PROGRESS, ONE_OFF, ONGOING, SENT, Person, Task, Update, checklist_of
from planner.model import FIXED, INBOUND, OUTBOUND, RETAINER, Block, Boundaries, Engagement, LogEntry
from planner.schedule import localize, monday_of, to_local
from planner.store import Store


def _delegate(store: Store, now: datetime, monday: date, globex: Engagement) -> None:
    """Work handed on: a team member's task for globex, due on Friday and under way; a contractor's fixed-price
    task for the user's own site, due next week."""
    ana = store.add_person(Person(0, "ana", ONGOING, rate=Decimal("30"), currency="EUR", contact="ana@example.com"))
    bob = store.add_person(Person(0, "bob", ONE_OFF, fixed=True, currency="EUR"))
    created = now - timedelta(days=2)
    brief = "Wire the payment API into the checkout.\n\n- [ ] sandbox keys\n- [ ] webhook\n- [ ] tests\n"
    task = Task(0, "payment webhook", ana.id, for_id=globex.id, due=monday + timedelta(days=4), estimate=6 * 3600,
                brief=brief, checklist=checklist_of(brief), status=SENT, created=created,
                history=[Update(created, SENT, "brief sent")])  # fmt: skip
    [stored] = store.add_task(task)
    store.update_task(stored.id, Update(now - timedelta(hours=20), IN_PROGRESS, "keys in, webhook next", 2 * 3600))
    store.add_task(Task(0, "landing page copy", bob.id, due=monday + timedelta(days=9), price=Decimal("150"),
                        status=SENT, created=created, history=[Update(created, SENT, "brief sent")]))  # fmt: skip


def seed_demo(store: Store, now: datetime) -> None:
    """Fill an empty store with the week around `now` (and the week before, so `w` has a plan to copy)."""
    today = to_local(now).date()
    monday = monday_of(today)
    job = store.add_engagement(
        Engagement(
            id=0,
            name="acme-corp",
            kind=INBOUND,
            hours=32,
            window="mon-thu 09:00-17:00",
            salary=Decimal("4200"),
            currency="EUR",
            start=monday - timedelta(days=7),
            colour="blue",
        )
    )
    globex = store.add_engagement(
        Engagement(
            id=0,
            name="globex",
            kind=OUTBOUND,
            rate=Decimal("95"),
            currency="EUR",
            cap=8,
            budget=120,
            round_minutes=15,
            deadline=monday + timedelta(days=25),
            colour="magenta",
        )
    )
    initech = store.add_engagement(
        Engagement(
            id=0,
            name="initech",
            kind=OUTBOUND,
            rate=Decimal("80"),
            currency="EUR",
            model=RETAINER,
            fee=Decimal("1200"),
            covers=15,
            overage=Decimal("80"),
            start=monday - timedelta(days=7),
            cap=4,
            round_minutes=6,
            colour="green",
        )
    )
    hooli = store.add_engagement(
        Engagement(
            id=0,
            name="hooli",
            kind=OUTBOUND,
            currency="EUR",
            model=FIXED,
            fee=Decimal("600"),
            one_off=True,
            budget=6,
            deadline=monday + timedelta(days=20),
            colour="yellow",
        )
    )
    store.set_boundaries(Boundaries(max_week=45, max_day=10, outbound_share=25, tolerance=10, latest=22 * 60))
    store.add_block(
        Block(
            id=0,
            engagement_id=job.id,
            day=monday - timedelta(days=7),
            start=9 * 60,
            end=13 * 60,
            title="sprint work",
            repeat="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        )
    )
    store.add_block(
        Block(
            id=0,
            engagement_id=job.id,
            day=monday - timedelta(days=7),
            start=14 * 60,
            end=17 * 60,
            title="reviews",
            repeat="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        )
    )
    store.add_block(
        Block(
            id=0,
            engagement_id=job.id,
            day=monday - timedelta(days=7),
            start=9 * 60 + 30,
            end=10 * 60 + 30,
            title="standup+planning",
            repeat="FREQ=WEEKLY;BYDAY=FR",
        )
    )
    plan = [
        (globex, 0, 18 * 60, 20 * 60, "API integration"),
        (globex, 2, 18 * 60, 20 * 60, "API integration"),
        (initech, 1, 19 * 60, 21 * 60, "data cleanup"),
        (hooli, 5, 10 * 60, 13 * 60, "workshop prep"),
        (initech, 4, 13 * 60, 15 * 60, "report"),
    ]
    for week_start in (monday - timedelta(days=7), monday):
        for engagement, offset, start, end, title in plan:
            store.add_block(
                Block(
                    id=0,
                    engagement_id=engagement.id,
                    day=week_start + timedelta(days=offset),
                    start=start,
                    end=end,
                    title=title,
                )
            )
    logs = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if day >= today:
            break
        if offset < 4:
            logs.append(_entry(job, day, 9 * 60 + 5, 12 * 60 + 55, "sprint work"))
            logs.append(_entry(job, day, 13 * 60 + 50, 17 * 60 + 10, "reviews"))
        if offset in (0, 2):
            logs.append(_entry(globex, day, 18 * 60 + 10, 20 * 60 + 30, "API integration", ["dev"]))
        if offset == 1:
            logs.append(_entry(initech, day, 19 * 60, 20 * 60 + 15, "data cleanup"))
            logs.append(_entry(globex, day, 13 * 60, 13 * 60 + 40, "client call", ["call"]))  # in the job's window
    logs += _history(monday, job, globex, initech, hooli)
    _delegate(store, now, monday, globex)
    store.add_logs([entry for entry in logs if entry.end is not None and entry.end <= now])
    running_start = max(localize(today, 0), now - timedelta(minutes=47))  # the README promises a running timer
    if running_start < now:
        store.start_timer(
            LogEntry(
                id=0, engagement_id=job.id if today.weekday() < 4 else globex.id, start=running_start, note="demo timer"
            )
        )


def _history(
    monday: date, job: Engagement, globex: Engagement, initech: Engagement, hooli: Engagement
) -> list[LogEntry]:
    """Eleven earlier weeks of logged time, so the reports screen has a trend to draw: a steady job, client work
    that varies, one weekend that runs over the band and a quiet week of holiday."""
    logs = []
    for back in range(1, 12):
        start = monday - timedelta(weeks=back)
        if back == 7:
            continue  # a week off
        for offset in range(4):
            day = start + timedelta(days=offset)
            logs.append(_entry(job, day, 9 * 60, 12 * 60 + 30, "sprint work"))
            logs.append(_entry(job, day, 13 * 60 + 30, 17 * 60, "reviews"))
        logs.append(_entry(job, start + timedelta(days=4), 9 * 60 + 30, 12 * 60 + 30, "standup+planning"))
        for offset in (0, 2) if back % 3 else (0, 1, 2):
            logs.append(_entry(globex, start + timedelta(days=offset), 18 * 60, 20 * 60, "API integration", ["dev"]))
        logs.append(_entry(initech, start + timedelta(days=1) if back % 3 else start + timedelta(days=3),
                           19 * 60, 20 * 60 + 15 * (back % 4), "data cleanup"))  # fmt: skip
        if back in (4, 9):
            logs.append(_entry(globex, start + timedelta(days=5), 10 * 60, 16 * 60, "release weekend", ["ops"]))
        if back == 5:
            logs.append(_entry(hooli, start + timedelta(days=5), 10 * 60, 13 * 60, "workshop", ["onsite"]))
    return logs


def _entry(
    engagement: Engagement, day: date, start: int, end: int, note: str, tags: list[str] | None = None
) -> LogEntry:
    return LogEntry(
        id=0,
        engagement_id=engagement.id,
        start=localize(day, start, strict=False).astimezone(UTC),
        end=localize(day, end, strict=False).astimezone(UTC),
        note=note,
        tags=tags or [],
    )
