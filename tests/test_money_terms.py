"""Terms with dates, and locked weeks whose money never changes (issue 11, findings 5-7, the board's engagement form
and its timer)."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from planner.errors import ValidationError
from planner.exports import build_export
from planner.model import OUTBOUND, Block, Engagement, LogEntry
from planner.schedule import parse_moment
from planner.store import Store
from planner_widgets.app import make_app
from planner_widgets.engagements_screen import EngagementsScreen
from planner_widgets.forms import FormScreen
from tests.helpers import NOW, Cli


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    return Cli(data_dir, capsys, monkeypatch)


def week_export(run: Cli, week: str, fmt: str = "json") -> str:
    return run.ok("export", "--format", fmt, "--week", week)


def amounts(run: Cli, *args: str) -> dict[str, float]:
    return {
        entry["date"]: entry["amount"] for entry in json.loads(run.ok("export", "--format", "json", *args))["entries"]
    }


# ---------------------------------------------------------------- finding 5: a lock freezes money


@pytest.fixture
def locked(run: Cli) -> Cli:
    run.ok("client", "add", "globex", "--rate", "95", "--round", "15")
    run.ok("job", "add", "acme-corp", "--hours", "32", "--rate", "60", "--window", "mon-fri 09:00-17:00")
    run.ok("log", "add", "globex", "--start", "2026-11-17 18:00", "--end", "2026-11-17 20:40")
    run.ok("log", "add", "acme-corp", "--start", "2026-11-18 09:00", "--end", "2026-11-18 16:50")
    run.ok("lock", "--week", "2026-W47")
    return run


TERM_CHANGES = [
    ("globex", "--rate", "100"),
    ("globex", "--rate", "none"),
    ("globex", "--currency", "USD"),
    ("globex", "--round", "30"),
    ("globex", "--round-mode", "down"),
    ("globex", "--cap", "5"),
    ("acme-corp", "--hours", "20"),
    ("acme-corp", "--window", "mon-fri 08:00-12:00"),
    ("acme-corp", "--rate", "70"),
]


@pytest.mark.parametrize("change", TERM_CHANGES, ids=lambda change: " ".join(change))
def test_a_locked_week_keeps_its_bytes_through_every_term_change(locked, change, data_dir):
    before = {fmt: week_export(locked, "2026-W47", fmt) for fmt in ("json", "csv", "md", "html")}
    files = {path: path.read_bytes() for path in data_dir.rglob("*.json")}
    err = locked.refused("edit", *change, "--from", "2026-11-16")
    assert "2026-W47 is locked" in err and "--from 2026-11-23" in err
    assert {path: path.read_bytes() for path in data_dir.rglob("*.json")} == files  # nothing stored changed
    out = locked.ok("edit", *change, "--from", "2026-11-10", "--after-locks")
    assert "from 2026-11-23 on" in out
    locked.ok("edit", *change)  # from today, after the locked week
    for fmt, text in before.items():
        assert week_export(locked, "2026-W47", fmt) == text, fmt


def test_the_reported_finding_rate_and_rounding_after_a_lock(locked):
    """Finding 5: after `lock --week 2026-W47`, `edit globex --rate 100 --from 2026-11-16` and `edit globex --round
    30` were accepted and the locked week's export went from 261.25 to 300.00 EUR."""
    assert amounts(locked, "--week", "2026-W47", "--engagement", "globex") == {"2026-11-17": 261.25}
    locked.refused("edit", "globex", "--rate", "100", "--from", "2026-11-16")
    locked.ok("edit", "globex", "--round", "30")
    assert amounts(locked, "--week", "2026-W47", "--engagement", "globex") == {"2026-11-17": 261.25}


def test_lock_list_shows_the_frozen_totals(locked):
    listed = json.loads(locked.ok("lock", "--list", "--json"))
    [week] = listed
    totals = {item["engagement"]: item for item in week["totals"]}
    assert totals["globex"]["amounts_minor"] == {"EUR": 26125} and totals["globex"]["billed_seconds"] == 165 * 60
    assert totals["acme-corp"]["amounts_minor"] == {"EUR": 47000} and week["frozen"] and not week["changed_since"]
    text = locked.ok("lock", "--list")
    assert "2026-W47  all engagements" in text and "261.25 EUR" in text and "2:45" in text


def test_a_lock_of_one_engagement_freezes_only_its_terms(run):
    run.ok("client", "add", "globex", "--rate", "95")
    run.ok("client", "add", "initech", "--rate", "80")
    run.ok("lock", "--week", "2026-W47", "--engagement", "globex")
    run.refused("edit", "globex", "--rate", "100", "--from", "2026-11-16")
    run.ok("edit", "initech", "--rate", "100", "--from", "2026-11-16")


def test_a_change_overridden_before_the_locked_week_touches_nothing_locked(run):
    run.ok("client", "add", "globex", "--rate", "95")
    run.ok("edit", "globex", "--rate", "97", "--from", "2026-11-09")
    run.ok("lock", "--week", "2026-W47")
    run.ok("edit", "globex", "--rate", "96", "--from", "2026-11-02")  # in force 2 to 8 November only


# ---------------------------------------------------------------- finding 6: terms change from today by default


def test_edit_without_from_changes_terms_from_today(run):
    """Finding 6: after `edit initech --rate 130 --from 2026-11-30` and `edit initech --rate 140`, Nov 25 was billed
    at 140 and Nov 30 at 120."""
    run.ok("client", "add", "initech", "--rate", "120")
    for day in ("2026-11-25", "2026-11-30", "2026-12-01"):
        run.ok(
            "log", "add", "initech", "--start", f"{day} 09:00", "--end", f"{day} 10:00", now="2026-12-01T12:00+01:00"
        )
    run.ok("edit", "initech", "--rate", "130", "--from", "2026-11-30", now="2026-12-01T12:00+01:00")
    out = run.ok("edit", "initech", "--rate", "140", now="2026-12-01T12:00+01:00")
    assert "from 2026-12-01 on" in out and "repriced 2026-W49 from 2026-12-01 on: 130.00 EUR -> 140.00 EUR" in out
    assert amounts(run, "--from", "2026-11-25", "--to", "2026-12-01") == {
        "2026-11-25": 120.0,
        "2026-11-30": 130.0,
        "2026-12-01": 140.0,
    }
    [listed] = json.loads(run.ok("list", "--json", "--history", now="2026-12-01T12:00+01:00"))
    assert listed["rate"] == 140.0  # the rate in force today, not the first one
    assert [(period["from"], period["rate"]) for period in listed["history"]] == [
        (None, 120.0),
        ("2026-11-30", 130.0),
        ("2026-12-01", 140.0),
    ]
    table = run.ok("list", "--history", now="2026-12-01T12:00+01:00")
    assert "140 EUR/h" in table and "from 2026-11-30" in table and "from the start" in table


def test_rewriting_the_past_says_which_weeks_it_reprices(run):
    run.ok("client", "add", "initech", "--rate", "120")
    run.ok("log", "add", "initech", "--start", "2026-11-10 09:00", "--end", "2026-11-10 11:00")
    run.ok("log", "add", "initech", "--start", "2026-11-18 09:00", "--end", "2026-11-18 10:00")
    out = run.ok("edit", "initech", "--rate", "100", "--from", "2026-11-01")
    assert "repriced 2026-W46: 240.00 EUR -> 200.00 EUR" in out and "repriced 2026-W47" in out
    assert "2 weeks repriced" in out
    assert "nothing changed" in run.ok("edit", "initech", "--rate", "100", "--from", "2026-11-01")


# ---------------------------------------------------------------- finding 7: rounding takes dates too


def test_rounding_changes_from_a_date(run):
    run.ok("client", "add", "globex", "--rate", "60", "--round", "15")
    run.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 09:05")
    run.ok("log", "add", "globex", "--start", "2026-11-24 09:00", "--end", "2026-11-24 09:05")
    run.ok("edit", "globex", "--round", "6", "--round-mode", "nearest", "--from", "2026-11-24")
    data = json.loads(week_export(run, "2026-W48"))
    assert [(e["billed_seconds"], e["round_minutes"], e["round_mode"]) for e in data["entries"]] == [
        (900, 15, "up"),
        (360, 6, "nearest"),
    ]
    assert [e["amount"] for e in data["entries"]] == [15.0, 6.0]


# ---------------------------------------------------------------- the board: a "from" field and the timer


def test_the_board_engagement_form_changes_terms_from_its_date(store: Store):
    store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND, rate=95, colour="magenta"))
    before = store.engagement("globex")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("E")
        assert isinstance(app.screen, EngagementsScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        form = app.screen
        assert form.query_one("#field-from").value == "2026-11-25"  # today by default
        form.query_one("#field-rate").value = "120"
        await pilot.press("enter")
        await pilot.pause()

    async def run_app() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await steps(pilot)

    asyncio.run(run_app())
    after = store.engagement("globex")
    assert after.terms_on(date(2026, 11, 24)).rate == before.rate == 95
    assert after.terms_on(date(2026, 11, 25)).rate == 120


def test_a_timer_stopped_within_a_minute_is_discarded_on_the_board_and_in_the_cli(run, store: Store):
    """`s s` on the board kept a 2-second entry, billed as a whole minute."""
    job = store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND, rate=95, colour="magenta"))
    store.add_block(Block(id=0, engagement_id=job.id, day=date(2026, 11, 25), start=10 * 60, end=11 * 60))
    ticks = iter(parse_moment(f"2026-11-25 10:00:{second:02d}") for second in range(0, 60, 2))
    app = make_app(store, clock=lambda: next(ticks))

    async def run_app() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            app.board.place_cursor(2, 10 * 60, OUTBOUND)
            await pilot.press("s")
            await pilot.pause()
            assert store.running() is not None
            await pilot.press("s")
            await pilot.pause()
            assert store.running() is None

    asyncio.run(run_app())
    assert store.logs(parse_moment("2026-11-23 00:00"), parse_moment("2026-11-30 00:00")) == []
    run.ok("start", "globex", now="2026-11-25T10:00:00+01:00")
    out = run.ok("stop", now="2026-11-25T10:00:40+01:00")
    assert "Discarded the globex timer" in out
    assert json.loads(run.ok("log", "list", "--json")) == []
    run.ok("start", "globex", now="2026-11-25T10:00:00+01:00")
    run.ok("stop", now="2026-11-25T10:01:00+01:00")  # a whole minute is work
    assert len(json.loads(run.ok("log", "list", "--json"))) == 1


# ---------------------------------------------------------------- property: a locked week's bytes never change

_VALUES = {
    "rate": st.sampled_from(["0", "50", "95", "120.125", None]),
    "currency": st.sampled_from(["EUR", "USD", "JPY"]),
    "round_minutes": st.sampled_from([1, 6, 15, 30]),
    "round_mode": st.sampled_from(["up", "nearest", "down"]),
    "cap": st.sampled_from([5.0, 10.0, None]),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(
        st.tuples(
            st.sampled_from(sorted(_VALUES)).flatmap(lambda key: st.tuples(st.just(key), _VALUES[key])),
            st.dates(min_value=date(2026, 10, 1), max_value=date(2026, 12, 31)),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_no_term_change_alters_a_locked_week(tmp_path_factory, changes):
    store = Store(tmp_path_factory.mktemp("locked") / "data")
    client = store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND, rate=95, round_minutes=6))
    store.add_logs(
        LogEntry(0, client.id, parse_moment(f"2026-11-{day} 18:00"), parse_moment(f"2026-11-{day} 19:{day}"))
        for day in (10, 17, 18, 24)
    )
    store.lock_week(date(2026, 11, 16))
    frozen = build_export(store, "json", date(2026, 11, 16), date(2026, 11, 22), stamp=parse_moment(NOW)).text
    for (key, value), start, after_locks in changes:
        try:
            store.edit_engagement("globex", start, after_locks=after_locks, **{key: value})
        except ValidationError as refused:
            assert "2026-W47 is locked" in str(refused) and not after_locks
        again = build_export(store, "json", date(2026, 11, 16), date(2026, 11, 22), stamp=parse_moment(NOW)).text
        assert again == frozen
    [lock] = store.locks()
    assert lock.totals == store.lock_figures(lock)


def test_a_rate_with_a_thousands_comma_is_refused_not_read_as_a_decimal(run):
    """`--rate 1,500` was stored as 1.5 an hour: a thousandfold under-bill."""
    assert "ambiguous: write 1500 or 1.500" in run.refused("client", "add", "q3", "--rate", "1,500")
    assert "not a rate" in run.refused("client", "add", "q3", "--rate", "1_000")
    run.ok("client", "add", "q3", "--rate", "92,50")  # a decimal comma with cents stays welcome
    assert json.loads(run.ok("list", "--json"))[0]["rate"] == 92.5


def test_the_refusal_of_a_one_engagement_lock_names_the_unlock_that_works(run):
    run.ok("client", "add", "acme", "--rate", "90")
    run.ok("lock", "--week", "2026-W48", "--engagement", "acme")
    err = run.refused("edit", "acme", "--rate", "150", "--from", "2026-11-25")
    assert "2026-W48 for acme is locked" in err and "'planner unlock --week 2026-W48 --engagement acme'" in err
    assert "--round cannot be cleared" in run.refused("edit", "acme", "--round", "")
    assert "--round-mode cannot be cleared" in run.refused("edit", "acme", "--round-mode", "")
