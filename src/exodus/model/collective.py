"""Collective action and the tension index.

A household is ready to picket, as an agent turns active in Epstein's civil-violence model, when its
hostility times the salience of the arrivals minus its risk aversion times the cost of protest
exceeds a threshold. Pickets happen in a town only once the ready share passes an onset share (a
threshold of hostility); a small turnout of the ready makes the day's pickets. Aid initiatives grow
the same way from welcoming, compassionate households. Tension combines hostility, picketing,
housing distress and background stress into an index in [0, 1].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.state import NO_BED

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel


class Collective:
    """Pickets, aid and tension per town."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.params = model.settings.collective
        self.today: dict[str, np.ndarray] = {}

    def step(self) -> None:
        model, c = self.model, self.params
        att = model.settings.attitudes
        hh, towns = model.households, model.towns
        n = towns.n
        a = hh.view("attitude")
        salience = model.attitudes.salience
        # households are contiguous by town: count each town's slice instead of gathering towns
        counts = np.zeros((6, n), dtype=np.int64)
        for i, rows in enumerate(model.town_slices):
            mine = a[rows]
            net = np.maximum(-mine, 0.0) * salience[i]
            net -= c.protest_cost * hh.risk_aversion[rows]
            counts[0, i] = np.count_nonzero(net > c.picket_threshold)
            counts[1, i] = np.count_nonzero((mine > c.aid_threshold) & (hh.compassion[rows] > 0.5))
            counts[2, i] = np.count_nonzero(mine < att.hostile_threshold)
            counts[3, i] = np.count_nonzero(mine > att.welcoming_threshold)
            counts[4, i] = np.count_nonzero(hh.hosting[rows] >= 0)
            counts[5, i] = rows.stop - rows.start
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
            helper_share >= c.onset_share,
            np.floor(helper_share * people * c.turnout / c.picket_size),
            0.0,
        )
        hostile_share = counts[2] / households
        welcoming_share = counts[3] / households
        hosting_share = counts[4] / households

        mig = model.migrants
        here = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        present = np.bincount(mig.town[here], weights=mig.size[here], minlength=n)
        rough = here[mig.housing[here] == NO_BED]
        unhoused = np.bincount(mig.town[rough], weights=mig.size[rough], minlength=n)
        housing_distress = np.minimum(
            1.0,
            towns.displaced_total / households * 10.0
            + np.divide(unhoused, present, out=np.zeros(n), where=present > 0),
        )
        parts = (
            (c.tension_hostile_weight, np.minimum(hostile_share / 0.5, 1.0)),
            (c.tension_picket_weight, np.minimum(ready_share / max(c.onset_share, 1e-9), 1.0)),
            (c.tension_housing_weight, housing_distress),
            (c.tension_stress_weight, towns.background_stress),
        )
        total_weight = sum(w for w, _ in parts)
        towns.tension = sum(w * part for w, part in parts) / max(total_weight, 1e-12)
        self.today = {
            "hostile_share": hostile_share,
            "welcoming_share": welcoming_share,
            "hosting_share": hosting_share,
            "ready_share": ready_share,
        }
