"""Text in the board's cells: wrapping at word boundaries by terminal cells (a CJK character or an emoji takes two),
fitting to a lane, the engagement's short tag, and the cached cell styles."""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.style import Style


@lru_cache(maxsize=4096)
def wrap_text(words: str, width: int, rows: int = 0) -> tuple[str, ...]:
    """A block's text in lines of at most `width` terminal cells (a CJK character or an emoji takes two), broken at
    word boundaries where a word fits, and (with `rows`) at most that many lines, the last ending in … when the text
    goes on."""
    if width <= 0:
        return ()
    lines: list[str] = []
    current = ""
    for word in words.split():
        while cell_len(word) > width:  # a word wider than the lane: cut it, filling the line it starts on
            room = width - cell_len(current) - (1 if current else 0)
            head = _cut(word, room) if room > 0 else ""
            if not head and current:  # no room left beside what the line holds: go on on the next line
                lines.append(current)
                current = ""
                continue
            if not head:  # one character wider than the whole lane (an emoji in a one-cell lane)
                head, rest = "…", word[1:]
            else:
                rest = word[len(head) :]
            lines.append(f"{current} {head}" if current else head)
            current, word = "", rest
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    if rows and len(lines) > rows:
        lines = [*lines[: rows - 1], _cut(lines[rows - 1], width - 1) + "…"]
    return tuple(lines)


def _cut(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` terminal cells."""
    taken, used = [], 0
    for char in text:
        used += cell_len(char)
        if used > cells:
            break
        taken.append(char)
    return "".join(taken)


def fit(text: str, cells: int) -> str:
    """`text` cut or padded to exactly `cells` terminal cells (wide characters never shift the grid)."""
    return set_cell_size(text, cells)


def short_tag(name: str) -> str:
    """An engagement's short tag for a block's text: its first word (acme-corp → acme), whole up to 8 cells, else its
    first 7 and …."""
    first = name.replace("_", "-").replace(" ", "-").split("-")[0] or name
    return first if cell_len(first) <= 8 else _cut(first, 7) + "…"


@lru_cache(maxsize=1024)
def cell_style(
    colour: str | None = None,
    bgcolor: str | None = None,
    bold: bool = False,
    underline: bool = False,
    reverse: bool = False,
    dim: bool = False,
    italic: bool = False,
) -> Style:
    """Styles are immutable: build each combination once instead of once per cell per repaint."""
    return Style(
        color=colour,
        bgcolor=bgcolor,
        bold=bold or None,
        underline=underline or None,
        reverse=reverse or None,
        dim=dim or None,
        italic=italic or None,
    )
