"""The board's changes: each one writes through the store and records what it did for undo, and says in one sentence
what happened. The screens call these and show the sentence; tests call them without a terminal.

Every function raises PlannerError (one line) when the store refuses, and records nothing then.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from planner.errors import ValidationError
from planner.history import Change, History
from planner.hours import clock_hours
from planner.model import Block, Engagement, LogEntry
from planner.schedule import check_past, format_clock
from planner.store import Store

MINUTES_PER_DAY = 24 * 60


class Edits:
    """The undoable writes of one board session: a store and the history of what this session changed."""

    def __init__(self, store: Store, history: History | None = None) -> None:
        self.store = store
        self.history = history or History()

    # ------------------------------------------------------------ blocks

    def stored(self, block: Block) -> Block:
        """The stored object behind a block on the board: the series for an occurrence."""
        return self.store.block(block.series_id) if block.series_id is not None else block

    def new_block(self, block: Block) -> str:
        added = self.store.add_block(block)
        self.history.record("new block", Change(None, added))
        return f"Planned {format_clock(added.start)}-{format_clock(added.end)}."

    def edit_block(self, stored: Block, target: Block) -> str:
        """Change a one-off block or a whole series to `target`'s content."""
        updated = self.store.update_block(stored.id, **block_content(target))
        self.history.record("edit block", Change(stored, updated))
        return "Block updated."

    def edit_occurrence(self, occurrence: Block, replacement: Block) -> str:
        self.history.record("edit occurrence", *self._detach(occurrence, replacement))
        return "Occurrence updated."

    def delete_block(self, block: Block) -> str:
        removed = self.store.remove_block(block.id)
        self.history.record("delete", Change(removed, None))
        return "Series deleted." if removed.repeat else "Block deleted."

    def delete_occurrence(self, occurrence: Block) -> str:
        self.history.record("delete occurrence", *self._detach(occurrence, None))
        return "Occurrence deleted."

    def change_block(self, block: Block, label: str, **changes: object) -> str | None:
        """Move or resize: a one-off block changes in place; an occurrence is taken out of its series first."""
        if block.series_id is None:
            updated = self.store.update_block(block.id, **changes)  # type: ignore[arg-type]
            self.history.record(label, Change(block, updated))
            return None
        target = replace(block, id=0, series_id=None, repeat=None, exdates=[], **changes).validate()  # type: ignore[arg-type]
        self.history.record(label, *self._detach(block, target))
        return "Moved this occurrence out of its series."

    def paste(self, copied: Block, day: date, start: int) -> str:
        """A copy of `copied` at `day` and `start`, as long as it was (to 24:00 at most); a pasted copy of a
        calendar's event is the person's own block."""
        length = copied.end - copied.start
        pasted = replace(copied, id=0, day=day, start=start, end=min(MINUTES_PER_DAY, start + length), source=None)
        added = self.store.add_block(pasted)
        self.history.record("paste", Change(None, added))
        if pasted.end - pasted.start < length:
            return f"Pasted, cut to end at 24:00 ({format_clock(pasted.start)}–24:00): a block stays within its day."
        return "Pasted."

    def copy_last_week(self, monday: date) -> str:
        """Last week's one-off blocks into the week of `monday`, leaving out those already there. A series repeats
        into this week by itself (an edited occurrence of it too), and a calendar's import brings its own events."""
        last = self.store.blocks(monday - timedelta(days=7), monday - timedelta(days=1))
        present = {
            (b.engagement_id, b.day, b.start, b.end) for b in self.store.blocks(monday, monday + timedelta(days=6))
        }
        changes = []
        clashes = 0
        for block in last:
            if block.series_id is not None or block.source or block.occurrence_of:
                continue  # an edited occurrence belongs to its series, which repeats into this week itself
            copy = replace(block, id=0, day=block.day + timedelta(days=7))
            if (copy.engagement_id, copy.day, copy.start, copy.end) in present:
                continue
            try:
                changes.append(Change(None, self.store.add_block(copy)))
            except ValidationError:
                clashes += 1  # it would overlap a block of its engagement already planned this week
        if changes:
            self.history.record("copy last week", *changes)
        left = f"; {clashes} left out: they overlap blocks of the same engagement here" if clashes else ""
        if not changes:
            return f"Nothing to copy: last week's blocks are all here{left}."
        return f"Copied {len(changes)} blocks from last week{left}."

    def _detach(self, occurrence: Block, replacement: Block | None) -> list[Change]:
        """Take one occurrence out of its series, putting `replacement` (a one-off block) in its place."""
        if occurrence.series_id is None:
            raise ValidationError("that block does not repeat")
        series_before = self.store.block(occurrence.series_id)
        if replacement is not None:  # refused before the occurrence is taken out, so a refusal changes nothing
            self.store.check_block_fits(replacement, instead_of=(occurrence.series_id, occurrence.day))
        series_after = self.store.skip_occurrence(occurrence.series_id, occurrence.day)
        changes = [Change(series_before, series_after)]
        if replacement is not None:
            replacement.repeat = None
            replacement.occurrence_of = {"series": occurrence.series_id, "date": occurrence.day.isoformat()}
            changes.append(Change(None, self.store.add_block(replacement)))
        return changes

    # ------------------------------------------------------------ the timer and logs

    def toggle_timer(self, block: Block | None, now: datetime) -> str:
        """Stop the running timer; else start one on `block` (linked to it, its title as the note)."""
        if self.store.running() is not None:
            entry = self.store.stop_timer(now)
            if entry.seconds() == 0:
                return "Timer discarded: it ran for less than a minute, too short to bill."
            return f"Stopped after {clock_hours(entry.seconds())}."
        if block is None:
            raise ValidationError("no block under the cursor; move to a block to start its timer")
        entry = LogEntry(
            id=0,
            engagement_id=block.engagement_id,
            start=now,
            note=block.title,
            block_id=block.key,
        )
        started, _ = self.store.start_timer(entry)
        return f"Timer started on {self.store.engagement_by_id(started.engagement_id).name}."

    def log_time(self, entry: LogEntry, now: datetime) -> str:
        """Store time worked; an end in the future is refused (the future is the plan's)."""
        if entry.end is not None:
            check_past(entry.end, now, "the end")
        entry.id = 0
        added = self.store.add_log(entry)
        self.history.record("log time", Change(None, added))
        return f"Logged {clock_hours(added.seconds())}."

    def edit_log(self, before: LogEntry, target: LogEntry, now: datetime) -> str:
        if target.end is not None:
            check_past(target.end, now, "the end")
        updated = self.store.update_log(before.id, **log_content(target))
        self.history.record("edit log", Change(before, updated))
        return "Log updated."

    def delete_log(self, log_id: int) -> str:
        removed = self.store.remove_log(log_id)
        if removed.running:
            return "Running timer discarded."
        self.history.record("delete log", Change(removed, None))
        return "Log deleted."

    # ------------------------------------------------------------ engagements, weeks, undo

    def toggle_archived(self, name: str) -> str:
        current = self.store.engagement(name)
        self.store.update_engagement(current.name, archived=not current.archived)
        return f"{'Restored' if current.archived else 'Archived'} {current.name}."

    def add_engagement(self, engagement: Engagement) -> str:
        return f"Added {self.store.add_engagement(engagement).name}."

    def toggle_lock(self, monday: date, locked: bool) -> str:
        from planner.schedule import week_label

        if locked:
            self.store.unlock_week(monday)
            return f"Unlocked {week_label(monday)}."
        self.store.lock_week(monday)
        return f"Locked {week_label(monday)}."

    def undo(self) -> str:
        label = self.history.undo(self.store)
        return f"Undid {label}." if label else "Nothing to undo."

    def redo(self) -> str:
        label = self.history.redo(self.store)
        return f"Redid {label}." if label else "Nothing to redo."


def block_content(block: Block) -> dict[str, object]:
    return {
        "engagement_id": block.engagement_id,
        "day": block.day,
        "start": block.start,
        "end": block.end,
        "title": block.title,
        "notes": block.notes,
        "repeat": block.repeat,
        "exdates": block.exdates,
    }


def log_content(entry: LogEntry) -> dict[str, object]:
    return {
        "engagement_id": entry.engagement_id,
        "start": entry.start,
        "end": entry.end,
        "note": entry.note,
        "tags": entry.tags,
        "billable": entry.billable,
    }
