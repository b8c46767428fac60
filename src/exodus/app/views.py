"""What the page shows of a run so far, computed from the recorder's rows: curves per town, the map's
marks, the headline numbers and the CSV download. Plain functions of a `ClassroomModel`, so the
components stay thin and these are tested without a browser."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from exodus.app.classroom import ClassroomModel
from exodus.app.drawing import TownMark, line_chart, town_map
from exodus.model.record import TIMESERIES_COLUMNS
from exodus.outputs import format_value


def series(model: ClassroomModel, column: str) -> dict[str, list[float]]:
    """One column per town, day by day from the first."""
    out: dict[str, list[float]] = {town: [] for town in model.towns}
    for row in model.timeseries:
        out[row["town"]].append(float(row[column]))
    return out


def rent_svg(model: ClassroomModel) -> str:
    return line_chart(
        series(model, "rent_index"),
        start=model.settings.start,
        n_days=model.n_days,
        title="Rent index (1 = the first day's rent)",
        floor=(0.9, 1.5),
        css_class="rent-chart",
    )


def tension_svg(model: ClassroomModel) -> str:
    return line_chart(
        series(model, "tension_index"),
        start=model.settings.start,
        n_days=model.n_days,
        title="Tension index (0 calm, 1 most tense)",
        floor=(0.0, 1.0),
        css_class="tension-chart",
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
    """The numbers above the curves."""

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


def headline(model: ClassroomModel) -> Headline:
    latest = latest_rows(model)
    peak = max(model.timeseries, key=lambda row: row["rent_index"], default=None)
    tense = max(latest, key=lambda row: row["tension_index"], default=None)
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
