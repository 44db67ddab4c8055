from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from planner.errors import ValidationError
from planner.model import INBOUND, OUTBOUND, Block, Boundaries, Engagement, LogEntry, WorkWindow


def job(**fields) -> Engagement:
    return Engagement(id=1, name="acme", kind=INBOUND, hours=32, **fields)


def test_window_forms():
    window = WorkWindow.parse("mon-thu 09:00-17:00; fri 09:00-13:00")
    assert str(window) == "mon-thu 09:00-17:00; fri 09:00-13:00"
    assert window.intervals_on(date(2026, 11, 27)) == [(540, 780)]  # a Friday
    assert window.intervals_on(date(2026, 11, 28)) == []
    assert str(WorkWindow.parse("sat-mon 10:00-24:00")) == "mon,sat-sun 10:00-24:00"
    assert str(WorkWindow.parse("mon,wed,fri 08:30-12:00")) == "mon,wed,fri 08:30-12:00"
    assert WorkWindow.parse("weekdays 09:00-17:00").contains(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("mon-fri 17:00-09:00", "before it starts"),
        ("mon-fry 09:00-17:00", "'fry'"),
        ("09:00-17:00", "write days and hours"),
        ("mon-fri 9-17", "not a time of day"),
        ("", "not a working window"),
    ],
)
def test_bad_windows_say_what_is_wrong(text, words):
    with pytest.raises(ValidationError, match=words):
        WorkWindow.parse(text)


def test_engagement_validation():
    assert job(rate="85,50").validate().rate == Decimal("85.50")
    assert job(rate=90).validate().currency == "EUR"
    with pytest.raises(ValidationError, match="zero or more"):
        job(rate="-5").validate()
    with pytest.raises(ValidationError, match="contracted hours"):
        Engagement(id=1, name="acme", kind=INBOUND).validate()
    with pytest.raises(ValidationError, match="belong to clients"):
        job(cap=5).validate()
    with pytest.raises(ValidationError, match="belong to jobs"):
        Engagement(id=2, name="globex", kind=OUTBOUND, window="mon 09:00-10:00").validate()
    with pytest.raises(ValidationError, match="usable name"):
        Engagement(id=2, name="  ", kind=OUTBOUND).validate()
    with pytest.raises(ValidationError, match="currency"):
        job(rate=1, currency="EURO").validate()


def test_engagement_document_round_trip():
    original = Engagement(
        id=7,
        name="globex",
        kind=OUTBOUND,
        rate=Decimal("92.50"),
        currency="USD",
        round_minutes=6,
        cap=10,
        budget=40,
        deadline=date(2026, 12, 20),
        one_off=True,
        colour="green",
    ).validate()
    assert Engagement.from_doc(7, original.to_doc()) == original


def test_block_validation():
    with pytest.raises(ValidationError, match="ends before it starts"):
        Block(id=1, engagement_id=1, day=date(2026, 11, 25), start=600, end=540).validate()
    with pytest.raises(ValidationError, match="ends when it starts"):
        Block(id=1, engagement_id=1, day=date(2026, 11, 25), start=600, end=600).validate()
    block = Block(id=1, engagement_id=1, day=date(2026, 11, 25), start=1380, end=1440).validate()
    assert Block.from_doc(1, block.to_doc()) == block


def test_log_validation():
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="ends before it starts"):
        LogEntry(id=1, engagement_id=1, start=start, end=datetime(2026, 11, 25, 8, 0, tzinfo=UTC)).validate()
    with pytest.raises(ValidationError, match="ends when it starts"):
        LogEntry(id=1, engagement_id=1, start=start, end=start).validate()
    with pytest.raises(ValidationError, match="28 days"):
        LogEntry(id=1, engagement_id=1, start=start, end=datetime(2026, 12, 25, tzinfo=UTC)).validate()
    entry = LogEntry(id=1, engagement_id=1, start=start, tags=[" dev ", "dev", "call"]).validate()
    assert entry.tags == ["dev", "call"]


def test_boundaries_round_trip():
    rules = Boundaries(max_week=45, days_off=[5, 6], latest=20 * 60, outbound_share=30)
    assert Boundaries.from_doc(rules.to_doc()) == rules
    assert Boundaries.from_doc(None) == Boundaries()
