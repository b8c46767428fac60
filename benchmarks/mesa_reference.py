"""The household side of an exodus day written the plain Mesa way: one `mesa.Agent` per household,
stepped with `shuffle_do`. It is the yardstick for exodus's speed, so it must follow the same rules.

What it covers, per day and in exodus's order:
1. lease renewal (`Housing.renew_leases`): a local tenant whose lease ends today renews at the unit's
   going ask (the town's going rent times the unit's mark-up, the trend level and the town's vacancy
   discount, under any rent cap times the mark-up) if that is within its rent ceiling grown with the
   trend (`Housing.local_budget`); otherwise it gives the unit up and is a mover;
2. the same day's search: a mover who signed no new lease is displaced; a household that signed one
   (a mover, or a displaced household looking again) rents again and is no longer displaced;
3. each household's attitude relaxes towards tanh(prior + drive) and then moves with one message from
   a random neighbour (Lorenz, Neumann & Schröder 2021; `exodus.model.attitudes`).

What it is fed (recorded from an exodus run of the same scenario and seed, so both face the same
world): the initial household columns, leases and neighbour ties of the `ExodusModel`; per day and
town the going rent, vacancy discount, trend level and rent cap at renewal time (the listings side,
made with migrants), the leases the market let to local households that day (who won a listing
against migrant bidders, at what rent), the market rent for the rent perception, and the other
town-level perceptions of the arrivals (salience, disrespect, cultural distance, legitimacy, need,
prices, job competition; the reference habituates to them itself), each household's campaign
legitimacy shift and the day's change of its disposition from contact (who meets whom is the
migrant side's), and each household's tenure, income and employment as the day's attitudes
see them (jobs, new listings and withdrawals are not part of the household side: who works and who
lets is fed, as contact is). The movers exodus produced are recorded too, to compare, not fed. Its
movers and displacements agree with exodus exactly and its attitudes statistically (different
random draws of who hears whom, and households updated one after another).

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

from exodus.model import compiled
from exodus.model.model import ExodusModel
from exodus.model.state import LANDLORD, OWNER, RENTER, STUDENT
from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import Scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2022.yaml"
FED_PERCEPTIONS = (
    "salience",
    "disrespect",
    "cultural",
    "legitimacy",
    "present",
    "need",
    "price",
    "jobs",
)
"""Town-level perceptions taken from exodus; the rent perception the reference makes itself."""
HABITUATING = ("rent", "price", "jobs", "disrespect")
"""Stressors households get used to (`exodus.model.attitudes.HABITUATING`)."""


@dataclass
class LocalLets:
    """The leases local households signed one day: household rows, the unit's mark-up, the rent."""

    rows: np.ndarray
    markup: np.ndarray
    rent: np.ndarray


@dataclass
class DayInputs:
    """One day of what the household side is fed, per town (and the day's local lets)."""

    going_rent: np.ndarray
    discount: np.ndarray
    trend: float
    rent_cap: np.ndarray
    lets: LocalLets
    market_rent: np.ndarray
    seen: dict[str, np.ndarray]
    legitimacy_shift: np.ndarray | None = None  # per household, from information campaigns
    contact: np.ndarray | None = None  # per household: today's change of disposition by contact
    tenure: np.ndarray | None = None  # per household, today (owners let and withdraw units)
    income: np.ndarray | None = None  # per household, rent units a month (follows employment)
    unemployed: np.ndarray | None = None  # per household: in the labour force without a job


@dataclass
class Recording:
    """An exodus run's initial households and daily town inputs, the movers it produced each day
    (to compare with, not fed), plus the model at the end."""

    households: dict[str, np.ndarray]
    neighbours: np.ndarray
    background_stress: np.ndarray
    lease_days: int
    days: list[DayInputs] = field(default_factory=list)
    movers: list[np.ndarray] = field(default_factory=list)
    exodus: ExodusModel | None = None
    exodus_seconds: float = 0.0  # the recorded run on numpy's path, with its copies


def record_exodus(scenario: Scenario, days: int, seed: int | None = None) -> Recording:
    """Build an `ExodusModel`, copy its initial households, then step it `days` days recording the
    inputs of the household side (by wrapping three methods of this one instance)."""
    model = ExodusModel(scenario, rng=seed)
    hh, units, housing = model.households, model.units, model.housing
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
        background_stress=model.towns.background_stress.copy(),
        lease_days=housing.lease_days,
    )
    renew_leases, sign_leases = housing.renew_leases, housing.sign_leases
    perceptions, contact = model.attitudes.perceptions, model.attitudes.contact
    today: dict = {}

    def recorded_renewals() -> np.ndarray:
        # called once a day, after the vacancy discount: the world a renewal faces
        today.clear()
        today.update(
            going_rent=model.towns.going_rent.copy(),
            discount=housing.discount.copy(),
            trend=housing.trend_level(),
            rent_cap=model.policy.rent_cap_level.copy(),
            lets=[],
        )
        movers = renew_leases()
        recording.movers.append(np.sort(movers))
        return movers

    def recorded_signing(
        tenants: np.ndarray, local: np.ndarray, unit_rows: np.ndarray, rent: np.ndarray
    ) -> None:
        today["lets"].append(
            (tenants[local].copy(), units.markup[unit_rows[local]].copy(), rent[local].copy())
        )
        sign_leases(tenants, local, unit_rows, rent)

    def recorded_perceptions() -> dict[str, np.ndarray]:
        seen = perceptions()
        lets = joined_lets(today.pop("lets"))
        copied = {key: np.asarray(seen[key], dtype=np.float64).copy() for key in FED_PERCEPTIONS}
        recording.days.append(
            DayInputs(
                lets=lets,
                market_rent=model.towns.market_rent.copy(),
                seen=copied,
                legitimacy_shift=model.policy.legitimacy_shift.copy(),
                tenure=hh.view("tenure").copy(),
                income=hh.view("income").copy(),
                unemployed=hh.view("in_labour_force") & ~hh.view("employed"),
                **today,
            )
        )
        return seen

    def recorded_contact(seen: dict[str, np.ndarray]) -> None:
        before = model.households.view("prior").copy()
        contact(seen)
        recording.days[-1].contact = model.households.view("prior") - before

    housing.renew_leases = recorded_renewals
    housing.sign_leases = recorded_signing
    model.attitudes.perceptions = recorded_perceptions
    model.attitudes.contact = recorded_contact
    # numpy's path, where `Attitudes.contact` is the day's contact that is recorded: for a model
    # of `compiled.MIN_ROWS` households or more the compiled path does the same arithmetic inside
    # one kernel (the same bytes) and would leave the recording without contact
    enabled, compiled.ENABLED = compiled.ENABLED, False
    started = time.perf_counter()
    try:
        for _ in range(min(days, model.n_days)):
            model.step()
    finally:
        compiled.ENABLED = enabled
    recording.exodus_seconds = time.perf_counter() - started
    recording.exodus = model
    return recording


def joined_lets(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> LocalLets:
    """One day's local lets from each signing of the day (none on a day without lets)."""
    if not parts:
        return LocalLets(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    rows, markup, rent = (np.concatenate(column) for column in zip(*parts, strict=True))
    return LocalLets(rows, markup, rent)


class TownMarket:
    """What a town's households face at renewal and perceive today."""

    def __init__(self, model: ReferenceModel, index: int) -> None:
        self.model = model
        self.index = index
        self.background_stress = float(model.recording.background_stress[index])
        self.going_rent = 1.0
        self.discount = 1.0
        self.rent_cap = math.inf
        self.displaced = 0
        self.seen: dict[str, float] = {}
        self.adapted: dict[str, float] = {}  # the level of each stressor households are used to
        self.mean_income = 0.0  # of its households today (prices weigh on the poorer more)

    def open_day(self, inputs: DayInputs) -> None:
        """The listings side of the day: going rent, vacancy discount and rent cap."""
        i = self.index
        self.going_rent = float(inputs.going_rent[i])
        self.discount = float(inputs.discount[i])
        self.rent_cap = float(inputs.rent_cap[i])

    def perceive(self, inputs: DayInputs) -> None:
        """Today's perceptions: the rent above the expected trend, then habituation."""
        i, p = self.index, self.model.attitudes
        self.seen = {key: float(inputs.seen[key][i]) for key in FED_PERCEPTIONS}
        rise = (float(inputs.market_rent[i]) / inputs.trend - 1.0) / p.rent_rise_full_threat
        self.seen["rent"] = min(max(rise, 0.0), 1.0)
        for key in HABITUATING:
            level = self.seen[key]
            adapted = self.adapted.setdefault(key, level)
            self.seen[key] = max(level - p.habituation_share * adapted, 0.0)
            self.adapted[key] = adapted + (level - adapted) / p.habituation_days


class Household(mesa.Agent):
    """One local household: its lease, its traits and its attitude towards the arrivals."""

    def __init__(self, model: ReferenceModel, row: int) -> None:
        super().__init__(model)
        h = model.recording.households
        self.row = row
        self.town = model.towns[int(h["town"][row])]
        self.tenure = int(h["tenure"][row])
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
        self.neighbours: list[Household] = []

    def take_day(self, inputs: DayInputs) -> None:
        """Today's tenure, income and employment, as exodus's jobs and listings left them."""
        if inputs.tenure is not None:
            self.tenure = int(inputs.tenure[self.row])
        if inputs.income is not None:
            self.income = float(inputs.income[self.row])
        if inputs.unemployed is not None:
            self.unemployed = bool(inputs.unemployed[self.row])

    def renew_lease(self) -> None:
        """At the end of a lease: renew at the unit's going ask if the household can carry it,
        else give the unit up and look for a cheaper one today."""
        model = self.model
        if not self.renting or self.lease_end > model.day:
            return
        ask = self.going_ask()
        if ask > self.budget():
            self.renting = False
            model.movers_today.append(self)
        else:
            self.rent = ask
            self.lease_end = model.day + model.recording.lease_days

    def going_ask(self) -> float:
        """What the unit would ask if listed today (`Housing.going_ask`)."""
        town, trend = self.town, self.model.trend
        going = town.going_rent * self.markup * (trend * town.discount)
        return min(going, town.rent_cap * self.markup)

    def budget(self) -> float:
        """The most rent the household will pay today (`Housing.local_budget`)."""
        return self.rent_ceiling * self.model.trend

    def sign_lease(self, markup: float, rent: float) -> None:
        """A listing the market let to this household today: it rents again."""
        self.renting = True
        self.displaced = False
        self.markup = markup
        self.rent = rent
        self.lease_end = self.model.day + self.model.recording.lease_days

    def settle_search(self) -> None:
        """A mover who signed no lease today doubles up with family: displaced."""
        if not self.renting and not self.displaced:
            self.displaced = True
            self.town.displaced += 1

    def update_attitude(self) -> None:
        """Follow the attitude today's perceptions give, then hear one neighbour."""
        model, p = self.model, self.model.attitudes
        seen = self.town.seen
        inputs = model.recording.days[model.day]
        shift = 0.0 if inputs.legitimacy_shift is None else inputs.legitimacy_shift[self.row]
        legitimacy = min(max(seen["legitimacy"] + float(shift), 0.0), 1.0) * seen["present"]
        rent_factor = model.tenure_rent_factor[self.tenure]
        rent_threat = p.displaced_rent_threat if self.displaced else seen["rent"] * rent_factor
        job_threat = seen["jobs"] * (1.0 if self.unemployed else p.employed_job_threat)
        price_factor = min(math.sqrt(self.town.mean_income / self.income), p.price_threat_cap)
        threat = (
            p.rent_weight * rent_threat
            + p.job_weight * job_threat
            + p.price_weight * seen["price"] * price_factor
            + p.disrespect_weight * seen["disrespect"]
            + p.cultural_weight * seen["cultural"]
            + p.legitimacy_weight * (seen["present"] - legitimacy)
            + p.security_weight * self.fear
            + p.grievance_weight * self.grievance
            + p.stress_weight * self.town.background_stress
        )
        warmth = (
            p.compassion_weight * self.compassion * seen["need"]
            + p.empathy_weight * self.empathy * legitimacy
        )
        drive = seen["salience"] * (warmth - threat)
        if model.day == 0:
            self.prior -= drive  # day 0 is the surveyed state: only changes move attitudes
        if inputs.contact is not None:
            limit = p.prior_limit
            self.prior = min(max(self.prior + float(inputs.contact[self.row]), -limit), limit)
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
        self.attitudes = scenario.attitudes
        # how a rent rise weighs on each tenure (`attitudes.tenure_rent_factor`)
        self.tenure_rent_factor = {
            RENTER: 1.0,
            STUDENT: 1.0,
            OWNER: scenario.attitudes.owner_rent_factor,
            LANDLORD: scenario.attitudes.landlord_rent_factor,
        }
        self.day = 0
        self.trend = 1.0
        self.towns = [TownMarket(self, i) for i in range(recording.background_stress.size)]
        self.households = [Household(self, row) for row in range(recording.households["town"].size)]
        for agent, ties in zip(self.households, recording.neighbours.tolist(), strict=True):
            agent.neighbours = [self.households[j] for j in ties]
        self.movers_today: list[Household] = []
        self.movers: list[list[int]] = []
        """Household rows that could not renew, per day (sorted)."""

    def step(self) -> None:
        """One day: renewals, the day's search, then attitudes."""
        inputs = self.recording.days[self.day]
        self.trend = inputs.trend
        for town in self.towns:
            town.open_day(inputs)
        self.movers_today = []
        self.agents.shuffle_do("renew_lease")
        lets = inputs.lets
        for row, markup, rent in zip(
            lets.rows.tolist(), lets.markup.tolist(), lets.rent.tolist(), strict=True
        ):
            self.households[row].sign_lease(markup, rent)
        for agent in self.movers_today:
            agent.settle_search()
        self.movers.append(sorted(agent.row for agent in self.movers_today))
        for town in self.towns:
            town.perceive(inputs)
        self.agents.do("take_day", inputs)
        income = [0.0] * len(self.towns)
        members = [0] * len(self.towns)
        for agent in self.households:
            income[agent.town.index] += agent.income
            members[agent.town.index] += 1
        for town in self.towns:
            town.mean_income = income[town.index] / max(members[town.index], 1)
        self.agents.shuffle_do("update_attitude")
        self.day += 1

    def town_results(self) -> dict[str, list[float]]:
        """Per town: movers and households displaced so far, mean attitude."""
        n = len(self.towns)
        sums, counts, movers = [0.0] * n, [0] * n, [0.0] * n
        for agent in self.agents:
            sums[agent.town.index] += agent.attitude
            counts[agent.town.index] += 1
        for rows in self.movers:
            for row in rows:
                movers[self.households[row].town.index] += 1
        return {
            "movers": movers,
            "displaced": [float(t.displaced) for t in self.towns],
            "attitude_mean": [s / max(c, 1) for s, c in zip(sums, counts, strict=True)],
        }


def exodus_results(recording: Recording) -> dict[str, list[float]]:
    """The same town-level figures from the recorded exodus run."""
    model = recording.exodus
    assert model is not None
    hh = model.households
    town = hh.view("town").astype(np.int64)
    n = model.towns.n
    attitude = np.bincount(town, weights=hh.view("attitude"), minlength=n)
    attitude /= np.maximum(np.bincount(town, minlength=n), 1)
    movers = np.concatenate([np.zeros(0, dtype=np.int64), *recording.movers])
    return {
        "movers": np.bincount(town[movers], minlength=n).astype(np.float64).tolist(),
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
        "exodus": exodus_results(recording),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
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
