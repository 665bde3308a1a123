"""Server-drawn charts: the geometry of horizontal bar charts, rendered as SVG by a template.

Each bar is made of segments of one series each; the chart's legend lists the series its bars
use, in order, and the template draws the swatches and the segments with the same CSS class
(``series-<name>``), so the legend cannot say another colour than the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

#: Layout of the chart, in SVG user units (the SVG scales to the page width): each row is a
#: label line ("From → To", a month) above its bar, the amount at the end of the bar.
WIDTH, LABEL_HEIGHT, BAR_HEIGHT, GAP, VALUE_WIDTH = 640, 18, 20, 12, 110
ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP


@dataclass
class Segment:
    series: str
    x: int
    width: int
    value_cents: int


@dataclass
class Bar:
    label: str
    value_cents: int
    #: Baseline of the label; top of the bar; baseline of the amount.
    label_y: int
    y: int
    value_y: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((s.x + s.width for s in self.segments), default=0)


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    bar_height: int
    #: (series, label) of each series drawn, in the order of the segments.
    legend: list[tuple[str, str]]


def _chart(rows: Sequence[tuple[str, list[tuple[str, int]]]], names: dict[str, str]) -> BarChart:
    """rows: (label, [(series, cents), …]); one bar per row, its segments side by side, the
    longest bar for the largest total."""
    largest = max((sum(c for _s, c in parts) for _l, parts in rows), default=0) or 1
    room = WIDTH - VALUE_WIDTH
    bars, used = [], []
    for i, (label, parts) in enumerate(rows):
        bar = Bar(
            label=label,
            value_cents=sum(c for _s, c in parts),
            label_y=i * ROW + LABEL_HEIGHT - 5,
            y=i * ROW + LABEL_HEIGHT,
            value_y=i * ROW + LABEL_HEIGHT + BAR_HEIGHT - 5,
        )
        x = 0
        for series, cents in parts:
            if cents <= 0:
                continue
            width = max(2, round(room * cents / largest))
            bar.segments.append(Segment(series, x, width, cents))
            x += width
            if series not in used:
                used.append(series)
        bars.append(bar)
    legend = [(series, names[series]) for series in names if series in used]
    return BarChart(bars, WIDTH, len(bars) * ROW, BAR_HEIGHT, legend)


def flow_chart(flows: list[dict[str, Any]], cae_id: int) -> BarChart | None:
    """One bar per exchange with another CAE, longest for the largest amount."""
    if not flows:
        return None
    names = {"outgoing": _("Work this CAE gives"), "incoming": _("Work this CAE receives")}
    rows = [
        (
            f"{flow['from_name']} → {flow['to_name']}",
            [("outgoing" if flow["from_cae_id"] == cae_id else "incoming", flow["amount_cents"])],
        )
        for flow in flows
    ]
    return _chart(rows, names)


def month_chart(months: list[tuple[date, str, int, int]]) -> BarChart | None:
    """One bar per month, (month, label, internal cents, cross-CAE cents): internal work then
    work with other CAEs. None when the months hold no work at all."""
    if not any(internal or cross for _m, _l, internal, cross in months):
        return None
    names = {"internal": _("Internal work (inside the CAE)"), "cross": _("Work with other CAEs")}
    rows = [
        (label, [("internal", internal), ("cross", cross)]) for _m, label, internal, cross in months
    ]
    return _chart(rows, names)
