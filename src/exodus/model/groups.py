"""Vectorised operations on agents grouped by town: ranking, capacity allocation and matching.

Every mechanism needs "the first k of each town" in some order; these helpers do it with sorts and
cumulative sums instead of a Python loop over agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel


def rank_within_groups(group: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order the items by (group, key) and give each item's 0-based rank inside its group.

    Returns `(order, rank)` where `order` sorts the items and `rank[i]` is item i's rank.
    """
    order = np.lexsort((key, group))
    sorted_group = group[order]
    n = group.size
    position = np.arange(n)
    if n == 0:
        return order, np.zeros(0, dtype=np.int64)
    starts = np.r_[True, sorted_group[1:] != sorted_group[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, position, 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = position - group_start
    return order, rank


def first_k_in_groups(
    group: np.ndarray, key: np.ndarray, k: np.ndarray, n_groups: int
) -> np.ndarray:
    """Mask of each group's first `k[g]` items in (key, position) order.

    The same items as `rank_within_groups(group, key)[1] < k[group]`, found by partitioning each
    group around its k-th key instead of sorting everything: a day's hiring picks a few thousand
    of a million seekers. `key` must hold no NaN.
    """
    chosen = np.zeros(group.size, dtype=bool)
    for g in range(n_groups):
        want = int(k[g])
        if want <= 0:
            continue
        members = np.flatnonzero(group == g)
        if members.size <= want:
            chosen[members] = True
            continue
        values = key[members]
        candidates = smallest_candidates(values, want)  # the few that can be chosen
        part = values[candidates]
        cut = np.partition(part, want - 1)[want - 1]
        below = part < cut
        chosen[members[candidates[below]]] = True
        # keys equal to the cut go in position order, as a stable sort would put them
        tied = members[candidates[part == cut]]
        chosen[tied[: want - np.count_nonzero(below)]] = True
    return chosen


def smallest_candidates(values: np.ndarray, want: int) -> np.ndarray:
    """Ascending positions of some of `values` that hold their `want` smallest and every value tied
    with the largest of those: all values up to a level, first the level below which `want` of them
    would lie if they were uniform on [0, 1), raised until enough do. The `want`-th smallest, the
    values below it and its ties are then the same as among all values, and only these few are
    partitioned: the day's draws (a handful of aid hosts among 100,000 free owners) and the
    hiring keys (exponential, the smallest first) need a small share. Values that are not below
    1 come back as every position."""
    level = want / values.size
    while level < 1.0:
        candidates = np.flatnonzero(values <= level)
        if candidates.size >= want:
            return candidates
        level += level  # twice as far
    return np.arange(values.size)


def allocate_capacity(
    group: np.ndarray, need: np.ndarray, free: np.ndarray, key: np.ndarray
) -> np.ndarray:
    """Grant items in key order within each group while their cumulative need fits the group's free room.

    `free[g]` is group g's room in the same unit as `need`; returns a boolean mask of the granted items.
    An item that does not fit is refused, and smaller items later in the queue may still fit: a family
    of four is refused the last two beds while a single man behind it takes one.
    """
    if group.size == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((key, group))
    g = group[order]
    n = need[order].astype(np.float64)
    cumulative = np.cumsum(n)
    starts = np.r_[True, g[1:] != g[:-1]]
    before_group = np.maximum.accumulate(np.where(starts, cumulative - n, 0.0))
    within = cumulative - before_group
    granted_sorted = within <= free[g] + 1e-9
    granted = np.empty(group.size, dtype=bool)
    granted[order] = granted_sorted
    return granted


def match_within_groups(
    group_a: np.ndarray, key_a: np.ndarray, group_b: np.ndarray, key_b: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pair the r-th item of A with the r-th item of B inside each group, in key order.

    Returns index arrays `(ia, ib)` of the matched pairs; the surplus of either side stays unmatched.
    """
    if group_a.size == 0 or group_b.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    _, rank_a = rank_within_groups(group_a, key_a)
    order_b, _ = rank_within_groups(group_b, key_b)
    count_b = np.bincount(group_b, minlength=n_groups)
    start_b = np.r_[0, np.cumsum(count_b)[:-1]]
    has_partner = rank_a < count_b[group_a]
    ia = np.nonzero(has_partner)[0]
    # Items of B sorted by (group, key) sit at start_b[group] + rank in `order_b`.
    ib = order_b[start_b[group_a[ia]] + rank_a[ia]]
    return ia, ib


def pick_uniform_in_groups(
    group_of_chooser: np.ndarray, group_of_item: np.ndarray, n_groups: int, rng: np.random.Generator
) -> np.ndarray:
    """For each chooser, one item of its own group drawn uniformly (-1 where the group has none)."""
    order = np.argsort(group_of_item, kind="stable")
    counts = np.bincount(group_of_item, minlength=n_groups)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    n_items = counts[group_of_chooser]
    offset = np.floor(rng.random(group_of_chooser.size) * n_items).astype(np.int64)
    picked = np.full(group_of_chooser.size, -1, dtype=np.int64)
    ok = n_items > 0
    picked[ok] = order[starts[group_of_chooser[ok]] + offset[ok]]
    return picked


def sum_by_group(group: np.ndarray, weights: np.ndarray | None, n_groups: int) -> np.ndarray:
    """Per-group sums (counts when `weights` is None), as float64."""
    if group.size == 0:
        return np.zeros(n_groups)
    return np.bincount(group, weights=weights, minlength=n_groups).astype(np.float64)


def pick_affordable_in_groups(
    group_of_chooser: np.ndarray,
    budget: np.ndarray,
    group_of_item: np.ndarray,
    price: np.ndarray,
    n_groups: int,
    rng: np.random.Generator,
    ranked: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """For each chooser, one item of its own group drawn uniformly among those priced at most its
    budget (-1 where it can afford none): a seeker views only the listings it could pay for.
    `ranked` is `item_order(group_of_item, price)` if the caller has it already."""
    picked = np.full(group_of_chooser.size, -1, dtype=np.int64)
    if group_of_item.size == 0 or group_of_chooser.size == 0:
        return picked
    order, sorted_key = item_order(group_of_item, price) if ranked is None else ranked
    counts = np.bincount(group_of_item, minlength=n_groups)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    chooser_key = group_of_chooser * STRIDE + np.minimum(budget, STRIDE / 2)
    n_affordable = np.searchsorted(sorted_key, chooser_key, side="right") - starts[group_of_chooser]
    offset = np.floor(rng.random(group_of_chooser.size) * n_affordable).astype(np.int64)
    ok = n_affordable > 0
    picked[ok] = order[starts[group_of_chooser[ok]] + offset[ok]]
    return picked


STRIDE = 1e6
"""The sort-key stride separating groups in `item_order`: prices and budgets are clipped far below
it (to half of it), so a budget never reaches into the next group."""


def item_order(
    group_of_item: np.ndarray, price: np.ndarray, kept: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The items in (group, price) order, ties in position order, and their sort keys (group
    first, then price): the ranking of `pick_affordable_in_groups`. `kept`, if given, are the
    positions of items believed to be in that order already (yesterday's listings whose asks did
    not change): the others are sorted and merged in, and that order is taken if it sorts the
    keys strictly (then it is the only one that does), else all items are sorted."""
    item_key = group_of_item * STRIDE + np.minimum(price, STRIDE / 2)
    hint = None
    if kept is not None:
        rest = np.ones(item_key.size, dtype=bool)
        rest[kept] = False
        rest = np.flatnonzero(rest)
        rest = rest[np.argsort(item_key[rest], kind="stable")]
        hint = np.insert(kept, np.searchsorted(item_key[kept], item_key[rest]), rest)
    return stable_argsort(item_key, hint)


def stable_argsort(
    key: np.ndarray, hint: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """`np.argsort(key, kind="stable")` and the sorted keys. Where an order leaves the keys
    strictly ascending no two are equal, so it is the only order that sorts them and the stable
    one: first `hint` is tried (positions into `key`, a guess), then numpy's quicker unstable
    sort, and only when that leaves ties (or NaN) the stable sort."""
    if hint is not None and hint.size == key.size and (hint.size == 0 or hint.min() >= 0):
        sorted_key = key[hint]  # n valid positions that sort strictly: a permutation
        if (sorted_key[1:] > sorted_key[:-1]).all():
            return hint, sorted_key
    order = np.argsort(key)
    sorted_key = key[order]
    if not (sorted_key[1:] > sorted_key[:-1]).all():
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
    return order, sorted_key


def town_starts(model: ExodusModel) -> np.ndarray:
    """First household row of each town, then the number of households: town t's households are
    rows `starts[t]:starts[t + 1]` (the form the compiled kernels take)."""
    rows = model.town_slices
    return np.asarray([r.start for r in rows] + [rows[-1].stop if rows else 0], dtype=np.int64)
