"""The page's pictures as SVG text: curves per town and a map of the towns.

Drawn here rather than with a plotting library because a redraw must cost a millisecond, not the
tens a raster figure takes, and the page must work offline (no chart scripts from a CDN). The SVG is
plain markup, so a test (or a browser) can read every curve's points.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f")
"""One colour per town, in the scenario's town order (Tableau 10)."""

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 132, 28, 34


def town_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = max(span, 1e-12) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


@dataclass(frozen=True)
class Axis:
    low: float
    high: float

    def ticks(self) -> list[float]:
        step = nice_step(self.high - self.low)
        first = math.ceil(self.low / step - 1e-9) * step
        count = math.floor((self.high - first) / step + 1e-9) + 1
        return [round(first + i * step, 10) for i in range(count)]


def value_axis(values: Sequence[float], floor: tuple[float, float]) -> Axis:
    """A y-axis covering `floor` and every value, widened to round ticks."""
    low = min([floor[0], *values])
    high = max([floor[1], *values])
    step = nice_step(high - low)
    return Axis(math.floor(low / step) * step, math.ceil(high / step) * step)


def line_chart(
    series: dict[str, list[float]],
    *,
    start: dt.date,
    n_days: int,
    title: str,
    floor: tuple[float, float],
    css_class: str,
) -> str:
    """Curves per town against the date, over the whole run's length so they grow left to right.

    `series` maps each town to its values from day 0 on; `floor` is the smallest y-range shown.
    """
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    axis = value_axis([v for values in series.values() for v in values], floor)
    span = axis.high - axis.low or 1.0

    def x(day: float) -> float:
        return LEFT + plot_w * day / max(n_days - 1, 1)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - axis.low) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in axis.ticks():
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end">'
            f"{tick:g}</text>"
        )
    for day in range(n_days):
        date = start + dt.timedelta(days=day)
        if date.day == 1 or day == 0:
            parts.append(
                f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                'stroke="#eee"/>'
                f'<text x="{x(day):.1f}" y="{TOP + plot_h + 16}" font-size="11" '
                f'text-anchor="middle">{date.strftime("%d %b")}</text>'
            )
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>'
    )
    for i, (town, values) in enumerate(series.items()):
        colour = town_colour(i)
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in enumerate(values))
        if points:
            parts.append(
                f'<polyline class="curve" data-town="{escape(town)}" points="{points}" '
                f'fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        legend_y = TOP + 8 + 18 * i
        last = f" {values[-1]:.2f}" if values else ""
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 8}" x2="{WIDTH - RIGHT + 24}" y1="{legend_y}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{WIDTH - RIGHT + 28}" y="{legend_y + 4}" font-size="11">'
            f"{escape(town)}{last}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def tension_colour(tension: float) -> str:
    """Green (calm, 0) through yellow to red (tense, 1)."""
    t = min(max(tension, 0.0), 1.0)
    if t < 0.5:
        red, green = int(80 + 350 * t), 170
    else:
        red, green = 255, int(170 - 300 * (t - 0.5))
    return f"#{min(red, 255):02x}{max(green, 0):02x}40"


@dataclass(frozen=True)
class TownMark:
    name: str
    lat: float
    lon: float
    migrants: float
    tension: float


def town_map(
    towns: Sequence[TownMark], routes: Sequence[tuple[str, str]], *, max_migrants: float
) -> str:
    """Towns at their coordinates, sized by migrants present and coloured by tension; routes as
    grey lines. `max_migrants` fixes the size scale so circles grow as the run goes on."""
    width, height, pad = 560, 330, 60
    if not towns:
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"></svg>'
    lats = [t.lat for t in towns]
    lons = [t.lon for t in towns]
    mid_lat = math.radians(sum(lats) / len(lats))
    lon_span = max(max(lons) - min(lons), 1.0) * math.cos(mid_lat)
    lat_span = max(max(lats) - min(lats), 1.0)
    scale = min((width - 2 * pad) / lon_span, (height - 2 * pad - 20) / lat_span)

    def xy(mark: TownMark) -> tuple[float, float]:
        return (
            pad + (mark.lon - min(lons)) * math.cos(mid_lat) * scale,
            height - pad - (mark.lat - min(lats)) * scale,
        )

    where = {t.name: xy(t) for t in towns}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="town-map" viewBox="0 0 {width} {height}" '
        'width="100%" role="img" aria-label="Map of the towns">',
        '<text x="8" y="16" font-size="14" font-weight="bold">Towns: circle = migrants present, '
        "colour = tension</text>",
    ]
    for a, b in routes:
        if a in where and b in where:
            (x1, y1), (x2, y2) = where[a], where[b]
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#bbb" '
                'stroke-dasharray="4 3"/>'
            )
    for mark in towns:
        cx, cy = where[mark.name]
        radius = 4 + 36 * math.sqrt(max(mark.migrants, 0.0) / max(max_migrants, 1.0))
        # the label goes on the side away from the nearest other town, so neighbours stay legible
        others = [where[t.name] for t in towns if t.name != mark.name]
        nearest = min(others, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2, default=None)
        crowded = nearest is not None and 0 < nearest[0] - cx < 90 and abs(nearest[1] - cy) < 30
        left = crowded and cx - radius > 90
        anchor, lx = ("end", cx - radius - 4) if left else ("start", cx + radius + 4)
        parts.append(
            f'<circle class="town" data-town="{escape(mark.name)}" data-migrants="{mark.migrants:.0f}" '
            f'data-tension="{mark.tension:.3f}" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" '
            f'fill="{tension_colour(mark.tension)}" fill-opacity="0.8" stroke="#333"/>'
            f'<text x="{lx:.1f}" y="{cy - 1:.1f}" font-size="12" text-anchor="{anchor}">'
            f"{escape(mark.name)}</text>"
            f'<text x="{lx:.1f}" y="{cy + 11:.1f}" font-size="10" text-anchor="{anchor}" '
            f'fill="#444">{mark.migrants:,.0f} · {mark.tension:.2f}</text>'
        )
    for i, level in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        parts.append(
            f'<rect x="{width - 150 + 28 * i}" y="{height - 22}" width="28" height="10" '
            f'fill="{tension_colour(level)}"/>'
        )
    parts.append(
        f'<text x="{width - 154}" y="{height - 13}" font-size="10" text-anchor="end">tension 0</text>'
        f'<text x="{width - 6}" y="{height - 26}" font-size="10" text-anchor="end">1</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
