"""Attitudes: what moves a host household's attitude towards the arrivals, in [-1, 1].

Each household has a disposition (`prior`, on the atanh scale) and follows, at `rate` per day, the
attitude its perceptions give: tanh(prior + drive). The drive weighs threats (rent, jobs, prices,
observed disrespect, cultural distance, low legitimacy of the flight, security fear, grievance,
background stress) against compassion and empathy, all scaled by how salient the arrivals are
(perceived numbers; Urselmans & Phelps 2018). Living with a guest changes the disposition itself,
for better or, when the encounter goes badly, for worse (Flache 2018). Each day a household hears one
neighbour and moves towards the message as in Lorenz, Neumann & Schröder (2021), with negative
messages weighing more (the article's social-media reactions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.state import LANDLORD, MOBILISED, OWNER, RENTER, STUDENT

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel
    from exodus.scenario.schema import Attitudes as AttitudeParams

RENT_RISE_FULL_THREAT = 0.5
"""A market-rent rise of 50% is felt as the full rent threat (assumed)."""
PRICE_RISE_FULL_THREAT = 0.1
"""Prices 10% above their trend are felt as the full price threat (assumed)."""
TENURE_RENT_FACTOR = np.zeros(4)
TENURE_RENT_FACTOR[[RENTER, STUDENT, OWNER, LANDLORD]] = (1.0, 1.0, 0.3, -0.5)
"""How much of the rent threat each tenure feels, indexed by tenure: renters all of it, owners
some, landlords gain from a rise."""


def size_weighted_mean(
    town: np.ndarray, values: np.ndarray, size: np.ndarray, n: int
) -> np.ndarray:
    """Mean of `values` over present parties of each town, weighted by party size (0 where none)."""
    total = np.bincount(town, weights=size, minlength=n)
    summed = np.bincount(town, weights=values * size, minlength=n)
    return np.divide(summed, total, out=np.zeros(n), where=total > 0)


class Attitudes:
    """Perceptions, contact and social influence, updated for all households of all towns at once."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.rng = model.streams["attitudes"]
        self.params = model.settings.attitudes
        hh = model.households
        n_hh = hh.n
        # influence network: `ties` neighbours drawn within the household's own town
        self.neighbours = np.empty((n_hh, self.params.ties), dtype=np.int64)
        for rows in model.town_slices:
            size = rows.stop - rows.start
            self.neighbours[rows] = rows.start + self.rng.integers(
                0, size, size=(size, self.params.ties)
            )
        self.salience = np.zeros(model.towns.n)
        self.today: dict[str, np.ndarray] = {}

    def perceptions(self) -> dict[str, np.ndarray]:
        """Town-level quantities a household perceives about the arrivals today."""
        model = self.model
        mig, towns = model.migrants, model.towns
        n = towns.n
        fl = model.settings.flows
        rows = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        town = mig.town[rows].astype(np.int64)
        size = mig.size[rows].astype(np.float64)
        present = np.bincount(town, weights=size, minlength=n) * model.agent_weight
        share = present / towns.population
        salience = share / (share + self.params.salience_scale)
        legitimacy = np.where(
            mig.wave[rows] == MOBILISED, fl.mobilised.legitimacy, fl.relocant.legitimacy
        )
        mean_legitimacy = size_weighted_mean(town, legitimacy, size, n)
        mean_legitimacy = np.clip(mean_legitimacy + model.policy.legitimacy_gain, 0.0, 1.0)
        effort = size_weighted_mean(town, mig.integration_effort[rows], size, n)
        return {
            "salience": salience,
            "disrespect": size_weighted_mean(town, mig.disrespect[rows], size, n),
            "cultural": np.where(present > 0, 1.0 - effort, 0.0),
            "illegitimacy": np.where(present > 0, 1.0 - mean_legitimacy, 0.0),
            "rent": np.clip((towns.market_rent - 1.0) / RENT_RISE_FULL_THREAT, 0.0, 1.0),
            "price": np.clip(model.prices.excess() / PRICE_RISE_FULL_THREAT, 0.0, 1.0),
            "jobs": model.jobs.today["job_competition"],
        }

    def step(self) -> None:
        model, p = self.model, self.params
        hh = model.households
        seen = self.perceptions()
        self.salience = seen["salience"]
        # Town-level terms are added slice by slice (households are contiguous by town) and the
        # day's arrays are reused in place: the same operations in the same order as the plain
        # expressions `seen[...][town] * ...`, without a gather and a temporary per term.
        slices = model.town_slices
        tenure = hh.view("tenure")
        rent_threat = TENURE_RENT_FACTOR[tenure]
        for i, rows in enumerate(slices):
            rent_threat[rows] *= seen["rent"][i]
        np.copyto(rent_threat, 1.5, where=hh.view("displaced"))
        unemployed = hh.view("in_labour_force") & ~hh.view("employed")
        job_threat = np.where(unemployed, 1.0, 0.3)
        t = hh.view("town").astype(np.int64)
        income = hh.view("income")
        mean_income = np.bincount(t, weights=income) / np.bincount(t)
        price_threat = np.empty_like(income)
        for i, rows in enumerate(slices):
            job_threat[rows] *= seen["jobs"][i]
            np.divide(mean_income[i], income[rows], out=price_threat[rows])
        np.sqrt(price_threat, out=price_threat)
        np.clip(price_threat, 0.0, 2.0, out=price_threat)
        for i, rows in enumerate(slices):
            price_threat[rows] *= seen["price"][i]
        threat = rent_threat
        threat *= p.rent_weight
        job_threat *= p.job_weight
        threat += job_threat
        price_threat *= p.price_weight
        threat += price_threat
        for i, rows in enumerate(slices):
            part = threat[rows]
            part += p.disrespect_weight * seen["disrespect"][i]
            part += p.cultural_weight * seen["cultural"][i]
            part += p.legitimacy_weight * seen["illegitimacy"][i]
        threat += p.security_weight * hh.view("fear")
        threat += p.grievance_weight * hh.view("grievance")
        for i, rows in enumerate(slices):
            threat[rows] += p.stress_weight * model.towns.background_stress[i]
        warmth = p.compassion_weight * hh.view("compassion") + p.empathy_weight * hh.view("empathy")
        drive = np.subtract(warmth, threat, out=threat)
        for i, rows in enumerate(slices):
            drive[rows] *= seen["salience"][i]

        if model.day == 0:
            # the surveyed attitudes (F31) are what households feel with the first wave already
            # there: dispositions absorb today's drive, so only changes in perception move them
            hh.view("prior")[:] -= drive
        self.contact()
        target = np.add(hh.view("prior"), drive, out=price_threat)
        np.tanh(target, out=target)
        attitude = hh.view("attitude")
        step = np.subtract(target, attitude, out=target)
        step *= p.rate
        attitude += step
        listeners, change = self.influence(attitude)
        attitude[listeners] += change
        np.clip(attitude, -1.0, 1.0, out=attitude)

    def contact(self) -> None:
        """Hosts' dispositions move with the quality of living together: integration effort helps,
        disrespect hurts (Allport's conditions); below the quality threshold contact backfires."""
        model, p = self.model, self.params
        hh, mig = model.households, model.migrants
        hosts = np.nonzero(hh.view("hosting") >= 0)[0]
        if hosts.size == 0:
            return
        hh.hosted_days[hosts] += 1
        guest = hh.hosting[hosts]
        quality = 0.5 + 0.5 * (mig.integration_effort[guest] - mig.disrespect[guest])
        hh.prior[hosts] = np.clip(
            hh.prior[hosts] + p.contact_gain * (quality - p.contact_quality_threshold), -3.0, 3.0
        )

    def influence(self, attitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who hears one message of a random neighbour today, and the change it makes to each of
        them (everyone else's change is zero, so only the listeners are worked out)."""
        p, hh = self.params, self.model.households
        n = attitude.size
        pick = self.rng.integers(0, p.ties, size=n)
        hears = self.rng.random(n) < p.messages_per_day
        listeners = np.flatnonzero(hears)
        # row-major (household, tie) position in the neighbour table: one flat gather
        slot = listeners * p.ties
        slot += pick[listeners]
        speaker = self.neighbours.ravel()[slot]
        russian = hh.view("russian_speaking")
        credibility = np.where(
            russian[speaker] == russian[listeners], 1.0, p.cross_group_credibility
        )
        return listeners, message_effect(attitude[listeners], attitude[speaker], credibility, p)


def message_effect(
    listener: np.ndarray, message: np.ndarray, credibility: np.ndarray, p: AttitudeParams
) -> np.ndarray:
    """Lorenz, Neumann & Schröder (2021): alpha * s * (m - eta * a) * lambda^k / (lambda^k + |m - a|^k),
    with a message more negative than the listener weighing `negativity_bias` times a positive one."""
    gap = message - listener
    bias = np.where(gap < 0, 1.0, 1.0 / p.negativity_bias)
    latitude = p.influence_lambda**p.influence_k
    # the same operations in the same order as the formula, each into an array made here
    acceptance = np.abs(gap, out=gap)
    acceptance **= p.influence_k
    acceptance += latitude
    np.divide(latitude, acceptance, out=acceptance)
    effect = credibility * p.influence_rate
    effect *= bias
    effect *= acceptance
    pull = p.influence_eta * listener
    np.subtract(message, pull, out=pull)
    effect *= pull
    return effect
