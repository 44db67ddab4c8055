"""Issue 15: income under each pricing model, checked against months computed by hand; properties of the figures."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.model import FIXED, INBOUND, OUTBOUND, RETAINER, Engagement, IncomeEntry, LogEntry, Milestone
from planner.money import earnings, income_by_engagement, price
from planner.schedule import parse_moment
from tests.helpers import Cli, snapshot_files

NOW = "2026-12-15T12:00:00+01:00"


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    cli = Cli(data_dir, capsys, monkeypatch)
    cli.ok("job", "add", "acme", "--hours", "32", "--salary", "4200", "--start", "2026-10-01", now=NOW)
    cli.ok("client", "add", "globex", "--rate", "95", now=NOW)
    cli.ok("client", "add", "hooli", "--fixed", "3000", "--budget", "40", now=NOW)
    cli.ok("client", "add", "initech", "--retainer", "2000", "--covers", "20", "--overage", "110", "--carry",
           "--start", "2026-10-01", now=NOW)  # fmt: skip
    return cli


def log(run: Cli, name: str, day: str, start: str, end: str) -> None:
    run.ok("log", "add", name, "--start", f"{day} {start}", "--end", f"{day} {end}", now=NOW)


def income(run: Cli, *args: str) -> dict:
    return json.loads(run.ok("income", *args, "--json", now=NOW))


def test_a_month_of_every_model_as_computed_by_hand(run: Cli) -> None:
    run.ok("edit", "initech", "--no-carry", "--from", "2026-10-01", now=NOW)  # unused hours are lost
    log(run, "globex", "2026-11-10", "09:00", "19:00")  # 10 h x 95 = 950
    log(run, "initech", "2026-11-11", "08:00", "20:00")  # 24 h against 20 covered: 4 h x 110 = 440
    log(run, "initech", "2026-11-12", "08:00", "20:00")
    log(run, "hooli", "2026-11-13", "09:00", "21:00")  # 12 h for the fixed fee
    run.ok("milestone", "add", "hooli", "design", "--fee", "1000", "--due", "2026-11-20", now=NOW)
    run.ok("milestone", "done", "1", "--date", "2026-11-20", now=NOW)
    run.ok("income", "add", "globex", "450", "--date", "2026-11-28", "--note", "Q4 bonus", now=NOW)
    november = income(run, "--month", "2026-11")
    rows = {row["name"]: row for row in november["engagements"]}
    assert {name: row["model"] for name, row in rows.items()} == {
        "acme": "salary",
        "globex": "hourly",
        "hooli": "fixed",
        "initech": "retainer",
    }
    assert {name: row["earned"] for name, row in rows.items()} == {
        "acme": {"EUR": 4200.0},
        "globex": {"EUR": 950.0 + 450.0},
        "hooli": {"EUR": 1000.0},
        "initech": {"EUR": 2000.0 + 440.0},
    }
    assert november["earned"] == {"EUR": 9040.0}
    assert november["predictable_share"] == round((4200 + 2000) / 9040, 4)
    assert rows["hooli"]["effective_rate"] == {"EUR": 83.33}  # 1000 / 12 h
    assert rows["initech"]["effective_rate"] == {"EUR": 101.67}  # 2440 / 24 h
    assert rows["globex"]["effective_rate"] == {"EUR": 140.0}  # with the bonus: 1400 / 10 h
    assert november["forecast"] is None  # the forecast comes with --forecast
    # the rest of the fee on completion; the retainer's unused hours carry into December
    run.ok("edit", "hooli", "--done", "2026-12-05", now=NOW)
    log(run, "initech", "2026-12-02", "09:00", "19:00")  # 10 h of the 20 covered
    december = income(run, "--month", "2026-12")
    rows = {row["name"]: row for row in december["engagements"]}
    assert rows["hooli"]["earned"] == {"EUR": 2000.0}
    assert rows["initech"]["earned"] == {"EUR": 2000.0}
    assert rows["acme"]["earned"] == {}  # December's salary is dated on the 31st: on the 15th it is a forecast


def test_a_carried_hour_is_worth_its_overage(run: Cli) -> None:
    log(run, "initech", "2026-10-05", "09:00", "19:00")  # October: 10 of 20 h, 10 h carried into November
    log(run, "initech", "2026-11-10", "08:00", "20:00")  # November: 24 h of 30 covered: no overage
    log(run, "initech", "2026-11-11", "08:00", "20:00")
    rows = {row["name"]: row for row in income(run, "--month", "2026-11")["engagements"]}
    items = [i for i in income(run, "--month", "2026-11")["items"] if i["engagement"] == "initech"]
    assert [i["kind"] for i in items] == ["retainer"] and rows["initech"]["earned"] == {"EUR": 2000.0}
    run.ok("edit", "initech", "--no-carry", "--from", "2026-10-01", now=NOW)
    items = [i for i in income(run, "--month", "2026-11")["items"] if i["engagement"] == "initech"]
    assert [(i["kind"], i["amount"]) for i in items] == [("retainer", 2000.0), ("overage", 440.0)]


def test_by_side_and_model_and_the_text(run: Cli) -> None:
    log(run, "globex", "2026-11-10", "09:00", "19:00")
    sides = {g["key"]: g["earned"] for g in income(run, "--month", "2026-11", "--by", "side")["groups"]}
    assert sides == {"inbound": {"EUR": 4200.0}, "outbound": {"EUR": 950.0 + 2000.0}}
    text = run.ok("income", "--month", "2026-11", now=NOW)
    assert "globex      hourly    10:00    950.00 EUR  95.00 EUR" in text
    assert "predictable (salary and retainers): 87 % of the income earned" in text  # 6,200 of 7,150


def test_bad_input_is_one_line_and_changes_nothing(run: Cli, data_dir) -> None:
    before = snapshot_files(data_dir)
    for args in (
        ["client", "add", "x", "--fixed", "-5"],
        ["client", "add", "x", "--fixed", "1,500"],
        ["client", "add", "x", "--retainer", "2000"],
        ["client", "add", "x", "--fixed", "10", "--retainer", "20"],
        ["client", "add", "x", "--covers", "20"],
        ["job", "add", "x", "--hours", "10", "--salary", "abc"],
        ["edit", "globex", "--salary", "100"],
        ["edit", "acme", "--fixed", "100"],
        ["income", "add", "globex", "1e99"],
        ["income", "add", "nobody", "10"],
        ["income", "--year", "20x6"],
        ["income", "--year", "0001"],
        ["income", "--month", ""],
        ["milestone", "done", "99"],
        ["milestone", "add", "acme", "x", "--fee", "10"],
        ["income", "rm", "5"],
        # findings of a trial: blank dates taken as today, sums finer than cents, digits of other scripts, a
        # client done before it starts, a salary period without a salary
        ["income", "add", "globex", "10", "--date", ""],
        ["income", "add", "globex", "1.005"],
        ["milestone", "add", "hooli", "x", "--fee", "10.001"],
        ["fx", "set", "USD", "0.9", "--from", ""],
        ["fx", "set", "USD", "٣"],
        ["fx", "set", "USD", "1,500"],
        ["settings", "set", "--currency", ""],
        ["boundaries", "set", "--min-rate", "٣"],
        ["boundaries", "set", "--max-week", "٣"],
        ["client", "add", "x", "--retainer", "100", "--covers", "10", "--done", "2026-01-01", "--start", "2026-06-01"],
        ["job", "add", "x", "--hours", "10", "--per", "year"],
        ["client", "add", "x", "--fixed", "10.001"],
        ["job", "add", "x", "--hours", "5", "--salary", "100.5", "--currency", "JPY"],
    ):
        run.refused(*args, now=NOW)
    assert snapshot_files(data_dir) == before


# ---------------------------------------------------------------- properties

GLOBEX = Engagement(id=2, name="globex", kind=OUTBOUND, rate=Decimal("95"), currency="EUR")
ACME = Engagement(id=1, name="acme", kind=INBOUND, hours=32, salary=Decimal("4200"), start=date(2026, 1, 1))
INITECH = Engagement(id=4, name="initech", kind=OUTBOUND, model=RETAINER, fee=Decimal("2000"), covers=20,
                     overage=Decimal("110"), carry=True, start=date(2026, 1, 1))  # fmt: skip
HOOLI = Engagement(id=3, name="hooli", kind=OUTBOUND, model=FIXED, fee=Decimal("3000"), done=date(2026, 6, 30))


def _logs(days: list[tuple[int, int]]) -> list[LogEntry]:
    found = []
    for index, (offset, hours) in enumerate(days):
        start = parse_moment("2026-01-05 08:00") + timedelta(days=offset)
        who = (GLOBEX, INITECH, HOOLI, ACME)[index % 4]
        found.append(LogEntry(id=index + 1, engagement_id=who.id, start=start, end=start + timedelta(hours=hours)))
    return found


def _earned(logs, first: date, last: date) -> dict[str, int]:
    everyone = [ACME, GLOBEX, INITECH, HOOLI]
    reach = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    lines = price(everyone, logs, reach, last).lines
    found = earnings(everyone, lines, [IncomeEntry(1, 2, date(2026, 3, 3), Decimal("450"), "EUR")],
                     [Milestone(1, 3, "design", Decimal("1000"), done=date(2026, 4, 2))], first, last)  # fmt: skip
    total: dict[str, int] = {}
    for earning in found:
        total[earning.currency] = total.get(earning.currency, 0) + earning.amount
    return total


@given(st.lists(st.tuples(st.integers(0, 300), st.integers(1, 12)), max_size=40))
@settings(max_examples=40, deadline=None)
def test_income_over_a_range_is_the_sum_over_its_months(days):
    logs = _logs(days)
    whole = _earned(logs, date(2026, 1, 1), date(2026, 9, 30))
    months: dict[str, int] = {}
    for month in range(1, 10):
        last = (date(2026, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        for currency, amount in _earned(logs, date(2026, month, 1), last).items():
            months[currency] = months.get(currency, 0) + amount
    assert whole == months


@given(st.integers(1, 600), st.integers(1, 9999))
@settings(max_examples=60, deadline=None)
def test_an_hourly_clients_effective_rate_is_its_rate_when_nothing_is_rounded(minutes, cents):
    rate = Decimal(cents) / 100
    client = Engagement(id=2, name="globex", kind=OUTBOUND, rate=rate, currency="EUR")
    start = parse_moment("2026-03-03 09:00")
    entry = LogEntry(id=1, engagement_id=2, start=start, end=start + timedelta(hours=minutes))  # whole hours
    lines = price([client], [entry], date(2026, 3, 1), date(2026, 3, 31)).lines
    found = earnings([client], lines, [], [], date(2026, 3, 1), date(2026, 3, 31))
    [row] = income_by_engagement([client], lines, found, date(2026, 3, 1), date(2026, 3, 31))
    assert row.effective_rate("EUR") == rate.quantize(Decimal("0.01"))


def test_a_job_without_a_salary_earns_its_wage_by_the_hour():
    job = Engagement(id=1, name="acme", kind=INBOUND, hours=10, rate=Decimal("30"), currency="EUR")
    start = datetime(2026, 3, 3, 8, tzinfo=parse_moment("2026-03-03 08:00").tzinfo)
    entry = LogEntry(id=1, engagement_id=1, start=start, end=start + timedelta(hours=8))
    lines = price([job], [entry], date(2026, 3, 1), date(2026, 3, 31)).lines
    [earning] = earnings([job], lines, [], [], date(2026, 3, 1), date(2026, 3, 31))
    assert (earning.kind, earning.amount, earning.predictable) == ("hours", 24000, False)


def test_the_forecast_counts_the_plan_and_the_terms_month_by_month(run: Cli) -> None:
    late_november = "2026-11-30T20:00:00+01:00"
    run.ok("plan", "add", "globex", "--date", "2026-12-02", "--start", "09:00", "--end", "13:00", "--repeat",
           "FREQ=WEEKLY;BYDAY=WE", now=late_november)  # fmt: skip
    run.ok("edit", "hooli", "--deadline", "2027-01-15", now=late_november)
    run.ok("milestone", "add", "hooli", "build", "--fee", "1500", "--due", "2026-12-20", now=late_november)
    ahead = json.loads(run.ok("income", "--forecast", "--json", now=late_november))["forecast"]
    assert (ahead["from"], ahead["to"]) == ("2026-12-01", "2027-02-28")  # the rest of the month and 3 more
    months = {month["month"]: month["amounts"]["EUR"] for month in ahead["months"]}
    # salary 4,200 + retainer 2,000 + Wednesdays x 4 h x 95 (+ the milestone in December, the fee's rest on the
    # deadline in January: 3,000 - 1,500)
    assert months == {"2026-12": 4200 + 2000 + 5 * 380 + 1500, "2027-01": 4200 + 2000 + 4 * 380 + 1500,
                      "2027-02": 4200 + 2000 + 4 * 380}  # fmt: skip


def test_forecasts_become_earnings_as_days_pass(run: Cli, monkeypatch) -> None:
    """time-machine moves the real clock: the retainer's December fee is forecast on 30 November and earned on
    1 December; the salary of December stays forecast until the 31st."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.delenv("PLANNER_NOW")
    from planner.cli import main

    def income_json(*args: str) -> dict:
        run.capsys.readouterr()
        assert main(["--db", str(run.data), "income", *args, "--json"]) == 0
        return json.loads(run.capsys.readouterr().out)

    berlin = parse_moment("2026-11-30 12:00").tzinfo
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=berlin), tick=False) as traveller:
        kinds = {(i["engagement"], i["kind"], i["date"]) for i in income_json("--forecast")["forecast"]["items"]}
        assert ("initech", "retainer", "2026-12-01") in kinds and ("acme", "salary", "2026-12-31") in kinds
        traveller.move_to(datetime(2026, 12, 1, 12, tzinfo=berlin))
        december = income_json("--month", "2026-12", "--forecast")
        earned = {(i["engagement"], i["kind"]) for i in december["items"]}
        assert ("initech", "retainer") in earned and ("acme", "salary") not in earned
        ahead = {(i["engagement"], i["kind"], i["date"]) for i in december["forecast"]["items"]}
        assert ("initech", "retainer", "2026-12-01") not in ahead and ("acme", "salary", "2026-12-31") in ahead


# ---------------------------------------------------------------- currencies


def test_exchange_rates_apply_by_date_and_totals_name_them(run: Cli) -> None:
    run.ok("client", "add", "umbrella", "--rate", "100", "--currency", "USD", now=NOW)
    log(run, "umbrella", "2026-11-10", "09:00", "13:00")  # 400 USD at 0.92 = 368 EUR
    log(run, "umbrella", "2026-11-20", "09:00", "10:00")  # 100 USD at 0.91 = 91 EUR
    before = income(run, "--month", "2026-11")
    assert before["total"]["earned"] is None
    assert "no exchange rate into EUR for USD on 2026-11-10" in before["total"]["missing"]
    assert before["earned"]["USD"] == 500.0  # per currency, as earned
    assert isinstance(before["predictable_share"], dict)  # no common currency: one share per currency
    text = run.ok("income", "--month", "2026-11", now=NOW)
    assert "totals stay per currency" in text and "planner fx set USD RATE --from 2026-11-10" in text
    run.ok("fx", "set", "USD", "0.92", "--from", "2026-11-01", now=NOW)
    run.ok("fx", "set", "USD", "0.91", "--from", "2026-11-15", now=NOW)
    after = income(run, "--month", "2026-11")
    # acme 4,200 salary + initech 2,000 retainer + umbrella 368 + 91 (globex, hooli earned nothing in November)
    assert after["total"]["currency"] == "EUR"
    assert after["total"]["earned"] == 4200 + 2000 + 368 + 91
    assert [r["rate"] for r in after["total"]["rates"]] == ["0.92", "0.91"]
    assert after["predictable_share"] == round(6200 / 6659, 4)
    assert "USD at 0.92 from 2026-11-01, USD at 0.91 from 2026-11-15" in run.ok("income", "--month", "2026-11", now=NOW)
    # a rate from a later day replaces nothing before it; the same day's rate is replaced
    run.ok("fx", "set", "USD", "0.5", "--from", "2026-11-15", now=NOW)
    assert income(run, "--month", "2026-11")["total"]["earned"] == 6200 + 368 + 50
    listed = json.loads(run.ok("fx", "list", "--json", now=NOW))
    assert listed["base"] == "EUR" and len(listed["rates"]) == 2


def test_list_names_how_each_engagement_is_paid(run: Cli) -> None:
    listed = {item["name"]: item for item in json.loads(run.ok("list", "--json", now=NOW))}
    assert {name: item["model"] for name, item in listed.items()} == {
        "acme": "salary",
        "globex": "hourly",
        "hooli": "fixed",
        "initech": "retainer",
    }
    assert listed["acme"]["currency"] == "EUR" and listed["acme"]["pricing"] == "a salary of 4,200.00 EUR a month"
    table = run.ok("list", now=NOW)
    assert "a retainer of 2,000.00 EUR a month for 20 h, then 110.00 EUR/h, unused hours carried a month" in table
    assert "overtime from 2026-10-01" in table and "started 2026-10-01" in table  # acme's account; initech's start


def test_the_base_currency_is_a_setting_and_new_engagements_take_it(run: Cli, data_dir) -> None:
    run.ok("settings", "set", "--currency", "usd", now=NOW)
    assert json.loads(run.ok("settings", "show", "--json", now=NOW))["currency"] == "USD"
    run.ok("client", "add", "wayne", "--fixed", "500", now=NOW)
    run.ok("edit", "wayne", "--done", "2026-11-30", now=NOW)
    november = income(run, "--month", "2026-11")
    assert november["currency"] == "USD"
    assert {row["name"]: row["earned"] for row in november["engagements"]}["wayne"] == {"USD": 500.0}
    assert november["total"]["earned"] is None  # the EUR salary and retainer have no rate into USD
    before = snapshot_files(data_dir)
    for args in (
        ["settings", "set", "--currency", "EURO"],
        ["fx", "set", "USD", "0.9"],  # the base currency itself
        ["fx", "set", "EUR", "abc"],
        ["fx", "set", "EUR", "0"],
        ["fx", "set", "EUR", "-1"],
        ["fx", "set", "EUR", "0.123456789"],
        ["fx", "set", "EUR", "1.1", "--from", "2026-13-01"],
        ["fx", "rm", "EUR", "--from", "2026-11-01"],
    ):
        run.refused(*args, now=NOW)
    assert snapshot_files(data_dir) == before


@given(st.lists(st.tuples(st.integers(1, 10**7), st.integers(0, 60)), min_size=1, max_size=20),
       st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("500"), places=4))  # fmt: skip
@settings(max_examples=60, deadline=None)
def test_a_base_total_is_the_sum_of_its_converted_parts(amounts, rate) -> None:
    from planner.model import FxRate
    from planner.money import HOURS, Earning, convert, to_base

    start = date(2026, 1, 1)
    found = [Earning(GLOBEX, start + timedelta(days=days), HOURS, "JPY", amount) for amount, days in amounts]
    total = convert(found, "EUR", [FxRate("JPY", "EUR", rate, start)])
    assert total.amount == sum(to_base(earning.amount, "JPY", "EUR", rate) for earning in found)
    # each part is off by at most half a cent from the exact conversion
    for earning in found:
        exact = Decimal(earning.amount) * rate * 100
        assert abs(Decimal(to_base(earning.amount, "JPY", "EUR", rate)) - exact) <= Decimal("0.5")
    early = convert(found, "EUR", [FxRate("JPY", "EUR", rate, start + timedelta(days=61))])
    assert early.amount is None and early.missing == (("JPY", min(e.day for e in found)),)


# ---------------------------------------------------------------- the rate floor and concentration by income


def warnings(run: Cli) -> list[dict]:
    code, out, err = run("check", "--json", now=NOW)
    assert code in (0, 1), err
    return json.loads(out)["warnings"]


def test_the_rate_floor_warns_per_client_as_computed_by_hand(run: Cli) -> None:
    run.ok("boundaries", "set", "--min-rate", "100", now=NOW)
    log(run, "globex", "2026-12-07", "08:00", "18:00")  # 10 h x 95 = 950: 95.00/h
    log(run, "initech", "2026-12-08", "06:00", "21:00")  # 30 h; 20 covered + 20 carried from November: no overage
    log(run, "initech", "2026-12-09", "06:00", "21:00")  # 2,000 / 30 h = 66.67/h
    log(run, "hooli", "2026-12-10", "08:00", "20:00")  # 3,000 / 12 h = 250/h so far; / its 40 h budget = 75/h
    found = warnings(run)
    floor = {(w["subject"], w["basis"]): w["rate"] for w in found if w["code"] == "rate-below-floor"}
    assert floor == {("globex", "actual"): 95.0, ("initech", "actual"): 66.67, ("hooli", "plan"): 75.0}
    # 8 h more on hooli: 3,000 / 20 h = 150/h so far, still above; 48 h more makes 3,000 / 60 h = 50/h
    for day in range(11, 15):
        log(run, "hooli", f"2026-12-{day}", "08:00", "20:00")
    hooli = [w for w in warnings(run) if w["subject"] == "hooli"]
    assert {(w["basis"], w["rate"]) for w in hooli if w["code"] == "rate-below-floor"} == {("actual", 50.0)}
    run.ok("boundaries", "set", "--min-rate", "none", now=NOW)
    assert "rate-below-floor" not in {w["code"] for w in warnings(run)}


def test_concentration_can_measure_the_income_of_the_last_months(run: Cli) -> None:
    run.ok("boundaries", "set", "--concentration", "60", now=NOW)
    log(run, "globex", "2026-12-07", "08:00", "20:00")  # 12 h x 95 = 1,140
    log(run, "initech", "2026-12-08", "08:00", "10:00")  # 2 h; its retainer paid 2,000 on each 1st
    by_hours = [w for w in warnings(run)]
    assert [(w["code"], w["subject"]) for w in by_hours if w["code"] == "concentration"] == [
        ("concentration", "globex")
    ]
    run.ok("boundaries", "set", "--concentration-basis", "income", now=NOW)
    # 2026-09-16..2026-12-15: initech's fees of Oct, Nov, Dec (6,000) against globex's 1,140: 84 %
    found = warnings(run)
    [concentration] = [w for w in found if w["code"] == "concentration"]
    assert concentration["subject"] == "initech"
    assert concentration["share"] == round(6000 / 7140, 4)
    assert concentration["months"] == "2026-09-16..2026-12-15"
    run.ok("boundaries", "set", "--concentration-months", "1", now=NOW)  # 2026-11-16..: 2,000 against 1,140: 64 %
    [concentration] = [w for w in warnings(run)
                       if w["code"] == "concentration"]  # fmt: skip
    assert concentration["share"] == round(2000 / 3140, 4)


# ---------------------------------------------------------------- a locked week's income never changes


def test_a_locked_weeks_income_never_changes(run: Cli, data_dir) -> None:
    """Lock W49 (30 Nov-6 Dec): November's salary and overage (30 Nov) and December's retainer (1 Dec) are in it.
    Every change that would move income into, out of or within it is refused, and its income stays as it was."""
    log(run, "initech", "2026-11-10", "08:00", "20:00")
    log(run, "initech", "2026-11-11", "06:00", "20:00")  # 26 h of 20 + 20 carried from October: no overage
    log(run, "globex", "2026-12-02", "09:00", "11:00")
    run.ok("milestone", "add", "hooli", "design", "--fee", "1000", now=NOW)
    run.ok("income", "add", "globex", "100", "--date", "2026-12-03", now=NOW)
    run.ok("lock", "--week", "2026-W49", now=NOW)
    week = ["--from", "2026-11-30", "--to", "2026-12-06"]
    before = income(run, *week)
    files = snapshot_files(data_dir)
    for args in (
        ["income", "add", "globex", "50", "--date", "2026-12-04"],  # into the week
        ["income", "rm", "1"],  # out of it
        ["milestone", "done", "1", "--date", "2026-12-02"],
        ["edit", "hooli", "--done", "2026-12-05"],  # the fixed fee would fall in the week
        ["edit", "acme", "--salary", "5000", "--from", "2026-11-01"],  # November's salary, paid on the 30th
        ["edit", "initech", "--done", "2026-11-20"],  # December's retainer would go
        ["log", "add", "initech", "--start", "2026-11-12 08:00", "--end", "2026-11-12 22:00"],  # November's overage
    ):
        assert "2026-W49 is locked" in run.refused(*args, now=NOW)
        assert income(run, *week) == before
    assert snapshot_files(data_dir) == files
    # outside the week all of them are free
    run.ok("income", "add", "globex", "50", "--date", "2026-12-08", now=NOW)
    run.ok("milestone", "done", "1", "--date", "2026-12-09", now=NOW)
    run.ok("log", "add", "initech", "--start", "2026-12-09 08:00", "--end", "2026-12-09 22:00", now=NOW)
    assert income(run, *week) == before
    run.ok("unlock", "--week", "2026-W49", now=NOW)
    run.ok("income", "rm", "1", now=NOW)
    assert income(run, *week)["earned"] != before["earned"]


def test_a_locked_weeks_fee_and_overage_hold_against_changes_outside_it(run: Cli, data_dir) -> None:
    """Findings of a trial: a milestone changed outside a locked week changed the rest of the fixed fee earned in it,
    and a retainer's --start moved after the week took its November overage away."""
    log(run, "initech", "2026-11-10", "06:00", "22:00")
    log(run, "initech", "2026-11-11", "06:00", "22:00")
    log(run, "initech", "2026-11-12", "06:00", "16:00")  # 42 h of 20 + 20 carried: 2 h x 110 on 30 November
    run.ok("milestone", "add", "hooli", "design", "--fee", "1000", now=NOW)
    run.ok("milestone", "done", "1", "--date", "2026-11-20", now=NOW)
    run.ok("edit", "hooli", "--done", "2026-12-04", now=NOW)  # the rest, 2,000, in W49
    run.ok("lock", "--week", "2026-W49", now=NOW)
    week = ["--from", "2026-11-30", "--to", "2026-12-06"]
    before = income(run, *week)
    kinds = {(item["engagement"], item["kind"]): item["amount"] for item in before["items"]}
    assert kinds[("hooli", "fee")] == 2000.0 and kinds[("initech", "overage")] == 220.0
    for args in (
        ["milestone", "rm", "1"],  # the rest would be 3,000
        ["milestone", "add", "hooli", "extra", "--fee", "300"],  # the rest would be 1,700
        ["edit", "initech", "--start", "2026-12-02"],  # November would not be a retainer month
        ["edit", "hooli", "--fixed", "4000", "--from", "2026-11-01"],
    ):
        assert "2026-W49 is locked" in run.refused(*args, now=NOW)
        assert income(run, *week) == before
    # a milestone is earned on its own day; moving it outside the week leaves the rest of the fee as it was
    run.ok("milestone", "done", "1", "--date", "2026-12-14", now=NOW)
    assert income(run, *week) == before
    # milestones never add up to more than the fee
    assert "would add up to 3001 of its 3000 fixed fee" in run.refused(
        "milestone", "add", "hooli", "too much", "--fee", "2001", now=NOW
    )


@given(st.decimals(min_value=Decimal("1"), max_value=Decimal("10000000"), places=2))
@settings(max_examples=60, deadline=None)
def test_a_yearly_salary_adds_up_to_the_year_to_the_cent(salary) -> None:
    """Finding of a trial: 50,000 a year came to 50,000.04 (twelve months of 4,166.67)."""
    job = Engagement(id=9, name="emp", kind=INBOUND, hours=40, salary=salary, per="year", start=date(2025, 1, 1))
    months = earnings([job], [], [], [], date(2025, 1, 1), date(2025, 12, 31))
    assert len(months) == 12 and sum(item.amount for item in months) == int(salary * 100)
    assert max(item.amount for item in months) - min(item.amount for item in months) <= 1


def test_a_fixed_fee_spread_over_its_planned_hours_warns_before_they_are_worked(run: Cli) -> None:
    """hooli: 3,000 for 12 h logged (250/h) and 48 h planned up to its deadline: 3,000 / 60 h = 50/h, under 60."""
    run.ok("edit", "hooli", "--deadline", "2027-01-31", now=NOW)
    run.ok("boundaries", "set", "--min-rate", "60", now=NOW)
    log(run, "hooli", "2026-12-07", "08:00", "20:00")
    for day in range(16, 22):
        run.ok("plan", "add", "hooli", "--date", f"2026-12-{day}", "--start", "09:00", "--end", "17:00", now=NOW)
    run.ok("plan", "add", "hooli", "--date", "2027-02-01", "--start", "09:00", "--end", "17:00", now=NOW)  # after
    floor = [(w["basis"], w["rate"], w["hours"]) for w in warnings(run) if w["code"] == "rate-below-floor"]
    assert floor == [("plan", 50.0, 60.0)]
