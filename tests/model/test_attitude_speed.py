"""The attitudes' fast paths (issue 13, item 2) give the numpy code's numbers, bit for bit.

The whole-run comparison is `tests/model/test_compiled.py`'s; these hold each piece on its own: the
parties' sums, the units' counts and landlord sums, the speakers, the split of the households into
pieces for threads, and the clip of the listeners only.
"""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model import attitude_kernels, compiled
from exodus.model.model import ExodusModel
from exodus.model.state import MIGRANT_TENANT
from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE, run_model

pytestmark = pytest.mark.skipif(
    not compiled.ENABLED, reason="numba is not installed or EXODUS_NUMBA=0"
)


@pytest.fixture(scope="module")
def model() -> ExodusModel:
    """A small baseline three weeks into the mobilisation wave: parties present and travelling,
    hosted, in shelters and without a bed, units let to migrants, migrants with jobs."""
    scenario = load_scenario(BASELINE, ["scale=0.01", "end=2022-10-15"])
    return run_model(scenario, days=35)


def test_present_means_compiled_are_the_numpy_means(model, monkeypatch):
    att = model.attitudes
    monkeypatch.setattr(compiled, "ENABLED", False)
    slow_total, slow = att.present_means()
    monkeypatch.setattr(compiled, "ENABLED", True)
    monkeypatch.setattr(compiled, "MIN_ROWS", 0)
    fast_total, fast = att.present_means()
    assert slow_total.min() > 0  # parties present in every town
    assert slow["need"].max() > 0  # some in need: that branch ran
    assert fast_total.tobytes() == slow_total.tobytes()
    assert fast.keys() == slow.keys()
    for key in slow:
        assert fast[key].tobytes() == slow[key].tobytes(), key


def test_unit_contact_gives_contact_terms_counts_and_landlord_sums(model):
    """One pass over the units: the numpy `contact_terms`' let shares, and its landlords'
    contact summed as `np.bincount` sums it, with exactly those landlords marked."""
    att, p = model.attitudes, model.attitudes.params
    units, mig, hh = model.units, model.migrants, model.households
    n = model.towns.n
    _, _, landlord, tenant_gap = att.contact_terms(att.perceptions())
    assert landlord.size > 0
    stock, let = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    landlord_sum, is_landlord = np.zeros(hh.n), np.zeros(hh.n, dtype=bool)
    attitude_kernels.unit_contact(
        units.view("town"),
        units.view("holder"),
        units.view("tenant"),
        units.view("landlord"),
        mig.integration_effort,
        mig.disrespect,
        np.float32(p.contact_quality_neutral),
        np.float32(p.contact_quality_slope),
        np.float32(p.contact_quality_threshold),
        np.float32(p.landlord_contact),
        True,
        stock,
        let,
        landlord_sum,
        is_landlord,
    )
    utown = units.view("town")
    assert np.array_equal(stock, np.bincount(utown, minlength=n))
    assert np.array_equal(
        let, np.bincount(utown[units.view("holder") == MIGRANT_TENANT], minlength=n)
    )
    expected = np.bincount(landlord, weights=p.landlord_contact * tenant_gap, minlength=hh.n)
    assert landlord_sum.tobytes() == expected.tobytes()
    assert np.array_equal(np.flatnonzero(is_landlord), np.unique(landlord))
    workers = np.zeros(n, dtype=np.int64)
    attitude_kernels.live_workers(mig.view("alive"), mig.view("has_job"), mig.view("town"), workers)
    alive_working = mig.view("alive") & mig.view("has_job")
    assert workers.sum() > 0
    assert np.array_equal(workers, np.bincount(mig.view("town")[alive_working], minlength=n))


def test_speakers_are_the_picked_neighbours(model):
    """The speakers worked out with the draws are the numpy `influence`'s flat gather."""
    att = model.attitudes
    rng = np.random.default_rng(3)
    n, ties = att.neighbours.shape
    pick = rng.integers(0, ties, size=n, dtype=np.int32)
    listeners = np.flatnonzero(rng.random(n) < 0.3)
    speaker = np.empty(listeners.size, dtype=np.int32)
    attitude_kernels.speakers(listeners, pick, att.neighbours, speaker)
    expected = att.neighbours.ravel()[listeners * ties + pick[listeners]]
    assert np.array_equal(speaker, expected)


def test_the_step_clips_every_attitude_pushed_outside(model):
    """The clip after the messages touches only the listeners when the step towards the target
    left every attitude inside [-1, 1], and every household when it did not, as numpy's clip."""
    rng = np.random.default_rng(5)
    size = 1000
    attitude = rng.uniform(-1, 1, size)
    target = rng.uniform(-1, 1, size)
    attitude[:3] = (1.0, -1.0, 0.999999)
    target[:3] = (1.0, -1.0, 1.0)
    inside = attitude.copy()
    assert attitude_kernels.follow_target(target, 0.3, inside) == 0
    assert np.array_equal(inside, attitude + (target - attitude) * 0.3)
    outside = attitude.copy()
    pushed = target.copy()
    pushed[[10, 500]] = (40.0, -40.0)  # two households far past the target's range
    assert attitude_kernels.follow_target(pushed, 0.5, outside) == 2
    listeners = np.flatnonzero(rng.random(size) < 0.25)
    listeners = listeners[(listeners != 10) & (listeners != 500)]
    heard = rng.uniform(-1, 1, listeners.size) * 3.0  # messages that push some past the ends
    gap = np.abs(heard - outside[listeners])
    credibility = np.ones(listeners.size)
    args = (listeners, heard, gap, credibility, 0.25, 0.9, 0.5, 0.9)
    for clip_all, start in ((False, inside), (True, outside)):
        fast = start.copy()
        attitude_kernels.apply_messages(*args, clip_all, fast)
        slow = start.copy()
        attitude_kernels.apply_messages(*args, True, slow)
        assert fast.tobytes() == slow.tobytes()
        assert fast.min() >= -1.0 and fast.max() <= 1.0
    assert (np.abs(outside) > 1).sum() == 2  # the non-listeners the full clip had to catch


@pytest.mark.parametrize("threads", ["3", "5"])
def test_any_number_of_pieces_gives_the_numpy_codes_bytes(threads, monkeypatch):
    """`drive_contact_target` cuts the households into one piece per thread, cutting towns: with
    3 or 5 threads (numba runs them on the threads the machine has) the day is the numpy day."""
    scenario = load_scenario(BASELINE, ["scale=0.01", "end=2022-10-05"])
    monkeypatch.setattr(compiled, "MIN_ROWS", 0)
    monkeypatch.setattr(compiled, "ENABLED", False)
    slow = run_model(scenario)
    monkeypatch.setattr(compiled, "ENABLED", True)
    monkeypatch.setenv("EXODUS_THREADS", threads)
    fast = run_model(scenario)
    assert compiled.threads(fast.households.n) == int(threads)
    for column in ("attitude", "prior", "hosted_days"):
        assert fast.households.view(column).tobytes() == slow.households.view(column).tobytes()
    assert fast.recorder.timeseries == slow.recorder.timeseries
