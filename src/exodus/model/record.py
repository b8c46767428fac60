"""What a run records: the columns of `timeseries.csv` and `events.csv`, in order."""

from __future__ import annotations

TIMESERIES_COLUMNS: tuple[str, ...] = (
    "date",
    "day",
    "town",
    "country",
    "migrants_present",
    "migrants_relocant",
    "migrants_mobilised",
    "arrivals_from_abroad",
    "departures_abroad",
    "hosted_free",
    "in_short_stay",
    "in_shelter",
    "unhoused_migrants",
    "rent_index",
    "mean_asking_rent",
    "vacancy_rate",
    "rental_stock",
    "short_stay_price_index",
    "local_renters",
    "displaced_locals",
    "displaced_total",
    "unemployment_rate",
    "food_price_index",
    "alcohol_price_index",
    "attitude_mean",
    "hostile_share",
    "welcoming_share",
    "hosting_share",
    "pickets",
    "aid_initiatives",
    "tension_index",
)
"""One row per town per day. Counts are people (agents times the agent weight), never agents;
`rent_index` is 1.0 on the first day in each town; shares and indices are unitless."""

COUNT_COLUMNS: frozenset[str] = frozenset(
    {
        "migrants_present",
        "migrants_relocant",
        "migrants_mobilised",
        "arrivals_from_abroad",
        "departures_abroad",
        "hosted_free",
        "in_short_stay",
        "in_shelter",
        "unhoused_migrants",
        "rental_stock",
        "local_renters",
        "displaced_locals",
        "displaced_total",
        "pickets",
        "aid_initiatives",
    }
)
"""Columns counting people (or events): these, and only these, add up over the towns of a country."""

EVENTS_COLUMNS: tuple[str, ...] = ("date", "day", "town", "kind", "detail")
"""Notable moments: a policy starts or ends, pickets begin or stop, beds run full, rent peaks."""
