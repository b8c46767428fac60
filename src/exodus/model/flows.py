"""Flows: scheduled arrivals at the crossings, transit, capacity-aware onward moves and returns.

Arrivals follow the daily schedule of each country, split between its towns by crossing share; the
fraction of a party that does not make a whole agent today is carried to tomorrow (as FLEE spawns to
the observed totals). Onward moves choose a town in proportion to its attractiveness discounted by
travel days and by FLEE's capacity multiplier, so full towns push arrivals elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.population import beta_draws
from exodus.model.state import (
    HOSTED,
    LEASE,
    MOBILISED,
    MOVE_ON,
    NEEDS_WORK,
    NO_BED,
    RELOCANT,
    REMOTE,
    RETURN,
    SAVINGS,
    SHELTER,
    STAY,
)

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel
    from exodus.scenario.schema import Wave

COUNTRY_CODES = ("KZ", "KG")


def daily_people(model: ExodusModel, country: str, wave: int, day: int) -> float:
    """People entering `country` on `day` in `wave`, before any entry cap."""
    fl = model.settings.flows
    date_ordinal = model.start_date.toordinal() + day
    if wave == RELOCANT:
        return fl.relocant_per_day.get(country, 0.0)
    if date_ordinal < fl.mobilisation_date.toordinal():
        return 0.0
    knots = fl.mobilised_schedule.get(country, [])
    if not knots:
        return 0.0
    xs = np.asarray([d.toordinal() for d, _ in knots], dtype=np.float64)
    ys = np.asarray([v for _, v in knots], dtype=np.float64)
    if date_ordinal < xs[0]:
        return 0.0
    return float(np.interp(date_ordinal, xs, ys)) * fl.mobilised_scale


def crossing_shares(model: ExodusModel) -> np.ndarray:
    """Each town's share of its country's second-wave entries, renormalised over enabled towns."""
    shares = np.asarray([t.crossing_share for t in model.town_specs.values()], dtype=np.float64)
    return normalise_by_country(model, shares)


def relocant_shares(model: ExodusModel) -> np.ndarray:
    """The first wave keeps going where it went before: shares in proportion to the relocants
    present on the first day."""
    present = np.asarray([t.initial_relocants for t in model.town_specs.values()], dtype=float)
    return normalise_by_country(model, present)


def normalise_by_country(model: ExodusModel, shares: np.ndarray) -> np.ndarray:
    """Scale shares to sum to one within each country (all zero where a country has none)."""
    out = np.zeros_like(shares)
    for c in (0, 1):
        in_country = model.towns.country == c
        total = shares[in_country].sum()
        if total > 0:
            out[in_country] = shares[in_country] / total
    return out


def expected_parties(model: ExodusModel) -> int:
    """Agents the run will create (initial stock plus scheduled arrivals), to size storage once."""
    fl = model.settings.flows
    people = sum(t.initial_relocants for t in model.town_specs.values())
    for day in range(model.n_days):
        for country in COUNTRY_CODES:
            people += daily_people(model, country, RELOCANT, day)
            people += daily_people(model, country, MOBILISED, day)
    mean_size = min(fl.relocant.party_size, fl.mobilised.party_size)
    return int(people * model.scale / mean_size * 1.2) + 64


class Flows:
    """Arrivals, transit, onward moves, returns and departures of migrant parties."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.rng = model.streams["flows"]
        self.shares = crossing_shares(model)
        self.relocant_shares = relocant_shares(model)
        n = model.towns.n
        self.carry = np.zeros((2, n))  # fractional agents owed per wave and town
        self.waves: tuple[Wave, Wave] = (
            model.settings.flows.relocant,
            model.settings.flows.mobilised,
        )
        names = model.towns.names
        self.bishkek = names.index("Bishkek") if "Bishkek" in names else -1

    # -- creation -------------------------------------------------------------------------------
    def spawn(self, town: np.ndarray, wave: int, day: int) -> np.ndarray:
        """Create parties of `wave` in the given towns (one entry per party); returns their rows."""
        model, rng = self.model, self.rng
        spec = self.waves[wave]
        mig = model.migrants
        k = town.size
        rows = mig.grow(k)
        idx = np.arange(rows.start, rows.stop)
        mig.alive[rows] = True
        mig.wave[rows] = wave
        mig.town[rows] = town
        mig.travel_left[rows] = 0
        mig.arrival_day[rows] = day
        mig.size[rows] = 1.0 + rng.poisson(max(spec.party_size - 1.0, 0.0), size=k)
        u = rng.random(k)
        remote_cut = spec.remote_income_share
        work_cut = min(1.0, remote_cut + spec.needs_work_share)
        source = np.where(u < remote_cut, REMOTE, np.where(u < work_cut, NEEDS_WORK, SAVINGS))
        mig.income_source[rows] = source
        mig.income[rows] = np.where(
            source == REMOTE, spec.remote_income * rng.lognormal(-0.08, 0.4, size=k), 0.0
        )
        mig.savings[rows] = rng.exponential(spec.savings, size=k) * mig.size[rows]
        mig.integration_effort[rows] = beta_draws(rng, spec.integration_effort, k)
        mig.disrespect[rows] = beta_draws(rng, spec.disrespect, k)
        mig.housing[rows] = NO_BED
        mig.unit[rows] = -1
        mig.host[rows] = -1
        mig.has_job[rows] = False
        transit = rng.random(k) < spec.transit_share
        mig.intention[rows] = np.where(transit, MOVE_ON, STAY)
        mig.leave_day[rows] = np.where(transit, day + model.settings.flows.transit_days, 1 << 30)
        onward = np.full(k, -1, dtype=np.int16)
        if self.bishkek >= 0:
            from_kz = model.towns.country[town] == 0
            to_kg = from_kz & (rng.random(k) < model.settings.flows.transit_to_kyrgyzstan)
            onward[to_kg] = self.bishkek
        mig.onward_to[rows] = onward
        mig.entering[rows] = False
        return idx

    def seed_initial_relocants(self) -> None:
        """The first wave already present on day 0 (their arrivals are not counted as entries)."""
        model = self.model
        people = np.asarray([t.initial_relocants for t in model.town_specs.values()], dtype=float)
        agents = np.floor(people * model.scale / self.waves[RELOCANT].party_size + 0.5)
        town = np.repeat(np.arange(model.towns.n), agents.astype(np.int64))
        rows = self.spawn(town, RELOCANT, day=0)
        mig = model.migrants
        mig.intention[rows] = STAY
        mig.leave_day[rows] = 1 << 30
        # settled for months: spread arrival days over the spring (F12)
        mig.arrival_day[rows] = -self.rng.integers(30, 200, size=rows.size)

    # -- the day ----------------------------------------------------------------------------------
    def step(self) -> None:
        self.arrive_from_abroad()
        self.advance_travel()
        self.leave()
        self.move_onward()

    def arrive_from_abroad(self) -> None:
        """Today's scheduled entries at each town; an entry cap turns the excess back (not queued)."""
        model = self.model
        n = model.towns.n
        people = np.zeros((2, n))
        for wave in (RELOCANT, MOBILISED):
            for c, code in enumerate(COUNTRY_CODES):
                in_country = model.towns.country == c
                shares = self.relocant_shares if wave == RELOCANT else self.shares
                # issue 12 stand-in until issue 11's flows: pickets cut a town's pull on entries
                shares = normalise_by_country(model, shares * model.towns.arrival_deterrence)
                people[wave, in_country] = (
                    daily_people(model, code, wave, model.day) * shares[in_country]
                )
        total = people.sum(axis=0)
        cap = model.policy.entry_cap
        admitted = np.ones(n)
        np.divide(cap, total, out=admitted, where=total > cap)
        for wave in (RELOCANT, MOBILISED):
            self.carry[wave] += people[wave] * admitted * model.scale / self.waves[wave].party_size
            entering = np.floor(self.carry[wave]).astype(np.int64)
            self.carry[wave] -= entering
            town = np.repeat(np.arange(n), entering)
            rows = self.spawn(town, wave, model.day)
            model.towns.arrivals += np.bincount(
                town, weights=model.migrants.size[rows], minlength=n
            )

    def advance_travel(self) -> None:
        """Parties on a route come one day closer; those arriving enter their town today."""
        mig, model = self.model.migrants, self.model
        moving = np.nonzero(mig.view("alive") & (mig.view("travel_left") > 0))[0]
        if moving.size == 0:
            return
        mig.travel_left[moving] -= 1
        arrived = moving[mig.travel_left[moving] == 0]
        crossing = arrived[mig.entering[arrived]]
        mig.entering[crossing] = False
        mig.arrival_day[crossing] = model.day
        model.towns.arrivals += np.bincount(
            mig.town[crossing], weights=mig.size[crossing], minlength=model.towns.n
        )

    def leave(self) -> None:
        """Transit parties due to go on, second-wave returns after the mobilisation, parties out of
        money, and stay-limit departures."""
        model, rng, mig = self.model, self.rng, self.model.migrants
        fl = model.settings.flows
        alive = mig.view("alive")
        in_town = alive & (mig.view("travel_left") == 0)
        due = in_town & (mig.view("intention") == MOVE_ON) & (mig.view("leave_day") <= model.day)
        onward_town = due & (mig.view("onward_to") >= 0)
        self.start_travel(np.nonzero(onward_town)[0], mig.onward_to[: mig.n][onward_town])
        mig.intention[np.nonzero(onward_town)[0]] = STAY
        # those who just set off, or left abroad for want of a route, are no longer here
        in_town &= mig.view("alive") & (mig.view("travel_left") == 0)

        mobilisation_over = model.date > fl.mobilisation_end
        settled = in_town & (mig.view("intention") == STAY)
        going_home = np.zeros(mig.n, dtype=bool)
        if mobilisation_over and fl.return_hazard > 0:
            going_home = settled & (mig.view("wave") == MOBILISED)
            going_home &= rng.random(mig.n) < fl.return_hazard
        broke = settled & (mig.view("savings") < 0) & (mig.view("income") <= 0)
        leaving = (due & ~onward_town) | going_home | broke
        mig.intention[np.nonzero(going_home | broke)[0]] = RETURN
        leaving |= model.policy.stay_limit_departures(in_town & ~leaving, rng)
        self.depart_abroad(np.nonzero(leaving)[0])

    def depart_abroad(self, rows: np.ndarray) -> None:
        """Parties leave the modelled countries (home to Russia or onward abroad)."""
        if rows.size == 0:
            return
        model, mig = self.model, self.model.migrants
        model.housing.release(rows)
        model.jobs.release(rows)
        model.towns.departures += np.bincount(
            mig.town[rows], weights=mig.size[rows], minlength=model.towns.n
        )
        mig.alive[rows] = False

    def start_travel(self, rows: np.ndarray, destination: np.ndarray) -> None:
        """Parties set off for another town; crossing into the other country counts as a
        departure abroad here and an arrival from abroad there."""
        if rows.size == 0:
            return
        model, mig = self.model, self.model.migrants
        origin = mig.town[rows].astype(np.int64)
        destination = destination.astype(np.int64)
        days = model.travel_days[origin, destination]
        reachable = np.isfinite(days)
        # unreachable destinations (no route in this scenario) mean leaving abroad
        self.depart_abroad(rows[~reachable])
        rows, origin, destination = rows[reachable], origin[reachable], destination[reachable]
        days = days[reachable].astype(np.int64)
        model.housing.release(rows)
        model.jobs.release(rows)
        crosses = model.towns.country[origin] != model.towns.country[destination]
        model.towns.departures += np.bincount(
            origin[crosses], weights=mig.size[rows[crosses]], minlength=model.towns.n
        )
        mig.entering[rows] = crosses
        mig.town[rows] = destination
        mig.travel_left[rows] = np.maximum(days, 1)

    def move_onward(self) -> None:
        """Settled parties reconsider their town (often when they have no bed) and pick one by
        attractiveness over travel time and room left, the current town included."""
        model, rng, mig = self.model, self.rng, self.model.migrants
        fl = model.settings.flows
        n = model.towns.n
        if n < 2:
            return
        alive = mig.view("alive")
        settled = alive & (mig.view("travel_left") == 0) & (mig.view("intention") == STAY)
        housing = mig.view("housing")
        p = np.where(
            (housing == NO_BED) | (housing == SHELTER),
            fl.unhoused_move_probability,
            np.where(
                (housing == LEASE) | (housing == HOSTED),
                fl.move_probability / 4,
                fl.move_probability,
            ),
        )
        movers = np.nonzero(settled & (rng.random(mig.n) < p))[0]
        if movers.size == 0:
            return
        weights = self.destination_weights()
        origin = mig.town[movers].astype(np.int64)
        cumulative = np.cumsum(weights[origin], axis=1)
        total = cumulative[:, -1]
        u = rng.random(movers.size) * total
        destination = (cumulative < u[:, None]).sum(axis=1)
        go = (destination != origin) & (total > 0)
        self.start_travel(movers[go], destination[go])

    def destination_weights(self) -> np.ndarray:
        """FLEE-style route weights between towns: attractiveness / (1 + days)^power, times the
        capacity multiplier (1 below `full_threshold` of capacity, falling to 0 when full)."""
        model = self.model
        fl = model.settings.flows
        towns = model.towns
        free, seekers = towns.free_places, towns.seekers
        load = np.where(free + seekers > 0, 1.0 - free / np.maximum(free + seekers, 1e-9), 0.0)
        multiplier = np.clip((1.0 - load) / max(1.0 - fl.full_threshold, 1e-9), 0.0, 1.0)
        room = free / np.maximum(free + seekers, 1.0)
        score = (0.1 + room) / towns.market_rent
        days = model.travel_days
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(
                np.isfinite(days),
                score[None, :] * multiplier[None, :] / (1.0 + days) ** fl.distance_power,
                0.0,
            )
        np.fill_diagonal(w, score)
        return w
