"""The daily choice of a party in a town: stay, move to another town, go onward abroad, go home.

Whether a party weighs its options at all depends on its state: just arrived (no lease, no host),
in a short stay, settled with a lease or a host, or without a bed. A party that weighs them picks
one in proportion to its attractiveness (FLEE's route rule). A town's attractiveness to a party is
what the party can see and afford: free beds against those seeking them, its budget against the
rent, open jobs if it needs work, the diaspora (Russian speakers and co-nationals already there),
pickets (`arrival_deterrence`), FLEE's capacity multiplier and the travel days. Onward (the third
countries) and home (Russia) weigh against staying, by each wave's pull, their travel days, and,
for home, the party's means and the state of the mobilisation. Transit is what this choice
produces in the first days, not a coin flipped at entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.state import HOSTED, LEASE, MOBILISED, NEEDS_WORK, NO_BED, RELOCANT, SHELTER

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel

ONWARD, HOME = -2, -3
"""Codes of the two outside options in a choice (town options are town indices)."""


def outside_days(model: ExodusModel, node: str) -> np.ndarray:
    """Travel days from each town to an outside node: a direct route, or the quickest route
    through other towns to one (inf where there is none)."""
    n = model.towns.n
    direct = np.full(n, np.inf)
    names = model.towns.names
    for route in model.settings.routes:
        for here, there in ((route.a, route.b), (route.b, route.a)):
            if there == node and here in names:
                i = names.index(here)
                direct[i] = min(direct[i], route.days)
    return np.min(model.travel_days + direct[None, :], axis=1) if n else direct


def odds(share: float | np.ndarray) -> float | np.ndarray:
    """A share (or an array of them) as odds against the alternative (0.6 -> 1.5)."""
    return share / np.maximum(1.0 - share, 1e-9)


class Choice:
    """Draws who weighs their options today and what each chooses."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        days = model.travel_days.copy()
        np.fill_diagonal(days, 0.0)
        self.travel = days
        self.onward_days = outside_days(model, "Onward")
        self.home_days = outside_days(model, "Russia")
        # the first wave's constant per town (1 until `anchor` finds it on day 1)
        self.town_constant = np.ones(model.towns.n)
        self.anchored = not model.settings.flows.anchor_to_initial_stock

    def move_probability(self, rows: np.ndarray) -> np.ndarray:
        """Each party's daily chance of weighing its options, by its state."""
        model, mig = self.model, self.model.migrants
        fl = model.settings.flows
        housing = mig.housing[rows]
        days_in = model.day - mig.arrival_day[rows]
        settled = (housing == LEASE) | (housing == HOSTED)
        p = np.where(
            (housing == NO_BED) | (housing == SHELTER),
            fl.unhoused_move_probability,
            np.where(settled, fl.settled_move_probability, fl.move_probability),
        )
        fresh = (days_in >= 1) & (days_in <= fl.arrival_days) & ~settled
        p = np.where(fresh, np.maximum(p, fl.arrival_move_probability), p)
        # a party decides from the day after it comes in (it has seen the town for a night)
        return np.where(days_in >= 1, p, 0.0)

    def town_pull(self, people: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Party-independent part of each town's attractiveness, and FLEE's capacity multiplier
        (1 below `full_threshold` of capacity, falling to 0 when full); `people` is `present()`'s
        first part, if the caller has it."""
        model = self.model
        fl, towns = model.settings.flows, model.towns
        free, seekers = towns.free_places, towns.seekers
        load = np.where(free + seekers > 0, 1.0 - free / np.maximum(free + seekers, 1e-9), 0.0)
        multiplier = np.clip((1.0 - load) / max(1.0 - fl.full_threshold, 1e-9), 0.0, 1.0)
        room = free / np.maximum(free + seekers, 1.0)
        speakers = np.asarray([t.russian_speaking_share for t in model.town_specs.values()])
        if people is None:
            people, _ = self.present()
        diaspora = 1.0 + fl.diaspora_weight * (speakers + people / towns.population)
        pull = (fl.base_pull + room) * diaspora * towns.arrival_deterrence
        return pull, multiplier

    def present(self) -> tuple[np.ndarray, np.ndarray]:
        """Migrants in each town now: people, and parties (agents)."""
        model, mig = self.model, self.model.migrants
        here = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        people = model.flows.persons(here) / model.scale
        return people, np.bincount(mig.town[here], minlength=model.towns.n).astype(np.float64)

    def weights(self, rows: np.ndarray) -> np.ndarray:
        """Each party's weight of every option: the towns (columns 0..n-1, its own town being
        'stay'), onward (column n) and home (column n+1)."""
        model, mig = self.model, self.model.migrants
        fl, towns = model.settings.flows, model.towns
        n = towns.n
        people, parties = self.present()
        pull, multiplier = self.town_pull(people)
        origin = mig.town[rows].astype(np.int64)
        budget = np.maximum(mig.income[rows], 0.0) + np.maximum(mig.savings[rows], 0.0) / (
            fl.budget_months
        )
        afford = np.clip(budget[:, None] / towns.market_rent[None, :], 0.0, 1.0)
        needs = (mig.income_source[rows] == NEEDS_WORK) & ~mig.has_job[rows]
        vacancies = towns.open_jobs / np.maximum(parties, 1.0)
        jobs = fl.job_floor + (1.0 - fl.job_floor) * vacancies / (1.0 + vacancies)
        fit = pull[None, :] * afford * np.where(needs[:, None], jobs[None, :], 1.0)
        # the first wave's constants (`anchor`): its stock on day 0 reveals where it chose to be
        fit = np.where(
            (mig.wave[rows] == RELOCANT)[:, None], fit * self.town_constant[None, :], fit
        )
        days = self.travel[origin]
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(
                np.isfinite(days),
                fit * multiplier[None, :] / (1.0 + days) ** fl.distance_power,
                0.0,
            )
        m = rows.size
        stay = fit[np.arange(m), origin]
        w[np.arange(m), origin] = stay  # the present town, as FLEE, without capacity or distance
        wave = mig.wave[rows]
        waves = (fl.relocant, fl.mobilised)
        onward_odds = odds(mig.onward_pull[rows])
        home_odds = np.asarray([odds(x.home_pull) for x in waves])[wave]
        if model.date <= fl.mobilisation_end:
            home_odds = np.where(
                wave == MOBILISED, home_odds * fl.home_during_mobilisation, home_odds
            )
        short_of_rent = 1.0 - afford[np.arange(m), origin]
        home_odds = home_odds * (1.0 + fl.poverty_push * short_of_rent)
        with np.errstate(divide="ignore", invalid="ignore"):
            reach_on = np.where(
                np.isfinite(self.onward_days),
                (2.0 / (1.0 + self.onward_days)) ** fl.distance_power,
                0.0,
            )
            reach_home = np.where(
                np.isfinite(self.home_days),
                (2.0 / (1.0 + self.home_days)) ** fl.distance_power,
                0.0,
            )
        out = np.empty((m, n + 2))
        out[:, :n] = w
        out[:, n] = onward_odds * stay * reach_on[origin]
        out[:, n + 1] = home_odds * stay * reach_home[origin]
        return out

    def anchor(self, rows: np.ndarray) -> None:
        """Find the first wave's town constants once, on day 1 (the first day with yesterday's
        beds and seekers counted): scale each town's pull for first-wave parties so that their
        stock (the first-wave parties among `rows`) is a steady state of their moves between
        towns, as a discrete-choice model's constants reproduce observed shares. The second wave
        has no base share before 21 Sep to reveal its preferences, so its pulls stay as they are.
        A fixed-point iteration on the mean weights of each town's first-wave parties."""
        self.anchored = True
        model, mig = self.model, self.model.migrants
        n = model.towns.n
        first = rows[mig.wave[rows] == RELOCANT]
        if n < 2 or first.size == 0:
            return
        origin = mig.town[first].astype(np.int64)
        stock = np.bincount(origin, weights=mig.size[first].astype(np.float64), minlength=n)
        stock /= stock.sum()
        weights = self.weights(first)[:, :n]
        summed = np.zeros((n, n))
        np.add.at(summed, origin, weights)
        counts = np.bincount(origin, minlength=n).astype(np.float64)
        mean = summed / np.maximum(counts, 1.0)[:, None]
        constant = np.ones(n)
        present = stock > 0
        for _ in range(200):
            w = mean * constant[None, :]
            share = w / np.maximum(w.sum(axis=1, keepdims=True), 1e-300)
            inflow = stock @ share
            ratio = np.where(present & (inflow > 0), stock / np.maximum(inflow, 1e-300), 1.0)
            constant *= ratio
            constant /= np.exp(np.mean(np.log(constant[present])))
            if np.max(np.abs(ratio - 1.0)) < 1e-9:
                break
        self.town_constant = np.where(present, constant, 1.0)

    def choose(self, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Each party's pick: a town index (its own: it stays), ONWARD or HOME."""
        n = self.model.towns.n
        if rows.size == 0:
            return np.zeros(0, dtype=np.int64)
        w = self.weights(rows)
        cumulative = np.cumsum(w, axis=1)
        total = cumulative[:, -1]
        u = rng.random(rows.size) * total
        pick = np.minimum((cumulative < u[:, None]).sum(axis=1), n + 1)
        own = self.model.migrants.town[rows].astype(np.int64)
        pick = np.where(total > 0, pick, own)
        return np.where(pick == n, ONWARD, np.where(pick == n + 1, HOME, pick))
