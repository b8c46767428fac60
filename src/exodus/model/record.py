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
    "departures_onward",
    "departures_home",
    "turned_away",
    "border_runs",
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
    "closure_pressure",
    "arrival_deterrence",
    "wage_index",
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
        "departures_onward",
        "departures_home",
        "turned_away",
        "border_runs",
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
"""Notable moments: a policy starts or ends, pickets or aid begin or stop, calls to close the border
rise or die down, the government caps entries or lifts its cap, beds run full, rent peaks."""

COLUMN_LABELS: dict[str, str] = {
    "migrants_present": "migrants present (persons)",
    "migrants_relocant": "first-wave migrants present (persons)",
    "migrants_mobilised": "second-wave migrants present (persons)",
    "arrivals_from_abroad": "arrivals from abroad (persons/day)",
    "departures_abroad": "departures abroad (persons/day)",
    "departures_onward": "departures onward to a third or the other country (persons/day)",
    "departures_home": "departures home to Russia (persons/day)",
    "turned_away": "people turned away at the crossing (persons/day)",
    "border_runs": "people leaving on a border run (persons/day)",
    "hosted_free": "migrants hosted for free (persons)",
    "in_short_stay": "migrants in short-stay beds (persons)",
    "in_shelter": "migrants in shelters (persons)",
    "unhoused_migrants": "migrants without a bed (persons)",
    "rent_index": "rent index (1.0 = first day)",
    "mean_asking_rent": "mean asking rent (local currency/month)",
    "vacancy_rate": "rental vacancy rate (share of units)",
    "rental_stock": "rental units on the market (units)",
    "short_stay_price_index": "short-stay nightly price index (1.0 = first day)",
    "local_renters": "people in local renter households (persons)",
    "displaced_locals": "displaced local renters now, doubled up (persons)",
    "displaced_total": "local renters displaced so far, cumulative (persons)",
    "unemployment_rate": "unemployment rate (share of labour force)",
    "food_price_index": "food price index (1.0 = first day)",
    "alcohol_price_index": "alcohol price index (1.0 = first day)",
    "attitude_mean": "mean host attitude (-1 hostile to +1 welcoming)",
    "hostile_share": "hostile households (share)",
    "welcoming_share": "welcoming households (share)",
    "hosting_share": "households hosting migrants (share)",
    "pickets": "pickets (count/day)",
    "aid_initiatives": "aid initiatives (count/day)",
    "tension_index": "tension index (0 to 1)",
    "closure_pressure": "national pressure to close the border (share of households ready)",
    "arrival_deterrence": "pull left to the town after pickets (1 = none deterred)",
    "wage_index": "wage offer index (1.0 = first day)",
}
"""Each measured column in words with its unit, for axis labels."""
