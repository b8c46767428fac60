"""Compiled tallies over all households: one loop in place of several masks and a `np.bincount`,
with the same sums in the same order as the numpy code beside its caller, which stays the reference
(`exodus.model.compiled`). Households are contiguous by town: `starts[t]:starts[t + 1]` are town
t's rows. A town's sums stay in one iteration of the `prange` over towns, so threads (one town
each) give the same sums.

Selections (the rows of willing hosts, of the employed who quit) were tried as kernels too and
were no faster than numpy's masks: they read five columns to keep a few rows, which is bound by
memory either way.
"""

from __future__ import annotations

import numpy as np

from exodus.model.compiled import parallel_kernel, prange


@parallel_kernel
def household_tallies(starts, attitude, tenure, displaced, renter, student):
    """Per town: the sum of attitudes in row order (as `np.bincount` adds them), renter and student
    households, displaced households."""
    n = starts.size - 1
    attitude_sum = np.zeros(n)
    renters = np.zeros(n, dtype=np.int64)
    displaced_count = np.zeros(n, dtype=np.int64)
    for t in prange(n):  # a town per thread; its sum in row order
        total = 0.0
        rent = 0
        out = 0
        for i in range(starts[t], starts[t + 1]):
            total += attitude[i]
            rent += (tenure[i] == renter) | (tenure[i] == student)
            out += displaced[i]
        attitude_sum[t] = total
        renters[t] = rent
        displaced_count[t] = out
    return attitude_sum, renters, displaced_count


@parallel_kernel
def collective_counts(
    starts,
    attitude,
    risk_aversion,
    compassion,
    hosting,
    displaced,
    salience,
    protest_cost32,
    picket_threshold,
    aid_threshold,
    aid_compassion32,
    hostile_threshold,
    welcoming_threshold,
):
    """`Collective.step`'s seven counts per town in one pass: ready to picket, ready to help,
    hostile, welcoming, hosting, households, displaced. The float32 terms are float32 as numpy
    makes them (a Python float times or against a float32 column stays float32)."""
    n = starts.size - 1
    counts = np.zeros((7, n), dtype=np.int64)
    for t in prange(n):
        ready = helping = hostile = welcoming = hosts = out = 0
        s = salience[t]
        for i in range(starts[t], starts[t + 1]):
            a = attitude[i]
            net = max(-a, 0.0) * s
            net -= np.float64(protest_cost32 * risk_aversion[i])
            ready += net > picket_threshold
            helping += (a > aid_threshold) & (compassion[i] > aid_compassion32)
            hostile += a < hostile_threshold
            welcoming += a > welcoming_threshold
            hosts += hosting[i] >= 0
            out += displaced[i]
        counts[0, t] = ready
        counts[1, t] = helping
        counts[2, t] = hostile
        counts[3, t] = welcoming
        counts[4, t] = hosts
        counts[5, t] = starts[t + 1] - starts[t]
        counts[6, t] = out
    return counts
