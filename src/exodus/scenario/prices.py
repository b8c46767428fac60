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
        evidence="F23 (alcohol and tobacco +11.8%)",
        description="Alcohol inflation without the arrivals.",
    )
    food_elasticity: float = param(
        0.4,
        ge=0.0,
        le=5.0,
        unit="index per unit demand shock",
        evidence="article: 'increased the price of rent and food'",
        description="Rise of the food index per unit of extra demand (migrants / residents).",
    )
    alcohol_elasticity: float = param(
        1.5,
        ge=0.0,
        le=10.0,
        unit="index per unit demand shock",
        evidence="article: 'and especially alcohol' (relative to food; no level source, see F23)",
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
