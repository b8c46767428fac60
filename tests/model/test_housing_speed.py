"""The housing step's fast paths (issue 13, item 2) give the results of the plain code they replace:
the same hosts, the same order, the same sums, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model.groups import (
    first_k_in_groups,
    item_order,
    pick_affordable_in_groups,
    smallest_candidates,
    stable_argsort,
)
from exodus.model.housing import MarketStock, first_k_in_blocks
from exodus.model.state import VACANT, WITHDRAWN, Units
from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE, run_model


def _first_k_by_sorting(key: np.ndarray, bounds: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Each block's first k[g] items in (key, position) order, by a stable sort of each block."""
    chosen = np.zeros(key.size, dtype=bool)
    for g in range(bounds.size - 1):
        lo, hi = int(bounds[g]), int(bounds[g + 1])
        order = np.argsort(key[lo:hi], kind="stable")
        chosen[lo + order[: max(int(k[g]), 0)]] = True
    return chosen


@pytest.mark.parametrize("keys", ["uniform", "rounded", "whole", "wide"])
def test_first_k_in_blocks_picks_the_k_smallest_of_large_blocks(keys):
    """Blocks of up to 20,000 draws and a handful wanted (the day's aid placements): the same
    items as sorting each block, ties at the cut in position order, whatever the keys."""
    rng = np.random.default_rng(13)
    for _ in range(40):
        sizes = rng.integers(0, 20_000, int(rng.integers(1, 7)))
        bounds = np.r_[0, np.cumsum(sizes)]
        draws = rng.random(int(bounds[-1]))
        key = {
            "uniform": draws,
            "rounded": np.round(draws, 3),  # many ties, some at the cut
            "whole": np.floor(draws * 4),  # keys at or above 1: the full partition
            "wide": draws * 10.0,  # most keys above 1: the level is raised past 1
        }[keys]
        k = rng.integers(-1, 40, sizes.size)
        fast = first_k_in_blocks(key, bounds, k)
        assert np.array_equal(fast, _first_k_by_sorting(key, bounds, k))
        group = np.repeat(np.arange(sizes.size), sizes)
        assert np.array_equal(fast, first_k_in_groups(group, key, k, sizes.size))
        assert np.array_equal(np.bincount(group[fast], minlength=sizes.size), np.clip(k, 0, sizes))


@pytest.mark.parametrize("keys", ["uniform", "hiring", "whole"])
def test_first_k_in_groups_is_the_rank_order_for_any_groups(keys):
    """Groups in any order (households, then parties), keys as the jobs module draws them
    (uniform; hiring's -log(u)/w, infinite where w is 0) or whole numbers with ties: the first k
    of each group in (key, position) order, as ranking them all would give."""
    from exodus.model.groups import rank_within_groups

    rng = np.random.default_rng(31)
    for _ in range(30):
        size = int(rng.integers(0, 30_000))
        group = rng.integers(0, 6, size)
        u = rng.random(size)
        weight = np.where(rng.random(size) < 0.1, 0.0, rng.lognormal(0, 0.5, size))
        with np.errstate(divide="ignore"):
            key = {
                "uniform": u,
                "hiring": -np.where(weight > 0, np.log(u) / weight, -np.inf),
                "whole": np.floor(u * 5),
            }[keys]
        k = rng.integers(-1, 3000, 6)
        _, rank = rank_within_groups(group, key)
        assert np.array_equal(first_k_in_groups(group, key, k, 6), rank < k[group])


def test_smallest_candidates_are_few_for_draws_and_hold_the_cut():
    """For uniform draws the candidates are a small superset of the k smallest: at most a few
    times k of 100,000, holding every value up to the k-th."""
    rng = np.random.default_rng(5)
    values = rng.random(100_000)
    for want in (1, 2, 5, 16, 300):
        candidates = smallest_candidates(values, want)
        assert want <= candidates.size <= 8 * want + 20
        kth = np.sort(values)[want - 1]
        assert np.array_equal(candidates, np.flatnonzero(values <= values[candidates].max()))
        assert values[candidates].max() >= kth
        assert np.all(np.diff(candidates) > 0)


@pytest.mark.parametrize("kind", ["distinct", "ties", "nan", "tiny"])
def test_stable_argsort_is_numpys_stable_sort(kind):
    rng = np.random.default_rng(3)
    for size in (0, 1, 2, 7, 1000, 60_000):
        key = {
            "distinct": rng.random(size),
            "ties": rng.integers(0, 50, size).astype(float),
            "nan": np.where(rng.random(size) < 0.1, np.nan, rng.random(size)),
            "tiny": rng.integers(0, 6, size) * 1e6 + rng.random(size) * 1e-9,  # ties by rounding
        }[kind]
        order, sorted_key = stable_argsort(key)
        expected = np.argsort(key, kind="stable")
        assert np.array_equal(order, expected)
        assert sorted_key.tobytes() == key[expected].tobytes()


def _pick_affordable_stable(group_c, budget, group_i, price, n, rng):
    """`pick_affordable_in_groups` as it was: a stable argsort of the items' keys."""
    picked = np.full(group_c.size, -1, dtype=np.int64)
    if group_i.size == 0 or group_c.size == 0:
        return picked
    stride = 1e6
    item_key = group_i * stride + np.minimum(price, stride / 2)
    order = np.argsort(item_key, kind="stable")
    sorted_key = item_key[order]
    counts = np.bincount(group_i, minlength=n)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    chooser_key = group_c * stride + np.minimum(budget, stride / 2)
    n_affordable = np.searchsorted(sorted_key, chooser_key, side="right") - starts[group_c]
    offset = np.floor(rng.random(group_c.size) * n_affordable).astype(np.int64)
    ok = n_affordable > 0
    picked[ok] = order[starts[group_c[ok]] + offset[ok]]
    return picked


@pytest.mark.parametrize("ties", [False, True])
def test_pick_affordable_in_groups_picks_as_the_stable_sort_did(ties):
    """Listings with equal asks (whole-number prices) take the stable sort's path; distinct ones
    the quick sort's: the same listing for every seeker either way."""
    rng = np.random.default_rng(17)
    for _ in range(30):
        items, choosers = int(rng.integers(0, 5000)), int(rng.integers(0, 800))
        group_i, group_c = rng.integers(0, 6, items), rng.integers(0, 6, choosers)
        price = rng.integers(1, 20, items) * 0.25 if ties else rng.lognormal(0, 0.4, items)
        budget = rng.lognormal(0, 0.5, choosers)
        seed = int(rng.integers(1 << 30))
        fast = pick_affordable_in_groups(
            group_c, budget, group_i, price, 6, np.random.default_rng(seed)
        )
        slow = _pick_affordable_stable(
            group_c, budget, group_i, price, 6, np.random.default_rng(seed)
        )
        assert np.array_equal(fast, slow)


@pytest.mark.parametrize("guess", ["right", "shuffled", "stale", "bad"])
def test_item_order_with_a_guess_is_the_stable_order(guess):
    """A guess of yesterday's order (right, with a few items out of place, of items that left,
    or not positions at all) gives the stable sort's order all the same: a guess is only taken
    when it sorts the keys strictly."""
    rng = np.random.default_rng(29)
    for _ in range(40):
        size = int(rng.integers(0, 3000))
        group = rng.integers(0, 6, size)
        price = rng.lognormal(0, 0.4, size)
        if rng.random() < 0.3:
            price = np.round(price, 1)  # ties: the stable sort decides
        expected = np.argsort(group * 1e6 + price, kind="stable")
        kept = expected[rng.random(size) < 0.9]  # in order, some left out (new listings)
        if guess == "shuffled" and kept.size > 1:
            i, j = rng.integers(0, kept.size, 2)
            kept[[i, j]] = kept[[j, i]]
        elif guess == "stale":
            kept = np.r_[kept, kept[:3]]  # repeated positions
        elif guess == "bad":
            kept = -1 - kept  # negative: not positions
        order, sorted_key = item_order(group, price, kept)
        assert np.array_equal(order, expected)
        assert sorted_key.tobytes() == (group * 1e6 + price)[expected].tobytes()


def _fresh_stock(units: Units, n: int) -> tuple[np.ndarray, np.ndarray]:
    on_market = units.view("holder") != WITHDRAWN
    town = units.view("town")[on_market]
    markup = units.view("markup")[on_market]
    return np.bincount(town, minlength=n), np.bincount(town, weights=markup, minlength=n)


def test_market_stock_counts_as_a_fresh_count_would():
    """Units added, let and withdrawn in any order: after each change the kept count and mark-up
    sum are those of a count over all units, to the bit."""
    rng = np.random.default_rng(23)
    units = Units(capacity=10)
    stock = MarketStock(4)
    for _ in range(200):
        rows = units.grow(int(rng.integers(0, 50)))
        units.town[rows] = rng.integers(0, 4, rows.stop - rows.start)
        units.markup[rows] = rng.lognormal(0, 0.3, rows.stop - rows.start)
        units.holder[rows] = VACANT
        if rng.random() < 0.3 and units.n:  # some units, new or old, withdrawn
            units.holder[rng.integers(0, units.n, int(rng.integers(1, 4)))] = WITHDRAWN
        count, markup_sum = stock.update(units)
        fresh_count, fresh_sum = _fresh_stock(units, 4)
        assert np.array_equal(count, fresh_count)
        assert markup_sum.tobytes() == fresh_sum.tobytes()


def test_market_stock_in_a_run_with_new_and_withdrawn_units():
    """Through the mobilisation wave owners list spare units and withdraw some: the housing step's
    kept stock is the fresh count every day."""
    scenario = load_scenario(BASELINE, ["scale=0.02", "end=2022-11-15"])
    model = run_model(scenario, days=0)
    housing, units = model.housing, model.units
    first = units.n
    for _ in range(model.n_days):
        model.step()
        count, markup_sum = housing.stock.update(units)
        fresh_count, fresh_sum = _fresh_stock(units, model.towns.n)
        assert np.array_equal(count, fresh_count)
        assert markup_sum.tobytes() == fresh_sum.tobytes()
    assert units.n > first  # units were added
    assert np.count_nonzero(units.view("holder") == WITHDRAWN) > 0  # and some withdrawn


def _willing_hosts_by_mask(model, rng: np.random.Generator) -> np.ndarray:
    """The willing hosts as the mask of all five conditions over every household."""
    from exodus.model.state import OWNER

    hh, housing = model.households, model.housing
    threshold = housing.params.host_compassion_threshold - model.policy.host_threshold_cut
    mask = (
        (rng.random(hh.n) < housing.params.hosting_offer_rate)
        & (hh.view("tenure") == OWNER)
        & (hh.view("hosting") < 0)
        & (hh.view("compassion") > threshold[hh.view("town")])
        & (hh.view("attitude") > model.settings.attitudes.welcoming_threshold)
    )
    return np.flatnonzero(mask)


def test_willing_hosts_are_the_five_conditions_when_a_policy_moves_the_threshold():
    """A host-family programme lowers the compassion needed from 23 Sep: every day, before and
    after, the willing hosts (kept compassionate rows, offers among them) are the rows of the
    five-condition mask over every household, from the same draw."""
    scenario = load_scenario(
        BASELINE.parent / "host_family_programme.yaml", ["scale=0.02", "end=2022-10-05"]
    )
    model = run_model(scenario, days=0)
    housing = model.housing
    fast_willing = housing.willing_hosts
    days = {"checked": 0, "levels": set()}

    def checked() -> np.ndarray:
        twin = np.random.Generator(np.random.PCG64())
        twin.bit_generator.state = housing.rng.bit_generator.state
        expected = _willing_hosts_by_mask(model, twin)
        got = fast_willing()
        assert np.array_equal(got, expected)
        assert housing.rng.bit_generator.state == twin.bit_generator.state
        days["checked"] += 1
        days["levels"].add(tuple(housing.compassion_level))
        return got

    housing.willing_hosts = checked
    for _ in range(model.n_days):
        model.step()
    assert days["checked"] == model.n_days
    assert len(days["levels"]) == 2  # the programme moved the thresholds: the rows were redone


def test_report_sees_the_listings_fresh_or_kept_from_the_rent_index():
    """The day's report takes the vacant listings and asks the rent index found, when nothing was
    let, listed or cut in between: every day they are those of a fresh look at all units."""
    scenario = load_scenario(BASELINE, ["scale=0.02", "end=2022-10-20"])
    model = run_model(scenario, days=0)
    housing, units = model.housing, model.units
    kept = {"days": 0}
    listings_today = housing.listings_today

    def checked(seen=None):
        got = listings_today(seen)
        vacant = np.nonzero(units.view("holder") == VACANT)[0]
        town = units.town[vacant].astype(np.int64)
        assert np.array_equal(got[0], vacant) and np.array_equal(got[1], town)
        assert got[2].tobytes() == housing.asking_rent(vacant).tobytes()
        assert np.array_equal(got[3], np.bincount(town, minlength=model.towns.n))
        kept["days"] += seen is not None and got[0] is seen[0]
        return got

    housing.listings_today = checked
    for _ in range(model.n_days):
        model.step()
    assert kept["days"] > model.n_days // 2  # the report's look was saved on most days
