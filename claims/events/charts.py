"""Small charts as inline SVG (no JavaScript, no CDN): the coordinates are computed here and the
template draws them with presentation attributes only, so a strict CSP holds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .selectors import DayCount, ExposureRow

WIDTH, HEIGHT, PAD = 640, 220, 36
BARS_WIDTH = 760


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str

    @property
    def value_x(self) -> float:
        return self.x + self.width + 6


@dataclass(frozen=True)
class LineChart:
    linked_points: str
    suggested_points: str
    max_value: int
    first_day: str
    last_day: str
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD


def timeline_chart(timeline: list[DayCount]) -> LineChart | None:
    """Cumulative claims linked and suggested per day, as two polylines."""
    if not timeline:
        return None
    top = max(max(day.linked_total, day.suggested_total) for day in timeline) or 1
    span = max(len(timeline) - 1, 1)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def points(values: list[int]) -> str:
        return " ".join(
            f"{PAD + inner_w * index / span:.1f},{HEIGHT - PAD - inner_h * value / top:.1f}"
            for index, value in enumerate(values)
        )

    return LineChart(
        linked_points=points([day.linked_total for day in timeline]),
        suggested_points=points([day.suggested_total for day in timeline]),
        max_value=top, first_day=f"{timeline[0].day:%d.%m.%Y}",
        last_day=f"{timeline[-1].day:%d.%m.%Y}",
    )


def exposure_bars(rows: list[ExposureRow]) -> list[Bar]:
    """One horizontal bar per product and module: the cover left."""
    top = max((row.remaining for row in rows), default=Decimal("0")) or Decimal("1")
    bar_h, gap, label_w = 22, 8, 340
    inner_w = BARS_WIDTH - label_w - 110
    return [
        Bar(x=label_w, y=index * (bar_h + gap), width=float(inner_w * row.remaining / top),
            height=bar_h, label=f"{row.product} · {row.module}", value=f"{row.remaining:,.2f}")
        for index, row in enumerate(rows)
    ]
