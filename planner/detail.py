"""One line about what is under the board's cursor: a block in full (title, engagement, day, times, logged against
planned, notes, the warnings it causes) or a logged entry. Plain text; the screen shows it escaped."""

from __future__ import annotations

from collections.abc import Sequence

from planner.balance import Finding
from planner.hours import clock_hours
from planner.model import INBOUND, OUTBOUND, Block, LogEntry
from planner.schedule import format_clock, overlap_seconds, to_local
from planner.week import Week, block_interval, block_seconds


def describe_block(week: Week, block: Block, findings: list[Finding], others: Sequence[Block] = ()) -> str:
    """`others`: blocks in the same lane and row, named right after the title so a narrow line still shows them."""
    engagement = week.engagements.get(block.engagement_id)
    marker = "■" if engagement is not None and engagement.kind == INBOUND else "◆"
    name = engagement.name if engagement else "?"
    own = block.key
    start, end = block_interval(block)  # logged: the engagement's time inside the block, as its gutter shows it
    logged = sum(
        overlap_seconds(entry.start, week.log_end(entry), start, end)
        for entry in week.logs
        if entry.engagement_id == block.engagement_id
    )
    parts = [
        f"{marker} {name}" + (f" · {block.title}" if block.title else ""),
        *(["also here: " + ", ".join(describe_short(other) for other in others)] if others else []),
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


def describe_short(block: Block) -> str:
    """A block in a few words, beside another: its title (or 'untitled') and times."""
    return f"{block.title or 'untitled'} {format_clock(block.start)}–{format_clock(block.end)}"


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
    day = week.days[day_index]
    totals = week.day_totals()[day_index]
    (planned_in, logged_in), (planned_out, logged_out) = totals[INBOUND], totals[OUTBOUND]
    off = week.day_off(day)
    text = (
        f"{day:%A %d %b}: ■ in {clock_hours(planned_in)} planned, {clock_hours(logged_in)} logged"
        f" · ◆ out {clock_hours(planned_out)} planned, {clock_hours(logged_out)} logged"
    )
    text += f" · day off ({off.title})" if off is not None else ""
    for task in week.tasks_due(day):
        who = week.people.get(task.person_id, "?")
        text += f" · ⚑ due: {task.title} ({who}, {task.status})"
    return text
