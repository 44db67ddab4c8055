"""One line about what is under the board's cursor: a block in full (title, engagement, day, times, logged against
planned, notes, the warnings it causes) or a logged entry. Plain text; the screen shows it escaped."""

from __future__ import annotations

from planner.balance import Finding
from planner.hours import clock_hours
from planner.model import INBOUND, Block, LogEntry
from planner.schedule import format_clock, to_local
from planner.week import Week, block_seconds


def describe_block(week: Week, block: Block, findings: list[Finding]) -> str:
    engagement = week.engagements.get(block.engagement_id)
    marker = "■" if engagement is not None and engagement.kind == INBOUND else "◆"
    name = engagement.name if engagement else "?"
    own = block.series_id if block.series_id is not None else block.id
    logged = sum(
        entry.seconds(week.now)
        for entry in week.logs
        if entry.block_id == own and to_local(entry.start).date() == block.day
    )
    parts = [
        f"{marker} {name}" + (f" · {block.title}" if block.title else ""),
        f"{block.day:%a %d %b} {format_clock(block.start)}–{format_clock(block.end)}",
        f"{clock_hours(block_seconds(block))} planned, {clock_hours(logged)} logged",
    ]
    if block.repeat:
        parts.append(f"repeats {block.repeat}")
    if block.source:
        parts.append("from a calendar")
    if block.notes:
        parts.append(block.notes)
    causes = [finding for finding in findings if own in finding.block_ids]
    parts += [f"{finding.severity}: {finding.message}" for finding in causes]
    return " · ".join(parts)


def describe_log(week: Week, entry: LogEntry) -> str:
    engagement = week.engagements.get(entry.engagement_id)
    name = engagement.name if engagement else "?"
    end = "running" if entry.end is None else f"{to_local(entry.end):%H:%M}"
    parts = [
        f"logged: {name}",
        f"{to_local(entry.start):%a %d %b %H:%M}–{end}",
        clock_hours(entry.seconds(week.now)),
    ]
    if entry.note:
        parts.append(entry.note)
    if entry.tags:
        parts.append("tags " + ", ".join(entry.tags))
    if not entry.billable:
        parts.append("not billable")
    return " · ".join(parts)


def describe_day(week: Week, day_index: int) -> str:
    """A day's totals when nothing is under the cursor: planned and logged hours, inbound and outbound."""
    from datetime import timedelta

    from planner.schedule import day_start, overlap_seconds

    day = week.monday + timedelta(days=day_index)
    lo, hi = day_start(day), day_start(day + timedelta(days=1))
    planned = {INBOUND: 0.0, "outbound": 0.0}
    logged = {INBOUND: 0.0, "outbound": 0.0}
    for block in week.blocks:
        if block.day == day:
            planned[week.kind_of(block.engagement_id)] += block_seconds(block)
    for entry in week.logs:
        logged[week.kind_of(entry.engagement_id)] += overlap_seconds(entry.start, week.log_end(entry), lo, hi)
    off = week.day_off(day)
    text = (
        f"{day:%A %d %b}: ■ in {clock_hours(planned[INBOUND])} planned, {clock_hours(logged[INBOUND])} logged"
        f" · ◆ out {clock_hours(planned['outbound'])} planned, {clock_hours(logged['outbound'])} logged"
    )
    return text + (f" · day off ({off.title})" if off is not None else "")
