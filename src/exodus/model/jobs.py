"""Jobs: local demand makes jobs, the arrivals' spending among it; vacancies are filled from local
and migrant seekers, and wage offers follow how tight the market is.

Each town has a number of jobs, filled or open. It follows, with a time constant, the first day's
jobs (and their background growth) plus the jobs the arrivals' spending supports beyond the first
day's: their living costs times the local multiplier, in local wages. When demand falls, vacancies
close first, then jobs end at random. Every day some jobs end and their vacancies are filled by a
weighted draw without replacement among the town's seekers, where a migrant's weight is the hire
weight (lower with local-hire protection). So the arrivals bring jobs as well as job seekers;
whether "there is no work here" depends on how many of them need work. A local household's income
falls to a share of its earnings while its earner is out of work, and a new hire is paid the town's
wage offer, which follows the wage curve: lower when seekers per labour force are above their
first-day level, higher when below.
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
        n = model.towns.n
        self.base_jobs = np.bincount(hh.view("town")[hh.view("employed")], minlength=n).astype(
            np.float64
        )
        self.jobs = self.base_jobs.copy()  # filled and open, agents
        # what a household's earner brings home in work; out of work it keeps a share of it
        self.earnings = hh.view("income").copy()
        out_of_work = hh.view("in_labour_force") & ~hh.view("employed")
        hh.income[: hh.n][out_of_work] *= self.params.unemployed_income_share
        # students never join the labour force and no one leaves it: each town's count is fixed
        self.labour_force = np.asarray(
            [np.count_nonzero(hh.in_labour_force[rows]) for rows in model.town_slices],
            dtype=np.float64,
        )
        # every employed household is in the labour force: the rest of it is unemployed
        self.employed_per_town = self.labour_force - [
            np.count_nonzero(out_of_work[rows]) for rows in model.town_slices
        ]
        """Local households with a job per town, as `step` leaves them (for attitudes' colleagues)."""
        self.idle = np.flatnonzero(~hh.view("employed"))
        """Rows of the households without a job (students and the unemployed), ascending: kept by
        `step`, since only this mechanism hires and ends jobs, so that the day need not find
        them among all households."""
        # the day's separation draws and their test, written into arrays kept between days: a
        # fresh household-sized array each day is memory the system must map and zero again
        self._draws = np.empty(hh.n)
        self._quit = np.empty(hh.n, dtype=bool)
        self.wage_index = np.ones(n)
        self.first_spending: np.ndarray | None = None
        self.first_seeker_rate: np.ndarray | None = None
        self.cut_carry = np.zeros(n)
        self.today: dict[str, np.ndarray] = {}

    def release(self, rows: np.ndarray) -> None:
        """Parties leaving town free their jobs for others."""
        mig = self.model.migrants
        workers = rows[mig.has_job[rows]]
        self.model.towns.open_jobs += np.bincount(mig.town[workers], minlength=self.model.towns.n)
        mig.has_job[workers] = False
        mig.income[workers] = 0.0

    def spending(self) -> np.ndarray:
        """The arrivals' monthly living costs besides rent per town, rent units (agent scale)."""
        model = self.model
        mig = model.migrants
        rows = model.flows.in_town
        cost = model.settings.flows.living_cost * mig.size[rows]
        return np.bincount(mig.town[rows], weights=cost, minlength=model.towns.n)

    def follow_demand(self) -> np.ndarray:
        """Jobs move towards what local demand supports: open vacancies where it grew; where it
        fell, close vacancies first and then end jobs at random. Returns the local households whose
        job ended (ascending rows)."""
        model, p, towns = self.model, self.params, self.model.towns
        hh, mig = model.households, model.migrants
        n = towns.n
        spending = self.spending()
        if self.first_spending is None:
            self.first_spending = spending.copy()
        years = model.day / 365.0
        target = self.base_jobs * (1.0 + p.job_growth_per_year) ** years
        target += p.local_multiplier * (spending - self.first_spending) / towns.wage
        change = (target - self.jobs) / p.demand_adjustment_days
        self.jobs += change
        towns.open_jobs += np.maximum(change, 0.0)
        cut = np.maximum(-change, 0.0)
        closed = np.minimum(cut, towns.open_jobs)
        towns.open_jobs -= closed
        self.cut_carry += cut - closed
        ends = np.floor(self.cut_carry).astype(np.int64)
        if not ends.any():
            return np.zeros(0, dtype=np.intp)
        local = np.nonzero(hh.view("employed"))[0]
        migrant = np.nonzero(mig.view("alive") & mig.view("has_job"))[0]
        town = np.concatenate([hh.town[local], mig.town[migrant]]).astype(np.int64)
        ended = first_k_in_groups(town, self.rng.random(town.size), ends, n)
        self.cut_carry -= np.bincount(town[ended], minlength=n)
        self.lose_jobs(local[ended[: local.size]], migrant[ended[local.size :]])
        return local[ended[: local.size]]

    def lose_jobs(self, local: np.ndarray, migrant: np.ndarray) -> None:
        """Workers out of a job: a local household falls back to a share of its earnings."""
        hh, mig = self.model.households, self.model.migrants
        hh.employed[local] = False
        hh.income[local] = self.earnings[local] * self.params.unemployed_income_share
        mig.has_job[migrant] = False
        mig.income[migrant] = 0.0

    def employ_first_relocants(self) -> None:
        """On the first day the spring's relocants who need work hold jobs as often as locals do
        (they have looked for months): their jobs are part of the first day's market."""
        model, hh, mig = self.model, self.model.households, self.model.migrants
        n = model.towns.n
        seekers = np.nonzero(
            mig.view("alive")
            & (mig.view("travel_left") == 0)
            & (mig.view("income_source") == NEEDS_WORK)
            & (mig.view("intention") == STAY)
        )[0]
        in_force = np.bincount(hh.town[hh.view("in_labour_force")], minlength=n)
        employed = np.bincount(hh.town[hh.view("employed")], minlength=n)
        rate = employed / np.maximum(in_force, 1)
        hired = seekers[self.rng.random(seekers.size) < rate[mig.town[seekers]]]
        mig.has_job[hired] = True
        mig.income[hired] = model.towns.wage[mig.town[hired]]
        held = np.bincount(mig.town[hired], minlength=n).astype(np.float64)
        self.base_jobs += held
        self.jobs += held

    def step(self) -> None:
        model, rng = self.model, self.rng
        hh, mig, towns = model.households, model.migrants, model.towns
        n = towns.n
        if model.day == 0:
            self.employ_first_relocants()
        separation = self.params.separation_rate
        # jobs that end today open vacancies: one draw for each employed household in row order,
        # found from the few households without a job (`idle`) instead of the many with
        idle = self.idle
        draws = rng.random(
            out=self._draws[: hh.n - idle.size]
        )  # the numbers rng.random(size) gives
        quit = np.less(draws, separation, out=self._quit[: draws.size])
        quits = employed_rows(idle, np.flatnonzero(quit))
        working = np.nonzero(mig.view("alive") & mig.view("has_job"))[0]
        lost = working[rng.random(working.size) < separation]
        self.lose_jobs(quits, lost)
        towns.open_jobs += np.bincount(hh.town[quits], minlength=n)
        towns.open_jobs += np.bincount(mig.town[lost], minlength=n)
        idle = insert_sorted(idle, quits)
        idle = insert_sorted(idle, self.follow_demand())
        np.maximum(towns.open_jobs, 0.0, out=towns.open_jobs)

        # households in the labour force without a job (students have none and seek none)
        local = idle[hh.in_labour_force[idle]]
        migrant = np.nonzero(
            mig.view("alive")
            & (mig.view("travel_left") == 0)
            & (mig.view("income_source") == NEEDS_WORK)
            & ~mig.view("has_job")
            & (mig.view("intention") == STAY)
        )[0]
        # the wage curve: offers follow seekers per labour force against the first day's level
        labour_force = self.labour_force
        local_town = hh.town[local]
        local_count = np.bincount(local_town, minlength=n)
        local_seekers = local_count.astype(np.float64)
        migrant_seekers = np.bincount(mig.town[migrant], minlength=n).astype(np.float64)
        seeker_rate = (local_seekers + migrant_seekers) / np.maximum(
            labour_force + migrant_seekers, 1.0
        )
        seeker_rate = np.maximum(seeker_rate, 1e-6)
        if self.first_seeker_rate is None:
            self.first_seeker_rate = seeker_rate.copy()
        self.wage_index = (
            seeker_rate / self.first_seeker_rate
        ) ** -self.params.wage_curve_elasticity

        town = np.concatenate([local_town, mig.town[migrant]]).astype(np.int64)
        weight = np.concatenate(
            [np.ones(local.size), model.policy.migrant_hire_weight[mig.town[migrant]]]
        )
        # weighted sampling without replacement: keep the largest u^(1/w) in each town
        with np.errstate(divide="ignore"):
            key = np.where(weight > 0, np.log(rng.random(town.size)) / weight, -np.inf)
        hires = np.floor(towns.open_jobs).astype(np.int64)
        hired = likely_first_k(town, -key, hires, n) & np.isfinite(key)
        hired_local = local[hired[: local.size]]
        hired_migrant = migrant[hired[local.size :]]
        hh.employed[hired_local] = True
        hh.income[hired_local] = self.earnings[hired_local] * self.wage_index[hh.town[hired_local]]
        mig.has_job[hired_migrant] = True
        mig.income[hired_migrant] = (
            towns.wage[mig.town[hired_migrant]] * self.wage_index[mig.town[hired_migrant]]
        )
        towns.open_jobs -= np.bincount(town[hired], minlength=n)

        # the local seekers not hired today are the labour force's unemployed
        unemployed = local_count - np.bincount(hh.town[hired_local], minlength=n)
        self.idle = np.delete(idle, np.searchsorted(idle, hired_local))
        self.employed_per_town = labour_force - unemployed
        self.today = {
            "unemployment_rate": unemployed / np.maximum(labour_force, 1),
            # share of today's job seekers who are newcomers: the competition a local feels
            "job_competition": migrant_seekers / np.maximum(local_seekers + migrant_seekers, 1.0),
            "wage_index": self.wage_index.copy(),
        }


OVERSAMPLE, MARGIN = 2, 32
"""`likely_first_k` looks first among about OVERSAMPLE x k + MARGIN seekers per town (a speed
setting: it finds the same hires with any values, falling back to all seekers when short)."""


def likely_first_k(group: np.ndarray, cost: np.ndarray, k: np.ndarray, n: int) -> np.ndarray:
    """`first_k_in_groups(group, cost, k, n)` for costs -log(u)/w (u uniform, weights w of at most
    1), partitioning only the likely few: each group's members whose cost is below the exponential
    quantile that about OVERSAMPLE x k + MARGIN of them fall below. When a group has at least
    `k[g]` of those, its first k (by cost, then position) are all among them, in the same order,
    so the same items are chosen; when any group has fewer, all members are ranked."""
    size = np.bincount(group, minlength=n)
    expected = np.minimum(OVERSAMPLE * k + MARGIN, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        cut = -np.log1p(-expected / np.maximum(size, 1))
    likely = np.flatnonzero(cost < cut[group])
    found = np.bincount(group[likely], minlength=n)
    if np.any((k > 0) & (found < k)):
        return first_k_in_groups(group, cost, k, n)
    chosen = np.zeros(group.size, dtype=bool)
    chosen[likely[first_k_in_groups(group[likely], cost[likely], k, n)]] = True
    return chosen


def employed_rows(idle: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Rows of the employed households at `positions` (ascending) in the ascending list of employed
    rows, given the ascending rows without a job: `np.nonzero(employed)[0][positions]` without
    listing the employed. Before `idle[j]` there are `idle[j] - j` employed rows, so the employed
    row at position p has as many idle rows before it as there are j with `idle[j] - j <= p`."""
    before = idle - np.arange(idle.size)
    return positions + np.searchsorted(before, positions, side="right")


def insert_sorted(rows: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Ascending `rows` with the ascending `new` rows (none of them in `rows`) merged in."""
    if new.size == 0:
        return rows
    return np.insert(rows, np.searchsorted(rows, new), new)
