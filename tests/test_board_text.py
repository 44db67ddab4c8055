"""How a block's text fits its lane (issue 13): word wrap by terminal cells, … at a cut, short tags, the warning mark
beside the side marker, and wide characters that never shift the grid."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from planner_widgets.board_text import fit, short_tag, wrap_text


def test_titles_wrap_at_word_boundaries_and_a_cut_ends_with_an_ellipsis():
    assert wrap_text("■sprint planning ·acme", 10) == ("■sprint", "planning", "·acme")
    assert wrap_text("◆hooli sync", 9, rows=1) == ("◆hooli…",)
    assert wrap_text("◆hooli sync", 6, rows=2) == ("◆hooli", "sync")
    assert wrap_text("■supercalifragilistic", 8) == ("■superca", "lifragil", "istic")


def test_wide_characters_are_measured_in_cells():
    assert wrap_text("■会議 レビュー ·acme", 8) == ("■会議", "レビュー", "·acme")
    assert cell_len(fit("■🙂🙂🙂🙂", 6)) == 6
    assert cell_len(fit("x", 6)) == 6


def test_short_tags():
    assert short_tag("acme-corp") == "acme"
    assert short_tag("globex") == "globex"
    assert short_tag("Initech Consulting") == "Initech"  # whole up to 8 cells: "Initec" read as a typo
    assert short_tag("megacorporation") == "megacor…"
    assert short_tag("株式会社ABC") == "株式会…"  # cells, not characters


@given(st.text(alphabet=st.sampled_from(list("ab ·■会🙂xyz-")), max_size=60), st.integers(1, 30), st.integers(0, 6))
def test_no_line_is_wider_than_its_lane(words, width, rows):
    lines = wrap_text(words, width, rows)
    assert all(cell_len(line) <= width for line in lines)
    if rows:
        assert len(lines) <= rows
    if (not rows or len(lines) < rows) and width >= 2:  # (one cell cannot hold a wide character: it becomes …)
        assert "".join(words.split()) == "".join("".join(lines).split())  # nothing lost, nothing added


@given(st.text(alphabet=st.sampled_from(list("ab é会議📅🙂ｱ\u0301가")), max_size=30))
def test_the_cli_measures_cells_as_the_board_does(text):
    from planner.text import cells

    assert cells(text) == cell_len(text)
