"""What the page shows of a run so far, computed from the recorder's rows: curves per town, the map's
marks, the headline numbers and the CSV download. Plain functions of a `ClassroomModel`, so the
components stay thin and these are tested without a browser."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from exodus.app.classroom import ClassroomModel
from exodus.app.drawing import Marker, TownMark, line_chart, town_map
from exodus.app.knobs import KNOBS
from exodus.model.record import TIMESERIES_COLUMNS
from exodus.outputs import format_value


def series(model: ClassroomModel, column: str) -> dict[str, list[float]]:
    """One column per town, day by day from the first."""
    out: dict[str, list[float]] = {town: [] for town in model.towns}
    for row in model.timeseries:
        out[row["town"]].append(float(row[column]))
    return out


RENT_AXIS = (0.8, 4.5)
"""The rent chart's y-range, the same for every scenario and while a run plays (it holds every
shipped scenario's peak at the classroom scale, seeds 1-3 and 20220921: at most 4.03), so two runs
compare at a glance; a run that goes beyond it widens the axis."""
TENSION_AXIS = (0.0, 1.0)


@dataclass(frozen=True)
class Snapshot:
    """A finished or stopped run kept for comparison: its label and its curves."""

    label: str
    start: dt.date
    rent: dict[str, list[float]]
    tension: dict[str, list[float]]


def run_label(model: ClassroomModel) -> str:
    """What distinguishes a run on the page: scenario, seed, the policies on, each slider set
    away from the scenario's own value, the days run."""
    policies = sorted({p.kind.replace("_", " ") for p in model.settings.policies})
    parts = [model.settings.name, f"seed {model.run_seed}"]
    parts.append(", ".join(policies) if policies else "no policy")
    for knob in KNOBS:
        value = model.in_force[knob.name]
        if abs(value - model.scenario_values[knob.name]) >= knob.step / 2 - 1e-12:
            parts.append(f"{knob.label} {knob.show(value)}")
    parts.append(f"day {model.day}")
    return ", ".join(parts)


def snapshot(model: ClassroomModel) -> Snapshot | None:
    """The run's curves to keep as faded ones, or None before its first day."""
    if not model.day:
        return None
    return Snapshot(
        run_label(model),
        model.settings.start,
        series(model, "rent_index"),
        series(model, "tension_index"),
    )


def markers(model: ClassroomModel) -> list[Marker]:
    """The mobilisation order and each policy's start, as vertical lines on the curves."""
    order = model.settings.flows.mobilisation_date
    out = [Marker(order, f"{order.strftime('%d %b')} mobilisation", "event")]
    starts: dict[object, list[str]] = {}
    for policy in model.settings.policies:
        starts.setdefault(policy.start, []).append(policy.kind.replace("_", " "))
    for date, kinds in sorted(starts.items()):
        out.append(Marker(date, f"{date.strftime('%d %b')} {' + '.join(kinds)}", "policy"))
    return out


def rent_svg(model: ClassroomModel, compare: Snapshot | None = None) -> str:
    return line_chart(
        series(model, "rent_index"),
        start=model.settings.start,
        n_days=model.n_days,
        title="Rent index (1 = the first day's rent)",
        floor=RENT_AXIS,
        css_class="rent-chart",
        ghosts=compare.rent if compare else None,
        ghost_offset=(compare.start - model.settings.start).days if compare else 0,
        markers=markers(model),
    )


def tension_svg(model: ClassroomModel, compare: Snapshot | None = None) -> str:
    return line_chart(
        series(model, "tension_index"),
        start=model.settings.start,
        n_days=model.n_days,
        title="Tension index (0 calm, 1 most tense)",
        floor=TENSION_AXIS,
        css_class="tension-chart",
        ghosts=compare.tension if compare else None,
        ghost_offset=(compare.start - model.settings.start).days if compare else 0,
        markers=markers(model),
    )


def latest_rows(model: ClassroomModel) -> list[dict]:
    """The last recorded day's row of each town (empty before the first step)."""
    n = len(model.towns)
    return model.timeseries[-n:] if len(model.timeseries) >= n else []


def map_svg(model: ClassroomModel) -> str:
    """The map: towns sized on a fixed scale (the biggest town's population / 10) so that the
    circles grow as migrants arrive, instead of being rescaled every day."""
    latest = {row["town"]: row for row in latest_rows(model)}
    specs = model.exodus.town_specs
    marks = [
        TownMark(
            name=name,
            lat=spec.lat,
            lon=spec.lon,
            migrants=float(latest[name]["migrants_present"]) if name in latest else 0.0,
            tension=float(latest[name]["tension_index"]) if name in latest else 0.0,
        )
        for name, spec in specs.items()
    ]
    largest = max((spec.population for spec in specs.values()), default=1) / 10
    seen = max((m.migrants for m in marks), default=0.0)
    routes = [(r.a, r.b) for r in model.settings.routes]
    return town_map(marks, routes, max_migrants=max(largest, seen))


@dataclass(frozen=True)
class Headline:
    """The numbers beside the curves: the ones the lesson asks students to read."""

    day: int
    n_days: int
    date: str
    migrants_present: float
    peak_rent: float
    peak_rent_town: str
    peak_rent_date: str
    highest_tension: float
    highest_tension_town: str
    hosted_free: float
    unhoused: float
    displaced_now: float
    """Local residents living doubled up today, all towns."""
    displaced_total: float
    """Local residents who have lost their rented home at some point in the run, all towns."""
    hostile_share: float
    """Share of local households hostile to the newcomers, all towns weighted by population."""
    welcoming_share: float
    mean_tension: float
    """Tension index averaged over the towns (each town counts once)."""
    unemployment: float
    """Unemployment rate, all towns weighted by population."""
    finished: bool


def _weighted(rows: list[dict], column: str, weights: dict[str, float]) -> float:
    total = sum(weights[row["town"]] for row in rows)
    if not total:
        return 0.0
    return sum(float(row[column]) * weights[row["town"]] for row in rows) / total


def headline(model: ClassroomModel) -> Headline:
    latest = latest_rows(model)
    peak = max(model.timeseries, key=lambda row: row["rent_index"], default=None)
    tense = max(latest, key=lambda row: row["tension_index"], default=None)
    population = {name: float(spec.population) for name, spec in model.exodus.town_specs.items()}
    return Headline(
        day=model.day,
        n_days=model.n_days,
        date=model.date.isoformat() if model.day else "not started",
        migrants_present=sum(float(row["migrants_present"]) for row in latest),
        peak_rent=float(peak["rent_index"]) if peak else 1.0,
        peak_rent_town=str(peak["town"]) if peak else "",
        peak_rent_date=str(peak["date"]) if peak else "",
        highest_tension=float(tense["tension_index"]) if tense else 0.0,
        highest_tension_town=str(tense["town"]) if tense else "",
        hosted_free=sum(float(row["hosted_free"]) for row in latest),
        unhoused=sum(float(row["unhoused_migrants"]) for row in latest),
        displaced_now=sum(float(row["displaced_locals"]) for row in latest),
        displaced_total=sum(float(row["displaced_total"]) for row in latest),
        hostile_share=_weighted(latest, "hostile_share", population),
        welcoming_share=_weighted(latest, "welcoming_share", population),
        mean_tension=(
            sum(float(row["tension_index"]) for row in latest) / len(latest) if latest else 0.0
        ),
        unemployment=_weighted(latest, "unemployment_rate", population),
        finished=model.day >= model.n_days,
    )


def csv_text(model: ClassroomModel) -> str:
    """The run so far in the format of `timeseries.csv` (same columns, same number formatting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TIMESERIES_COLUMNS)
    for row in model.timeseries:
        writer.writerow([format_value(row[column]) for column in TIMESERIES_COLUMNS])
    return buffer.getvalue()


def csv_name(model: ClassroomModel) -> str:
    return f"{model.settings.name}_seed{model.run_seed}_day{model.day}.csv"
