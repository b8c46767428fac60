"""The household side of an exodus day written the plain Mesa way: one `mesa.Agent` per household,
stepped with `shuffle_do`. It is the yardstick for exodus's speed, so it must follow the same rules.

What it covers, per day and in exodus's order:
1. lease renewal: a local tenant whose lease ends renews at the asking rent (town market rent times
   the unit's mark-up) or, past its rent ceiling, is displaced;
2. the town's market rent moves with excess demand (`Housing.update_market_rent`);
3. each household's attitude relaxes towards tanh(prior + drive) and then moves with one message from
   a random neighbour (Lorenz, Neumann & Schröder 2021; `exodus.model.attitudes`).

What it is fed (recorded from an exodus run of the same scenario and seed, so both face the same
world): the initial household columns, leases and neighbour ties of the `ExodusModel`; per day and
town the seekers able to pay, the vacant listings and any rent cap (the demand side, made by
migrants), and the town-level perceptions of the arrivals other than rent (salience, disrespect,
cultural distance, legitimacy, prices, job competition). Jobs, new listings and free hosting are
not part of the household side: the reference holds employment, tenure and dispositions at their
initial values, so it agrees with exodus exactly where those mechanisms are switched off and
approximately where they are not.

Run it alone: `python -m benchmarks.mesa_reference --scale 0.01 --days 10`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import mesa
import numpy as np

from exodus.model.attitudes import RENT_RISE_FULL_THREAT
from exodus.model.model import ExodusModel
from exodus.model.state import LANDLORD, OWNER, RENTER, STUDENT
from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import Scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2022.yaml"
TENURE_RENT_FACTOR = {RENTER: 1.0, STUDENT: 1.0, OWNER: 0.3, LANDLORD: -0.5}
"""How a rent rise weighs on each tenure, as in `Attitudes.step`."""
FED_PERCEPTIONS = ("salience", "disrespect", "cultural", "illegitimacy", "price", "jobs")
"""Town-level perceptions taken from exodus; the rent perception the reference makes itself."""


@dataclass
class DayInputs:
    """One day of what the household side is fed, per town."""

    able_seekers: np.ndarray
    vacant: np.ndarray
    rent_cap: np.ndarray
    seen: dict[str, np.ndarray]


@dataclass
class Recording:
    """An exodus run's initial households and daily town inputs, plus the model at the end."""

    households: dict[str, np.ndarray]
    neighbours: np.ndarray
    natural_vacant: np.ndarray
    market_rent: np.ndarray
    background_stress: np.ndarray
    lease_days: int
    trend_per_day: float
    days: list[DayInputs] = field(default_factory=list)
    exodus: ExodusModel | None = None
    exodus_seconds: float = 0.0


def record_exodus(scenario: Scenario, days: int, seed: int | None = None) -> Recording:
    """Build an `ExodusModel`, copy its initial households, then step it `days` days recording the
    town-level inputs of the household side (by wrapping two methods of this one instance)."""
    model = ExodusModel(scenario, rng=seed)
    hh, units = model.households, model.units
    columns = ("town", "tenure", "income", "employed", "in_labour_force", "attitude", "prior")
    columns += ("grievance", "compassion", "empathy", "fear", "russian_speaking", "unit")
    columns += ("rent_ceiling",)
    initial = {name: hh.view(name).copy() for name in columns}
    unit = initial["unit"]
    leased = unit >= 0
    for name in ("markup", "rent", "lease_end"):
        values = np.zeros(hh.n, dtype=getattr(units, name).dtype)
        values[leased] = getattr(units, name)[unit[leased]]
        initial[f"unit_{name}"] = values
    recording = Recording(
        households=initial,
        neighbours=model.attitudes.neighbours.copy(),
        natural_vacant=model.housing.natural_vacant.copy(),
        market_rent=model.towns.market_rent.copy(),
        background_stress=model.towns.background_stress.copy(),
        lease_days=model.housing.lease_days,
        trend_per_day=float(model.housing.trend_per_day),
    )
    let_vacant_units = model.housing.let_vacant_units
    perceptions = model.attitudes.perceptions
    demand: list[tuple[np.ndarray, ...]] = []

    def recorded_letting() -> tuple[np.ndarray, np.ndarray]:
        able, vacant = let_vacant_units()
        demand.append((able.copy(), vacant.copy(), model.policy.rent_cap_level.copy()))
        return able, vacant

    def recorded_perceptions() -> dict[str, np.ndarray]:
        seen = perceptions()
        able, vacant, cap = demand[-1]
        copied = {key: np.asarray(seen[key], dtype=np.float64).copy() for key in FED_PERCEPTIONS}
        recording.days.append(DayInputs(able, vacant, cap, copied))
        return seen

    model.housing.let_vacant_units = recorded_letting
    model.attitudes.perceptions = recorded_perceptions
    started = time.perf_counter()
    for _ in range(min(days, model.n_days)):
        model.step()
    recording.exodus_seconds = time.perf_counter() - started
    recording.exodus = model
    return recording


class TownMarket:
    """A town's rental market and what its households perceive today."""

    def __init__(self, model: ReferenceModel, index: int) -> None:
        rec = model.recording
        self.model = model
        self.market_rent = float(rec.market_rent[index])
        self.natural_vacant = float(rec.natural_vacant[index])
        self.background_stress = float(rec.background_stress[index])
        self.displaced = 0
        self.seen: dict[str, float] = {}
        self.mean_income = 0.0

    def adjust_rent(self, able_seekers: float, vacant: float, cap: float) -> None:
        """Up when paying seekers are left without a lease or listings run below the natural
        vacancy (a tenth as strongly), down when listings go unlet, plus the background trend; a
        rent cap holds it down."""
        params = self.model.housing
        surplus = vacant - self.natural_vacant
        excess = able_seekers - (surplus if surplus > 0 else params.vacancy_tightness * surplus)
        total = able_seekers + self.natural_vacant + max(surplus, 0.0)
        pressure = excess / total if total > 0 else 0.0
        pressure = min(max(pressure, -1.0), 1.0)
        change = (
            self.model.trend_per_day
            + params.rent_response_up * max(pressure, 0.0)
            - params.rent_response_down * max(-pressure, 0.0)
        )
        self.market_rent = min(self.market_rent * math.exp(change), cap)

    def perceive(self, seen: dict[str, np.ndarray], index: int) -> None:
        self.seen = {key: float(seen[key][index]) for key in FED_PERCEPTIONS}
        self.seen["rent"] = min(max((self.market_rent - 1.0) / RENT_RISE_FULL_THREAT, 0.0), 1.0)


class Household(mesa.Agent):
    """One local household: its lease, its traits and its attitude towards the arrivals."""

    def __init__(self, model: ReferenceModel, row: int) -> None:
        super().__init__(model)
        h = model.recording.households
        self.town = model.towns[int(h["town"][row])]
        tenure = int(h["tenure"][row])
        self.rent_factor = TENURE_RENT_FACTOR[tenure]
        self.income = float(h["income"][row])
        self.unemployed = bool(h["in_labour_force"][row]) and not bool(h["employed"][row])
        self.attitude = float(h["attitude"][row])
        self.prior = float(h["prior"][row])
        self.grievance = bool(h["grievance"][row])
        self.fear = bool(h["fear"][row])
        self.compassion = float(h["compassion"][row])
        self.empathy = float(h["empathy"][row])
        self.russian_speaking = bool(h["russian_speaking"][row])
        self.renting = int(h["unit"][row]) >= 0
        self.markup = float(h["unit_markup"][row])
        self.rent = float(h["unit_rent"][row])
        self.lease_end = int(h["unit_lease_end"][row])
        self.rent_ceiling = float(h["rent_ceiling"][row])
        self.displaced = False
        self.price_factor = 1.0
        self.neighbours: list[Household] = []

    def renew_lease(self) -> None:
        """At the end of a lease: renew at the asking rent, or move out past the ceiling."""
        model = self.model
        if not self.renting or self.lease_end > model.day:
            return
        ask = self.town.market_rent * self.markup
        if ask > self.rent_ceiling:
            self.renting = False
            self.displaced = True
            self.town.displaced += 1
        else:
            self.rent = ask
            self.lease_end = model.day + model.recording.lease_days

    def update_attitude(self) -> None:
        """Follow the attitude today's perceptions give, then hear one neighbour."""
        model, p = self.model, self.model.attitudes
        seen = self.town.seen
        rent_threat = 1.5 if self.displaced else seen["rent"] * self.rent_factor
        job_threat = seen["jobs"] * (1.0 if self.unemployed else 0.3)
        threat = (
            p.rent_weight * rent_threat
            + p.job_weight * job_threat
            + p.price_weight * seen["price"] * self.price_factor
            + p.disrespect_weight * seen["disrespect"]
            + p.cultural_weight * seen["cultural"]
            + p.legitimacy_weight * seen["illegitimacy"]
            + p.security_weight * self.fear
            + p.grievance_weight * self.grievance
            + p.stress_weight * self.town.background_stress
        )
        warmth = p.compassion_weight * self.compassion + p.empathy_weight * self.empathy
        drive = seen["salience"] * (warmth - threat)
        if model.day == 0:
            self.prior -= drive  # day 0 is the surveyed state: only changes move attitudes
        self.attitude += p.rate * (math.tanh(self.prior + drive) - self.attitude)
        if self.random.random() < p.messages_per_day:
            speaker = self.neighbours[self.random.randrange(len(self.neighbours))]
            self.attitude += self.message_effect(speaker)
        self.attitude = min(max(self.attitude, -1.0), 1.0)

    def message_effect(self, speaker: Household) -> float:
        """Lorenz et al. (2021), negative messages weighing more, less credible across languages."""
        p = self.model.attitudes
        message = speaker.attitude
        gap = message - self.attitude
        credibility = (
            1.0 if speaker.russian_speaking == self.russian_speaking else p.cross_group_credibility
        )
        bias = 1.0 if gap < 0 else 1.0 / p.negativity_bias
        latitude = p.influence_lambda**p.influence_k
        acceptance = latitude / (latitude + abs(gap) ** p.influence_k)
        return (
            p.influence_rate
            * credibility
            * bias
            * acceptance
            * (message - p.influence_eta * self.attitude)
        )


class ReferenceModel(mesa.Model):
    """The household side of exodus, one Python object per household."""

    def __init__(self, scenario: Scenario, recording: Recording, *, rng: int | None = None) -> None:
        super().__init__(rng=scenario.seed if rng is None else rng)
        self.recording = recording
        self.housing = scenario.housing
        self.attitudes = scenario.attitudes
        self.trend_per_day = recording.trend_per_day
        self.day = 0
        self.towns = [TownMarket(self, i) for i in range(recording.market_rent.size)]
        agents = [Household(self, row) for row in range(recording.households["town"].size)]
        for agent, ties in zip(agents, recording.neighbours.tolist(), strict=True):
            agent.neighbours = [agents[j] for j in ties]
        for town in self.towns:
            members = [a for a in agents if a.town is town]
            town.mean_income = sum(a.income for a in members) / max(len(members), 1)
        for agent in agents:
            ratio = agent.town.mean_income / agent.income
            agent.price_factor = min(max(math.sqrt(ratio), 0.0), 2.0)

    def step(self) -> None:
        """One day: renewals, the market rent, then attitudes."""
        inputs = self.recording.days[self.day]
        self.agents.shuffle_do("renew_lease")
        for i, town in enumerate(self.towns):
            town.adjust_rent(
                float(inputs.able_seekers[i]), float(inputs.vacant[i]), float(inputs.rent_cap[i])
            )
            town.perceive(inputs.seen, i)
        self.agents.shuffle_do("update_attitude")
        self.day += 1

    def town_results(self) -> dict[str, list[float]]:
        """Per town: market rent, households displaced so far, mean attitude."""
        sums = [0.0] * len(self.towns)
        counts = [0] * len(self.towns)
        index = {id(town): i for i, town in enumerate(self.towns)}
        for agent in self.agents:
            i = index[id(agent.town)]
            sums[i] += agent.attitude
            counts[i] += 1
        return {
            "market_rent": [t.market_rent for t in self.towns],
            "displaced": [float(t.displaced) for t in self.towns],
            "attitude_mean": [s / max(c, 1) for s, c in zip(sums, counts, strict=True)],
        }


def exodus_results(model: ExodusModel) -> dict[str, list[float]]:
    """The same town-level figures from an exodus model."""
    hh = model.households
    town = hh.view("town").astype(np.int64)
    n = model.towns.n
    attitude = np.bincount(town, weights=hh.view("attitude"), minlength=n)
    attitude /= np.maximum(np.bincount(town, minlength=n), 1)
    return {
        "market_rent": model.towns.market_rent.tolist(),
        "displaced": model.towns.displaced_total.tolist(),
        "attitude_mean": attitude.tolist(),
    }


def compare(scenario: Scenario, days: int, seed: int | None = None) -> dict:
    """Run exodus and the reference side by side for `days` days; timings and town results."""
    recording = record_exodus(scenario, days, seed)
    built = time.perf_counter()
    reference = ReferenceModel(scenario, recording, rng=seed)
    started = time.perf_counter()
    for _ in range(len(recording.days)):
        reference.step()
    seconds = time.perf_counter() - started
    households = len(reference.agents)
    assert recording.exodus is not None
    return {
        "scale": scenario.scale,
        "days": len(recording.days),
        "households": households,
        "agent_steps": households * len(recording.days),
        "build_seconds": started - built,
        "wall_seconds": seconds,
        "exodus_seconds": recording.exodus_seconds,
        "exodus_agent_steps": recording.exodus.agent_steps,
        "towns": recording.exodus.towns.names,
        "reference": reference.town_results(),
        "exodus": exodus_results(recording.exodus),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(BASELINE))
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario).model_copy(update={"scale": args.scale})
    json.dump(compare(scenario, args.days, args.seed), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
