"""What the faster day keeps between mechanisms and days is what the columns say (issue 13).

Jobs keeps the households without a job and those with one per town, the flows the parties in
a town and their persons, collective action counts hosts from the guests' side and the recorder
renters once, and the policies skip a scan of gains none of them left: each is checked here
against the columns it stands for, every day of a run. The compiled household counts are
checked against their numpy code on edge values (`tests/model/test_compiled.py` holds whole runs
to the same bytes).
"""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model import compiled
from exodus.model.flows import town_sums
from exodus.model.groups import first_k_in_groups
from exodus.model.jobs import MARGIN, OVERSAMPLE, employed_rows, insert_sorted, likely_first_k
from exodus.model.model import ExodusModel
from exodus.model.state import RENTER, STUDENT
from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE

# a course and a campaign that end, with gains that fade slowly or to nothing at once (decay 1)
POLICIES = (
    "policies=[{kind: integration_course, start: 2022-09-05, end: 2022-09-15, uptake: 0.2, "
    "effort_gain: 0.2, decay: 0.5}, {kind: information_campaign, start: 2022-09-10, "
    "end: 2022-09-20, reach: 0.1, legitimacy_gain: 0.3, decay: 1}]"
)


def _check_kept_state(model: ExodusModel) -> None:
    hh, mig, policy = model.households, model.migrants, model.policy
    # jobs: the rows without a job, ascending
    assert np.array_equal(model.jobs.idle, np.flatnonzero(~hh.view("employed")))
    employed = [np.count_nonzero(hh.employed[rows]) for rows in model.town_slices]
    assert model.jobs.employed_per_town.tolist() == employed
    # flows: the parties in a town and their persons per town, as the recorder counted them
    here = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
    assert np.array_equal(model.flows.in_town, here)
    people = np.bincount(mig.town[here], weights=mig.size[here], minlength=model.towns.n)
    assert model.flows.people_in_town.tobytes() == people.tobytes()
    # collective: hosts counted from the guests are the households hosting
    hosting = [np.count_nonzero(hh.hosting[rows] >= 0) for rows in model.town_slices]
    assert model.collective.hosting_households().tolist() == hosting
    # recorder: renters and students, counted once, are still the renters and students
    tenure = hh.view("tenure")
    renters = [
        np.count_nonzero((tenure[r] == RENTER) | (tenure[r] == STUDENT)) for r in model.town_slices
    ]
    assert model.recorder._renters.tolist() == renters
    # policies: a gain said to be gone is gone
    if not policy.effort_left:
        assert not policy.course_effort[: mig.n].any()
    if not policy.shift_left:
        assert not policy.legitimacy_shift.any()


@pytest.mark.parametrize("enabled", [True, False])
def test_what_the_day_keeps_is_what_the_columns_say(enabled, monkeypatch):
    """Every day of a run through the mobilisation wave with a course and a campaign: jobs
    ending and hires, arrivals, moves and departures, hosts taking and losing guests."""
    monkeypatch.setattr(compiled, "ENABLED", enabled and compiled.ENABLED)
    monkeypatch.setattr(compiled, "MIN_ROWS", 0)
    scenario = load_scenario(BASELINE, ["scale=0.01", "end=2022-10-10", POLICIES])
    model = ExodusModel(scenario, rng=3)
    effort_seen = shift_seen = False
    for _ in range(model.n_days):
        model.step()
        _check_kept_state(model)
        effort_seen |= model.policy.effort_left
        shift_seen |= model.policy.shift_left
    assert effort_seen and shift_seen  # the courses' and campaigns' paths ran
    # a campaign's gains, lost in a day (decay 1), are found gone and no longer scanned for;
    # the course's stay with the parties that have left (only those present lose theirs)
    assert not model.policy.shift_left
    assert model.policy.effort_left
    assert model.households.view("hosting").max() >= 0  # some households hosted
    assert model.recorder.timeseries[-1]["migrants_present"] > 0


def test_employed_rows_are_the_employed_at_those_positions():
    """The employed at given positions, found from the rows without a job, are the rows of the
    list of the employed at those positions; merging rows keeps the list ascending."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(0, 400))
        employed = rng.random(n) < rng.random()
        idle = np.flatnonzero(~employed)
        rows = np.flatnonzero(employed)
        positions = np.flatnonzero(rng.random(rows.size) < rng.random())
        assert np.array_equal(employed_rows(idle, positions), rows[positions])
        merged = insert_sorted(idle, rows[positions])
        assert np.array_equal(merged, np.sort(np.concatenate([idle, rows[positions]])))


@pytest.mark.skipif(not compiled.ENABLED, reason="numba is not installed or EXODUS_NUMBA=0")
@pytest.mark.parametrize("threads", ["1", "2"])
def test_compiled_household_counts_are_the_numpy_counts(threads, monkeypatch):
    """`town_tallies` counts what the numpy code counts and sums as it sums, on values at the
    thresholds: compassion exactly at the float32 threshold (numpy compares in float32),
    attitudes at each threshold and at zero."""
    monkeypatch.setattr(compiled, "MIN_ROWS", 0)
    monkeypatch.setenv("EXODUS_THREADS", threads)
    # 0.3 is not a float32: compared in float64 it would count compassion of float32(0.3) in
    scenario = load_scenario(
        BASELINE, ["scale=0.01", "end=2022-09-30", "collective.aid_compassion=0.3"]
    )
    model = ExodusModel(scenario, rng=5)
    for _ in range(25):
        model.step()
    hh, c, att = model.households, model.settings.collective, model.settings.attitudes
    rng = np.random.default_rng(1)
    edges = np.asarray(
        [0.0, -0.0, c.aid_threshold, att.hostile_threshold, att.welcoming_threshold, -1.0, 1.0]
    )
    pick = rng.random(hh.n) < 0.3
    hh.attitude[: hh.n][pick] = rng.choice(edges, size=np.count_nonzero(pick))
    near = rng.random(hh.n) < 0.3
    hh.compassion[: hh.n][near] = np.float32(c.aid_compassion)
    model.attitudes.salience = np.linspace(0.0, 1.0, model.towns.n)
    monkeypatch.setattr(compiled, "ENABLED", True)
    fast = model.collective.household_counts()
    fast_sum = model.collective.attitude_sum.copy()
    monkeypatch.setattr(compiled, "ENABLED", False)
    slow = model.collective.household_counts()
    assert fast.tolist() == slow.tolist()
    assert fast_sum.tobytes() == model.collective.attitude_sum.tobytes()
    assert (slow[1] > 0).any() and (slow[0] > 0).any()  # helpers and ready households counted


@pytest.mark.skipif(not compiled.ENABLED, reason="numba is not installed or EXODUS_NUMBA=0")
def test_town_sums_are_the_bincount_sums():
    """The compiled persons per town are `np.bincount`'s sums, bytes and all: float32 sizes
    summed as float64 in the order of the rows, for any subset of rows (none included)."""
    rng = np.random.default_rng(3)
    for size in (0, 1, 50, 5000):
        town = rng.integers(0, 6, size).astype(np.int16)
        weight = (1.0 + rng.poisson(1.5, size) + rng.random(size) / 3).astype(np.float32)
        rows = np.flatnonzero(rng.random(size) < 0.6)
        expected = np.bincount(town[rows], weights=weight[rows], minlength=6)
        assert town_sums(rows, town, weight, 6).tobytes() == expected.tobytes()


def test_likely_first_k_hires_whom_first_k_in_groups_hires():
    """Hiring among the likely few chooses the items `first_k_in_groups` chooses: weights of 1,
    below 1 and 0 (never hired), tied draws, more places than seekers; both its paths (the few
    suffice, or it falls back to all) run."""
    rng = np.random.default_rng(11)
    fell_back = looked_at_few = 0
    for _ in range(2000):
        size, groups = int(rng.integers(0, 800)), int(rng.integers(1, 6))
        group = rng.integers(0, groups, size).astype(np.int64)
        weight = np.where(rng.random(size) < 0.7, 1.0, rng.choice([0.0, 0.3, 1.0], size))
        u = rng.random(size)
        if rng.random() < 0.3:
            u = np.round(u * 20) / 20 + 1e-3  # ties
        with np.errstate(divide="ignore"):
            key = np.where(weight > 0, np.log(u) / weight, -np.inf)
        want = rng.integers(-2, 80, groups)
        expected = first_k_in_groups(group, -key, want, groups)
        assert np.array_equal(likely_first_k(group, -key, want, groups), expected)
        few = np.bincount(group, minlength=groups) > OVERSAMPLE * want + MARGIN
        looked_at_few += bool(few.all() and (want > 0).any())
        fell_back += bool((want > np.bincount(group[np.isfinite(key)], minlength=groups)).any())
    assert looked_at_few > 100 and fell_back > 100
