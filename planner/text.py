"""Text from people and files (names, notes, titles, imported rows) made safe to show or to write.

A note imported from a CSV may hold `ESC ]2;...BEL`, `ESC [2J`, a C1 `CSI` (U+009B) or a right-to-left override
(U+202E): printed as it is, it would retitle the window, clear the screen or reorder the line. Planner keeps such
text as it was given and makes it harmless where it leaves:

- `printable` for anything shown in a terminal, by the command line and the board alike: one line, newlines shown as
  ⏎, a tab as a space, every other control, bidirectional or invisible format character as a visible escape
  (`\\x1b`, `\\u202e`).
- `clean` for text written into files meant for people or other programs (CSV, Markdown, HTML, iCalendar): the same
  characters dropped, line breaks kept as `\\n`.
- `safe_json` for JSON meant to be printed: the same characters as `\\uXXXX` escapes, so the data stays exact.

What counts as unsafe: every control character (C0, DEL, C1), line and paragraph separators, surrogates, and every
format character (bidirectional embeddings, overrides, isolates and marks, zero-width space, word joiner, byte order
mark, ...) except the zero-width joiner and non-joiner, which emoji and several scripts need. Spaces of every kind,
private-use and unassigned characters are shown as they are: a terminal does nothing special with them.
"""

from __future__ import annotations

import unicodedata

#: Line breaks: shown as ⏎ on one line, written as \n into files.
_NEWLINES = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
#: Not printable by Python's rules, yet harmless and wanted: joiners for emoji and scripts.
_KEPT_FORMAT = frozenset("\u200c\u200d")
NEWLINE_MARK = "⏎"


def _harmless(char: str) -> bool:
    """True for a character `str.isprintable` refuses that is safe to show all the same."""
    if char in _KEPT_FORMAT:
        return True
    return unicodedata.category(char) in ("Zs", "Co", "Cn")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object) -> str:
    """`text` safe to show in a terminal on one line: newlines as ⏎, tabs as a space, every other control,
    bidirectional or invisible format character as a visible escape such as `\\x1b` or `\\u202e`."""
    text = "" if text is None else str(text)
    if text.isprintable():
        return text
    shown = []
    for char in text.replace("\r\n", "\n"):
        if char.isprintable() or _harmless(char):
            shown.append(char)
        elif char in _NEWLINES:
            shown.append(NEWLINE_MARK)
        elif char == "\t":
            shown.append(" ")
        else:
            shown.append(_escape(char))
    return "".join(shown)


def clean(text: object) -> str:
    """`text` for a file: line breaks as `\\n`, tabs kept, every other unsafe character dropped."""
    text = "" if text is None else str(text)
    if text.isprintable():
        return text
    kept = []
    for char in text.replace("\r\n", "\n"):
        if char.isprintable() or char == "\t" or _harmless(char):
            kept.append(char)
        elif char in _NEWLINES:
            kept.append("\n")
    return "".join(kept)


def safe_json(dumped: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every unsafe character in its strings written as
    a `\\uXXXX` escape. JSON escapes C0 controls itself but passes DEL, C1 and the bidirectional controls through raw;
    outside strings a JSON text holds only ASCII, so its layout (newlines, spaces) is left as it is."""
    if dumped.isascii() and "\x7f" not in dumped:
        return dumped
    out = []
    for char in dumped:
        if char == "\n" or char.isprintable() or _harmless(char):
            out.append(char)
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            code = ord(char) - 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    return "".join(out)


def cells(text: str) -> int:
    """Terminal cells `text` takes: two for a wide (CJK, fullwidth, most emoji) character, none for a combining mark
    or a joiner, one otherwise; so a table of names in any script lines up."""
    total = 0
    for char in text:
        if unicodedata.combining(char) or char in _KEPT_FORMAT or unicodedata.category(char) == "Mn":
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal cells (on the left with `right`)."""
    room = " " * max(0, width - cells(text))
    return room + text if right else text + room
