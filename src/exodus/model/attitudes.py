"""Attitudes: what moves a host household's attitude towards the arrivals, in [-1, 1].

Each household has a disposition (`prior`, on the atanh scale) and follows, at `rate` per day, the
attitude its perceptions give: tanh(prior + drive). The drive weighs threats (rent, jobs, prices,
observed disrespect, cultural distance, low legitimacy of the flight, security fear, grievance,
background stress) against compassion and empathy, all scaled by how salient the arrivals are
(perceived numbers; Urselmans & Phelps 2018). Rents and prices threaten by how far they stand above
what households expected (their pre-shock trend), and households get used to a steady stressor
(adaptation level): what is felt is the stressor minus a share of the level it has held lately, so
threats ease when nothing renews them. Compassion helps those in need, so it grows with the need in
sight (arrivals without a bed or in a shelter); empathy takes the arrivals' side, so it grows with
the legitimacy the household sees in their flight (which information campaigns raise).

Contact changes the disposition itself, for better or, when the encounter goes badly, for worse
(Flache 2018): living with a guest most, then letting to a migrant tenant, working beside migrants,
living beside migrant tenants and everyday encounters in proportion to the arrivals' share. The
quality of each contact comes from the migrants' integration effort and disrespect (Allport's
conditions); below the quality threshold contact backfires. Each day a household hears one
neighbour and moves towards the message as in Lorenz, Neumann & Schröder (2021), with negative
messages weighing more (the article's social-media reactions).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from exodus.model import attitude_kernels, compiled
from exodus.model.groups import town_starts
from exodus.model.state import (
    LANDLORD,
    MIGRANT_TENANT,
    MOBILISED,
    NO_BED,
    OWNER,
    RENTER,
    SHELTER,
    STUDENT,
)

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel
    from exodus.scenario.schema import Attitudes as AttitudeParams

TENURES = 4
"""Number of tenure codes (OWNER, LANDLORD, RENTER, STUDENT): the length of a by-tenure table."""
HABITUATING = ("rent", "price", "jobs", "disrespect")
"""Stressors households get used to when they hold steady."""
MEANS = ("legitimacy", "need", "quality", "disrespect", "effort")
"""The party-size-weighted means of the parties present that `Attitudes.present_means` gives."""


def size_weighted_mean(
    town: np.ndarray,
    values: np.ndarray,
    size: np.ndarray,
    n: int,
    total: np.ndarray | None = None,
) -> np.ndarray:
    """Mean of `values` over present parties of each town, weighted by party size (0 where none).
    `total`, if given, is `np.bincount(town, weights=size, minlength=n)`, already summed."""
    if total is None:
        total = np.bincount(town, weights=size, minlength=n)
    summed = np.bincount(town, weights=values * size, minlength=n)
    return np.divide(summed, total, out=np.zeros(n), where=total > 0)


def tenure_rent_factor(p: AttitudeParams) -> np.ndarray:
    """How much of the rent threat each tenure feels, indexed by tenure: renters all of it, owners
    some, landlords gain from a rise."""
    factor = np.zeros(TENURES)
    factor[[RENTER, STUDENT, OWNER, LANDLORD]] = (
        1.0,
        1.0,
        p.owner_rent_factor,
        p.landlord_rent_factor,
    )
    return factor


def contact_quality(effort: np.ndarray, disrespect: np.ndarray, p: AttitudeParams) -> np.ndarray:
    """Quality of an encounter in [0, 1]: `contact_quality_neutral` for a neutral one, up with
    effort, down with disrespect (Allport's conditions)."""
    return p.contact_quality_neutral + p.contact_quality_slope * (effort - disrespect)


class Attitudes:
    """Perceptions, contact and social influence, updated for all households of all towns at once."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.rng = model.streams["attitudes"]
        self.params = model.settings.attitudes
        self.tenure_rent_factor = tenure_rent_factor(self.params)
        hh = model.households
        n_hh = hh.n
        # influence network: `ties` neighbours drawn within the household's own town. Drawn as
        # int32, which numpy draws five times faster than int64 with the same numbers and the same
        # stream state afterwards (both take one 32-bit word per draw for ranges below 2**32)
        self.neighbours = np.empty((n_hh, self.params.ties), dtype=np.int32)
        for rows in model.town_slices:
            size = rows.stop - rows.start
            self.neighbours[rows] = rows.start + self.rng.integers(
                0, size, size=(size, self.params.ties), dtype=np.int32
            )
        self.salience = np.zeros(model.towns.n)
        self.town_sizes = np.asarray([r.stop - r.start for r in model.town_slices])
        self.starts = town_starts(model)
        self._scratch: dict[str, np.ndarray] = {}  # the compiled path's reused household arrays
        self._pending: Future[tuple[np.ndarray, np.ndarray]] | None = None  # `prefetch`'s draws
        # the level of each habituating stressor households are used to (set on the first day)
        self.adapted: dict[str, np.ndarray] = {}
        self.first_exposure: np.ndarray | None = None  # town-level contact on the first day
        self.today: dict[str, np.ndarray] = {}

    def perceptions(self) -> dict[str, np.ndarray]:
        """Town-level quantities a household perceives about the arrivals today."""
        model, p = self.model, self.params
        towns = model.towns
        present_agents, means = self.present_means()
        present = present_agents * model.agent_weight
        share = present / towns.population
        salience = share / (share + p.salience_scale)
        expected_rent = model.housing.trend_level()
        return {
            "salience": salience,
            "share": share,
            "legitimacy": means["legitimacy"],
            "present": present > 0,
            "need": p.need_floor + (1.0 - p.need_floor) * means["need"],
            "quality": means["quality"],
            "disrespect": means["disrespect"],
            "cultural": np.where(present > 0, 1.0 - means["effort"], 0),
            "rent": np.clip(
                (towns.market_rent / expected_rent - 1.0) / p.rent_rise_full_threat, 0.0, 1.0
            ),
            "price": np.clip(model.prices.excess() / p.price_rise_full_threat, 0.0, 1.0),
            "jobs": model.jobs.today["job_competition"],
        }

    def present_means(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Per town, the size of the parties present (agents), and by party size over them the
        mean legitimacy of their flight, share in need (no bed or a shelter), encounter quality,
        disrespect and integration effort (0 where none)."""
        model, p = self.model, self.params
        mig = model.migrants
        n = model.towns.n
        fl = model.settings.flows
        if compiled.enabled(model.households.n):
            # the same sums in one compiled pass over the parties (`migrant_sums`)
            sums = np.zeros((len(MEANS) + 1, n))
            attitude_kernels.migrant_sums(
                mig.view("alive"),
                mig.view("travel_left"),
                mig.view("town"),
                mig.view("size"),
                mig.view("wave"),
                mig.view("housing"),
                mig.view("integration_effort"),
                mig.view("disrespect"),
                float(fl.mobilised.legitimacy),
                float(fl.relocant.legitimacy),
                np.float32(p.contact_quality_neutral),
                np.float32(p.contact_quality_slope),
                *sums,
            )
            total = sums[0]
            return total, {
                key: np.divide(summed, total, out=np.zeros(n), where=total > 0)
                for key, summed in zip(MEANS, sums[1:], strict=True)
            }
        rows = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
        town = mig.town[rows].astype(np.int64)
        size = mig.size[rows].astype(np.float64)
        present_agents = np.bincount(town, weights=size, minlength=n)

        def mean(values: np.ndarray) -> np.ndarray:  # by party size, over the same total
            return size_weighted_mean(town, values, size, n, present_agents)

        legitimacy = np.where(
            mig.wave[rows] == MOBILISED, fl.mobilised.legitimacy, fl.relocant.legitimacy
        )
        effort = mig.integration_effort[rows]
        disrespect = mig.disrespect[rows]
        housing = mig.housing[rows]
        in_need = (housing == NO_BED) | (housing == SHELTER)  # np.isin's, without its sort
        return present_agents, {
            "legitimacy": mean(legitimacy),
            "need": mean(in_need.astype(np.float64)),
            "quality": mean(contact_quality(effort, disrespect, p)),
            "disrespect": mean(disrespect),
            "effort": mean(effort),
        }

    def habituate(self, seen: dict[str, np.ndarray]) -> None:
        """Replace each habituating stressor by what is still felt of it: its level minus a share
        of the level households are used to, which follows it with a time constant."""
        p = self.params
        for key in HABITUATING:
            level = seen[key]
            if key not in self.adapted:
                self.adapted[key] = level.copy()
            adapted = self.adapted[key]
            seen[key] = np.maximum(level - p.habituation_share * adapted, 0.0)
            adapted += (level - adapted) / p.habituation_days

    def per_household(self, values: np.ndarray) -> np.ndarray:
        """A town-level array spread over households (contiguous by town), as a new array."""
        return np.repeat(values, self.town_sizes)

    def step(self) -> None:
        model, p = self.model, self.params
        hh = model.households
        seen = self.perceptions()
        self.salience = seen["salience"]
        self.habituate(seen)
        if compiled.enabled(hh.n):
            self.step_compiled(seen)
            return
        drive = self.drive(seen)
        if model.day == 0:
            # the surveyed attitudes (F31) are what households feel with the first wave already
            # there: dispositions absorb today's drive, so only changes in perception move them
            hh.view("prior")[:] -= drive
        self.contact(seen)
        target = np.add(hh.view("prior"), drive, out=drive)
        np.tanh(target, out=target)
        attitude = hh.view("attitude")
        step = np.subtract(target, attitude, out=target)
        step *= p.rate
        attitude += step
        listeners, change = self.influence(attitude)
        attitude[listeners] += change
        np.clip(attitude, -1.0, 1.0, out=attitude)

    def step_compiled(self, seen: dict[str, np.ndarray]) -> None:
        """`step` after the habituation, each household pass one compiled loop
        (`exodus.model.attitude_kernels`): the same arithmetic in the same order, the same bytes."""
        model, p = self.model, self.params
        hh, mig = model.households, model.migrants
        k = attitude_kernels
        threads = compiled.threads(hh.n)
        drive = self._buffer("drive", hh.n, np.float64)
        present = seen["present"].astype(np.float64)
        town_threat = (
            p.disrespect_weight * seen["disrespect"]
            + p.cultural_weight * seen["cultural"]
            + p.legitimacy_weight * present
            + p.stress_weight * model.towns.background_stress
        )
        # contact (as `contact_terms`): the units and the parties with a job in one pass each,
        # each let unit's landlord contact summed into `landlord_sum` (as `np.bincount`)
        units, n = model.units, model.towns.n
        landlord_sum = self._buffer("landlord_sum", hh.n, np.float64, zero=True)
        is_landlord = self._buffer("is_landlord", hh.n, np.bool_, zero=True)
        stock, let = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        workers = np.zeros(n, dtype=np.int64)
        k.unit_contact(
            units.view("town"),
            units.view("holder"),
            units.view("tenant"),
            units.view("landlord"),
            mig.integration_effort,
            mig.disrespect,
            np.float32(p.contact_quality_neutral),
            np.float32(p.contact_quality_slope),
            np.float32(p.contact_quality_threshold),
            np.float32(p.landlord_contact),
            p.contact_gain != 0,
            stock,
            let,
            landlord_sum,
            is_landlord,
        )
        k.live_workers(mig.view("alive"), mig.view("has_job"), mig.view("town"), workers)
        coworker, town_term = self.town_contact(seen, let / np.maximum(stock, 1), workers)
        mean_income = k.town_mean_income(self.starts, hh.view("income"), threads=threads)
        town_terms = (
            mean_income,
            np.asarray(seen["legitimacy"], dtype=np.float64),
            present,
            p.rent_weight * seen["rent"],
            np.asarray(p.job_weight * seen["jobs"], dtype=np.float64),
            p.price_weight * seen["price"],
            town_threat,
            p.compassion_weight * seen["need"],
            np.asarray(seen["salience"], dtype=np.float64),
            np.asarray(coworker, dtype=np.float64),
            np.asarray(town_term, dtype=np.float64),
        )
        columns = [
            hh.view(name)
            for name in (
                "tenure",
                "displaced",
                "in_labour_force",
                "employed",
                "income",
                "fear",
                "grievance",
                "compassion",
                "empathy",
            )
        ]
        attitude = hh.view("attitude")
        k.drive_contact_target(
            threads,  # one piece of the households per thread
            self.starts,
            *columns,
            model.policy.legitimacy_shift,
            hh.view("hosting"),
            hh.view("hosted_days"),
            mig.integration_effort,
            mig.disrespect,
            *town_terms,
            self.tenure_rent_factor,
            p.displaced_rent_threat * p.rent_weight,
            p.legitimacy_weight,
            p.security_weight,
            p.grievance_weight,
            p.empathy_weight,
            p.employed_job_threat,
            p.price_threat_cap,
            landlord_sum,
            is_landlord,
            # float32 as numpy computes a guest's `contact_quality` from float32 traits
            np.float32(p.contact_quality_neutral),
            np.float32(p.contact_quality_slope),
            np.float32(p.contact_quality_threshold),
            float(p.contact_gain),
            p.prior_limit,
            model.day == 0,
            hh.view("prior"),
            drive,
            threads=threads,
        )
        np.tanh(drive, out=drive)
        outside = k.follow_target(drive, p.rate, attitude, threads=threads)
        # influence (as `influence` and `message_effect`), with the same draws
        if self._pending is not None:
            listeners, speaker = self._pending.result()
            self._pending = None
        else:
            listeners, speaker = self.speaker_draws(hh.n)
        heard = self._buffer("heard", hh.n, np.float64)[: listeners.size]
        gap = self._buffer("gap", hh.n, np.float64)[: listeners.size]
        credibility = self._buffer("credibility", hh.n, np.float64)[: listeners.size]
        k.gather_messages(
            listeners,
            speaker,
            hh.view("russian_speaking"),
            attitude,
            p.cross_group_credibility,
            gap,
            heard,
            credibility,
            threads=threads,
        )
        gap **= p.influence_k
        k.apply_messages(
            listeners,
            heard,
            gap,
            credibility,
            p.influence_lambda**p.influence_k,
            p.influence_rate,
            1.0 / p.negativity_bias,
            p.influence_eta,
            outside > 0,
            attitude,
            threads=threads,
        )
        self.prefetch()  # tomorrow's draws, while collective action, the record and the day go on

    def message_draws(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The day's draws of the attitudes stream, in its order: each household's pick of a
        neighbour (as int32: int64's numbers, faster), then who hears one; both paths use them.
        The chances go into an array kept between days (the same numbers as a new one's)."""
        p = self.params
        pick = self.rng.integers(0, p.ties, size=n, dtype=np.int32)
        chance = self.rng.random(out=self._buffer("chance", n, np.float64))
        return pick, np.flatnonzero(chance < p.messages_per_day)

    def speaker_draws(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """`message_draws`, and for the compiled path each listener's speaker (int32, as the
        neighbour table): the listeners and their speakers."""
        pick, listeners = self.message_draws(n)
        speaker = np.empty(listeners.size, dtype=np.int32)
        attitude_kernels.speakers(listeners, pick, self.neighbours, speaker)
        return listeners, speaker

    def prefetch(self) -> None:
        """Start tomorrow's `speaker_draws` on a second thread, when the compiled path runs on
        threads (`compiled.threads`) and there is a tomorrow: only this mechanism draws from its
        stream, and neither the draws nor the speakers (the neighbour table is drawn once, at
        set-up) depend on the day's state, so they come out the same while the other mechanisms
        step (numpy releases the GIL while it fills most of the arrays, numba's kernel too)."""
        model = self.model
        n = model.households.n
        if model.day >= model.n_days - 1 or self._pending is not None:
            return
        if compiled.enabled(n) and compiled.threads(n) > 1:
            self._pending = _drawing_thread().submit(self.speaker_draws, n)

    def _buffer(self, name: str, size: int, dtype: type, zero: bool = False) -> np.ndarray:
        """A household-sized array kept between days (zeroed once when `zero`)."""
        buf = self._scratch.get(name)
        if buf is None or buf.size != size:
            buf = np.zeros(size, dtype=dtype) if zero else np.empty(size, dtype=dtype)
            self._scratch[name] = buf
        return buf

    def drive(self, seen: dict[str, np.ndarray]) -> np.ndarray:
        """Each household's warmth minus threat, times the salience of the arrivals (a new array)."""
        model, p = self.model, self.params
        hh = model.households
        spread = self.per_household
        # the legitimacy a household sees: the arrivals' mean, plus what a campaign told it
        present = seen["present"].astype(np.float64)
        legitimacy = spread(seen["legitimacy"])
        legitimacy += model.policy.legitimacy_shift
        np.minimum(np.maximum(legitimacy, 0.0, out=legitimacy), 1.0, out=legitimacy)
        legitimacy *= spread(present)
        # threats: rent above expectations by tenure, job competition, prices above trend
        threat = self.tenure_rent_factor[hh.view("tenure")]
        threat *= spread(p.rent_weight * seen["rent"])
        np.copyto(threat, p.displaced_rent_threat * p.rent_weight, where=hh.view("displaced"))
        unemployed = hh.view("in_labour_force") & ~hh.view("employed")
        job_threat = np.where(unemployed, 1.0, p.employed_job_threat)
        job_threat *= spread(p.job_weight * seen["jobs"])
        threat += job_threat
        income = hh.view("income")
        t = hh.view("town")
        mean_income = np.bincount(t, weights=income) / np.bincount(t)
        price_threat = spread(mean_income)
        price_threat /= income
        np.sqrt(price_threat, out=price_threat)
        np.minimum(price_threat, p.price_threat_cap, out=price_threat)
        price_threat *= spread(p.price_weight * seen["price"])
        threat += price_threat
        town_threat = (
            p.disrespect_weight * seen["disrespect"]
            + p.cultural_weight * seen["cultural"]
            + p.legitimacy_weight * present
            + p.stress_weight * model.towns.background_stress
        )
        threat += spread(town_threat)
        threat -= p.legitimacy_weight * legitimacy
        threat += p.security_weight * hh.view("fear")
        threat += p.grievance_weight * hh.view("grievance")
        # compassion helps those in need; empathy sides with those whose flight it finds legitimate
        warmth = spread(p.compassion_weight * seen["need"])
        warmth *= hh.view("compassion")
        legitimacy *= hh.view("empathy")
        legitimacy *= p.empathy_weight
        warmth += legitimacy
        drive = np.subtract(warmth, threat, out=warmth)
        drive *= spread(seen["salience"])
        return drive

    def contact(self, seen: dict[str, np.ndarray]) -> None:
        """Dispositions move with the day's contact, each kind weighted by its closeness and the
        quality of the encounter above the threshold (below it, contact backfires): hosts with
        their guest, landlords with their migrant tenant, workers with migrant colleagues, every
        household with migrant tenants next door and with the arrivals in the street."""
        model, p = self.model, self.params
        hh, mig = model.households, model.migrants
        threshold = p.contact_quality_threshold
        hosts = np.nonzero(hh.view("hosting") >= 0)[0]
        hh.hosted_days[hosts] += 1
        if p.contact_gain == 0:
            return
        coworker, town_term, landlord, tenant_gap = self.contact_terms(seen)
        change = self.per_household(coworker)
        change *= hh.view("employed")
        change += self.per_household(town_term)
        # hosts and landlords meet their own guest or tenant
        guest = hh.hosting[hosts]
        change[hosts] += (
            contact_quality(mig.integration_effort[guest], mig.disrespect[guest], p) - threshold
        )
        change += np.bincount(landlord, weights=p.landlord_contact * tenant_gap, minlength=hh.n)
        prior = hh.view("prior")
        change *= p.contact_gain
        prior += change
        np.clip(prior, -p.prior_limit, p.prior_limit, out=prior)

    def contact_terms(
        self, seen: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The contact of the day for the numpy `contact`: per town, the coworker term (for
        employed households) and the everyday and neighbour term (`town_contact`); and per unit
        let to a migrant, its landlord and the tenant's quality gap."""
        model, p = self.model, self.params
        mig, units = model.migrants, model.units
        n = model.towns.n
        # everyday encounters and migrant neighbours, in proportion to their shares
        let = units.view("holder") == MIGRANT_TENANT
        utown = units.view("town")
        stock = np.maximum(np.bincount(utown, minlength=n), 1)
        migrant_let = np.bincount(utown[let], minlength=n) / stock
        # colleagues: the migrant share of the town's workers
        workers = np.nonzero(mig.view("alive") & mig.view("has_job"))[0]
        migrant_workers = np.bincount(mig.town[workers], minlength=n)
        coworker, town_term = self.town_contact(seen, migrant_let, migrant_workers)
        tenant = units.view("tenant")[let]
        landlord = units.view("landlord")[let]
        tenant_gap = contact_quality(mig.integration_effort[tenant], mig.disrespect[tenant], p)
        tenant_gap -= p.contact_quality_threshold
        return coworker, town_term, landlord, tenant_gap

    def town_contact(
        self, seen: dict[str, np.ndarray], migrant_let: np.ndarray, migrant_workers: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """What both paths (numpy `contact_terms`, compiled `step_compiled`) share: per town, the
        coworker term and the everyday and neighbour term, each the new exposure times the
        quality gap, from the share of units let to migrants and the migrants with a job."""
        model, p = self.model, self.params
        # the local households with a job, as jobs counted them today (whole numbers, as the
        # float sums of `np.bincount(town, weights=employed)` were)
        local_workers = model.jobs.employed_per_town
        # colleagues: the migrant share of the town's workers
        colleague_share = migrant_workers / np.maximum(migrant_workers + local_workers, 1)
        # the surveyed attitudes already hold the contact of the first day (the spring's
        # relocants): only encounters beyond it move dispositions
        exposure = np.stack([seen["share"], migrant_let, colleague_share])
        if self.first_exposure is None:
            self.first_exposure = exposure.copy()
        new = np.maximum(exposure - self.first_exposure, 0.0)
        town_gap = seen["quality"] - p.contact_quality_threshold
        coworker = p.coworker_contact * new[2] * town_gap
        town_term = (p.everyday_contact * new[0] + p.neighbour_contact * new[1]) * town_gap
        return coworker, town_term

    def influence(self, attitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who hears one message of a random neighbour today, and the change it makes to each of
        them (everyone else's change is zero, so only the listeners are worked out)."""
        p, hh = self.params, self.model.households
        pick, listeners = self.message_draws(attitude.size)
        # row-major (household, tie) position in the neighbour table: one flat gather
        slot = listeners * p.ties
        slot += pick[listeners]
        speaker = self.neighbours.ravel()[slot]
        russian = hh.view("russian_speaking")
        credibility = np.where(
            russian[speaker] == russian[listeners], 1.0, p.cross_group_credibility
        )
        return listeners, message_effect(attitude[listeners], attitude[speaker], credibility, p)


_DRAWING_THREAD: ThreadPoolExecutor | None = None


def _drawing_thread() -> ThreadPoolExecutor:
    """One thread, shared by every model of the process, that draws the next messages."""
    global _DRAWING_THREAD
    if _DRAWING_THREAD is None:
        _DRAWING_THREAD = ThreadPoolExecutor(1, thread_name_prefix="exodus-draws")
    return _DRAWING_THREAD


def message_effect(
    listener: np.ndarray, message: np.ndarray, credibility: np.ndarray, p: AttitudeParams
) -> np.ndarray:
    """Lorenz, Neumann & Schröder (2021): alpha * s * (m - eta * a) * lambda^k / (lambda^k + |m - a|^k),
    with a message more negative than the listener weighing `negativity_bias` times a positive one."""
    gap = message - listener
    bias = np.where(gap < 0, 1.0, 1.0 / p.negativity_bias)
    latitude = p.influence_lambda**p.influence_k
    # the same operations in the same order as the formula, each into an array made here
    acceptance = np.abs(gap, out=gap)
    acceptance **= p.influence_k
    acceptance += latitude
    np.divide(latitude, acceptance, out=acceptance)
    effect = credibility * p.influence_rate
    effect *= bias
    effect *= acceptance
    pull = p.influence_eta * listener
    np.subtract(message, pull, out=pull)
    effect *= pull
    return effect
