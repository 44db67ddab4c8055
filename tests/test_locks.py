"""Locked (sent) weeks: their entries cannot be added, edited or deleted until unlocked; nothing else is held."""

from __future__ import annotations

from datetime import date

import pytest

from planner.errors import ValidationError
from planner.schedule import parse_moment
from tests.helpers import add_people, entry, snapshot_files

W48 = date(2026, 11, 23)


def test_a_locked_week_refuses_every_change_to_its_entries(store, data_dir):
    job, client = add_people(store)
    kept = store.add_log(entry(job, "2026-11-23 09:00", "2026-11-23 12:00"))
    later = store.add_log(entry(job, "2026-11-30 09:00", "2026-11-30 10:00"))
    store.lock_week(W48)
    before = snapshot_files(data_dir)
    attempts = [
        lambda: store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 19:00")),
        lambda: store.update_log(kept.id, note="changed"),
        lambda: store.remove_log(kept.id),
        lambda: store.start_timer(entry(client, "2026-11-25 08:00", None)),
        # an entry from another week may not be moved into the locked one either
        lambda: store.update_log(later.id, start=parse_moment("2026-11-29 09:00")),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match=r"2026-W48 is locked .*planner unlock --week 2026-W48"):
            attempt()
    assert snapshot_files(data_dir) == before
    assert store.week(W48, parse_moment("2026-11-25 10:00")).locked
    assert store.update_log(later.id, note="next week is open").note == "next week is open"
    store.unlock_week(W48)
    assert store.update_log(kept.id, note="changed").note == "changed"


def test_an_entry_over_the_locked_weeks_edge_is_locked_too(store):
    job, _ = add_people(store)
    store.lock_week(date(2026, 11, 30))
    with pytest.raises(ValidationError, match="2026-W49 is locked"):
        store.add_log(entry(job, "2026-11-29 23:00", "2026-11-30 01:00"))
    store.add_log(entry(job, "2026-11-29 22:00", "2026-11-30 00:00"))  # ends exactly where the week begins


def test_a_lock_for_one_engagement_holds_only_its_entries(store):
    job, client = add_people(store)
    store.lock_week(W48, "GLOBEX")
    with pytest.raises(ValidationError, match="2026-W48 for globex is locked"):
        store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 19:00"))
    store.add_log(entry(job, "2026-11-24 09:00", "2026-11-24 10:00"))
    week = store.week(W48, parse_moment("2026-11-25 10:00"))
    assert not week.locked and week.locked_ids == {client.id}
    with pytest.raises(ValidationError, match="is not locked"):
        store.unlock_week(W48)
    with pytest.raises(ValidationError, match="locked already"):
        store.lock_week(W48, "globex")
    store.unlock_week(W48, "globex")
    assert store.locks() == []


def test_locking_refuses_while_the_timer_runs_in_that_week(store):
    job, _ = add_people(store)
    store.start_timer(entry(job, "2026-11-25 08:00", None))
    with pytest.raises(ValidationError, match="stop it before you lock"):
        store.lock_week(W48)
    store.lock_week(date(2026, 11, 16))  # a past week can be locked while today's timer runs
    store.stop_timer(parse_moment("2026-11-25 09:00"))
