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

    def step(self) -> None:
        model, c = self.model, self.params
        att = model.settings.attitudes
        hh, towns = model.households, model.towns
        n = towns.n
        a = hh.view("attitude")
        salience = model.attitudes.salience
        # households are contiguous by town: count each town's slice instead of gathering towns
        counts = np.zeros((7, n), dtype=np.int64)
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
            counts[4, i] = np.count_nonzero(hh.hosting[rows] >= 0)
            counts[5, i] = rows.stop - rows.start
            counts[6, i] = np.count_nonzero(hh.displaced[rows])
        households = counts[5].astype(np.float64)
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
        hosting_share = counts[4] / households

        mig = model.migrants
        here = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        present = np.bincount(mig.town[here], weights=mig.size[here], minlength=n)
        rough = here[mig.housing[here] == NO_BED]
        unhoused = np.bincount(mig.town[rough], weights=mig.size[rough], minlength=n)
        needy = here[np.isin(mig.housing[here], (NO_BED, SHELTER))]
        in_need = np.bincount(mig.town[needy], weights=mig.size[needy], minlength=n)
        meals = towns.aid * c.aid_meals_per_day * model.scale
        fed = np.minimum(np.divide(meals, in_need, out=np.ones(n), where=in_need > 0), 1.0)
        self.meal_cover = fed * c.meal_share_of_living_cost
        housing_distress = np.minimum(
            1.0,
            counts[6] / households / c.displaced_share_full
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
