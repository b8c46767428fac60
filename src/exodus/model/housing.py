"""Housing: short stays, long leases, asking rents, renewals, displacement, free hosting, shelters.

Each town has a market rent (1.0 on the first day, in rent units); a unit's asking rent is the market
rent times the unit's mark-up. Every day the market rent rises when the parties that could pay it
outnumber the vacant listings and falls when listings go unlet, on top of the background trend (F21).
Local leases renew at the asking rent; a renter who cannot carry it moves out (displaced) and the unit
is listed. Parties without a bed take a short stay if one is free and they can pay, else a free bed
offered by a compassionate household, else a shelter bed; the rest sleep rough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.groups import allocate_capacity, match_within_groups, pick_uniform_in_groups
from exodus.model.state import (
    HOSTED,
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
)

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel

DAYS_PER_MONTH = 30.4
SAVINGS_HORIZON_MONTHS = 3.0
"""A party spreads its savings over this many months when judging what rent it can pay (assumed:
it expects to wait out the mobilisation for a few months)."""


class Housing:
    """The rental market, short stays, free hosting and shelters of every town."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.rng = model.streams["housing"]
        self.params = model.settings.housing
        n = model.towns.n
        self.lease_days = round(self.params.local_lease_months * DAYS_PER_MONTH)
        self.trend_per_day = np.log1p(self.params.rent_trend_per_year) / 365.0
        units = model.units
        self.natural_vacant = np.bincount(
            units.view("town")[units.view("holder") == VACANT], minlength=n
        ).astype(np.float64)
        self.today: dict[str, np.ndarray] = {}

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
        owners = np.nonzero(hh.view("tenure") == OWNER)[0]
        ia, ib = match_within_groups(
            town,
            rng.random(present.size),
            hh.town[owners].astype(np.int64),
            rng.random(owners.size),
            model.towns.n,
        )
        tenants, landlords = present[ia], owners[ib]
        rows = self.add_units(landlords)
        units.holder[rows] = MIGRANT_TENANT
        units.tenant[rows] = tenants
        units.rent[rows] = units.markup[rows]
        units.lease_end[rows] = rng.integers(0, self.lease_days + 1, size=tenants.size)
        mig.housing[tenants] = LEASE
        mig.unit[tenants] = np.arange(rows.start, rows.stop)

    # -- helpers ----------------------------------------------------------------------------------
    def add_units(self, owners: np.ndarray) -> slice:
        """Owner households let one unit each (vacant, with a drawn mark-up) and become landlords."""
        hh, units = self.model.households, self.model.units
        rows = units.grow(owners.size)
        sigma = self.params.markup_sigma
        units.town[rows] = hh.town[owners]
        units.landlord[rows] = owners
        units.markup[rows] = self.rng.lognormal(-(sigma**2) / 2, sigma, size=owners.size)
        units.holder[rows] = VACANT
        units.tenant[rows] = -1
        hh.tenure[owners] = LANDLORD
        return rows

    def asking_rent(self, unit_rows: np.ndarray) -> np.ndarray:
        """Asking rent of units, rent units per month: market rent times mark-up."""
        units = self.model.units
        return self.model.towns.market_rent[units.town[unit_rows]] * units.markup[unit_rows]

    def budget(self, rows: np.ndarray) -> np.ndarray:
        """Monthly rent a party will pay: a share of its income plus its savings spread out."""
        mig = self.model.migrants
        means = mig.income[rows] + np.maximum(mig.savings[rows], 0.0) / SAVINGS_HORIZON_MONTHS
        return self.params.migrant_rent_share * means

    def release(self, rows: np.ndarray) -> None:
        """Parties leaving town give up their lease or their host's bed."""
        mig, units, hh = self.model.migrants, self.model.units, self.model.households
        leased = rows[mig.housing[rows] == LEASE]
        unit_rows = mig.unit[leased]
        units.holder[unit_rows] = VACANT
        units.tenant[unit_rows] = -1
        hosted = rows[mig.housing[rows] == HOSTED]
        hh.hosting[mig.host[hosted]] = -1
        mig.housing[rows] = NO_BED
        mig.unit[rows] = -1
        mig.host[rows] = -1

    # -- the day ----------------------------------------------------------------------------------
    def step(self) -> None:
        model = self.model
        self.renew_leases()
        self.pay_for_housing()
        self.list_new_units()
        able_seekers, vacant_left = self.let_vacant_units()
        self.update_market_rent(able_seekers, vacant_left)
        self.end_hosting()
        self.take_short_stays()
        self.offer_free_beds()
        self.open_shelters()
        self.report()
        np.maximum(model.towns.peak_rent, model.towns.market_rent, out=model.towns.peak_rent)

    def renew_leases(self) -> None:
        """Leases ending today renew at the asking rent; tenants who cannot carry it move out."""
        model = self.model
        units, hh, mig = model.units, model.households, model.migrants
        ending = np.nonzero(
            (units.view("holder") != VACANT) & (units.view("lease_end") <= model.day)
        )[0]
        if ending.size == 0:
            return
        ask = self.asking_rent(ending)
        local = units.holder[ending] == LOCAL_TENANT
        tenant = units.tenant[ending]
        too_dear = np.zeros(ending.size, dtype=bool)
        too_dear[local] = ask[local] > hh.rent_ceiling[tenant[local]]
        too_dear[~local] = ask[~local] > self.budget(tenant[~local])
        renew = ending[~too_dear]
        units.rent[renew] = ask[~too_dear]
        units.lease_end[renew] = model.day + self.lease_days
        displaced = ending[too_dear & local]
        gone = units.tenant[displaced]
        hh.unit[gone] = -1
        hh.displaced[gone] = True
        model.towns.displaced_total += np.bincount(hh.town[gone], minlength=model.towns.n).astype(
            np.float64
        )
        evicted = ending[too_dear & ~local]
        mig.housing[units.tenant[evicted]] = NO_BED
        mig.unit[units.tenant[evicted]] = -1
        for rows in (displaced, evicted):
            units.holder[rows] = VACANT
            units.tenant[rows] = -1

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
        nightly = self.short_stay_nightly(mig.town[live])
        short = housing == SHORT_STAY
        daily = (mig.income[live] - rent - model.settings.flows.living_cost * mig.size[live]) / (
            DAYS_PER_MONTH
        )
        daily[short] -= nightly[short] * mig.size[live[short]]
        mig.savings[live] += daily
        cannot_pay = live[short & (mig.savings[live] < 0)]
        mig.housing[cannot_pay] = NO_BED

    def short_stay_nightly(self, town: np.ndarray) -> np.ndarray:
        """Price of a short-stay night per person, rent units."""
        market = self.model.towns.market_rent[town]
        return self.params.short_stay_price * market / DAYS_PER_MONTH

    def list_new_units(self) -> None:
        """Owners let a spare room or a second flat when rents run above their trend: new listings
        per day grow with the rise (the supply that answered the panic, F15-F17)."""
        model, rng = self.model, self.rng
        hh, towns = model.households, model.towns
        trend = np.exp(self.trend_per_day * (model.day + 1))
        rise = np.maximum(towns.market_rent / trend - 1.0, 0.0)
        if not rise.any():
            return
        owners = np.nonzero(hh.view("tenure") == OWNER)[0]
        # owners come in town order (households are contiguous by town): one chance per town
        town_chance = self.params.listing_response * rise / DAYS_PER_MONTH
        starts = [rows.start for rows in model.town_slices] + [hh.n]
        per_town = np.diff(np.searchsorted(owners, starts))
        chance = np.repeat(town_chance, per_town)
        listing = owners[rng.random(owners.size) < chance]
        if listing.size:
            self.add_units(listing)

    def let_vacant_units(self) -> tuple[np.ndarray, np.ndarray]:
        """Seekers each bid on one random vacant listing of their town; a landlord lets to one of
        the bidders who can pay the asking rent, unless he refuses Russians.

        Returns, per town and after today's letting, the seekers still without a lease who could
        pay the cheapest listing left (or the market rent where none is left), and the listings
        left vacant: the demand and supply that move the market rent. A seeker who cannot pay
        even the cheapest listing does not bid rents up."""
        model = self.model
        mig, units = model.migrants, model.units
        n = model.towns.n
        alive = mig.view("alive")
        looking = (
            alive
            & (mig.view("travel_left") == 0)
            & (mig.view("intention") == STAY)
            & (mig.view("housing") != LEASE)
            & (model.day - mig.view("arrival_day") >= self.params.lease_search_delay)
        )
        seekers = np.nonzero(looking)[0]
        vacant = np.nonzero(units.view("holder") == VACANT)[0]
        if seekers.size and vacant.size:
            self.bid_and_let(seekers, vacant)
            seekers = seekers[mig.housing[seekers] != LEASE]
            vacant = vacant[units.holder[vacant] == VACANT]
        vacant_town = units.town[vacant].astype(np.int64)
        vacant_left = np.bincount(vacant_town, minlength=n).astype(np.float64)
        cheapest = model.towns.market_rent.copy()
        if vacant.size:
            lowest = np.full(n, np.inf)
            np.minimum.at(lowest, vacant_town, self.asking_rent(vacant))
            cheapest = np.where(np.isfinite(lowest), lowest, cheapest)
        seeker_town = mig.town[seekers].astype(np.int64)
        able = self.budget(seekers) >= cheapest[seeker_town]
        return np.bincount(seeker_town[able], minlength=n).astype(np.float64), vacant_left

    def bid_and_let(self, seekers: np.ndarray, vacant: np.ndarray) -> None:
        """One bid per seeker on a random listing of its town; each listing goes to one bidder."""
        model, rng = self.model, self.rng
        mig, units, hh = model.migrants, model.units, model.households
        att = model.settings.attitudes
        seeker_town = mig.town[seekers].astype(np.int64)
        pick = pick_uniform_in_groups(
            seeker_town, units.town[vacant].astype(np.int64), model.towns.n, rng
        )
        has_pick = pick >= 0
        bidders, unit_rows = seekers[has_pick], vacant[pick[has_pick]]
        ask = self.asking_rent(unit_rows)
        landlord = units.landlord[unit_rows]
        refuses = (
            hh.grievance[landlord]
            & (hh.attitude[landlord] < att.hostile_threshold)
            & (rng.random(unit_rows.size) < self.params.refusal_rate)
        )
        valid = (self.budget(bidders) >= ask) & ~refuses
        bidders, unit_rows, ask = bidders[valid], unit_rows[valid], ask[valid]
        if unit_rows.size == 0:
            return
        # one winner per unit: the first bidder in a random order
        order = np.lexsort((rng.random(unit_rows.size), unit_rows))
        first = np.r_[True, unit_rows[order][1:] != unit_rows[order][:-1]]
        winners, won_units, rent = bidders[order][first], unit_rows[order][first], ask[order][first]
        self.release(winners)
        units.holder[won_units] = MIGRANT_TENANT
        units.tenant[won_units] = winners
        units.rent[won_units] = rent
        units.lease_end[won_units] = model.day + self.lease_days
        mig.housing[winners] = LEASE
        mig.unit[winners] = won_units

    def update_market_rent(self, able_seekers: np.ndarray, vacant: np.ndarray) -> None:
        """Market rent moves with excess demand: up when paying seekers outnumber listings, down
        when listings go unlet, plus the background trend; a rent cap holds it down."""
        towns = self.model.towns
        # a balanced market keeps its frictional vacancies listed: vacancies above that level
        # weigh against the seekers; vacancies below it tighten the market, but much less than
        # a seeker left without a flat
        surplus = vacant - self.natural_vacant
        excess = able_seekers - np.where(
            surplus > 0, surplus, self.params.vacancy_tightness * surplus
        )
        total = able_seekers + self.natural_vacant + np.maximum(surplus, 0.0)
        pressure = np.divide(excess, total, out=np.zeros_like(total), where=total > 0)
        pressure = np.clip(pressure, -1.0, 1.0)
        change = (
            self.trend_per_day
            + self.params.rent_response_up * np.maximum(pressure, 0.0)
            - self.params.rent_response_down * np.maximum(-pressure, 0.0)
        )
        towns.market_rent *= np.exp(change)
        np.minimum(towns.market_rent, self.model.policy.rent_cap_level, out=towns.market_rent)

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

    def take_short_stays(self) -> None:
        """Parties without a bed who can pay three nights take a free short-stay bed."""
        model, rng, mig = self.model, self.rng, self.model.migrants
        rows = self.unbedded()
        nights = self.short_stay_nightly(mig.town[rows]) * mig.size[rows] * 3
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
        compassionate = np.empty(hh.n, dtype=bool)
        for i, rows in enumerate(model.town_slices):  # households are contiguous by town
            np.greater(hh.compassion[rows], threshold[i], out=compassionate[rows])
        return np.nonzero(
            (hh.view("tenure") == OWNER)
            & (hh.view("hosting") < 0)
            & compassionate
            & (hh.view("attitude") > model.settings.attitudes.welcoming_threshold)
            & (self.rng.random(hh.n) < self.params.hosting_offer_rate)
        )[0]

    def offer_free_beds(self) -> None:
        """Willing households take in parties that have no bed, one party each."""
        model, rng = self.model, self.rng
        mig, hh = model.migrants, model.households
        guests = self.unbedded()
        hosts = self.willing_hosts()
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
        unit_town = units.view("town").astype(np.int64)
        vacant = units.view("holder") == VACANT
        n_units = np.bincount(unit_town, minlength=n).astype(np.float64)
        n_vacant = np.bincount(unit_town[vacant], minlength=n).astype(np.float64)
        vacant_rows = np.nonzero(vacant)[0]
        ask_sum = np.bincount(unit_town[vacant], weights=self.asking_rent(vacant_rows), minlength=n)
        mean_markup = np.bincount(
            unit_town, weights=units.view("markup"), minlength=n
        ) / np.maximum(n_units, 1)
        mean_ask = np.where(
            n_vacant > 0, ask_sum / np.maximum(n_vacant, 1), towns.market_rent * mean_markup
        )
        unbedded = self.unbedded()
        in_town = mig.view("alive") & (mig.view("travel_left") == 0)
        looking = np.nonzero(
            in_town & (mig.view("housing") != LEASE) & (mig.view("intention") != MOVE_ON)
        )[0]
        free_beds = np.maximum(towns.short_stay_beds - self.occupancy(SHORT_STAY), 0)
        free_shelter = np.maximum(
            towns.shelter_beds + model.policy.shelter_extra - self.occupancy(SHELTER), 0
        )
        towns.free_places = n_vacant + free_beds + free_shelter
        towns.seekers = np.bincount(mig.town[looking], minlength=n).astype(np.float64)
        self.today = {
            "hosted_free": self.occupancy(HOSTED),
            "in_short_stay": self.occupancy(SHORT_STAY),
            "in_shelter": self.occupancy(SHELTER),
            "unhoused_migrants": np.bincount(
                mig.town[unbedded], weights=mig.size[unbedded], minlength=n
            ),
            "vacancy_rate": n_vacant / np.maximum(n_units, 1),
            "mean_asking_rent": mean_ask * towns.rent0_local,
            "short_stay_use": use_of(towns.short_stay_beds, free_beds),
            "shelter_use": use_of(towns.shelter_beds + model.policy.shelter_extra, free_shelter),
        }


def use_of(capacity: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Share of a capacity in use (0 where there is none)."""
    return np.divide(capacity - free, capacity, out=np.zeros_like(capacity), where=capacity > 0)
