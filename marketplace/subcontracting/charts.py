"""Server-drawn charts: the geometry of a horizontal bar chart, rendered as SVG by a template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Layout of the chart, in SVG user units (the SVG scales to the page width): each exchange is
#: a label line ("From → To") above its bar, the amount at the end of the bar.
WIDTH, LABEL_HEIGHT, BAR_HEIGHT, GAP, VALUE_WIDTH = 640, 18, 20, 12, 110
ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP


@dataclass
class Bar:
    label: str
    value_cents: int
    #: Baseline of the label; top of the bar; baseline of the amount.
    label_y: int
    y: int
    value_y: int
    width: int
    outgoing: bool


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    bar_height: int


def flow_chart(flows: list[dict[str, Any]], cae_id: int) -> BarChart | None:
    """One bar per exchange with another CAE, longest for the largest amount."""
    if not flows:
        return None
    largest = max(f["amount_cents"] for f in flows) or 1
    room = WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=f"{flow['from_name']} → {flow['to_name']}",
            value_cents=flow["amount_cents"],
            label_y=i * ROW + LABEL_HEIGHT - 5,
            y=i * ROW + LABEL_HEIGHT,
            value_y=i * ROW + LABEL_HEIGHT + BAR_HEIGHT - 5,
            width=max(2, round(room * flow["amount_cents"] / largest)),
            outgoing=flow["from_cae_id"] == cae_id,
        )
        for i, flow in enumerate(flows)
    ]
    return BarChart(bars, WIDTH, len(bars) * ROW, BAR_HEIGHT)
