"""Undo and redo for one session: every change to blocks and logs is recorded as (before, after) pairs.

Undo writes `before` back through the store; redo writes `after`. A record of several pairs (copying last week,
detaching an occurrence from its series) is undone and redone as one step. Ids are kept, so a deleted block comes
back as the same block.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from planner.model import Block, LogEntry
from planner.store import Store

Item = Block | LogEntry


@dataclass
class Change:
    before: Item | None
    after: Item | None


@dataclass
class Record:
    label: str
    changes: list[Change]


def _content(item: Item) -> dict[str, object]:
    skip = {"id", "series_id"}
    return {spec.name: getattr(item, spec.name) for spec in fields(item) if spec.name not in skip}


def _write(store: Store, current: Item | None, target: Item | None) -> None:
    """Make the stored item go from `current` to `target`."""
    if current is None and target is None:
        return
    if target is None:
        assert current is not None
        if isinstance(current, Block):
            store.remove_block(current.id)
        else:
            store.remove_log(current.id)
    elif current is None:
        if isinstance(target, Block):
            store.add_block(target, keep_id=True)
        else:
            store.add_log(target, keep_id=True)
    elif isinstance(target, Block):
        store.update_block(target.id, **_content(target))
    else:
        store.update_log(target.id, **_content(target))


class History:
    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self.undo_stack: list[Record] = []
        self.redo_stack: list[Record] = []

    def record(self, label: str, *changes: Change) -> None:
        self.undo_stack.append(Record(label, list(changes)))
        del self.undo_stack[: -self.limit]
        self.redo_stack.clear()

    def undo(self, store: Store) -> str | None:
        """Revert the last change; its label, or None when there is nothing to undo."""
        if not self.undo_stack:
            return None
        record = self.undo_stack.pop()
        for change in reversed(record.changes):
            _write(store, change.after, change.before)
        self.redo_stack.append(record)
        return record.label

    def redo(self, store: Store) -> str | None:
        if not self.redo_stack:
            return None
        record = self.redo_stack.pop()
        for change in record.changes:
            _write(store, change.before, change.after)
        self.undo_stack.append(record)
        return record.label
