"""Jobs: vacancies open as jobs turn over and are filled from local and migrant seekers.

Each town keeps a pool of open vacancies. Every day some jobs end; the vacancies are filled by a
weighted draw without replacement among the town's seekers, where a migrant's weight is the hire
weight (lower with local-hire protection). Migrants add seekers but, by assumption, no jobs, so a
large wave of job seekers raises local unemployment: "there is no work here".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.groups import first_k_in_groups
from exodus.model.state import NEEDS_WORK, STAY

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel


class Jobs:
    """The labour market of every town."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.rng = model.streams["jobs"]
        self.params = model.settings.jobs
        hh = model.households
        self.jobs = np.bincount(
            hh.view("town")[hh.view("employed")], minlength=model.towns.n
        ).astype(np.float64)
        self.today: dict[str, np.ndarray] = {}

    def release(self, rows: np.ndarray) -> None:
        """Parties leaving town free their jobs for others."""
        mig = self.model.migrants
        workers = rows[mig.has_job[rows]]
        self.model.towns.open_jobs += np.bincount(mig.town[workers], minlength=self.model.towns.n)
        mig.has_job[workers] = False
        mig.income[workers] = 0.0

    def step(self) -> None:
        model, rng = self.model, self.rng
        hh, mig, towns = model.households, model.migrants, model.towns
        n = towns.n
        separation = self.params.separation_rate
        # jobs that end today open vacancies
        employed = np.nonzero(hh.view("employed"))[0]
        quits = employed[rng.random(employed.size) < separation]
        hh.employed[quits] = False
        working = np.nonzero(mig.view("alive") & mig.view("has_job"))[0]
        lost = working[rng.random(working.size) < separation]
        mig.has_job[lost] = False
        mig.income[lost] = 0.0
        towns.open_jobs += np.bincount(hh.town[quits], minlength=n)
        towns.open_jobs += np.bincount(mig.town[lost], minlength=n)
        towns.open_jobs += self.jobs * self.params.job_growth_per_year / 365.0
        np.maximum(towns.open_jobs, 0.0, out=towns.open_jobs)

        local = np.nonzero(hh.view("in_labour_force") & ~hh.view("employed"))[0]
        migrant = np.nonzero(
            mig.view("alive")
            & (mig.view("travel_left") == 0)
            & (mig.view("income_source") == NEEDS_WORK)
            & ~mig.view("has_job")
            & (mig.view("intention") == STAY)
        )[0]
        town = np.concatenate([hh.town[local], mig.town[migrant]]).astype(np.int64)
        weight = np.concatenate(
            [np.ones(local.size), model.policy.migrant_hire_weight[mig.town[migrant]]]
        )
        # weighted sampling without replacement: keep the largest u^(1/w) in each town
        with np.errstate(divide="ignore"):
            key = np.where(weight > 0, np.log(rng.random(town.size)) / weight, -np.inf)
        hires = np.floor(towns.open_jobs).astype(np.int64)
        hired = first_k_in_groups(town, -key, hires, n) & np.isfinite(key)
        hired_local = local[hired[: local.size]]
        hired_migrant = migrant[hired[local.size :]]
        hh.employed[hired_local] = True
        mig.has_job[hired_migrant] = True
        mig.income[hired_migrant] = towns.wage[mig.town[hired_migrant]]
        towns.open_jobs -= np.bincount(town[hired], minlength=n)

        # households are contiguous by town: count each town's slice
        labour_force = np.zeros(n, dtype=np.int64)
        unemployed = np.zeros(n, dtype=np.int64)
        for i, rows in enumerate(model.town_slices):
            in_force = hh.in_labour_force[rows]
            labour_force[i] = np.count_nonzero(in_force)
            unemployed[i] = np.count_nonzero(in_force & ~hh.employed[rows])
        local_seekers = unemployed.astype(np.float64)
        migrant_seekers = np.bincount(mig.town[migrant], minlength=n).astype(np.float64)
        self.today = {
            "unemployment_rate": unemployed / np.maximum(labour_force, 1),
            # share of today's job seekers who are newcomers: the competition a local feels
            "job_competition": migrant_seekers / np.maximum(local_seekers + migrant_seekers, 1.0),
        }
