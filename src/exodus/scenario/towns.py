"""The scenario's towns and the routes between them: the state each town starts from."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    Field,
)

from exodus.scenario.base import (
    Strict,
    param,
)


class Town(Strict):
    """One host town: its people, housing stock, labour market and prices at the scenario's start."""

    enabled: bool = Field(True, description="False leaves the town out of the run.")
    country: Literal["KZ", "KG"] = Field(description="Country code: KZ Kazakhstan, KG Kyrgyzstan.")
    border: bool = param(
        False,
        unit="flag",
        evidence="assumed: Uralsk and Petropavlovsk sit at land crossings from Russia (public maps); "
        "article: 'crossed the borders of Kazakhstan ... Uralsk and Petropavlovsk'",
        description="True for a town at a land crossing from Russia (a border town).",
    )
    lat: float = param(
        0.0,
        ge=-90,
        le=90,
        unit="degrees",
        evidence="assumed: public map coordinates of the town centre (map only)",
        description="Latitude, for the map.",
    )
    lon: float = param(
        0.0,
        ge=-180,
        le=180,
        unit="degrees",
        evidence="assumed: public map coordinates of the town centre (map only)",
        description="Longitude, for the map.",
    )
    population: int = param(
        100_000,
        ge=1_000,
        le=10_000_000,
        unit="persons",
        evidence="F27",
        description="Resident population.",
    )
    household_size: float = param(
        3.0,
        ge=1.0,
        le=8.0,
        unit="persons/household",
        evidence="F29 (3 persons in Kazakh towns); Bishkek's is assumed the same (F29 is Kazakh "
        "only)",
        description="Mean persons per local household.",
    )
    renter_share: float = param(
        0.132,
        ge=0.0,
        le=0.9,
        unit="share of households",
        evidence="F29 (100% - 86.8% owners)",
        description="Share of local households that rent their home.",
    )
    rental_vacancy_rate: float = param(
        0.03,
        ge=0.0,
        le=0.5,
        unit="share of rental units",
        evidence="assumed: a tight pre-shock market (F21: rents +12.4% in August alone)",
        description="Share of the rental stock vacant and listed on the first day.",
    )
    short_stay_beds_per_1000: float = param(
        4.0,
        ge=0.0,
        le=100.0,
        unit="beds per 1000 residents",
        evidence="assumed: hotels, hostels and daily flats; F20 and F11 report them full within days",
        description="Short-stay beds (hotels, hostels, daily flats).",
    )
    shelter_beds: int = param(
        0,
        ge=0,
        le=100_000,
        unit="beds",
        evidence="F11 (Uralsk: ~200 in a cinema, a 100-bed camp)",
        description="Emergency shelter beds open from the first day.",
    )
    rent_1room: float = param(
        100_000.0,
        gt=0,
        le=10_000_000,
        unit="local currency/month",
        evidence="F15, F18, F19, F20",
        description="Average asking rent of a one-room flat on the first day.",
    )
    per_capita_income: float = param(
        130_616.0,
        gt=0,
        le=10_000_000,
        unit="local currency/month",
        evidence="F25 (per-capita money income of the Kazakh regions and cities); F25 is Kazakh "
        "only, so Bishkek's value is assumed (its note in the scenario file gives the "
        "reasoning)",
        description="Per-capita money income; a household's income is this times its size.",
    )
    unemployment_rate: float = param(
        0.049,
        ge=0.0,
        le=0.5,
        unit="share of labour force",
        evidence="F26 (unemployment of the Kazakh regions and cities); F26 is Kazakh only, so "
        "Bishkek's value is assumed (as Kazakhstan's; its note in the scenario file)",
        description="Unemployment among local households' earners on the first day.",
    )
    russian_speaking_share: float = param(
        0.155,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="F28 (ethnic Russian share of Kazakh towns and regions); F28 is Kazakh only, so "
        "Bishkek's value is assumed (its note in the scenario file)",
        description="Share of households of Russian language and culture.",
    )
    background_stress: float = param(
        0.0,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="assumed: none unless a scenario gives a town stress of its own (Bishkek 0.3 in the "
        "baseline, a level no row measures); article: 'we also have our problems, they "
        "attack us from Tajikistan' (Bishkek)",
        description="Town-level stress unrelated to the arrivals; adds to tension and hostility.",
    )
    initial_relocants: int = param(
        0,
        ge=0,
        le=2_000_000,
        unit="persons",
        evidence="F13 (130,000 Russian citizens resident in KZ by April), F14 for KG; the split "
        "between towns is assumed (the first wave went to the big cities)",
        description="First-wave relocants already present on the first day.",
    )
    crossing_share: float = param(
        0.0,
        ge=0.0,
        le=1.0,
        unit="share of the country's entries",
        evidence="F08 (Uralsk's region: 50,928 of about 150,000 KZ entries over 20-30 Sep: 0.33); "
        "the other towns' shares are assumed (their notes in the scenario file)",
        description="Share of the country's entries from Russia that arrive in this town.",
    )
    crossing_schedule: list[tuple[dt.date, Annotated[float, Field(ge=0.0, le=1.0)]]] = param(
        [],
        unit="share of the country's entries (knots, linear between)",
        evidence="F08 for Uralsk's peak day (12,928 of 22,500 on 29 Sep); elsewhere assumed",
        description="Dated knots of this town's share of its country's second-wave entries, "
        "held flat before the first and after the last; a scheduled town takes its share, the "
        "towns without a schedule split the rest by crossing_share (empty: crossing_share).",
    )


class Route(Strict):
    """A link between two places with its travel time; migrants move along routes."""

    a: str = Field(description="One end: a town name, 'Russia' or 'Onward'.")
    b: str = Field(description="The other end.")
    days: int = param(
        1,
        ge=1,
        le=30,
        unit="days",
        evidence="assumed: road and air travel times from public maps and timetables",
        description="Travel days along the route.",
    )
