"""The timeline of matches: a small bar chart drawn on the server as SVG (no JavaScript, no library).

:func:`build_timeline` turns counts per period into bar geometry; ``timeline.html`` only draws it. Years
without matches between the first and the last are shown as empty slots, so the axis stays honest.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Period", "Bar", "Timeline", "build_timeline", "fill_years", "fill_months"]

WIDTH = 600
HEIGHT = 110
LABEL_SPACE = 14
GAP = 2
MAX_LABELS = 12
#: Bars are never wider than one of this many slots; fewer periods are centred (one year is not a wall).
MIN_SLOTS = 12


@dataclass(frozen=True)
class Period:
    """One slot of the chart: ``key`` (``2021`` or ``2021-03``), its axis ``tick``, count, link, selection."""

    key: str
    tick: str
    count: int
    url: str | None
    selected: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    tick: str
    count: int
    url: str | None
    selected: bool
    x: float
    y: float
    w: float
    h: float
    cx: float
    show_label: bool


@dataclass(frozen=True)
class Timeline:
    bars: list[Bar]
    caption: str
    width: int = WIDTH
    height: int = HEIGHT


def fill_years(counts: dict[str, int]) -> list[str]:
    """Every year from the first to the last that has a count (non-year keys are ignored)."""
    years = sorted(int(key) for key in counts if key.isdigit())
    return [str(year) for year in range(years[0], years[-1] + 1)] if years else []


def fill_months(year: str) -> list[str]:
    return [f"{year}-{month:02d}" for month in range(1, 13)]


def build_timeline(periods: list[Period], caption: str) -> Timeline | None:
    """Bar geometry for ``periods`` (in order); ``None`` when there is nothing to draw."""
    if not periods or not any(period.count for period in periods):
        return None
    top = max(period.count for period in periods)
    slot = WIDTH / max(len(periods), MIN_SLOTS)
    left = (WIDTH - slot * len(periods)) / 2
    plot = HEIGHT - LABEL_SPACE
    every = max(1, -(-len(periods) // MAX_LABELS))  # label at most MAX_LABELS ticks
    bars = []
    for i, period in enumerate(periods):
        h = round(plot * period.count / top, 1) if period.count else 0.0
        if period.count and h < 2:
            h = 2.0  # a match is always visible
        bars.append(
            Bar(
                label=period.key,
                tick=period.tick,
                count=period.count,
                url=period.url if period.count else None,
                selected=period.selected,
                x=round(left + i * slot + GAP / 2, 1),
                y=round(plot - h, 1),
                w=round(max(1.0, slot - GAP), 1),
                h=h,
                cx=round(left + i * slot + slot / 2, 1),
                show_label=i % every == 0,
            )
        )
    return Timeline(bars=bars, caption=caption)
