"""Server-drawn charts: the geometry of a horizontal bar chart, rendered as SVG by a template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Layout of the chart, in SVG user units (the SVG scales to the page width).
WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP, VALUE_WIDTH = 640, 260, 22, 10, 120


@dataclass
class Bar:
    label: str
    value_cents: int
    y: int
    width: int
    outgoing: bool


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def flow_chart(flows: list[dict[str, Any]], cae_id: int) -> BarChart | None:
    """One bar per exchange with another CAE, longest for the largest amount."""
    if not flows:
        return None
    largest = max(f["amount_cents"] for f in flows) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=f"{flow['from_name']} → {flow['to_name']}",
            value_cents=flow["amount_cents"],
            y=i * (BAR_HEIGHT + GAP),
            width=max(2, round(room * flow["amount_cents"] / largest)),
            outgoing=flow["from_cae_id"] == cae_id,
        )
        for i, flow in enumerate(flows)
    ]
    return BarChart(bars, WIDTH, len(bars) * (BAR_HEIGHT + GAP), LABEL_WIDTH, BAR_HEIGHT)
