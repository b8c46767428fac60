"""The page's pictures as SVG text: curves per town and a map of the towns.

Drawn here rather than with a plotting library because a redraw must cost a millisecond, not the
tens a raster figure takes, and the page must work offline (no chart scripts from a CDN). The SVG is
plain markup, so a test (or a browser) can read every curve's points.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#000000", "#56b4e9", "#8c564b", "#e69f00")
"""One colour per town, in the scenario's town order: Okabe and Ito's colour-blind-safe set without
its yellow (unreadable on a white projector screen), black in its place."""
DASHES = ("", "9 4", "3 3", "12 4 3 4", "", "6 3 2 3 2 3", "2 5", "14 6")
"""One line pattern per town, so that the curves stay apart on a greyscale print or a washed-out
projector, where colours alone do not."""

FONT = 18
"""Text size of the charts and the map in SVG units; the page never draws an SVG narrower than its
width in pixels, so this is the smallest size on screen (at least 16 px, readable from the back of
a classroom)."""
SMALL = 16
WIDTH, HEIGHT = 600, 420
LEFT, RIGHT, TOP, PLOT_HEIGHT = 58, 14, 34, 250
LEGEND_COLUMNS, LEGEND_WIDTH, LEGEND_ROW = 3, 196, FONT + 8
GHOST_OPACITY = 0.35


def town_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def town_dash(index: int) -> str:
    dash = DASHES[index % len(DASHES)]
    return f' stroke-dasharray="{dash}"' if dash else ""


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
    """A y-axis covering `floor` and every value, widened to round ticks. With a `floor` that holds
    every value a run reaches, the axis stays put while the run plays."""
    low = min([floor[0], *values])
    high = max([floor[1], *values])
    if low >= floor[0] and high <= floor[1]:
        return Axis(*floor)
    step = nice_step(high - low)
    return Axis(math.floor(low / step) * step, math.ceil(high / step) * step)


@dataclass(frozen=True)
class Marker:
    """A dated vertical line on the curves (the mobilisation order, a policy's start)."""

    date: dt.date
    label: str
    kind: str = "event"
    """"event" (the mobilisation) or "policy": drawn in different line styles."""


def line_chart(
    series: dict[str, list[float]],
    *,
    start: dt.date,
    n_days: int,
    title: str,
    floor: tuple[float, float],
    css_class: str,
    ghosts: dict[str, list[float]] | None = None,
    ghost_offset: int = 0,
    markers: Sequence[Marker] = (),
) -> str:
    """Curves per town against the date, over the whole run's length so they grow left to right.

    `series` maps each town to its values from day 0 on; `floor` is the y-range shown unless a value
    falls outside it; `ghosts` are an earlier run's curves, drawn faded behind, whose day 0 is this
    run's day `ghost_offset` (the part outside this run's dates is not drawn); `markers` are dated
    vertical lines with their labels.
    """
    ghosts = {
        town: {d + ghost_offset: v for d, v in enumerate(vs) if 0 <= d + ghost_offset < n_days}
        for town, vs in (ghosts or {}).items()
    }
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    values = [v for vs in series.values() for v in vs]
    values += [v for vs in ghosts.values() for v in vs.values()]
    axis = value_axis(values, floor)
    span = axis.high - axis.low or 1.0

    def x(day: float) -> float:
        return LEFT + plot_w * day / max(n_days - 1, 1)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - axis.low) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="sans-serif">',
        f'<text x="{LEFT}" y="{FONT + 2}" font-size="{FONT + 2}" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for tick in axis.ticks():
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 6:.1f}" font-size="{FONT}" text-anchor="end">'
            f"{tick:g}</text>"
        )
    for day in range(n_days):
        date = start + dt.timedelta(days=day)
        if date.day == 1 or day == 0:
            anchor = "start" if day == 0 else "middle"
            parts.append(
                f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                'stroke="#eee"/>'
                f'<text x="{x(day):.1f}" y="{TOP + plot_h + FONT + 4}" font-size="{FONT}" '
                f'text-anchor="{anchor}">{date.strftime("%d %b")}</text>'
            )
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>'
    )
    for row, marker in enumerate(sorted(markers, key=lambda m: m.date)):
        day = (marker.date - start).days
        if not 0 <= day < n_days:
            continue
        dash = "6 4" if marker.kind == "event" else "2 3"
        label_y = TOP + SMALL + 4 + (SMALL + 6) * row
        parts.append(
            f'<g class="marker" data-date="{marker.date.isoformat()}">'
            f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
            f'stroke="#333" stroke-width="1.5" stroke-dasharray="{dash}"/>'
            f'<text x="{x(day) + 4:.1f}" y="{label_y}" font-size="{SMALL}" fill="#222" '
            f'stroke="white" stroke-width="4" paint-order="stroke">{escape(marker.label)}</text></g>'
        )
    towns = list(dict.fromkeys([*series, *ghosts]))
    for i, town in enumerate(towns):
        colour = town_colour(i)
        faded = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in ghosts.get(town, {}).items())
        if faded:
            parts.append(
                f'<polyline class="ghost" data-town="{escape(town)}" points="{faded}" '
                f'fill="none" stroke="{colour}" stroke-width="3" '
                f'stroke-opacity="{GHOST_OPACITY}"{town_dash(i)}/>'
            )
    for i, town in enumerate(towns):
        colour = town_colour(i)
        values_ = series.get(town, [])
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in enumerate(values_))
        if points:
            parts.append(
                f'<polyline class="curve" data-town="{escape(town)}" points="{points}" '
                f'fill="none" stroke="{colour}" stroke-width="3"{town_dash(i)}/>'
            )
        row, column = divmod(i, LEGEND_COLUMNS)
        lx = 8 + LEGEND_WIDTH * column
        ly = TOP + plot_h + FONT + 4 + 12 + LEGEND_ROW * (row + 1)
        last = f" {values_[-1]:.2f}" if values_ else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{ly - 6}" y2="{ly - 6}" stroke="{colour}" '
            f'stroke-width="4"{town_dash(i)}/>'
            f'<text class="legend" x="{lx + 26}" y="{ly}" font-size="{SMALL}">'
            f"{escape(town)}{last}</text>"
        )
    if ghosts:
        rows = -(-len(towns) // LEGEND_COLUMNS)
        ly = TOP + plot_h + FONT + 4 + 12 + LEGEND_ROW * (rows + 1)
        parts.append(
            f'<line x1="8" x2="36" y1="{ly - 6}" y2="{ly - 6}" stroke="#000" '
            f'stroke-opacity="{GHOST_OPACITY}" stroke-width="4"/>'
            f'<text x="40" y="{ly}" font-size="{SMALL}">faded: the compared run</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


TENSION_STOPS = ((0.0, (0xD0, 0xD8, 0xE8)), (0.5, (0xF0, 0x8A, 0x3C)), (1.0, (0x7A, 0x00, 0x10)))
"""Pale grey-blue (calm, 0) through orange to dark red (tense, 1): darker as tension rises, so the
scale reads on a greyscale print too, and never yellow on white."""


def tension_colour(tension: float) -> str:
    t = min(max(tension, 0.0), 1.0)
    for (t0, c0), (t1, c1) in itertools.pairwise(TENSION_STOPS):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            red, green, blue = (round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True))
            return f"#{red:02x}{green:02x}{blue:02x}"
    return "#7a0010"


@dataclass(frozen=True)
class TownMark:
    name: str
    lat: float
    lon: float
    migrants: float
    tension: float


MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 600, 420, 50
MAX_RADIUS = 38
"""The largest circle (a town holding `max_migrants`); towns are spread so that two such circles
never touch."""
GAP = 8


def spread(
    points: dict[str, tuple[float, float]], distance: float
) -> dict[str, tuple[float, float]]:
    """Positions moved apart, pair by pair, until no two are closer than `distance` (Almaty and
    Bishkek are 200 km apart: on a map of Kazakhstan their circles would overlap). Deterministic:
    the same towns always land in the same places."""
    where = {name: list(p) for name, p in points.items()}
    names = list(where)
    for _ in range(200):
        moved = False
        for a, b in itertools.combinations(names, 2):
            (ax, ay), (bx, by) = where[a], where[b]
            dx, dy = bx - ax, by - ay
            gap = math.hypot(dx, dy)
            if gap >= distance - 1e-6:
                continue
            if gap < 1e-9:
                dx, dy, gap = 1.0, 0.0, 1.0
            push = (distance - gap) / 2 + 1e-3
            ux, uy = dx / gap, dy / gap
            where[a] = [ax - ux * push, ay - uy * push]
            where[b] = [bx + ux * push, by + uy * push]
            moved = True
        if not moved:
            break
    return {name: (p[0], p[1]) for name, p in where.items()}


def map_positions(towns: Sequence[TownMark]) -> dict[str, tuple[float, float]]:
    """Each town's circle centre in the map's box: its coordinates, spread apart where circles would
    overlap, then fitted into the box."""
    lats = [t.lat for t in towns]
    mid_lat = math.radians(sum(lats) / len(lats))
    raw = {t.name: (t.lon * math.cos(mid_lat), -t.lat) for t in towns}
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    inner_w = MAP_WIDTH - 2 * MAP_PAD - 160  # room for the labels beside the circles
    inner_h = MAP_HEIGHT - 2 * MAP_PAD - 30
    scale = min(inner_w / max(max(xs) - min(xs), 1.0), inner_h / max(max(ys) - min(ys), 1.0))
    placed = {n: ((x - min(xs)) * scale, (y - min(ys)) * scale) for n, (x, y) in raw.items()}
    placed = spread(placed, 2 * MAX_RADIUS + GAP)
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    fit = min(1.0, inner_w / max(max(xs) - min(xs), 1.0), inner_h / max(max(ys) - min(ys), 1.0))
    if fit < 1.0:  # shrinking brings circles closer again: spread at the shrunk distance's inverse
        placed = spread(
            {n: ((x - min(xs)) * fit, (y - min(ys)) * fit) for n, (x, y) in placed.items()},
            2 * MAX_RADIUS + GAP,
        )
        xs = [p[0] for p in placed.values()]
        ys = [p[1] for p in placed.values()]
    return {n: (MAP_PAD + x - min(xs), MAP_PAD + 20 + y - min(ys)) for n, (x, y) in placed.items()}


def town_map(
    towns: Sequence[TownMark], routes: Sequence[tuple[str, str]], *, max_migrants: float
) -> str:
    """Towns near their coordinates (spread so circles never overlap), sized by migrants present
    and coloured by tension; routes as grey lines. `max_migrants` fixes the size scale so circles
    grow as the run goes on."""
    width, height = MAP_WIDTH, MAP_HEIGHT
    if not towns:
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"></svg>'
    where = map_positions(towns)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="town-map" viewBox="0 0 {width} {height}" '
        'width="100%" role="img" aria-label="Map of the towns" font-family="sans-serif">',
        f'<text x="8" y="{FONT + 2}" font-size="{FONT + 2}" font-weight="bold">Towns: circle = '
        "migrants present, colour = tension</text>",
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
        radius = 4 + (MAX_RADIUS - 4) * math.sqrt(
            min(max(mark.migrants, 0.0) / max(max_migrants, 1.0), 1.0)
        )
        # the label goes on the side away from the nearest other town, so neighbours stay legible
        others = [where[t.name] for t in towns if t.name != mark.name]
        crowded = any(0 < ox - cx < 190 and abs(oy - cy) < 50 for ox, oy in others)
        left = crowded and cx - MAX_RADIUS > 150
        anchor, lx = ("end", cx - MAX_RADIUS - 4) if left else ("start", cx + MAX_RADIUS + 4)
        parts.append(
            f'<circle class="town" data-town="{escape(mark.name)}" data-migrants="{mark.migrants:.0f}" '
            f'data-tension="{mark.tension:.3f}" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" '
            f'fill="{tension_colour(mark.tension)}" fill-opacity="0.9" stroke="#222"/>'
            f'<text x="{lx:.1f}" y="{cy - 2:.1f}" font-size="{FONT}" text-anchor="{anchor}">'
            f"{escape(mark.name)}</text>"
            f'<text x="{lx:.1f}" y="{cy + SMALL + 2:.1f}" font-size="{SMALL}" '
            f'text-anchor="{anchor}" fill="#333">{mark.migrants:,.0f} · {mark.tension:.2f}</text>'
        )
    for i, level in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        parts.append(
            f'<rect x="{width - 230 + 30 * i}" y="{height - 30}" width="30" height="14" '
            f'fill="{tension_colour(level)}" stroke="#888"/>'
        )
    parts.append(
        f'<text x="{width - 236}" y="{height - 17}" font-size="{SMALL}" text-anchor="end">'
        "calm 0</text>"
        f'<text x="{width - 74}" y="{height - 17}" font-size="{SMALL}">1 tense</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
