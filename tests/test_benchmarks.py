"""The speed benchmark's yardsticks: the plain-Mesa household side follows exodus's rules (its town
results agree with exodus's), Boltzmann wealth behaves as the textbook model, and the results file
keeps other sections intact."""

from __future__ import annotations

import datetime as dt
import inspect

import numpy as np
import pytest
from benchmarks import boltzmann, run
from benchmarks.mesa_reference import (
    BASELINE,
    DayInputs,
    Recording,
    ReferenceModel,
    exodus_results,
    joined_lets,
    record_exodus,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from exodus.model.groups import first_k_in_groups, rank_within_groups
from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import Scenario

DAYS = 20
ATTITUDE_TOLERANCE = 0.005
"""Largest allowed difference of a town's mean attitude after DAYS days. The two models draw
different random numbers (which neighbour speaks, who hears a message) and the reference updates
households one after another where exodus updates them all at once, so the means agree only
statistically: at this scale (about 730 households in the smallest town), fed each day's tenure,
income and employment, the difference over four reference seeds was at most 0.0010-0.0022 and of
either sign (held at their first values they missed Petropavlovsk by 0.0078-0.0098, always below);
0.005 is more than twice the largest. A wrong rule misses by more (doubling the rent weight:
0.055-0.073 in the town it moves most)."""


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """The baseline at 1/100 from 24 Sep, when rents jump and the first renters cannot renew."""
    return load_scenario(BASELINE).model_copy(update={"scale": 0.01, "start": dt.date(2022, 9, 24)})


@pytest.fixture(scope="module")
def recording(scenario: Scenario) -> Recording:
    return record_exodus(scenario, DAYS)


def run_reference(scenario: Scenario, recording: Recording) -> ReferenceModel:
    reference = ReferenceModel(scenario, recording)
    for _ in range(DAYS):
        reference.step()
    return reference


@pytest.fixture(scope="module")
def reference(scenario: Scenario, recording: Recording) -> ReferenceModel:
    return run_reference(scenario, recording)


@pytest.fixture(scope="module")
def results(reference: ReferenceModel, recording: Recording):
    return reference.town_results(), exodus_results(recording)


def test_reference_is_one_mesa_agent_per_household(scenario, recording):
    reference = ReferenceModel(scenario, recording)
    assert len(reference.agents) == recording.exodus.households.n
    assert len(recording.days) == DAYS


def test_reference_movers_and_displacements_match_exodus(reference, recording, results):
    """Same going rents, discounts, caps and trend in, same renewal rule: exactly the same
    households cannot renew, day by day (so town by town), and, given the day's local lets, exactly
    the same are displaced at the end."""
    assert reference.movers == [rows.tolist() for rows in recording.movers]
    ref, exodus = results
    assert ref["movers"] == exodus["movers"] and ref["displaced"] == exodus["displaced"]
    displaced = [agent.row for agent in reference.households if agent.displaced]
    assert displaced == np.flatnonzero(recording.exodus.households.displaced).tolist()
    # the window is not trivial: renters give up leases in several towns, and some of them (or the
    # displaced looking again) sign a new lease
    assert sum(exodus["movers"]) >= 10 and sum(m > 0 for m in exodus["movers"]) >= 3
    assert sum(day.lets.rows.size for day in recording.days) >= 2
    assert sum(exodus["displaced"]) < sum(exodus["movers"])


def test_reference_renewal_asks_and_budgets_are_exodus_s(scenario):
    """Where a rent cap binds and vacancies discount the asks (neither does in the window above),
    every lease's renewal ask and its tenant's budget are exodus's to the last bit."""
    recording = record_exodus(scenario, 0)
    model = recording.exodus
    housing, hh, units = model.housing, model.households, model.units
    n = model.towns.n
    model.day = 40  # the trend level is above 1
    model.towns.going_rent = np.linspace(1.2, 2.0, n)
    housing.discount = np.linspace(0.8, 1.0, n)
    model.policy.rent_cap_level = np.where(np.arange(n) % 2 == 0, 1.3, np.inf)
    day = DayInputs(
        going_rent=model.towns.going_rent,
        discount=housing.discount,
        trend=housing.trend_level(),
        rent_cap=model.policy.rent_cap_level,
        lets=joined_lets([]),
        market_rent=np.ones(n),
        seen={},
    )
    reference = ReferenceModel(scenario, recording)
    reference.trend = day.trend
    for town in reference.towns:
        town.open_day(day)
    tenants = np.flatnonzero(hh.view("unit") >= 0)
    rows = hh.unit[tenants]
    ask, budget = housing.going_ask(rows), housing.local_budget(tenants)
    agents = [reference.households[row] for row in tenants]
    assert [agent.going_ask() for agent in agents] == ask.tolist()
    assert [agent.budget() for agent in agents] == budget.tolist()
    capped = ask == model.policy.rent_cap_level[units.town[rows]] * units.markup[rows]
    too_dear = ask > budget
    assert 0 < capped.sum() < capped.size and 0 < too_dear.sum() < too_dear.size


def test_reference_attitudes_agree_within_tolerance(results):
    reference, exodus = results
    gap = np.abs(np.subtract(reference["attitude_mean"], exodus["attitude_mean"]))
    assert gap.max() <= ATTITUDE_TOLERANCE, gap


def test_the_recording_holds_contact_and_jobs_at_any_size(scenario, monkeypatch):
    """A model large enough for the compiled kernels is recorded on numpy's path all the same, so
    the reference is fed the day's contact; and it is fed the day's tenure, income and jobs."""
    from exodus.model import compiled

    # the compiled path for this small model (whatever EXODUS_NUMBA says: the recording is on
    # numpy's path, so numba is not needed)
    monkeypatch.setattr(compiled, "ENABLED", True)
    monkeypatch.setattr(compiled, "MIN_ROWS", 1)
    recording = record_exodus(scenario, 2)
    day = recording.days[-1]
    assert day.contact is not None and np.any(day.contact != 0)
    households = recording.exodus.households
    assert np.array_equal(day.income, households.view("income"))
    assert day.unemployed.sum() > 0 and day.tenure.size == households.n
    assert compiled.enabled(households.n)  # switched back on after the recording


def test_attitudes_moved_over_the_window(recording, results):
    """Agreeing is not trivial: exodus's town mean attitudes moved over the window."""
    _, exodus = results
    h = recording.households
    start = np.bincount(h["town"].astype(np.int64), weights=h["attitude"])
    start /= np.bincount(h["town"].astype(np.int64))
    assert np.abs(np.subtract(exodus["attitude_mean"], start)).max() > 0.03


def test_a_wrong_rule_in_the_reference_is_caught(scenario, recording, results):
    """The tolerance can fail: a reference weighing rent threat twice misses it."""
    _, exodus = results
    doubled = scenario.attitudes.model_copy(
        update={"rent_weight": 2 * scenario.attitudes.rent_weight}
    )
    wrong = run_reference(scenario.model_copy(update={"attitudes": doubled}), recording)
    gap = np.abs(np.subtract(wrong.town_results()["attitude_mean"], exodus["attitude_mean"]))
    assert gap.max() > ATTITUDE_TOLERANCE


def test_boltzmann_conserves_wealth_and_grows_inequality():
    model = boltzmann.WealthModel(500, rng=7)
    assert model.gini() == pytest.approx(0.0)
    for _ in range(60):
        model.step()
    assert sum(a.wealth for a in model.agent_list) == 500
    assert min(a.wealth for a in model.agent_list) >= 0
    assert 0.3 < model.gini() < 0.8  # the exchange model settles near an exponential (Gini 0.5)


def test_results_keep_other_sections(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\n## Sweeps\n\nsweep figures\n", encoding="utf-8")
    run.append_results("### first\n\nrow 1\n", path)
    run.append_results("### second\n\nrow 2\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.count(run.SECTION_BEGIN) == 1 and text.count(run.SECTION_END) == 1
    assert "## Sweeps\n\nsweep figures" in text
    assert text.index("### first") < text.index("### second") < text.index(run.SECTION_END)
    # a section added after ours by someone else stays after it
    path.write_text(text + "\n## Later\n\nlater text\n", encoding="utf-8")
    run.append_results("### third\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.index("### third") < text.index(run.SECTION_END) < text.index("## Later")


def test_scaling_slope_is_one_for_linear_cost():
    runs = [
        {"scale": s, "agents_per_day": 1000 * s, "seconds_per_day": 0.002 * s} for s in (1, 10, 100)
    ]
    slopes = run.scaling_slopes(runs)
    assert [round(s, 6) for _, _, s in slopes] == [1.0, 1.0]


# -- full scale: the model's own checks hold with one agent per household and per migrant --------
SCALE_DEPENDENT: dict[tuple[str, str | None], str] = {}
"""Baseline checks known to fail at full scale, with the figures; a fix turns them into a failure
(strict xfail) so that the marker is removed once the model holds at scale 1. Empty since the
recalibration with the seed-robust rent rule: Uralsk's rent index now rises 32% by 28 Sep at
scale 1 (and at 1/10), inside the observed 20-60%, where it rose 12% (9% at 1/10) before."""


def _baseline_checks() -> list:
    """The calibration and pattern tests that need only the baseline run (and a town), with their
    parametrised towns spread out, so they can be asked of the full-scale run too."""
    from tests.model import test_calibration, test_patterns

    cases = []
    for module in (test_calibration, test_patterns):
        for name, func in vars(module).items():
            if not name.startswith("test_") or not callable(func):
                continue
            params = set(inspect.signature(func).parameters)
            if not params or not params <= {"baseline_run", "town"}:
                continue
            towns: list = [None]
            own = [m for m in getattr(func, "pytestmark", []) if m.name == "xfail"]
            for mark in getattr(func, "pytestmark", []):
                if mark.name == "parametrize" and mark.args[0] == "town":
                    towns = list(mark.args[1])
            for entry in towns:
                # a town given as pytest.param carries its own marks (an expected failure at the
                # default scale); the full-scale run may or may not share it, so not strictly
                moved = list(own)
                town = entry
                if hasattr(entry, "values"):
                    town, moved = entry.values[0], moved + [m for m in entry.marks]
                label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}" + (
                    f"[{town}]" if town else ""
                )
                known = SCALE_DEPENDENT.get((name, town))
                marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
                for mark in moved:
                    reason = mark.kwargs.get("reason", "")
                    marks.append(pytest.mark.xfail(strict=False, reason=f"at scale 0.2: {reason}"))
                cases.append(pytest.param(func, town, id=label, marks=marks))
    return cases


@pytest.fixture(scope="module")
def full_scale():
    """The baseline at scale 1, stepped day by day with the conservation books kept."""
    from exodus.model.model import ExodusModel
    from exodus.runner import RunResult

    scenario = load_scenario(BASELINE).model_copy(update={"scale": 1.0})
    model = ExodusModel(scenario)
    mig = model.migrants
    people_at_start = float(mig.view("size")[mig.view("alive")].sum())
    net_in = 0.0
    for _ in range(model.n_days):
        model.step()
        net_in += float(model.towns.arrivals.sum() - model.towns.departures.sum())
    result = RunResult(
        scenario=scenario,
        seed=model.seed,
        timeseries=model.recorder.timeseries,
        events=model.recorder.events,
        agent_weight=model.agent_weight,
        agent_steps=model.agent_steps,
    )
    return model, result, people_at_start, net_in


@pytest.mark.slow
def test_full_scale_invariants(full_scale):
    """About a minute: nobody lost or duplicated, no unit let twice, capacities kept, shares in
    [0, 1], with 1.87 million households and every migrant party as agents."""
    from tests.model.test_invariants import SHARES, check_agents

    model, result, people_at_start, net_in = full_scale
    assert model.households.n > 1_800_000 and model.agent_weight == 1.0
    check_agents(model, people_at_start, net_in)
    for row in result.timeseries:
        for name in SHARES:
            assert 0.0 <= row[name] <= 1.0, (name, row[name])
        assert row["rent_index"] > 0 and row["migrants_present"] >= 0


@pytest.mark.slow
@pytest.mark.parametrize(("check", "town"), _baseline_checks())
def test_full_scale_calibration_and_patterns(full_scale, check, town):
    _, result, _, _ = full_scale
    if town is None:
        check(result)
    else:
        check(result, town)


# -- optimisations keep the model's results -------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([0.0, 0.5, 1.0, 2.5, np.inf])),
        max_size=60,
    ),
    k=st.lists(st.integers(-1, 30), min_size=4, max_size=4),
)
def test_first_k_in_groups_picks_what_ranking_picks(data, k):
    """Hiring selects by partition instead of a full sort; it must pick exactly the items the
    sort-based rank picks, ties (kept in position order) and infinite keys included."""
    group = np.asarray([g for g, _ in data], dtype=np.int64)
    key = np.asarray([v for _, v in data], dtype=np.float64)
    wanted = np.asarray(k, dtype=np.int64)
    _, rank = rank_within_groups(group, key)
    expected = rank < wanted[group] if group.size else np.zeros(0, dtype=bool)
    np.testing.assert_array_equal(first_k_in_groups(group, key, wanted, 4), expected)


def test_goals_say_what_the_full_scale_goal_leaves_a_day():
    """Start-up and outputs count against the 5 s: the goals say what is left for each day."""
    full = {
        "scale": 1.0,
        "days": 122,
        "command_seconds": 20.0,
        "command_cpu_seconds": 24.0,
        "sim_seconds": 17.0,
        "seconds_per_day": 17.0 / 122,
        "agents_per_day": 2.0e6,
        "us_per_agent_step": 0.07,
        "peak_bytes": 2**30,
    }
    floor = {"wall_seconds": 0.009, "cpu_seconds": 0.005}
    reference = {"scale": 0.1, "us_per_agent_step": 10.0}
    boltzmann = {"us_per_agent_step": 2.0}
    rows = {
        goal: (measured, met)
        for goal, measured, met in run.goals([full], reference, boltzmann, floor=floor)
    }
    [leaves] = [
        measured for goal, (measured, _) in rows.items() if goal.startswith("what 5 s leaves")
    ]
    # 5 s less the 3 s outside the simulation, over 122 days: 16.4 ms, 1.8 passes of 9 ms
    assert leaves.startswith("3.0 s outside, so 16.4 ms a day, 1.8 floor passes")
    assert "139.3 ms a day" in leaves
    full_goal = [met for goal, (_, met) in rows.items() if goal.startswith("full scale, 122 days")]
    assert full_goal == [False]
