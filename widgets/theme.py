"""Colours that mean something (a side, a severity, the current time) come from the theme through `app.tcss`, never
from the code: a widget that paints them declares these component classes and reads them back as Rich styles, so the
whole screen follows Textual's theme, light or dark."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style
from textual.widget import Widget

ROLES = ("inbound", "outbound", "breach", "warn", "info", "good", "now")
#: Declared by every widget that paints a role: `COMPONENT_CLASSES = theme.COMPONENT_CLASSES`.
COMPONENT_CLASSES = {f"planner--{role}" for role in ROLES}


def role(widget: Widget, name: str) -> Style:
    """The theme's style of a role (`inbound`, `breach`, …) as `app.tcss` sets it."""
    return widget.get_component_rich_style(f"planner--{name}", partial=True)


def roles(widget: Widget) -> dict[str, Style]:
    return {name: role(widget, name) for name in ROLES}


def role_colour(widget: Widget, name: str) -> Color | None:
    return role(widget, name).color


def readable_on(background: Color | str) -> str:
    """Black or white text, whichever reads better on `background` (a colour name or a Rich colour)."""
    colour = Color.parse(background) if isinstance(background, str) else background
    red, green, blue = colour.get_truecolor()
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "bright_white"
