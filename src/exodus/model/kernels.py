"""Compiled kernels for the hot household loops, each beside the numpy code it replaces.

A day at full scale makes a few passes over about 1.9 million households; numpy spends most of that
time writing and re-reading temporaries, one per operation. A kernel makes one pass. Each kernel
does exactly the floating-point operations of its numpy twin, in the same order (no fast-math, no
fused multiply-add, no transcendental functions whose library could round differently), so both give
the same bytes: `tests/model/test_kernels.py` holds them against each other.

Numba compiles the kernels on first use and caches them next to this file (`__pycache__`), so a
second process loads them in milliseconds. Without numba, or with `EXODUS_KERNELS=numpy` in the
environment, every function here runs its numpy twin: same results, slower at full scale.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

try:  # pragma: no cover - which branch runs depends on the environment
    import numba
except ImportError:  # pragma: no cover
    numba = None

COMPILED = numba is not None and os.environ.get("EXODUS_KERNELS", "") != "numpy"
"""True when the compiled kernels run; False: the numpy twins (no numba, or EXODUS_KERNELS=numpy)."""

EXACT_POWERS = (0.5, 1.0, 2.0)
"""Exponents numpy raises by an exact operation (sqrt, copy, square) instead of its `pow`, whose
vectorised version may round differently from the C library's: other exponents take the numpy path."""


def _jit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Compile `fn` with numba (cached on disk), or leave it as Python when numba is missing."""
    if numba is None:  # pragma: no cover
        return fn
    return numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")(fn)


# -- social influence (attitudes.Attitudes.influence and message_effect) --------------------------
def influence_numpy(
    hears: np.ndarray,
    pick: np.ndarray,
    neighbours: np.ndarray,
    russian: np.ndarray,
    attitude: np.ndarray,
    cross_credibility: float,
    rate: float,
    negativity_bias: float,
    latitude_lambda: float,
    k: float,
    eta: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Listeners (households with `hears`) and the change a message of their `pick`-th neighbour
    makes to each, in numpy: the reference the compiled kernel is held to."""
    ties = neighbours.shape[1]
    listeners = np.flatnonzero(hears)
    # row-major (household, tie) position in the neighbour table: one flat gather
    slot = listeners * ties
    slot += pick[listeners]
    speaker = neighbours.ravel()[slot]
    credibility = np.where(russian[speaker] == russian[listeners], 1.0, cross_credibility)
    change = message_effect_numpy(
        attitude[listeners],
        attitude[speaker],
        credibility,
        rate,
        negativity_bias,
        latitude_lambda,
        k,
        eta,
    )
    return listeners, change


def message_effect_numpy(
    listener: np.ndarray,
    message: np.ndarray,
    credibility: np.ndarray,
    rate: float,
    negativity_bias: float,
    latitude_lambda: float,
    k: float,
    eta: float,
) -> np.ndarray:
    """Lorenz, Neumann & Schröder (2021), in numpy: see `attitudes.message_effect`."""
    gap = message - listener
    bias = np.where(gap < 0, 1.0, 1.0 / negativity_bias)
    latitude = latitude_lambda**k
    # the same operations in the same order as the formula, each into an array made here
    acceptance = np.abs(gap, out=gap)
    acceptance **= k
    acceptance += latitude
    np.divide(latitude, acceptance, out=acceptance)
    effect = credibility * rate
    effect *= bias
    effect *= acceptance
    pull = eta * listener
    np.subtract(message, pull, out=pull)
    effect *= pull
    return effect


@_jit
def _exact_power(x: float, k: float) -> float:
    if k == 2.0:
        return x * x
    if k == 1.0:
        return x
    return np.sqrt(x)


@_jit
def _message_effect_one(
    a: float,
    m: float,
    credibility: float,
    rate: float,
    negative_weight: float,
    positive_weight: float,
    latitude: float,
    k: float,
    eta: float,
) -> float:
    gap = m - a
    bias = negative_weight if gap < 0 else positive_weight
    acceptance = latitude / (_exact_power(abs(gap), k) + latitude)
    return credibility * rate * bias * acceptance * (m - eta * a)


@_jit
def _true_rows(mask: np.ndarray) -> np.ndarray:
    """`np.flatnonzero(mask)` without branches (a random mask defeats the branch predictor)."""
    out = np.empty(mask.size, dtype=np.int64)
    k = 0
    for i in range(mask.size):
        out[k] = i
        k += mask[i]
    return out[:k].copy()


@_jit
def _influence_compiled(
    hears: np.ndarray,
    pick: np.ndarray,
    neighbours: np.ndarray,
    russian: np.ndarray,
    attitude: np.ndarray,
    cross_credibility: float,
    rate: float,
    positive_weight: float,
    latitude: float,
    k: float,
    eta: float,
) -> tuple[np.ndarray, np.ndarray]:
    listeners = _true_rows(hears)
    change = np.empty(listeners.size, dtype=np.float64)
    for j in range(listeners.size):
        i = listeners[j]
        s = neighbours[i, pick[i]]
        credibility = 1.0 if russian[s] == russian[i] else cross_credibility
        change[j] = _message_effect_one(
            attitude[i], attitude[s], credibility, rate, 1.0, positive_weight, latitude, k, eta
        )
    return listeners, change


@_jit
def _message_effect_compiled(
    listener: np.ndarray,
    message: np.ndarray,
    credibility: np.ndarray,
    rate: float,
    positive_weight: float,
    latitude: float,
    k: float,
    eta: float,
) -> np.ndarray:
    out = np.empty(listener.size, dtype=np.float64)
    for i in range(listener.size):
        out[i] = _message_effect_one(
            listener[i], message[i], credibility[i], rate, 1.0, positive_weight, latitude, k, eta
        )
    return out


def influence(
    hears: np.ndarray,
    pick: np.ndarray,
    neighbours: np.ndarray,
    russian: np.ndarray,
    attitude: np.ndarray,
    cross_credibility: float,
    rate: float,
    negativity_bias: float,
    latitude_lambda: float,
    k: float,
    eta: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(listeners, change): the households that hear a neighbour today and the change its message
    makes to each. Compiled when it can give numpy's bytes, else numpy."""
    if not COMPILED or k not in EXACT_POWERS:
        return influence_numpy(
            hears,
            pick,
            neighbours,
            russian,
            attitude,
            cross_credibility,
            rate,
            negativity_bias,
            latitude_lambda,
            k,
            eta,
        )
    return _influence_compiled(
        hears,
        pick,
        neighbours,
        russian,
        attitude,
        float(cross_credibility),
        float(rate),
        1.0 / negativity_bias,
        latitude_lambda**k,
        float(k),
        float(eta),
    )


def message_effect(
    listener: np.ndarray,
    message: np.ndarray,
    credibility: np.ndarray,
    rate: float,
    negativity_bias: float,
    latitude_lambda: float,
    k: float,
    eta: float,
) -> np.ndarray:
    """The Lorenz et al. message effect per listener; compiled when it can give numpy's bytes."""
    if not COMPILED or k not in EXACT_POWERS:
        return message_effect_numpy(
            listener, message, credibility, rate, negativity_bias, latitude_lambda, k, eta
        )
    return _message_effect_compiled(
        np.ascontiguousarray(listener, dtype=np.float64),
        np.ascontiguousarray(message, dtype=np.float64),
        np.ascontiguousarray(credibility, dtype=np.float64),
        float(rate),
        1.0 / negativity_bias,
        latitude_lambda**k,
        float(k),
        float(eta),
    )


# -- the recorder's household tallies (recorder.Recorder.record) ----------------------------------
def household_tallies_numpy(
    town: np.ndarray,
    tenure: np.ndarray,
    attitude: np.ndarray,
    displaced: np.ndarray,
    renter_tenures: tuple[int, int],
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per town: mean attitude, renter households and displaced households (the last two as
    counts), in numpy: the reference the compiled kernel is held to."""
    renter = np.isin(tenure, renter_tenures)
    attitude_mean = np.bincount(town, weights=attitude, minlength=n) / np.bincount(
        town, minlength=n
    )
    renters = np.bincount(town[renter], minlength=n)
    displaced_count = np.bincount(town[displaced], minlength=n)
    return attitude_mean, renters, displaced_count


@_jit
def _household_tallies_compiled(
    town: np.ndarray,
    tenure: np.ndarray,
    attitude: np.ndarray,
    displaced: np.ndarray,
    renter_a: int,
    renter_b: int,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    count = np.zeros(n, dtype=np.int64)
    total = np.zeros(n, dtype=np.float64)
    renters = np.zeros(n, dtype=np.int64)
    displaced_count = np.zeros(n, dtype=np.int64)
    for i in range(town.size):
        t = town[i]
        count[t] += 1
        total[t] += attitude[i]  # in index order, as np.bincount adds its weights
        renters[t] += (tenure[i] == renter_a) | (tenure[i] == renter_b)
        displaced_count[t] += displaced[i]
    return total / count, renters, displaced_count


def household_tallies(
    town: np.ndarray,
    tenure: np.ndarray,
    attitude: np.ndarray,
    displaced: np.ndarray,
    renter_tenures: tuple[int, int],
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per town: mean attitude, renter households and displaced households, in one pass."""
    if not COMPILED:
        return household_tallies_numpy(town, tenure, attitude, displaced, renter_tenures, n)
    a, b = renter_tenures
    return _household_tallies_compiled(town, tenure, attitude, displaced, int(a), int(b), int(n))
