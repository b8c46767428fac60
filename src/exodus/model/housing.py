"""Housing: listings with their own asks, bids, renewals, supply both ways, local renters who
search, free hosting, shelters and the short-stay market.

A listing asks its town's going rent (recent lets per unit of quality) times its mark-up, less a
discount when vacancies run above the town's usual level (PolicySpace2); an ask left unlet is cut
now and then (INET) but never below the owner's reservation. Seekers, newcomers and local renters
alike, each bid on a listing they can afford; rivals bid a listing up (INET), and it goes to one who
can pay. A let unit keeps its rent for the lease; renewals are at the ask of the day. Owners list
spare rooms and second flats when rents run above their trend and take them back when they no
longer pay. A local household that cannot renew looks for a cheaper lease and, failing that, doubles
up with family (displaced) and keeps looking. The rent index is what a renter would pay now: the mean
ask of the current listings and the rents of the last days' lets, per unit of quality.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.groups import (
    allocate_capacity,
    item_order,
    match_within_groups,
    pick_affordable_in_groups,
    rank_within_groups,
    smallest_candidates,
    town_starts,
)
from exodus.model.state import (
    HOSTED,
    HOUSING_NAMES,
    LANDLORD,
    LEASE,
    LOCAL_TENANT,
    MIGRANT_TENANT,
    MOVE_ON,
    NO_BED,
    OWNER,
    SHELTER,
    SHORT_STAY,
    STAY,
    VACANT,
    WITHDRAWN,
    Units,
)

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel

DAYS_PER_MONTH = 30.4
"""Mean days in a calendar month (365 / 12, rounded): a unit conversion."""


class Housing:
    """The rental market, short stays, free hosting and shelters of every town."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.rng = model.streams["housing"]
        self.params = model.settings.housing
        n = model.towns.n
        self.lease_days = round(self.params.local_lease_months * DAYS_PER_MONTH)
        self.trend_per_day = np.log1p(self.params.rent_trend_per_year) / 365.0
        self.cut_per_day = 1.0 - (1.0 - self.params.ask_cut_per_month) ** (1.0 / DAYS_PER_MONTH)
        units = model.units
        unit_town = units.view("town")
        listed = np.bincount(unit_town, minlength=n).astype(np.float64)
        vacant = np.bincount(unit_town[units.view("holder") == VACANT], minlength=n)
        self.usual_vacancy = np.divide(vacant, listed, out=np.zeros(n), where=listed > 0)
        """Each town's frictional vacancy rate on the first day: vacancies above it weigh on asks."""
        window = self.params.market_window_days
        # the last `window` days of lets, per town: count, rent and pre-discount rent per quality
        self.let_count = np.zeros((window, n))
        self.let_quality_rent = np.zeros((window, n))
        self.let_going_rent = np.zeros((window, n))
        self.discount = np.ones(n)
        self.vacancy_rate, self.listed = self.usual_vacancy.copy(), listed
        self.lets_today = np.zeros(n)
        units.asking_rent[: units.n] = units.markup[: units.n]
        self.today: dict[str, np.ndarray] = {}
        self.aid_carry = np.zeros(n)  # placements aid initiatives owe, agents (issue 12)
        self.starts = town_starts(model)
        self.stock = MarketStock(n)
        self.ranked_units: np.ndarray | None = None  # the listings as last ranked (bid_and_let)
        self.ranked_asks = np.zeros(0)
        self.position = np.zeros(0, dtype=np.int64)  # scratch: a listing's place in the vacant
        self.compassion_rows: np.ndarray | None = None  # compassionate enough to host (rows)
        self.compassion_level = np.zeros(0)  # at these thresholds per town
        self.listings: tuple | None = None  # listings_today's last result
        self.listings_basis: tuple = ()

    # -- set-up -----------------------------------------------------------------------------------
    def house_initial_relocants(self) -> None:
        """First-wave parties present on day 0 hold leases on units of their own, let to them by
        owner households who became landlords (the listed vacancies stay as the scenario says)."""
        model, rng = self.model, self.rng
        mig, hh, units = model.migrants, model.households, model.units
        present = np.nonzero(mig.view("alive"))[0]
        if present.size == 0:
            return
        town = mig.town[present].astype(np.int64)
        owners = np.nonzero(hh.view("tenure") == OWNER)[0]  # ascending: contiguous by town
        key_a = rng.random(present.size)
        ia, ib = match_to_blocks(
            town, key_a, np.searchsorted(owners, self.starts), rng.random(owners.size)
        )
        tenants, landlords = present[ia], owners[ib]
        rows = self.add_units(landlords, spare=False)
        units.holder[rows] = MIGRANT_TENANT
        units.tenant[rows] = tenants
        units.rent[rows] = units.markup[rows]
        units.lease_end[rows] = rng.integers(0, self.lease_days + 1, size=tenants.size)
        mig.housing[tenants] = LEASE
        mig.unit[tenants] = np.arange(rows.start, rows.stop)

    # -- helpers ----------------------------------------------------------------------------------
    def trend_level(self) -> float:
        """The background rent level today relative to the first day (F21)."""
        return float(np.exp(self.trend_per_day * self.model.day))

    def add_units(self, owners: np.ndarray, *, spare: bool) -> slice:
        """Owner households let one unit each (vacant, with a drawn mark-up) and become landlords."""
        hh, units = self.model.households, self.model.units
        rows = units.grow(owners.size)
        sigma = self.params.markup_sigma
        units.town[rows] = hh.town[owners]
        units.landlord[rows] = owners
        units.markup[rows] = self.rng.lognormal(-(sigma**2) / 2, sigma, size=owners.size)
        units.spare[rows] = spare
        units.lease_end[rows] = 0
        self.list_units(np.arange(rows.start, rows.stop))
        hh.tenure[owners] = LANDLORD
        return rows

    def list_units(self, unit_rows: np.ndarray) -> None:
        """Units put on the market ask the going rent times their mark-up."""
        units = self.model.units
        units.holder[unit_rows] = VACANT
        units.tenant[unit_rows] = -1
        units.asking_rent[unit_rows] = (
            self.model.towns.going_rent[units.town[unit_rows]] * units.markup[unit_rows]
        )

    def asking_rent(self, unit_rows: np.ndarray) -> np.ndarray:
        """What a listing asks today, rent units per month: its own ask (kept at the first day's
        price level: owners index it to the background trend) less the town's vacancy discount,
        never above a rent cap."""
        units = self.model.units
        return self.priced(units.asking_rent[unit_rows], unit_rows)

    def going_ask(self, unit_rows: np.ndarray) -> np.ndarray:
        """What a unit would ask if listed today (the rent of a lease renewed today)."""
        units = self.model.units
        going = self.model.towns.going_rent[units.town[unit_rows]] * units.markup[unit_rows]
        return self.priced(going, unit_rows)

    def priced(self, real_ask: np.ndarray, unit_rows: np.ndarray) -> np.ndarray:
        """An ask at the first day's price level, made today's: times the trend and the town's
        vacancy discount, under any rent cap."""
        units = self.model.units
        town = units.town[unit_rows]
        ask = real_ask * (self.trend_level() * self.discount[town])
        level = self.model.policy.rent_cap_level
        if np.isposinf(level).all():  # no cap anywhere: the minimum with inf (mark-ups are > 0)
            return ask
        cap = level[town] * units.markup[unit_rows]
        return np.minimum(ask, cap)

    def reservation(self, unit_rows: np.ndarray) -> np.ndarray:
        """The lowest ask an owner accepts, rent units per month: a share of the unit's rent at
        the background trend (higher for a spare unit, which the owner would rather use)."""
        units, p = self.model.units, self.params
        share = np.where(units.spare[unit_rows], p.spare_reservation, p.stock_reservation)
        return share * units.markup[unit_rows]

    def budget(self, rows: np.ndarray) -> np.ndarray:
        """Monthly rent a party will pay: a share of its income plus its savings spread out."""
        mig = self.model.migrants
        horizon = self.params.savings_horizon_months
        means = mig.income[rows] + np.maximum(mig.savings[rows], 0.0) / horizon
        return self.params.migrant_rent_share * means

    def local_budget(self, rows: np.ndarray) -> np.ndarray:
        """Monthly rent a local household will pay today (its ceiling grows with the trend)."""
        return self.model.households.rent_ceiling[rows] * self.trend_level()

    def release(self, rows: np.ndarray) -> None:
        """Parties leaving town give up their lease (listed again at once) or their host's bed."""
        mig, hh = self.model.migrants, self.model.households
        leased = rows[mig.housing[rows] == LEASE]
        self.list_units(mig.unit[leased])
        hosted = rows[mig.housing[rows] == HOSTED]
        hh.hosting[mig.host[hosted]] = -1
        mig.housing[rows] = NO_BED
        mig.unit[rows] = -1
        mig.host[rows] = -1

    # -- the day ----------------------------------------------------------------------------------
    def step(self) -> None:
        model = self.model
        self.discount = self.vacancy_discount()
        movers = self.renew_leases()
        self.pay_for_housing()
        self.list_new_units()
        self.cut_and_withdraw()
        self.let_vacant_units(movers)
        self.update_market_rent()
        self.end_hosting()
        self.place_with_aid()
        self.take_short_stays()
        self.offer_free_beds()
        self.open_shelters()
        self.report()
        np.maximum(model.towns.peak_rent, model.towns.market_rent, out=model.towns.peak_rent)

    def vacancy_discount(self) -> np.ndarray:
        """Per town, the share of the going rent listers ask given the empty flats they see:
        1 at the usual vacancy, less by `vacancy_discount` per point above it (PolicySpace2)."""
        units, p = self.model.units, self.params
        n = self.model.towns.n
        town = units.view("town")
        listed = self.stock.update(units)[0].astype(np.float64)
        vacant = np.bincount(town[units.view("holder") == VACANT], minlength=n)
        vacant = vacant.astype(np.float64)
        rate = np.divide(vacant, listed, out=np.zeros(n), where=listed > 0)
        self.vacancy_rate, self.listed = rate, listed
        excess = np.maximum(rate - self.usual_vacancy, 0.0)
        return np.maximum(1.0 - p.vacancy_discount * excess, p.vacancy_discount_floor)

    def renew_leases(self) -> np.ndarray:
        """Leases ending today renew at the day's ask; a tenant who cannot carry it gives the unit
        up. Returns the local households that must now look for a cheaper lease."""
        model = self.model
        units, hh, mig = model.units, model.households, model.migrants
        ending = np.nonzero(
            ((units.view("holder") == LOCAL_TENANT) | (units.view("holder") == MIGRANT_TENANT))
            & (units.view("lease_end") <= model.day)
        )[0]
        if ending.size == 0:
            return np.zeros(0, dtype=np.int64)
        ask = self.going_ask(ending)
        local = units.holder[ending] == LOCAL_TENANT
        tenant = units.tenant[ending]
        too_dear = np.zeros(ending.size, dtype=bool)
        too_dear[local] = ask[local] > self.local_budget(tenant[local])
        too_dear[~local] = ask[~local] > self.budget(tenant[~local])
        renew = ending[~too_dear]
        units.rent[renew] = ask[~too_dear]
        units.lease_end[renew] = model.day + self.lease_days
        movers = units.tenant[ending[too_dear & local]]
        hh.unit[movers] = -1
        evicted = units.tenant[ending[too_dear & ~local]]
        mig.housing[evicted] = NO_BED
        mig.unit[evicted] = -1
        self.list_units(ending[too_dear])
        return movers

    def pay_for_housing(self) -> None:
        """A day of income, living costs, rent and short-stay nights comes off each party's savings;
        a party that can no longer pay for a short stay loses its bed."""
        model = self.model
        mig, units = model.migrants, model.units
        live = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        housing = mig.housing[live]
        rent = np.zeros(live.size)
        leased = housing == LEASE
        rent[leased] = units.rent[mig.unit[live[leased]]]
        short = housing == SHORT_STAY
        living = model.settings.flows.living_cost * mig.size[live]
        # aid initiatives' meals cover part of the living costs of the needy (issue 12)
        needy = (housing == NO_BED) | (housing == SHELTER)
        living[needy] *= 1.0 - model.collective.meal_cover[mig.town[live[needy]]]
        daily = (mig.income[live] - rent - living) / DAYS_PER_MONTH
        short_rows = live[short]  # the nightly price only where a night is paid for
        daily[short] -= self.short_stay_nightly(mig.town[short_rows]) * mig.size[short_rows]
        mig.savings[live] += daily
        cannot_pay = live[short & (mig.savings[live] < 0)]
        mig.housing[cannot_pay] = NO_BED

    def short_stay_nightly(self, town: np.ndarray) -> np.ndarray:
        """Price of a short-stay night per person, rent units: its own market's index times the
        first day's price."""
        index = self.model.towns.short_stay_index[town]
        return self.params.short_stay_price * index * self.trend_level() / DAYS_PER_MONTH

    def list_new_units(self) -> None:
        """Owners let a spare room or a second flat when rents run above their trend: new listings
        per day grow with the rise (the supply that answered the panic, F15-F17)."""
        model, rng = self.model, self.rng
        hh, towns = model.households, model.towns
        rise = np.maximum(towns.market_rent / self.trend_level() - 1.0, 0.0)
        shortfall = np.maximum(self.usual_vacancy - self.vacancy_rate, 0.0) * self.listed
        if not (rise.any() or shortfall.any()):
            return
        owners = np.nonzero(hh.view("tenure") == OWNER)[0]
        # owners come in town order (households are contiguous by town): one chance per town
        starts = [rows.start for rows in model.town_slices] + [hh.n]
        per_town = np.diff(np.searchsorted(owners, starts))
        # owners answer a rent above its trend, and make up a shortfall of listings below the
        # town's usual vacancy (the balance the pre-shock market kept)
        restore = self.params.vacancy_restore_rate * shortfall / np.maximum(per_town, 1)
        town_chance = self.params.listing_response * rise / DAYS_PER_MONTH + restore
        # each town's owners are one block of `owners`: its draws against its chance, block by
        # block (the comparisons of `draw < np.repeat(town_chance, per_town)`, without the repeat)
        draw = rng.random(owners.size)
        lists = np.empty(owners.size, dtype=bool)
        bounds = np.r_[0, np.cumsum(per_town)]
        for t in range(per_town.size):
            lo, hi = bounds[t], bounds[t + 1]
            np.less(draw[lo:hi], town_chance[t], out=lists[lo:hi])
        listing = owners[lists]
        if listing.size:
            self.add_units(listing, spare=True)

    def cut_and_withdraw(self) -> None:
        """Owners of listings left unlet now and then cut their ask by a drawn share (INET), never
        below their reservation; a spare unit whose ask no longer reaches its owner's reservation
        is taken back, and its owner is no longer a landlord."""
        model, rng, p = self.model, self.rng, self.params
        units, hh = model.units, model.households
        vacant = np.nonzero(units.view("holder") == VACANT)[0]
        if vacant.size == 0:
            return
        floor = self.reservation(vacant)  # at the first day's price level, as the asks
        ask = units.asking_rent[vacant]
        going = model.towns.going_rent[units.town[vacant]] * units.markup[vacant]
        # an owner cuts an ask that stands above what such flats let for, down to no lower than
        # that going ask or his reservation
        cutting = (rng.random(vacant.size) < self.cut_per_day) & (ask > going)
        if cutting.any() and p.ask_cut_median > 0:
            spread = rng.lognormal(0.0, p.ask_cut_sigma, size=vacant.size)
            c = np.flatnonzero(cutting)  # one draw per listing; the arithmetic where it cuts
            cut = np.minimum(p.ask_cut_median * spread[c], p.ask_cut_max)
            lowest = np.minimum(np.maximum(going[c], floor[c]), ask[c])
            ask[c] = np.maximum(ask[c] * (1.0 - cut), lowest)
            units.asking_rent[vacant[c]] = ask[c]
        town = units.town[vacant].astype(np.int64)
        discounted = ask * self.discount[town]
        unprofitable = units.spare[vacant] & (discounted < floor)
        withdrawn = vacant[unprofitable & (rng.random(vacant.size) < p.withdrawal_rate)]
        units.holder[withdrawn] = WITHDRAWN
        hh.tenure[units.landlord[withdrawn]] = OWNER

    def local_seekers(self, movers: np.ndarray) -> np.ndarray:
        """Local households looking for a lease today: those who just gave theirs up, and the
        displaced who look again today."""
        hh = self.model.households
        displaced = np.nonzero(hh.view("displaced"))[0]
        looking = displaced[self.rng.random(displaced.size) < self.params.displaced_search_rate]
        return np.union1d(movers, looking)

    def let_vacant_units(self, movers: np.ndarray) -> None:
        """Seekers, newcomers and locals, each bid on one listing of their town they can afford;
        a listing with rivals is bid up and goes to one who can pay (a hostile landlord with a
        grievance may refuse a Russian). Local movers left without a lease are displaced."""
        model = self.model
        mig, units, hh = model.migrants, model.units, model.households
        n = model.towns.n
        alive = mig.view("alive")
        looking = (
            alive
            & (mig.view("travel_left") == 0)
            & (mig.view("intention") == STAY)
            & (mig.view("housing") != LEASE)
            & (model.day - mig.view("arrival_day") >= self.params.lease_search_delay)
        )
        parties = np.nonzero(looking)[0]
        locals_ = self.local_seekers(movers)
        vacant = np.nonzero(units.view("holder") == VACANT)[0]
        self.lets_today = np.zeros(n)
        if vacant.size and (parties.size or locals_.size):
            self.bid_and_let(parties, locals_, vacant)
        # movers who found nothing double up with family: displaced
        lost = movers[hh.unit[movers] < 0]
        newly = lost[~hh.displaced[lost]]
        hh.displaced[lost] = True
        first_time = newly[hh.displaced_day[newly] < 0]
        hh.displaced_day[first_time] = model.day
        model.towns.displaced_total += np.bincount(hh.town[newly], minlength=n).astype(np.float64)

    def bid_and_let(self, parties: np.ndarray, locals_: np.ndarray, vacant: np.ndarray) -> None:
        """One bid per seeker on a random listing it can afford; each listing goes to one bidder at
        its ask raised by `bid_up_per_rival` per extra bidder, up to the second richest bidder's
        budget (where the bidding would stop)."""
        model, rng = self.model, self.rng
        mig, units, hh = model.migrants, model.units, model.households
        att = model.settings.attitudes
        n = model.towns.n
        # seekers: parties first, then local households (is_local tells them apart)
        town = np.r_[mig.town[parties], hh.town[locals_]].astype(np.int64)
        budget = np.r_[self.budget(parties), self.local_budget(locals_)]
        is_local = np.r_[np.zeros(parties.size, bool), np.ones(locals_.size, bool)]
        who = np.r_[parties, locals_]
        ask_all = self.asking_rent(vacant)
        vacant_town = units.town[vacant].astype(np.int64)
        ranked = item_order(vacant_town, ask_all, self.listings_in_order(vacant))
        # tomorrow's guess: today's order, with the asks it was made at
        self.ranked_units = vacant[ranked[0]]
        self.ranked_asks = units.asking_rent[self.ranked_units]
        pick = pick_affordable_in_groups(town, budget, vacant_town, ask_all, n, rng, ranked)
        bidding = np.nonzero(pick >= 0)[0]
        if bidding.size == 0:
            return
        unit_rows, ask = vacant[pick[bidding]], ask_all[pick[bidding]]
        landlord = units.landlord[unit_rows]
        refuses = (
            ~is_local[bidding]
            & hh.grievance[landlord]
            & (hh.attitude[landlord] < att.hostile_threshold)
            & (rng.random(bidding.size) < self.params.refusal_rate)
        )
        bidding, unit_rows, ask = bidding[~refuses], unit_rows[~refuses], ask[~refuses]
        if bidding.size == 0:
            return
        # rivals per listing, and the runner-up's budget: bidding stops where only one bidder is
        # left, so a listing fetches at most what the second richest rival can pay
        order = np.lexsort((-budget[bidding], unit_rows))
        bidding, unit_rows, ask = bidding[order], unit_rows[order], ask[order]
        first = np.r_[True, unit_rows[1:] != unit_rows[:-1]]
        group = np.cumsum(first) - 1
        rivals = np.bincount(group)
        starts = np.flatnonzero(first)
        runner_up = np.where(
            rivals > 1, budget[bidding[np.minimum(starts + 1, bidding.size - 1)]], ask[first]
        )
        # thousands of rivals overflow the power to inf; the runner-up's budget then sets the price
        with np.errstate(over="ignore"):
            bid_up = (1.0 + self.params.bid_up_per_rival) ** (rivals - 1)
        price = np.maximum(np.minimum(ask[first] * bid_up, runner_up), ask[first])
        cap = (
            model.policy.rent_cap_level[units.town[unit_rows[first]]]
            * units.markup[unit_rows[first]]
        )
        price = np.minimum(price, cap)
        # the winner: one of the rivals who can pay the price, drawn at random
        can_pay = budget[bidding] >= price[group] - 1e-12
        draw = np.where(can_pay, rng.random(bidding.size), np.inf)
        by_draw = np.lexsort((draw, group))
        winner_pos = by_draw[np.r_[True, group[by_draw][1:] != group[by_draw][:-1]]]
        won_units, rent = unit_rows[first], price
        winners = bidding[winner_pos]
        self.sign_leases(who[winners], is_local[winners], won_units, rent)

    def listings_in_order(self, vacant: np.ndarray) -> np.ndarray | None:
        """Positions in `vacant` (ascending unit rows) of the listings ranked at the last letting
        whose asks have not changed since, in that ranking's order: a town's asks all move by
        the same factor from day to day (trend, vacancy discount), so these are most likely still
        in order (`item_order` takes them only if they are)."""
        if self.ranked_units is None or vacant.size == 0:
            return None
        units = self.model.units
        # each listing's position in `vacant`, by a row-indexed table kept between days (rows
        # not in `vacant` hold stale numbers, which the test `vacant[pos] == unit` turns away)
        if self.position.size < units.n:
            self.position = np.zeros(units.capacity, dtype=np.int64)
        self.position[vacant] = np.arange(vacant.size)
        pos = np.clip(self.position[self.ranked_units], 0, vacant.size - 1)
        same = (vacant[pos] == self.ranked_units) & (
            units.asking_rent[self.ranked_units] == self.ranked_asks
        )
        return pos[same]

    def sign_leases(
        self, tenants: np.ndarray, local: np.ndarray, unit_rows: np.ndarray, rent: np.ndarray
    ) -> None:
        """Seekers move into the units they won, at the agreed rent, for a lease."""
        model = self.model
        mig, units, hh = model.migrants, model.units, model.households
        parties, party_units = tenants[~local], unit_rows[~local]
        self.release(parties)
        units.holder[party_units] = MIGRANT_TENANT
        units.tenant[party_units] = parties
        mig.housing[parties] = LEASE
        mig.unit[parties] = party_units
        households, household_units = tenants[local], unit_rows[local]
        units.holder[household_units] = LOCAL_TENANT
        units.tenant[household_units] = households
        hh.unit[households] = household_units
        hh.displaced[households] = False
        units.rent[unit_rows] = rent
        units.lease_end[unit_rows] = model.day + self.lease_days
        town = units.town[unit_rows].astype(np.int64)
        n = model.towns.n
        slot = model.day % self.let_count.shape[0]
        quality_rent = rent / units.markup[unit_rows]
        self.let_count[slot] = np.bincount(town, minlength=n)
        self.let_quality_rent[slot] = np.bincount(town, weights=quality_rent, minlength=n)
        self.let_going_rent[slot] = np.bincount(
            town, weights=quality_rent / (self.discount[town] * self.trend_level()), minlength=n
        )
        self.lets_today = self.let_count[slot].copy()

    def update_market_rent(self) -> None:
        """The rent index: the mean, per unit of quality, of what listings ask now and of the
        rents of the last days' lets; listers' going rent: the recent lets before the discount.
        Where the market is silent both follow the background trend."""
        model = self.model
        towns, units = model.towns, model.units
        n = towns.n
        if not self.lets_today.any():
            slot = model.day % self.let_count.shape[0]
            self.let_count[slot] = 0.0
            self.let_quality_rent[slot] = 0.0
            self.let_going_rent[slot] = 0.0
        trend = np.exp(self.trend_per_day)
        lets = self.let_count.sum(axis=0)
        going = self.let_going_rent.sum(axis=0)
        # the going rent is kept at the first day's price level; the index is today's
        towns.going_rent = np.where(lets > 0, going / np.maximum(lets, 1.0), towns.going_rent)
        vacant, vacant_town, ask, n_vacant = self.listings_today()
        asks = np.bincount(vacant_town, weights=ask / units.markup[vacant], minlength=n)
        count = lets + n_vacant
        total = asks + self.let_quality_rent.sum(axis=0)
        towns.market_rent = np.where(
            count > 0, total / np.maximum(count, 1.0), towns.market_rent * trend
        )
        np.minimum(towns.market_rent, model.policy.rent_cap_level, out=towns.market_rent)

    def listings_today(
        self, seen: tuple | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The vacant units (ascending rows), their towns, today's asks and the count per town,
        kept in `self.listings`. `seen`, an earlier result of the same day, is returned as it is
        if it still holds: the same day, discounts and caps, every unit in it still vacant and
        asking what it asked, and no other vacant."""
        model = self.model
        units = model.units
        holder = units.view("holder")
        prices = (model.day, self.discount.copy(), model.policy.rent_cap_level.copy())
        if seen is not None and seen is self.listings:
            vacant = seen[0]
            asked, (day, discount, cap) = self.listings_basis
            if (
                day == prices[0]
                and np.array_equal(discount, prices[1])
                and np.array_equal(cap, prices[2])
                and np.count_nonzero(holder == VACANT) == vacant.size
                and np.all(holder[vacant] == VACANT)
                and np.array_equal(units.asking_rent[vacant], asked)
            ):
                return seen
        vacant = np.nonzero(holder == VACANT)[0]
        vacant_town = units.town[vacant].astype(np.int64)
        ask = self.asking_rent(vacant)
        count = np.bincount(vacant_town, minlength=model.towns.n)
        self.listings = (vacant, vacant_town, ask, count)
        self.listings_basis = (units.asking_rent[vacant], prices)  # what the asks were made of
        return self.listings

    def end_hosting(self) -> None:
        """Guests leave after the longest free stay, or at once if the host has turned hostile."""
        model = self.model
        mig, hh = model.migrants, model.households
        hosted = np.nonzero(mig.view("alive") & (mig.view("housing") == HOSTED))[0]
        host = mig.host[hosted]
        over = (model.day - mig.hosted_since[hosted] >= self.params.hosting_days) | (
            hh.attitude[host] < model.settings.attitudes.hostile_threshold
        )
        self.release(hosted[over])

    def unbedded(self) -> np.ndarray:
        """Parties in a town today with no bed at all."""
        mig = self.model.migrants
        return np.nonzero(
            mig.view("alive") & (mig.view("travel_left") == 0) & (mig.view("housing") == NO_BED)
        )[0]

    def occupancy(self, status: int) -> np.ndarray:
        """Persons per town with the given housing status (agent scale)."""
        mig = self.model.migrants
        rows = np.nonzero(mig.view("alive") & (mig.view("housing") == status))[0]
        return np.bincount(mig.town[rows], weights=mig.size[rows], minlength=self.model.towns.n)

    def occupancies(self) -> list[np.ndarray]:
        """`occupancy(status)` for every housing status at once (indexed by status): one
        `np.bincount` over town and status, whose sums per town and status add the same parties
        in the same order."""
        model, mig = self.model, self.model.migrants
        n, statuses = model.towns.n, len(HOUSING_NAMES)
        rows = np.nonzero(mig.view("alive"))[0]
        key = mig.town[rows].astype(np.int64) * statuses + mig.housing[rows]
        persons = np.bincount(key, weights=mig.size[rows], minlength=n * statuses)
        return list(persons.reshape(n, statuses).T.copy())

    def take_short_stays(self) -> None:
        """Parties without a bed who can pay `short_stay_nights_paid` nights take a free
        short-stay bed."""
        model, rng, mig = self.model, self.rng, self.model.migrants
        rows = self.unbedded()
        paid = self.params.short_stay_nights_paid
        nights = self.short_stay_nightly(mig.town[rows]) * mig.size[rows] * paid
        rows = rows[mig.savings[rows] >= nights]
        free = model.towns.short_stay_beds - self.occupancy(SHORT_STAY)
        granted = allocate_capacity(
            mig.town[rows].astype(np.int64), mig.size[rows], free, rng.random(rows.size)
        )
        mig.housing[rows[granted]] = SHORT_STAY

    def willing_hosts(self) -> np.ndarray:
        """Owner households offering a free bed today: compassionate, welcoming and free."""
        model = self.model
        hh = model.households
        threshold = self.params.host_compassion_threshold - model.policy.host_threshold_cut
        # one draw per household; the offers of the compassionate (one in ten by default) taken
        # from it, then the other three conditions on those rows alone: the same rows,
        # ascending, as the mask of all five over every household
        draw = self.rng.random(hh.n)
        compassionate = self.compassionate(threshold)
        offers = compassionate[draw[compassionate] < self.params.hosting_offer_rate]
        willing = (
            (hh.tenure[offers] == OWNER)
            & (hh.hosting[offers] < 0)
            & (hh.attitude[offers] > model.settings.attitudes.welcoming_threshold)
        )
        return offers[willing]

    def compassionate(self, threshold: np.ndarray) -> np.ndarray:
        """Households (ascending rows) whose compassion is above their town's hosting threshold (a
        float32 against a float64, compared in float64): compassion is drawn once, so the rows
        are kept until a policy moves the thresholds."""
        if self.compassion_rows is None or not np.array_equal(threshold, self.compassion_level):
            hh = self.model.households
            rows = np.flatnonzero(hh.view("compassion") > threshold[hh.view("town")])
            self.compassion_rows, self.compassion_level = rows, threshold.copy()
        return self.compassion_rows

    def offer_free_beds(self) -> None:
        """Willing households take in parties that still have no bed, one party each."""
        self.host(self.unbedded(), self.willing_hosts())

    def place_with_aid(self) -> None:
        """Aid initiatives meet parties without a bed (at the crossing, the station) and place them
        with welcoming households before they pay for a night: a free bed is taken over a paid one.
        `aid_placements_per_day` per initiative (`exodus.model.collective`), the rest carried to
        the next day, at most one."""
        model = self.model
        hh, towns = model.households, model.towns
        self.aid_carry += towns.aid * model.settings.collective.aid_placements_per_day * model.scale
        wanted = np.floor(self.aid_carry).astype(np.int64)
        guests = self.unbedded()
        # no more placements than the town has parties to place
        wanted = np.minimum(wanted, np.bincount(model.migrants.town[guests], minlength=towns.n))
        if not wanted.any():
            self.aid_carry = np.minimum(self.aid_carry, 1.0)
            return
        free = (hh.view("tenure") == OWNER) & (hh.view("hosting") < 0)
        free &= hh.view("attitude") > model.settings.attitudes.welcoming_threshold
        rows = np.nonzero(free)[0]
        # ascending rows of households contiguous by town: each town's rows are one block, so
        # the first k of each are found block by block (first_k_in_groups' choice, no gathers)
        bounds = np.searchsorted(rows, self.starts)
        hosts = rows[first_k_in_blocks(self.rng.random(rows.size), bounds, wanted)]
        placed = self.host(guests, hosts)
        self.aid_carry -= np.bincount(hh.town[placed], minlength=towns.n)
        self.aid_carry = np.minimum(self.aid_carry, 1.0)  # unused placements do not pile up

    def host(self, guests: np.ndarray, hosts: np.ndarray) -> np.ndarray:
        """Match parties with hosts of their town at random, one party each, and lodge them for
        free; returns the hosts who took a guest."""
        model, rng = self.model, self.rng
        mig, hh = model.migrants, model.households
        ia, ib = match_within_groups(
            mig.town[guests].astype(np.int64),
            rng.random(guests.size),
            hh.town[hosts].astype(np.int64),
            rng.random(hosts.size),
            model.towns.n,
        )
        guests, hosts = guests[ia], hosts[ib]
        mig.housing[guests] = HOSTED
        mig.host[guests] = hosts
        mig.hosted_since[guests] = model.day
        hh.hosting[hosts] = guests
        return hosts

    def open_shelters(self) -> None:
        """The remaining parties without a bed fill the shelter beds."""
        model, mig = self.model, self.model.migrants
        capacity = model.towns.shelter_beds + model.policy.shelter_extra
        # a shelter that closes (a policy ends) puts out those it no longer has beds for
        residents = np.nonzero(mig.view("alive") & (mig.view("housing") == SHELTER))[0]
        keep = allocate_capacity(
            mig.town[residents].astype(np.int64),
            mig.size[residents],
            capacity,
            self.rng.random(residents.size),
        )
        mig.housing[residents[~keep]] = NO_BED
        rows = self.unbedded()
        free = capacity - self.occupancy(SHELTER)
        granted = allocate_capacity(
            mig.town[rows].astype(np.int64), mig.size[rows], free, self.rng.random(rows.size)
        )
        mig.housing[rows[granted]] = SHELTER

    def report(self) -> None:
        """Per-town housing figures for the record and for tomorrow's route choice."""
        model = self.model
        towns, units, mig = model.towns, model.units, model.migrants
        n = towns.n
        # the listings as the rent index saw them, if no unit was let, listed or cut since
        _, vacant_town, ask, n_vacant = self.listings_today(self.listings)
        listed, markup_sum = self.stock.update(units)
        n_units = listed.astype(np.float64)
        n_vacant = n_vacant.astype(np.float64)
        ask_sum = np.bincount(vacant_town, weights=ask, minlength=n)
        mean_markup = markup_sum / np.maximum(n_units, 1)
        mean_ask = np.where(
            n_vacant > 0, ask_sum / np.maximum(n_vacant, 1), towns.market_rent * mean_markup
        )
        unbedded = self.unbedded()
        in_town = mig.view("alive") & (mig.view("travel_left") == 0)
        looking = np.nonzero(
            in_town & (mig.view("housing") != LEASE) & (mig.view("intention") != MOVE_ON)
        )[0]
        occupied = self.occupancies()
        free_beds = np.maximum(towns.short_stay_beds - occupied[SHORT_STAY], 0)
        self.update_short_stay_prices(use_of(towns.short_stay_beds, free_beds))
        free_shelter = np.maximum(
            towns.shelter_beds + model.policy.shelter_extra - occupied[SHELTER], 0
        )
        towns.free_places = n_vacant + free_beds + free_shelter
        towns.seekers = np.bincount(mig.town[looking], minlength=n).astype(np.float64)
        self.today = {
            "hosted_free": occupied[HOSTED],
            "in_short_stay": occupied[SHORT_STAY],
            "in_shelter": occupied[SHELTER],
            "unhoused_migrants": np.bincount(
                mig.town[unbedded], weights=mig.size[unbedded], minlength=n
            ),
            "vacancy_rate": n_vacant / np.maximum(n_units, 1),
            "rental_stock": n_units,
            "mean_asking_rent": mean_ask * towns.rent0_local,
            "short_stay_use": use_of(towns.short_stay_beds, free_beds),
            "short_stay_price_index": towns.short_stay_index.copy(),
            "shelter_use": use_of(towns.shelter_beds + model.policy.shelter_extra, free_shelter),
        }

    def update_short_stay_prices(self, use: np.ndarray) -> None:
        """Nightly prices are their own market: they climb while beds are fuller than usual and
        fall, down to a floor, while they stand empty."""
        p, towns = self.params, self.model.towns
        has_beds = towns.short_stay_beds > 0
        change = np.where(has_beds, p.short_stay_response * (use - p.short_stay_usual_use), 0.0)
        towns.short_stay_index *= np.exp(change)
        np.maximum(towns.short_stay_index, p.short_stay_floor, out=towns.short_stay_index)


class MarketStock:
    """Per town, the units on the market (all but the withdrawn) and the sum of their mark-ups,
    kept between days: `np.bincount(town[on_market])` and the same with the mark-ups as weights,
    without passing over every unit each day. A unit's town and mark-up never change and
    `np.bincount` adds in row order, so units are added one by one in row order (`np.add.at`)
    after those counted before, which gives the same sums. The count of the units there on the
    first day is kept too (the base): a withdrawal among the later units (the owners' spare
    units, the only ones withdrawn) is counted again from it; one among the base's, from zero."""

    def __init__(self, n_towns: int) -> None:
        self.n_towns = n_towns
        self.base: tuple[int, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.rows = 0  # units counted
        self.withdrawn = np.zeros(0, dtype=np.int64)  # the withdrawn ones among them
        self.count = np.zeros(n_towns, dtype=np.int64)
        self.markup_sum = np.zeros(n_towns)

    def update(self, units: Units) -> tuple[np.ndarray, np.ndarray]:
        """Count the units added or withdrawn since the last call; returns the count and the
        mark-up sum per town."""
        holder = units.view("holder")
        withdrawn = np.flatnonzero(holder == WITHDRAWN)
        if self.base is None or not same_rows(withdrawn, self.base[0], self.base[1]):
            on_market = holder != WITHDRAWN
            town = units.view("town")[on_market]
            self.count = np.bincount(town, minlength=self.n_towns)
            markup = units.view("markup")[on_market]
            self.markup_sum = np.bincount(town, weights=markup, minlength=self.n_towns)
            self.markup_sum = self.markup_sum.astype(np.float64)  # (int64 when no unit is listed)
            self.base = (units.n, withdrawn, self.count.copy(), self.markup_sum.copy())
        else:
            if not same_rows(withdrawn, self.rows, self.withdrawn):  # from the base again
                self.rows, self.count, self.markup_sum = self.base[0], *map(np.copy, self.base[2:])
            new = np.arange(self.rows, units.n)
            new = new[holder[new] != WITHDRAWN]
            town = units.town[new].astype(np.int64)
            self.count += np.bincount(town, minlength=self.n_towns)
            np.add.at(self.markup_sum, town, units.markup[new])
        self.rows, self.withdrawn = units.n, withdrawn
        return self.count, self.markup_sum


def same_rows(rows: np.ndarray, below: int, counted: np.ndarray) -> bool:
    """Whether the `rows` (ascending) below row `below` are the `counted` ones."""
    rows = rows[: np.searchsorted(rows, below)]
    return rows.size == counted.size and bool(np.array_equal(rows, counted))


def use_of(capacity: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Share of a capacity in use (0 where there is none)."""
    return np.divide(capacity - free, capacity, out=np.zeros_like(capacity), where=capacity > 0)


def first_k_in_blocks(key: np.ndarray, bounds: np.ndarray, k: np.ndarray) -> np.ndarray:
    """`first_k_in_groups(group, key, k, n)` for items sorted by group: group g is the block
    `bounds[g]:bounds[g + 1]`. The same mask: each block's `k[g]` smallest keys, ties in order."""
    chosen = np.zeros(key.size, dtype=bool)
    for g in range(bounds.size - 1):
        want = int(k[g])
        lo, hi = int(bounds[g]), int(bounds[g + 1])
        if want <= 0 or hi <= lo:
            continue
        if hi - lo <= want:
            chosen[lo:hi] = True
            continue
        values = key[lo:hi]
        candidates = smallest_candidates(values, want)
        part = values[candidates]
        cut = np.partition(part, want - 1)[want - 1]
        below = part < cut
        chosen[lo + candidates[below]] = True
        tied = lo + candidates[part == cut]
        chosen[tied[: want - np.count_nonzero(below)]] = True
    return chosen


def match_to_blocks(
    group_a: np.ndarray, key_a: np.ndarray, bounds_b: np.ndarray, key_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`match_within_groups(group_a, key_a, group_b, key_b, n)` for a B sorted by group (group g
    is the block `bounds_b[g]:bounds_b[g + 1]`): the same pairs, without sorting all of B. Only
    each block's first `k` items in (key, position) order can be matched, `k` the items of A in
    the group, so only those are ordered."""
    n_groups = bounds_b.size - 1
    if group_a.size == 0 or bounds_b[-1] == bounds_b[0]:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    _, rank_a = rank_within_groups(group_a, key_a)
    count_a = np.bincount(group_a, minlength=n_groups)
    count_b = np.diff(bounds_b)
    first_b = []  # each block's first min(count_a, count_b) items of B, in (key, position) order
    for g in range(n_groups):
        lo, hi = int(bounds_b[g]), int(bounds_b[g + 1])
        want = int(min(count_a[g], hi - lo))
        values = key_b[lo:hi]
        if 0 < want < hi - lo:
            cut = np.partition(values, want - 1)[want - 1]
            candidates = np.flatnonzero(values <= cut)
            order = candidates[np.argsort(values[candidates], kind="stable")][:want]
        else:
            order = np.argsort(values, kind="stable")[:want]
        first_b.append(lo + order)
    offset = np.r_[0, np.cumsum([part.size for part in first_b])[:-1]].astype(np.int64)
    has_partner = rank_a < count_b[group_a]
    ia = np.nonzero(has_partner)[0]
    ib = np.concatenate(first_b)[offset[group_a[ia]] + rank_a[ia]]
    return ia, ib
