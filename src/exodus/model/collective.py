"""Collective action and the tension index.

A household is ready to picket, as an agent turns active in Epstein's civil-violence model, when its
hostility times the salience of the arrivals minus its risk aversion times the cost of protest
exceeds a threshold. Pickets happen in a town only once the ready share passes an onset share (a
threshold of hostility); a small turnout of the ready makes the day's pickets. Pickets deter: a
town's pull on arriving parties is divided by 1 + deterrence weight x pickets per 1000 residents
(`towns.arrival_deterrence`). The ready share of a country's households is the national pressure to
close the border; held above the government's tolerance for `closure_days`, the government caps
entries into the country's towns, and lifts the cap once the pressure has stayed below it as long.
Aid initiatives grow the same way from welcoming, compassionate households, and place parties
without a bed with welcoming households for free (`exodus.model.housing`); their meals cover part of
the living costs of those without a bed or in a shelter (`meal_cover`, read the next day).

Tension is read from the present state, so it eases when its parts do: the hostile share, the
readiness to picket, locals displaced now and arrivals without a bed, the national closure
pressure and background stress, each scaled to [0, 1] and averaged with their weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model import compiled
from exodus.model.compiled import parallel_kernel, prange
from exodus.model.groups import town_starts
from exodus.model.state import NO_BED, SHELTER

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel


class Collective:
    """Pickets, aid, the government's entry cap and tension per town."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.params = model.settings.collective
        self.capped = np.zeros(2, dtype=bool)  # the government's cap is on, by country
        self.days_over = np.zeros(2, dtype=np.int64)  # days the pressure has held above/below
        self.pressure = np.zeros(2)  # closure pressure by country
        # share of the living costs of a party without a bed or in a shelter that aid meals cover
        self.meal_cover = np.zeros(model.towns.n)
        self.today: dict[str, np.ndarray] = {}
        # households never change town and are contiguous by town (`model.town_slices`)
        self.starts = town_starts(model)
        self.households = np.diff(self.starts).astype(np.float64)
        self._household_town = model.households.view("town").astype(np.intp)
        self.attitude_sum = np.zeros(model.towns.n)
        """Each town's sum of household attitudes today, in row order (the recorder's mean)."""
        self.displaced = np.zeros(model.towns.n, dtype=np.int64)
        """Each town's displaced households today (the recorder's count)."""

    def household_counts(self) -> np.ndarray:
        """Per town (columns), the households ready to picket, helping, hostile, welcoming and
        displaced (rows); also sets `attitude_sum` and `displaced`. One compiled kernel for a large
        model (`town_tallies`), else numpy slice by slice: the same counts and sums."""
        model, c = self.model, self.params
        att = model.settings.attitudes
        hh = model.households
        a = hh.view("attitude")
        salience = np.asarray(model.attitudes.salience, dtype=np.float64)
        if compiled.enabled(hh.n):
            counts, self.attitude_sum = town_tallies(
                self.starts,
                a,
                hh.view("risk_aversion"),
                hh.view("compassion"),
                hh.view("displaced"),
                salience,
                # numpy works a Python float against a float32 column in float32: so does this
                np.float32(c.protest_cost),
                c.picket_threshold,
                c.aid_threshold,
                np.float32(c.aid_compassion),
                att.hostile_threshold,
                att.welcoming_threshold,
                threads=compiled.threads(hh.n),
            )
            self.displaced = counts[4]
            return counts
        # households are contiguous by town: count each town's slice instead of gathering towns
        counts = np.zeros((5, model.towns.n), dtype=np.int64)
        for i, rows in enumerate(model.town_slices):
            mine = a[rows]
            net = np.maximum(-mine, 0.0) * salience[i]
            net -= c.protest_cost * hh.risk_aversion[rows]
            counts[0, i] = np.count_nonzero(net > c.picket_threshold)
            counts[1, i] = np.count_nonzero(
                (mine > c.aid_threshold) & (hh.compassion[rows] > c.aid_compassion)
            )
            counts[2, i] = np.count_nonzero(mine < att.hostile_threshold)
            counts[3, i] = np.count_nonzero(mine > att.welcoming_threshold)
            counts[4, i] = np.count_nonzero(hh.displaced[rows])
        self.attitude_sum = np.bincount(self._household_town, weights=a, minlength=model.towns.n)
        self.displaced = counts[4]
        return counts

    def hosting_households(self) -> np.ndarray:
        """Households hosting a party for free, per town, counted from the guests' side (a
        household hosts one party at most, and a party with a host is lodged with it): a pass over
        the parties, not over every household's `hosting`."""
        model = self.model
        host = model.migrants.view("host")
        hosts = host[host >= 0]
        return np.bincount(model.households.town[hosts], minlength=model.towns.n)

    def step(self) -> None:
        model, c = self.model, self.params
        towns = model.towns
        n = towns.n
        counts = self.household_counts()
        households = self.households
        ready_share = counts[0] / households
        helper_share = counts[1] / households
        people = households * model.agent_weight
        towns.pickets = np.where(
            ready_share >= c.onset_share,
            np.floor(ready_share * people * c.turnout / c.picket_size),
            0.0,
        )
        towns.aid = np.where(
            helper_share >= c.aid_onset_share,
            np.floor(helper_share * people * c.turnout / c.picket_size),
            0.0,
        )
        towns.arrival_deterrence = 1.0 / (
            1.0 + c.deterrence_weight * towns.pickets / towns.population * 1000.0
        )
        self.closure(counts[0], households)
        hostile_share = counts[2] / households
        welcoming_share = counts[3] / households
        hosting_share = self.hosting_households() / households

        mig = model.migrants
        here, present = model.flows.in_town, model.flows.people_in_town
        status = mig.housing[here]
        unhoused = model.flows.persons(here[status == NO_BED])
        in_need = model.flows.persons(here[(status == NO_BED) | (status == SHELTER)])
        meals = towns.aid * c.aid_meals_per_day * model.scale
        fed = np.minimum(np.divide(meals, in_need, out=np.ones(n), where=in_need > 0), 1.0)
        self.meal_cover = fed * c.meal_share_of_living_cost
        housing_distress = np.minimum(
            1.0,
            counts[4] / households / c.displaced_share_full
            + np.divide(unhoused, present, out=np.zeros(n), where=present > 0),
        )
        pressure = self.pressure[towns.country]
        parts = (
            (c.tension_hostile_weight, np.minimum(hostile_share / c.hostile_share_full, 1.0)),
            (c.tension_picket_weight, np.minimum(ready_share / max(c.onset_share, 1e-9), 1.0)),
            (c.tension_housing_weight, housing_distress),
            (c.tension_closure_weight, np.minimum(pressure / max(c.closure_threshold, 1e-9), 1.0)),
            (c.tension_stress_weight, towns.background_stress),
        )
        total_weight = sum(w for w, _ in parts)
        towns.tension = sum(w * part for w, part in parts) / max(total_weight, 1e-12)
        self.today = {
            "hostile_share": hostile_share,
            "welcoming_share": welcoming_share,
            "hosting_share": hosting_share,
            "ready_share": ready_share,
            "closure_pressure": pressure,
        }

    def closure(self, ready: np.ndarray, households: np.ndarray) -> None:
        """The national pressure to close the border: the share of a country's households ready
        to protest. Held above the government's tolerance for `closure_days`, it brings the
        government's entry cap (if the scenario lets it act); held below as long, the cap goes."""
        model, c = self.model, self.params
        country = model.towns.country
        for k in (0, 1):
            mine = country == k
            if not mine.any():
                continue
            # a household agent stands for the same number of real households in every town
            self.pressure[k] = ready[mine].sum() / households[mine].sum()
            if not c.endogenous_entry_cap:
                continue
            # count the days the pressure has been on the other side of the tolerance
            crossing = (self.pressure[k] > c.government_tolerance) != self.capped[k]
            self.days_over[k] = self.days_over[k] + 1 if crossing else 0
            if self.days_over[k] >= c.closure_days:
                self.capped[k] = not self.capped[k]
                self.days_over[k] = 0
                model.policy.impose_entry_cap(k, self.capped[k])
                for i in np.nonzero(mine)[0]:
                    if self.capped[k]:
                        detail = (
                            f"the government caps entries at {c.endogenous_cap_per_day:g} a day "
                            f"per town after {c.closure_days} days of pressure above "
                            f"{c.government_tolerance:g}"
                        )
                    else:
                        detail = "the government lifts its entry cap"
                    kind = "entry_cap_imposed" if self.capped[k] else "entry_cap_lifted"
                    model.recorder.add_event(model.towns.names[i], kind, detail)


@parallel_kernel
def town_tallies(
    starts,
    attitude,
    risk_aversion,
    compassion,
    displaced,
    salience,
    protest_cost,
    picket_threshold,
    aid_threshold,
    aid_compassion,
    hostile_threshold,
    welcoming_threshold,
):
    """`Collective.household_counts`' numpy code in one kernel: per town t (rows `starts[t]` to
    `starts[t + 1]`), households ready to picket, helping, hostile, welcoming and displaced, and
    the sum of attitudes in row order (as `np.bincount` adds them). `protest_cost` and
    `aid_compassion` come as float32, since numpy works them against the float32 columns in
    float32. A town's sum stays in one iteration of the `prange`, so threads give the same sums."""
    n = starts.size - 1
    counts = np.zeros((5, n), dtype=np.int64)
    attitude_sum = np.zeros(n)
    for t in prange(n):
        # a town's rows as slices indexed from 0: numba then knows no index is negative, drops its
        # wraparound checks and vectorises the counts (twice as fast as a loop from starts[t])
        lo, hi = starts[t], starts[t + 1]
        mine, risk, warmth, out = (
            attitude[lo:hi],
            risk_aversion[lo:hi],
            compassion[lo:hi],
            displaced[lo:hi],
        )
        weight = salience[t]
        ready = 0
        helping = 0
        hostile = 0
        welcoming = 0
        gone = 0
        for i in range(mine.size):
            a = mine[i]
            against = -a
            if against < 0.0:  # np.maximum(-a, 0.0)
                against = 0.0
            net = against * weight - np.float64(protest_cost * risk[i])
            ready += net > picket_threshold
            helping += (a > aid_threshold) & (warmth[i] > aid_compassion)
            hostile += a < hostile_threshold
            welcoming += a > welcoming_threshold
            gone += out[i]
        total = 0.0
        for i in range(mine.size):  # in row order: a chain of additions, in a loop of its own
            total += mine[i]
        counts[0, t] = ready
        counts[1, t] = helping
        counts[2, t] = hostile
        counts[3, t] = welcoming
        counts[4, t] = gone
        attitude_sum[t] = total
    return counts, attitude_sum
