"""The grouped-array helpers every mechanism relies on."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from exodus.model.groups import (
    allocate_capacity,
    match_within_groups,
    pick_uniform_in_groups,
    rank_within_groups,
)


def test_rank_within_groups_counts_from_zero_in_key_order():
    group = np.array([1, 0, 1, 0, 1])
    key = np.array([0.5, 0.9, 0.1, 0.2, 0.7])
    _, rank = rank_within_groups(group, key)
    assert rank.tolist() == [1, 1, 0, 0, 2]


def test_allocate_capacity_skips_a_family_that_does_not_fit_but_serves_a_single_behind_it():
    group = np.array([0, 0, 0, 1])
    need = np.array([1.0, 4.0, 1.0, 3.0])
    key = np.array([0.0, 1.0, 2.0, 0.0])
    granted = allocate_capacity(group, need, free=np.array([3.0, 2.0]), key=key)
    # the cumulative queue is 1, 5, 6: only the first fits in town 0; town 1 has room for 2 < 3
    assert granted.tolist() == [True, False, False, False]


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4)), max_size=40),
    st.lists(st.integers(0, 10), min_size=4, max_size=4),
)
def test_allocate_capacity_never_exceeds_a_groups_room(items, room):
    group = np.array([g for g, _ in items], dtype=np.int64)
    need = np.array([n for _, n in items], dtype=float)
    free = np.array(room, dtype=float)
    granted = allocate_capacity(group, need, free, key=np.arange(group.size, dtype=float))
    used = np.bincount(group[granted], weights=need[granted], minlength=4)
    assert (used <= free).all()


@given(st.lists(st.integers(0, 2), max_size=30), st.lists(st.integers(0, 2), max_size=30))
def test_match_within_groups_pairs_each_item_once_inside_its_group(a, b):
    ga, gb = np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)
    ia, ib = match_within_groups(ga, np.arange(ga.size) * 1.0, gb, np.arange(gb.size) * 1.0, 3)
    assert (ga[ia] == gb[ib]).all()
    assert np.unique(ia).size == ia.size and np.unique(ib).size == ib.size
    for g in range(3):
        assert (ga[ia] == g).sum() == min((ga == g).sum(), (gb == g).sum())


def test_pick_uniform_in_groups_stays_in_the_choosers_group():
    rng = np.random.default_rng(1)
    items = np.array([0, 0, 2, 2, 2])
    choosers = np.array([0, 1, 2] * 50)
    picked = pick_uniform_in_groups(choosers, items, 3, rng)
    assert (picked[choosers == 1] == -1).all()
    ok = choosers != 1
    assert (items[picked[ok]] == choosers[ok]).all()
    assert set(picked[choosers == 2]) == {2, 3, 4}
