"""Compiled tallies over all households: one loop in place of several masks and a `np.bincount`,
with the same sums in the same order as the numpy code beside its caller, which stays the reference
(`exodus.model.compiled`). Households are contiguous by town: `starts[t]:starts[t + 1]` are town
t's rows. A town's sums stay in one iteration of the `prange` over towns, so threads (one town
each) give the same sums.

Selections (the rows of willing hosts, of the employed who quit) were tried as kernels too and
were no faster than numpy's masks: they read five columns to keep a few rows, which is bound by
memory either way. So were `Collective.step`'s seven counts per town in one pass (9.5 ms a day at
scale 1 against numpy's 8.6) and the willing hosts again, threaded (12.4 against 8.7 ms with
the same draw): a scalar loop over 1.9 M rows costs about 5 ns a row, more than numpy's
vectorised passes over the few columns each reads. A third round (issue 13, housing) measured
the same on the model's state at scale 1 (day 40, best of 15): the willing hosts in one pass
after the draw 3.7 ms against numpy's 1.2 + 0.3; the listing owners 2.2 against 1.5; the free
owners for aid placements 6.4 (3.8 branch-free, 4.0 on two threads) against 2.4.
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
