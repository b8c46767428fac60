"""Parameters of food and alcohol prices (`exodus.model.prices`)."""

from __future__ import annotations

from exodus.scenario.base import (
    Strict,
    param,
)


class Prices(Strict):
    """Food and alcohol price indices: baseline inflation plus the demand shock."""

    food_trend_per_year: float = param(
        0.231,
        ge=-0.5,
        le=2.0,
        unit="per year",
        evidence="F22 (food +23.1% a year)",
        description="Food inflation without the arrivals.",
    )
    alcohol_trend_per_year: float = param(
        0.118,
        ge=-0.5,
        le=2.0,
        unit="per year",
        evidence="assumed: Kazakhstan's alcohol inflation taken from Kyrgyzstan's (F23: alcohol and "
        "tobacco +11.8%, year to date in 2022, KG); no row gives Kazakh alcohol prices, and "
        "a year-to-date rise understates an annual trend",
        description="Alcohol inflation without the arrivals.",
    )
    food_elasticity: float = param(
        0.4,
        ge=0.0,
        le=5.0,
        unit="index per unit demand shock",
        evidence="assumed: as many arrivals as residents would raise food prices by 40% (food is "
        "traded between towns, so its price moves less than local demand); article: "
        "'increased the price of rent and food'",
        description="Rise of the food index per unit of extra demand (migrants / residents).",
    )
    alcohol_elasticity: float = param(
        1.5,
        ge=0.0,
        le=10.0,
        unit="index per unit demand shock",
        evidence="assumed: alcohol rises more than food per unit of demand (the young men of the "
        "second wave); no row gives its level (F23 is a trend); article: 'and especially "
        "alcohol'",
        description="Rise of the alcohol index per unit of extra demand.",
    )
    adjustment_days: float = param(
        10.0,
        ge=1.0,
        le=365.0,
        unit="days",
        evidence="assumed: shops reprice within weeks",
        description="Time constant with which prices follow demand.",
    )
    food_share: float = param(
        0.7,
        ge=0.0,
        le=1.0,
        unit="weight",
        evidence="assumed: a household's food bill is several times its alcohol bill",
        description="Weight of the food price index in the price threat households feel.",
    )
    alcohol_share: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="weight",
        evidence="assumed: alcohol is a small part of spending but a visible one; article: "
        "'and especially alcohol'",
        description="Weight of the alcohol price index in the price threat households feel.",
    )
