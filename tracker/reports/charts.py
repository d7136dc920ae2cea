"""Horizontal bar charts drawn on the server as inline SVG: the figures and geometry of each.

This module computes what each bar shows and where it goes; the dashboard's `bar_chart`
partial draws the SVG from it. No script, and colours are SVG presentation attributes, which
the CSP (no inline styles) allows. Each chart names itself (<title>) and states its numbers
in words (<desc>), and the page shows the same numbers in a table beside it, so colour never
carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Narrow enough that on a 390 px phone the chart is drawn at 85 % of its size, so its 13-unit
# labels stay 11 px tall (report.css caps its width on wide screens).
WIDTH = 420
LABEL_WIDTH = 140
BAR_SPACE = 200
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LABEL_CHARACTERS = 17

# The palette of static/css/tracker.css; each passes 4.5:1 against white except "faint",
# which only ever fills a bar whose number is written beside it.
TONES = {
    "accent": "#1d4f91",
    "ok": "#00703c",
    "warn": "#8a4d00",
    "bad": "#b10e1e",
    "muted": "#505a5f",
    "faint": "#b1b4b6",
    "level-0": "#b1b4b6",
    "level-1": "#8a4d00",
    "level-2": "#1d4f91",
    "level-3": "#00703c",
}
TRACK = "#f3f2f1"
INK = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    """One bar; coordinates in the chart's viewBox units."""

    label: str
    short_label: str
    text: str
    y: int
    bar_y: int
    text_y: int
    width: int | float
    value_x: int | float
    fill: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_space: int = BAR_SPACE
    bar_height: int = BAR_HEIGHT
    track: str = TRACK
    ink: str = INK


def _coordinate(value: float) -> int | float:
    """To a tenth of a unit, and a whole number printed without its ".0"."""
    value = round(value, 1)
    return int(value) if value.is_integer() else value


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(
    chart_id: str,
    title: str,
    items: Iterable[tuple[str, float, str, str]],
    *,
    maximum: float,
    describe: Callable[[str, str], str] | None = None,
    note: str = "",
) -> BarChart:
    """`items` are (label, value, text written beside the bar, tone)."""
    describe = describe or (lambda label, text: f"{label}: {text}")
    bars = []
    words = []
    for index, (label, value, text, tone) in enumerate(items):
        top = index * ROW_HEIGHT
        width = BAR_SPACE * value / maximum if maximum else 0
        bars.append(
            Bar(
                label=label,
                short_label=_short(label),
                text=text,
                y=top,
                bar_y=top + (ROW_HEIGHT - BAR_HEIGHT) // 2,
                text_y=top + ROW_HEIGHT // 2 + 5,
                width=_coordinate(max(width, 0)),
                value_x=_coordinate(LABEL_WIDTH + max(width, 0) + 6),
                fill=TONES.get(tone, TONES["accent"]),
            )
        )
        words.append(describe(label, text))
    description = "; ".join(words) + "." if words else ""
    if note:
        description = f"{description} {note}".strip()
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        bars=bars,
        height=max(len(bars), 1) * ROW_HEIGHT,
    )
