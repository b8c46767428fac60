"""Prices: food and alcohol indices follow baseline inflation plus the arrivals' demand shock.

The demand shock is migrants present per resident. Each index relaxes towards
trend x (1 + elasticity x shock) with a time constant of `adjustment_days`; alcohol's elasticity is the
larger, as the article says ("and especially alcohol"), although no source gives its level (F23).
What households perceive is the excess over what they expected: the trend with the first day's
demand (the spring's relocants were already there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel


class Prices:
    """Food and alcohol price indices per town (1.0 on the first day)."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.params = model.settings.prices
        self.first_shock: np.ndarray | None = None

    def demand_shock(self) -> np.ndarray:
        """Migrants present per resident, per town (both in people)."""
        model = self.model
        return model.flows.people_in_town * model.agent_weight / model.towns.population

    def step(self) -> None:
        towns, p = self.model.towns, self.params
        years = (self.model.day + 1) / 365.0
        shock = self.demand_shock()
        if self.first_shock is None:
            self.first_shock = shock.copy()
        relax = 1.0 / p.adjustment_days
        for index, trend, elasticity in (
            (towns.food_index, p.food_trend_per_year, p.food_elasticity),
            (towns.alcohol_index, p.alcohol_trend_per_year, p.alcohol_elasticity),
        ):
            target = (1.0 + trend) ** years * (1.0 + elasticity * shock)
            index += relax * (target - index)

    def excess(self) -> np.ndarray:
        """How far prices stand above what households expected (a share), food and alcohol mixed:
        the no-arrival trend with the first day's demand."""
        towns, p = self.model.towns, self.params
        years = (self.model.day + 1) / 365.0
        first = self.first_shock if self.first_shock is not None else 0.0
        food_expected = (1.0 + p.food_trend_per_year) ** years * (1.0 + p.food_elasticity * first)
        alcohol_expected = (1.0 + p.alcohol_trend_per_year) ** years * (
            1.0 + p.alcohol_elasticity * first
        )
        food = towns.food_index / food_expected - 1.0
        alcohol = towns.alcohol_index / alcohol_expected - 1.0
        return np.maximum(p.food_share * food + p.alcohol_share * alcohol, 0.0)
