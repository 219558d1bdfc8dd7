"""Charts drawn on the server as SVG: the same markup goes into a page and into a PDF, and
nothing is fetched from a CDN. Rates are fractions from 0 to 1 (Decimal or None for "no
rate"); labels are whatever the caller translated."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from markupsafe import Markup, escape

from app.workflows.survey_scoring import percent

BAR_COLOUR = "#337ab7"
BELOW_COLOUR = "#d9534f"
TARGET_COLOUR = "#5cb85c"
FONT = "font-family=\"'Noto Sans CJK SC','Noto Sans CJK TC',sans-serif\" font-size=\"12\""


def _fraction(rate: Decimal | None) -> float:
    if rate is None:
        return 0.0
    return max(0.0, min(1.0, float(rate)))


def bar_chart(rows: Sequence[tuple[str, Decimal | None]], *, target: Decimal | None = None,
              title: str = "", width: int = 560, chart_id: str = "") -> Markup:
    """Horizontal bars, one per (label, rate), the rate written at the bar's end; a
    dashed line marks the target (96 % qualified) and bars below it are red."""
    label_width, row_height, top = 150, 24, 28 if title else 8
    bar_space = width - label_width - 70
    height = top + row_height * max(len(rows), 1) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" class="chart"'
             + (f' id="{escape(chart_id)}"' if chart_id else "") + ">"]
    if title:
        parts.append(f'<text x="0" y="16" {FONT} font-weight="bold">{escape(title)}</text>')
    for n, (label, rate) in enumerate(rows):
        y = top + n * row_height
        length = bar_space * _fraction(rate)
        below = target is not None and rate is not None and rate < target
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" {FONT}>'
                     f"{escape(label)}</text>")
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="16" '
                     f'fill="{BELOW_COLOUR if below else BAR_COLOUR}"/>')
        parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + 16}" {FONT}>'
                     f"{escape(percent(rate))}</text>")
    if target is not None:
        x = label_width + bar_space * _fraction(target)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 8}" '
                     f'stroke="{TARGET_COLOUR}" stroke-dasharray="4 3" stroke-width="2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(points: Iterable[tuple[str, Decimal | None]], *, title: str = "",
               target: Decimal | None = None, width: int = 560, height: int = 200,
               chart_id: str = "") -> Markup:
    """Overall rates over time (earlier surveys, then this one): a point per survey with
    its rate; the axis runs from the lowest rate shown (or 80 %) to 100 %."""
    points = [(label, rate) for label, rate in points if rate is not None]
    left, right, top, bottom = 48, 16, 28 if title else 10, 36
    floor = min([Decimal("0.8"), *(rate for _l, rate in points)])
    if target is not None:
        floor = min(floor, target)
    span = float(Decimal(1) - floor) or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(n: int, rate: Decimal) -> tuple[float, float]:
        x = left + (plot_w * (n + 0.5) / max(len(points), 1))
        y = top + plot_h * (1 - (float(rate) - float(floor)) / span)
        return x, y

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" class="chart"'
             + (f' id="{escape(chart_id)}"' if chart_id else "") + ">"]
    if title:
        parts.append(f'<text x="0" y="16" {FONT} font-weight="bold">{escape(title)}</text>')
    for tick in (floor, (floor + 1) / 2, Decimal(1)):
        _x, y = xy(0, tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
                     f"{escape(percent(tick, 0))}</text>")
    if target is not None:
        _x, y = xy(0, target)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="{TARGET_COLOUR}" stroke-dasharray="4 3" stroke-width="2"/>')
    coords = [xy(n, rate) for n, (_label, rate) in enumerate(points)]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BAR_COLOUR}" '
                     'stroke-width="2"/>')
    for (label, rate), (x, y) in zip(points, coords):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" {FONT}>'
                     f"{escape(percent(rate, 1))}</text>")
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" {FONT}>'
                     f"{escape(label)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


CHARTS = ("items", "estates", "trend", "offices")


def report_charts(report: Mapping[str, Any],
                  titles: Mapping[str, str] | None = None) -> dict[str, Markup]:
    """A survey report's four charts (R-SV-7) from `report_of`'s values: item rates,
    estates, the trend and the offices compared, each against the qualified threshold.
    The page passes translated titles drawn into the SVG; the printed report prints its
    bilingual headings itself and passes none. Same markup on the page and in the PDF."""
    titles = titles or {}
    target = report["threshold"]
    return {
        "items": bar_chart(report["items"], target=target, title=titles.get("items", ""),
                           chart_id="chart-items"),
        "estates": bar_chart(report["estates"], target=target,
                             title=titles.get("estates", ""), chart_id="chart-estates"),
        "trend": line_chart(report["trend"], target=target, title=titles.get("trend", ""),
                            chart_id="chart-trend"),
        "offices": bar_chart(report["offices"], target=target,
                             title=titles.get("offices", ""), chart_id="chart-offices"),
    }
