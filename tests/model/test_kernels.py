"""The compiled kernels give the same bytes as their numpy twins, on random inputs and on a model's
own state, so a run is the same whether numba is there (and warm or cold) or not."""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model import kernels

pytestmark = pytest.mark.skipif(not kernels.COMPILED, reason="numba not installed or disabled")


def influence_inputs(seed: int, n: int = 20_000, ties: int = 8):
    rng = np.random.default_rng(seed)
    town_size = n // 4
    neighbours = (np.arange(n)[:, None] // town_size) * town_size + rng.integers(
        0, town_size, size=(n, ties)
    )
    attitude = np.clip(rng.normal(0.0, 0.5, n), -1.0, 1.0)
    attitude[:50] = 0.0  # ties in the gap: a message equal to the listener's attitude
    return (
        rng.random(n) < 0.25,
        rng.integers(0, ties, n),
        neighbours,
        rng.random(n) < 0.4,
        attitude,
    )


@pytest.mark.parametrize("k", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("seed", [1, 2])
def test_influence_kernel_gives_numpy_bytes(seed, k):
    hears, pick, neighbours, russian, attitude = influence_inputs(seed)
    args = (0.5, 0.2, 1.5, 0.5, k, 0.9)
    ref_listeners, ref_change = kernels.influence_numpy(
        hears, pick, neighbours, russian, attitude, *args
    )
    listeners, change = kernels.influence(hears, pick, neighbours, russian, attitude, *args)
    assert ref_listeners.size > 4000
    assert listeners.tobytes() == ref_listeners.tobytes()
    assert change.dtype == ref_change.dtype and change.tobytes() == ref_change.tobytes()
    assert np.count_nonzero(change) > 0.9 * change.size


def test_message_effect_kernel_gives_numpy_bytes():
    rng = np.random.default_rng(3)
    a, m = rng.uniform(-1, 1, 10_000), rng.uniform(-1, 1, 10_000)
    cred = np.where(rng.random(10_000) < 0.5, 1.0, 0.5)
    args = (0.2, 1.5, 0.5, 2.0, 0.9)
    ref = kernels.message_effect_numpy(a, m, cred, *args)
    assert kernels.message_effect(a, m, cred, *args).tobytes() == ref.tobytes()


def test_other_exponents_take_the_numpy_path():
    """numpy may raise to a general power with a vectorised pow that rounds differently from the C
    library's: such exponents are left to numpy, so the bytes stay numpy's."""
    hears, pick, neighbours, russian, attitude = influence_inputs(4, n=2000)
    args = (0.5, 0.2, 1.5, 0.5, 3.0, 0.9)
    ref = kernels.influence_numpy(hears, pick, neighbours, russian, attitude, *args)
    got = kernels.influence(hears, pick, neighbours, russian, attitude, *args)
    assert got[1].tobytes() == ref[1].tobytes()


def household_columns(seed: int, n: int = 30_000):
    rng = np.random.default_rng(seed)
    town = np.sort(rng.integers(0, 6, n)).astype(np.int16)
    return (
        town,
        rng.integers(0, 4, n).astype(np.int8),
        np.clip(rng.normal(0.0, 0.5, n), -1.0, 1.0),
        rng.random(n) < 0.05,
        rng.random(n).astype(np.float32),
        np.where(rng.random(n) < 0.1, rng.integers(0, 1000, n), -1),
        rng.random(n),
    )


def test_household_tallies_kernel_gives_numpy_bytes():
    town, tenure, attitude, displaced, *_ = household_columns(5)
    ref = kernels.household_tallies_numpy(town, tenure, attitude, displaced, (2, 3), 6)
    got = kernels.household_tallies(town, tenure, attitude, displaced, (2, 3), 6)
    for a, b in zip(got, ref, strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert ref[1].sum() == np.isin(tenure, (2, 3)).sum() and ref[2].sum() == displaced.sum()
