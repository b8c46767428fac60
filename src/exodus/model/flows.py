"""Flows: scheduled arrivals at the crossings, diversion at closures, the daily choice to stay,
move, go onward or go home (`exodus.model.choice`), and departures.

Arrivals follow the daily schedule of each country, split between its towns by crossing shares
that may follow a dated schedule and that pickets lower (`arrival_deterrence`); the fraction of a
party that does not make a whole agent today is carried to tomorrow (as FLEE spawns to the
observed totals). People turned away at a closed or capped crossing try another crossing, the
other country, or stay in Russia. Each outflow is tallied per town and day: onward (a third
country or the other modelled country) and home add up to the departures abroad.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model import compiled
from exodus.model.choice import HOME, ONWARD, Choice, odds
from exodus.model.compiled import kernel
from exodus.model.population import beta_draws
from exodus.model.state import (
    MOBILISED,
    MOVE_ON,
    NEEDS_WORK,
    NO_BED,
    RELOCANT,
    REMOTE,
    RETURN,
    SAVINGS,
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


def crossing_shares(model: ExodusModel, date_ordinal: int | None = None) -> np.ndarray:
    """Each town's share of its country's second-wave entries on a day (default: the first).

    A town with a `crossing_schedule` takes its scheduled share; the towns of its country without
    one split the rest in proportion to their `crossing_share` (if the scheduled shares leave
    nothing, or no unscheduled town has a share, the scheduled ones are scaled to one)."""
    if date_ordinal is None:
        date_ordinal = model.start_date.toordinal()
    specs = list(model.town_specs.values())
    base = np.asarray([t.crossing_share for t in specs], dtype=np.float64)
    scheduled = np.asarray([bool(t.crossing_schedule) for t in specs])
    if not scheduled.any():
        return normalise_by_country(model, base)
    fixed = np.zeros(len(specs))
    for i, t in enumerate(specs):
        if t.crossing_schedule:
            xs = [d.toordinal() for d, _ in t.crossing_schedule]
            fixed[i] = float(np.interp(date_ordinal, xs, [v for _, v in t.crossing_schedule]))
    out = np.zeros(len(specs))
    for c in (0, 1):
        in_country = model.towns.country == c
        sched, free = in_country & scheduled, in_country & ~scheduled
        taken = fixed[sched].sum()
        rest_base = base[free].sum()
        if taken >= 1.0 or rest_base <= 0:
            out[sched] = fixed[sched] / taken if taken > 0 else 0.0
            continue
        out[sched] = fixed[sched]
        out[free] = (1.0 - taken) * base[free] / rest_base
    return out


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
    """Arrivals, diversion, the daily choice, and departures of migrant parties."""

    OUTFLOWS = ("departures_onward", "departures_home", "turned_away", "border_runs")
    """Per-town tallies of the day, in agents (the recorder turns them into people)."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.rng = model.streams["flows"]
        self.relocant_shares = relocant_shares(model)
        n = model.towns.n
        self.carry = np.zeros((2, n))  # fractional agents owed per wave and town
        self.waves: tuple[Wave, Wave] = (
            model.settings.flows.relocant,
            model.settings.flows.mobilised,
        )
        self.choice = Choice(model)
        self.today: dict[str, np.ndarray] = {k: np.zeros(n) for k in self.OUTFLOWS}
        self.in_town = np.zeros(0, dtype=np.intp)
        """Rows of the parties in a town (not on a route), ascending, as the day's flows left
        them: set at the end of `step`, since only the flows move, create or remove parties, so
        the day's other mechanisms and the recorder need not find them again."""
        self.people_in_town = np.zeros(n)
        """Persons in those parties per town (agents), summed in row order."""

    # -- creation -------------------------------------------------------------------------------
    def spawn(self, town: np.ndarray, wave: int, day: int) -> np.ndarray:
        """Create parties of `wave` in the given towns (one entry per party); returns their rows."""
        model, rng = self.model, self.rng
        spec = self.waves[wave]
        fl = model.settings.flows
        mig = model.migrants
        k = town.size
        rows = mig.grow(k)
        idx = np.arange(rows.start, rows.stop)
        mig.alive[rows] = True
        mig.wave[rows] = wave
        mig.town[rows] = town
        mig.travel_left[rows] = 0
        mig.arrival_day[rows] = day
        mig.count_start[rows] = day
        mig.size[rows] = 1.0 + rng.poisson(max(spec.party_size - 1.0, 0.0), size=k)
        u = rng.random(k)
        remote_cut = spec.remote_income_share
        work_cut = min(1.0, remote_cut + spec.needs_work_share)
        source = np.where(u < remote_cut, REMOTE, np.where(u < work_cut, NEEDS_WORK, SAVINGS))
        mig.income_source[rows] = source
        sigma = fl.remote_income_sigma
        mig.income[rows] = np.where(
            source == REMOTE,
            spec.remote_income * rng.lognormal(-(sigma**2) / 2, sigma, size=k),
            0.0,
        )
        mig.savings[rows] = rng.exponential(spec.savings, size=k) * mig.size[rows]
        concentration = fl.trait_concentration
        mig.integration_effort[rows] = beta_draws(rng, spec.integration_effort, k, concentration)
        mig.disrespect[rows] = beta_draws(rng, spec.disrespect, k, concentration)
        # movers and stayers: each party's own pull onward around its wave's mean
        mig.onward_pull[rows] = beta_draws(
            rng, spec.onward_pull, k, concentration=spec.onward_pull_concentration
        )
        mig.housing[rows] = NO_BED
        mig.unit[rows] = -1
        mig.host[rows] = -1
        mig.has_job[rows] = False
        mig.intention[rows] = STAY
        mig.entering[rows] = False
        mig.away[rows] = False
        mig.irregular[rows] = False
        return idx

    def seed_initial_relocants(self) -> None:
        """The first wave already present on day 0 (their arrivals are not counted as entries)."""
        model = self.model
        people = np.asarray([t.initial_relocants for t in model.town_specs.values()], dtype=float)
        agents = np.floor(people * model.scale / self.waves[RELOCANT].party_size + 0.5)
        town = np.repeat(np.arange(model.towns.n), agents.astype(np.int64))
        rows = self.spawn(town, RELOCANT, day=0)
        mig = model.migrants
        # settled for months: spread arrival days over the spring (F12)
        fl = model.settings.flows
        days_in = (fl.initial_days_in_min, fl.initial_days_in_max)
        mig.arrival_day[rows] = -self.rng.integers(*days_in, size=rows.size)
        mig.count_start[rows] = mig.arrival_day[rows]

    # -- the day ----------------------------------------------------------------------------------
    def step(self) -> None:
        for tally in self.today.values():
            tally[:] = 0.0
        self.arrive_from_abroad()
        self.advance_travel()
        self.leave()
        self.choose()
        mig = self.model.migrants
        self.in_town = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        self.people_in_town = self.persons(self.in_town)

    def persons(self, rows: np.ndarray) -> np.ndarray:
        """Persons (agents) per town in the parties `rows`, each town's sum in row order:
        `np.bincount` of their towns weighted by their sizes, or its compiled twin `town_sums`
        (the same sums) for a large model."""
        model, mig = self.model, self.model.migrants
        if compiled.enabled(model.households.n):
            return town_sums(rows, mig.town, mig.size, model.towns.n)
        return np.bincount(mig.town[rows], weights=mig.size[rows], minlength=model.towns.n)

    def entry_shares(self, wave: int) -> np.ndarray:
        """Today's split of a country's entries between its towns: the crossing shares (or the
        first wave's own), times each town's `arrival_deterrence`, scaled to one per country."""
        model = self.model
        today = model.date.toordinal()
        shares = self.relocant_shares if wave == RELOCANT else crossing_shares(model, today)
        return normalise_by_country(model, shares * model.towns.arrival_deterrence)

    def arrive_from_abroad(self) -> None:
        """Today's scheduled entries at each town. An entry cap turns the excess away: a share
        tries another crossing of the country, a share the other country (each under its own
        cap), the rest stay in Russia; `turned_away` counts those refused at each town."""
        model = self.model
        fl = model.settings.flows
        n = model.towns.n
        people = np.zeros((2, n))
        for wave in (RELOCANT, MOBILISED):
            shares = self.entry_shares(wave)
            for c, code in enumerate(COUNTRY_CODES):
                in_country = model.towns.country == c
                people[wave, in_country] = (
                    daily_people(model, code, wave, model.day) * shares[in_country]
                )
        cap = model.policy.entry_cap
        admitted = admitted_share(people.sum(axis=0), cap)
        refused = people * (1.0 - admitted)
        turned_away = refused.sum(axis=0)
        people *= admitted
        if turned_away.any():
            diverted = np.zeros_like(refused)
            for wave in (RELOCANT, MOBILISED):
                diverted[wave] = self.divert(
                    refused[wave], self.entry_shares(wave), fl.divert_other_crossing, same=True
                ) + self.divert(
                    refused[wave], self.entry_shares(wave), fl.divert_other_country, same=False
                )
            # a second refusal sends them home without a second count: `turned_away` counts
            # people, at the first crossing that refused them
            headroom = np.maximum(cap - people.sum(axis=0), 0.0)
            people += diverted * admitted_share(diverted.sum(axis=0), headroom)
        self.today["turned_away"] += turned_away * model.scale
        for wave in (RELOCANT, MOBILISED):
            self.carry[wave] += people[wave] * model.scale / self.waves[wave].party_size
            entering = np.floor(self.carry[wave]).astype(np.int64)
            self.carry[wave] -= entering
            town = np.repeat(np.arange(n), entering)
            rows = self.spawn(town, wave, model.day)
            model.towns.arrivals += np.bincount(
                town, weights=model.migrants.size[rows], minlength=n
            )

    def divert(
        self, refused: np.ndarray, shares: np.ndarray, fraction: float, same: bool
    ) -> np.ndarray:
        """Where `fraction` of the people refused at each town go: the other towns of the same
        country (`same`) or the towns of the other country, in proportion to their shares."""
        model = self.model
        country = model.towns.country
        out = np.zeros_like(refused)
        if fraction <= 0:
            return out
        for i in np.nonzero(refused > 0)[0]:
            targets = (country == country[i]) if same else (country != country[i])
            targets = targets & (np.arange(model.towns.n) != i)
            weight = shares * targets
            if weight.sum() > 0:
                out += refused[i] * fraction * weight / weight.sum()
        return out

    def advance_travel(self) -> None:
        """Parties on a route come one day closer; those arriving enter their town today, and
        those back from a border run start a fresh count of days."""
        mig, model = self.model.migrants, self.model
        moving = np.nonzero(mig.view("alive") & (mig.view("travel_left") > 0))[0]
        if moving.size == 0:
            return
        mig.travel_left[moving] -= 1
        arrived = moving[mig.travel_left[moving] == 0]
        crossing = arrived[mig.entering[arrived]]
        mig.entering[crossing] = False
        mig.arrival_day[crossing] = model.day
        mig.count_start[crossing] = model.day
        back = arrived[mig.away[arrived]]
        mig.away[back] = False
        mig.count_start[back] = model.day
        model.towns.arrivals += np.bincount(
            mig.town[crossing], weights=mig.size[crossing], minlength=model.towns.n
        )

    def leave(self) -> None:
        """Parties out of money go home; parties at a stay limit leave, stay on or run."""
        model, mig = self.model, self.model.migrants
        in_town = mig.view("alive") & (mig.view("travel_left") == 0)
        broke = in_town & (mig.view("savings") < 0) & (mig.view("income") <= 0)
        self.depart_abroad(np.nonzero(broke)[0], home=True)
        # the limit binds parties on the road inside the country as well as those in a town
        in_country = mig.view("alive") & ~mig.view("away") & ~mig.view("entering")
        leaving = np.nonzero(model.policy.stay_limit(in_country, self.rng))[0]
        # those leaving at a stay limit go onward or home by their wave's pulls
        fl = model.settings.flows
        waves = (fl.relocant, fl.mobilised)
        on = np.asarray([odds(w.onward_pull) for w in waves])[mig.wave[leaving]]
        home = np.asarray([odds(w.home_pull) for w in waves])[mig.wave[leaving]]
        onward = self.rng.random(leaving.size) * (on + home) < on
        self.depart_abroad(leaving[onward], home=False)
        self.depart_abroad(leaving[~onward], home=True)

    def choose(self) -> None:
        """Every party in a town may weigh its options today (`exodus.model.choice`)."""
        rng, mig = self.rng, self.model.migrants
        in_town = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        if in_town.size == 0:
            return
        if not self.choice.anchored and self.model.day >= 1:
            self.choice.anchor(in_town)
        p = self.choice.move_probability(in_town)
        movers = in_town[rng.random(in_town.size) < p]
        pick = self.choice.choose(movers, rng)
        pick[pick == ONWARD] = self.onward_seats(
            movers[pick == ONWARD], mig.town[movers][pick == ONWARD]
        )
        self.depart_abroad(movers[pick == ONWARD], home=False)
        self.depart_abroad(movers[pick == HOME], home=True)
        towns = pick >= 0
        go = towns & (pick != mig.town[movers])
        self.start_travel(movers[go], pick[go])

    def onward_seats(self, rows: np.ndarray, town: np.ndarray) -> np.ndarray:
        """Who of those choosing onward gets away today, within each country's
        `onward_capacity` (in random order); the others stay in their town (their pick becomes
        their own town)."""
        model = self.model
        out = np.full(rows.size, ONWARD, dtype=np.int64)
        if rows.size == 0:
            return out
        country = model.towns.country[town]
        for c, code in enumerate(COUNTRY_CODES):
            idx = np.nonzero(country == c)[0]
            if idx.size == 0:
                continue
            idx = idx[self.rng.permutation(idx.size)]
            seats = model.settings.flows.onward_capacity.get(code, np.inf) * model.scale
            fits = np.cumsum(model.migrants.size[rows[idx]]) <= seats
            out[idx[~fits]] = town[idx[~fits]]
        return out

    def depart_abroad(self, rows: np.ndarray, home: bool) -> None:
        """Parties leave the modelled countries: home to Russia, or onward to a third country."""
        if rows.size == 0:
            return
        model, mig = self.model, self.model.migrants
        model.housing.release(rows)
        model.jobs.release(rows)
        gone = np.bincount(mig.town[rows], weights=mig.size[rows], minlength=model.towns.n)
        model.towns.departures += gone
        self.today["departures_home" if home else "departures_onward"] += gone
        mig.intention[rows] = RETURN if home else MOVE_ON
        mig.alive[rows] = False

    def start_travel(self, rows: np.ndarray, destination: np.ndarray) -> None:
        """Parties set off for another town; crossing into the other country counts as a
        departure onward here and an arrival from abroad there."""
        if rows.size == 0:
            return
        model, mig = self.model, self.model.migrants
        origin = mig.town[rows].astype(np.int64)
        destination = destination.astype(np.int64)
        days = model.travel_days[origin, destination]
        reachable = np.isfinite(days)
        # unreachable destinations (no route in this scenario) mean leaving abroad
        self.depart_abroad(rows[~reachable], home=False)
        rows, origin, destination = rows[reachable], origin[reachable], destination[reachable]
        days = days[reachable].astype(np.int64)
        model.housing.release(rows)
        model.jobs.release(rows)
        crosses = model.towns.country[origin] != model.towns.country[destination]
        out = np.bincount(origin[crosses], weights=mig.size[rows[crosses]], minlength=model.towns.n)
        model.towns.departures += out
        self.today["departures_onward"] += out
        mig.entering[rows] = crosses
        mig.town[rows] = destination
        mig.travel_left[rows] = np.maximum(days, 1)

    def destination_weights(self) -> np.ndarray:
        """Town-to-town weights for a party that can afford every town and needs no job: the
        choice's pull times FLEE's capacity multiplier over travel days (the diagonal: staying)."""
        fl = self.model.settings.flows
        pull, multiplier = self.choice.town_pull()
        days = self.choice.travel
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(
                np.isfinite(days),
                pull[None, :] * multiplier[None, :] / (1.0 + days) ** fl.distance_power,
                0.0,
            )
        np.fill_diagonal(w, pull)
        return w


def admitted_share(wanted: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Share of the people wanting to enter each town that its cap lets in (1 where under it)."""
    out = np.ones_like(wanted)
    np.divide(cap, wanted, out=out, where=wanted > cap)
    return out


@kernel
def town_sums(rows, town, weight, n):
    """`np.bincount(town[rows], weights=weight[rows], minlength=n)`: each town's sum of the
    weights (as float64, as bincount casts them) in the order of `rows`, without the gathers."""
    out = np.zeros(n)
    for k in range(rows.size):
        i = rows[k]
        out[town[i]] += np.float64(weight[i])
    return out
