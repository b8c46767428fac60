"""Policies as dated events: Mesa's event scheduler switches each policy on and off.

The step of day k runs at Mesa time k + 1, so a policy starting on day k is switched on at time
k + 0.5, before that day's step, and one ending on day k is switched off at the same point.
Each policy writes into a per-town lever that the mechanisms read; when it ends, the lever returns
to its default. Two policies of the same kind overlapping on a town: the later start wins.
Integration courses and information campaigns reach a share of migrants or households a day
(`daily`), and what they give fades. The government's own entry cap, imposed under sustained
pressure to close the border (`exodus.model.collective`), is a lever beside the dated caps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.housing import DAYS_PER_MONTH
from exodus.model.state import MOVE_ON
from exodus.scenario.schema import (
    EntryCap,
    HostFamilyProgramme,
    InformationCampaign,
    IntegrationCourse,
    LocalHireProtection,
    RentCap,
    Shelters,
    StayLimit,
)

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel


class PolicyState:
    """Per-town levers that policies set and mechanisms read."""

    def __init__(self, model: ExodusModel) -> None:
        n = model.towns.n
        self.model = model
        self.entry_cap = np.full(n, np.inf)  # persons/day: the lower of the two below
        self.dated_entry_cap = np.full(n, np.inf)  # set by dated entry_cap policies
        self.endogenous_entry_cap = np.full(n, np.inf)  # set by the government under pressure
        self.rent_cap_level = np.full(n, np.inf)  # market rent ceiling, rent units
        self.shelter_extra = np.zeros(n)  # persons (agent scale)
        self.stay_limit_days = np.full(n, np.iinfo(np.int32).max, dtype=np.int64)
        self.stay_away_days = np.zeros(n, dtype=np.int64)  # a border run's days out
        self.stay_from_day = np.zeros(n, dtype=np.int64)  # the limit counts days from here
        self.stay_leave_share = np.zeros(n)
        self.stay_irregular_share = np.zeros(n)
        self.stay_run_cost = np.zeros(n)
        # integration courses: daily uptake, one-off effort gain and its daily decay, per town
        self.course_uptake = np.zeros(n)
        self.course_gain = np.zeros(n)
        self.course_decay = np.zeros(n)
        # information campaigns: daily reach, legitimacy gain and its daily decay, per town
        self.campaign_reach = np.zeros(n)
        self.campaign_gain = np.zeros(n)
        self.campaign_decay = np.zeros(n)
        # what each migrant gained from a course, and whether he has taken one
        self.course_effort = np.zeros(0)
        self.course_taken = np.zeros(0, dtype=bool)
        # legitimacy each household sees added by a campaign, and whether it was reached
        self.legitimacy_shift = np.zeros(model.households.n)
        self.reached = np.zeros(model.households.n, dtype=bool)
        # whether a course's or a campaign's gain may be left somewhere: False, the column is all
        # zero and the day's scan of it (household-sized for campaigns) is not needed
        self.effort_left = False
        self.shift_left = False
        self.rng = model.streams["policies"]
        self.migrant_hire_weight = np.full(n, model.settings.jobs.migrant_hire_weight)
        self.host_threshold_cut = np.zeros(n)
        self.switches: list[PolicySwitch] = []

    def towns_of(self, policy) -> np.ndarray:
        names = self.model.towns.names
        if policy.towns == "all":
            return np.arange(len(names))
        return np.asarray([names.index(t) for t in policy.towns if t in names], dtype=np.int64)

    def switch(self, policy, on: bool) -> None:
        """Apply (on) or lift (off) one policy in its towns."""
        model = self.model
        towns = self.towns_of(policy)
        default_hire = model.settings.jobs.migrant_hire_weight
        match policy:
            case EntryCap():
                self.dated_entry_cap[towns] = policy.max_per_day if on else np.inf
                np.minimum(self.dated_entry_cap, self.endogenous_entry_cap, out=self.entry_cap)
            case RentCap():
                level = model.towns.market_rent[towns] * (1.0 + policy.max_increase)
                self.rent_cap_level[towns] = level if on else np.inf
            case Shelters():
                self.shelter_extra[towns] += (1 if on else -1) * policy.beds * model.scale
            case StayLimit():
                self.stay_limit_days[towns] = policy.days if on else np.iinfo(np.int32).max
                window = policy.days if policy.window is None else policy.window
                self.stay_away_days[towns] = window - policy.days if on else 0
                self.stay_from_day[towns] = model.day_of(policy.start) if on else 0
                self.stay_leave_share[towns] = policy.leave_share if on else 0.0
                self.stay_irregular_share[towns] = policy.irregular_share if on else 0.0
                self.stay_run_cost[towns] = policy.run_cost if on else 0.0
            case IntegrationCourse():
                self.course_uptake[towns] = policy.uptake if on else 0.0
                self.course_gain[towns] = policy.effort_gain if on else 0.0
                if on:  # a course's gain keeps fading after the course ends
                    self.course_decay[towns] = policy.decay
            case InformationCampaign():
                self.campaign_reach[towns] = policy.reach if on else 0.0
                self.campaign_gain[towns] = policy.legitimacy_gain if on else 0.0
                if on:
                    self.campaign_decay[towns] = policy.decay
            case LocalHireProtection():
                self.migrant_hire_weight[towns] = policy.migrant_hire_weight if on else default_hire
            case HostFamilyProgramme():
                self.host_threshold_cut[towns] = policy.threshold_cut if on else 0.0
        names = ", ".join(model.towns.names[i] for i in towns) or "no enabled town"
        for i in towns:
            model.recorder.add_event(
                model.towns.names[i],
                f"policy_{'start' if on else 'end'}",
                f"{policy.kind} {'starts' if on else 'ends'} ({names})",
                day=model.day_of(policy.start if on else policy.end),
            )

    def stay_limit(self, candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Parties in the country at their stay limit (days present since the later of their entry, their
        last border run and the rule's start) choose: leave (returned mask), stay on irregularly,
        or run the border: out for the window's remaining days (none under a from-entry limit),
        paying the trip and the living costs while away, then back with a fresh count. A party
        that cannot pay for a run leaves."""
        model, mig = self.model, self.model.migrants
        if not (self.stay_limit_days < np.iinfo(np.int32).max).any():
            return np.zeros(mig.n, dtype=bool)
        town = mig.view("town").astype(np.int64)
        counted_from = np.maximum(mig.view("count_start"), self.stay_from_day[town])
        at_limit = (
            candidates
            & ~mig.view("irregular")
            & (model.day - counted_from >= self.stay_limit_days[town])
        )
        u = rng.random(mig.n)
        leave_cut = self.stay_leave_share[town]
        leave = at_limit & (u < leave_cut)
        irregular = at_limit & ~leave & (u < leave_cut + self.stay_irregular_share[town])
        mig.irregular[np.nonzero(irregular)[0]] = True
        runners = np.nonzero(at_limit & ~leave & ~irregular)[0]
        away = self.stay_away_days[town[runners]]
        living = model.settings.flows.living_cost * away / DAYS_PER_MONTH
        cost = (self.stay_run_cost[town[runners]] + living) * mig.size[runners]
        cannot_pay = mig.savings[runners] < cost
        leave[runners[cannot_pay]] = True
        runners, away, cost = runners[~cannot_pay], away[~cannot_pay], cost[~cannot_pay]
        mig.savings[runners] -= cost
        model.flows.today["border_runs"] += np.bincount(
            town[runners], weights=mig.size[runners], minlength=model.towns.n
        )
        # a same-day run keeps bed and job; a long one gives them up and is away on the road
        gone = runners[away > 0]
        model.housing.release(gone)
        model.jobs.release(gone)
        mig.away[gone] = True
        mig.travel_left[gone] = away[away > 0]
        mig.count_start[runners[away == 0]] = model.day
        return leave

    def impose_entry_cap(self, country: int, on: bool) -> None:
        """The government of `country` (0 KZ, 1 KG) caps entries into its towns, or lifts its cap;
        a dated cap that is lower still applies."""
        model = self.model
        towns = model.towns.country == country
        level = model.settings.collective.endogenous_cap_per_day if on else np.inf
        self.endogenous_entry_cap[towns] = level
        np.minimum(self.dated_entry_cap, self.endogenous_entry_cap, out=self.entry_cap)

    def daily(self) -> None:
        """Courses and campaigns reach newcomers and households; what they gave fades."""
        self.courses()
        self.campaigns()

    def courses(self) -> None:
        """Present migrants not yet on a course take one at the uptake rate and their integration
        effort rises; each day a share of every gain is lost again."""
        mig = self.model.migrants
        if self.course_effort.size < mig.n:  # the migrant table grew: so do these columns
            extra = mig.capacity - self.course_effort.size
            self.course_effort = np.concatenate([self.course_effort, np.zeros(extra)])
            self.course_taken = np.concatenate([self.course_taken, np.zeros(extra, dtype=bool)])
        if not self.course_uptake.any():
            # the gains left fade on; once all are gone (and so while none was given) nothing does
            self.effort_left = self.effort_left and bool(self.course_effort[: mig.n].any())
            if not self.effort_left:
                return
        rows = np.nonzero(mig.view("alive") & (mig.view("intention") != MOVE_ON))[0]
        town = mig.town[rows]
        lost = self.course_effort[rows] * self.course_decay[town]
        takes = ~self.course_taken[rows] & (self.rng.random(rows.size) < self.course_uptake[town])
        gained = np.where(takes, self.course_gain[town], 0.0)
        effort = mig.integration_effort[rows].astype(np.float64)
        gained = np.minimum(gained, 1.0 - effort)
        self.course_taken[rows[takes]] = True
        self.course_effort[rows] += gained - lost
        self.effort_left = True
        mig.integration_effort[rows] = effort + gained - lost

    def campaigns(self) -> None:
        """Households not yet reached are reached at the campaign's rate and see the flight as more
        legitimate by its gain; each day a share of the gain is lost again."""
        hh = self.model.households
        if not self.campaign_reach.any():
            self.shift_left = self.shift_left and bool(self.legitimacy_shift.any())
            if not self.shift_left:
                return
        town = hh.view("town").astype(np.int64)
        self.legitimacy_shift -= self.legitimacy_shift * self.campaign_decay[town]
        reached = ~self.reached & (self.rng.random(hh.n) < self.campaign_reach[town])
        self.reached |= reached
        self.legitimacy_shift[reached] += self.campaign_gain[town[reached]]
        self.shift_left = True


class PolicySwitch:
    """One policy's on and off events. Mesa holds event callbacks weakly, so the model keeps these
    objects alive (in `PolicyState.switches`) and schedules their bound methods."""

    def __init__(self, model: ExodusModel, policy) -> None:
        self.model = model
        self.policy = policy

    def on(self) -> None:
        self.model.policy.switch(self.policy, True)

    def off(self) -> None:
        self.model.policy.switch(self.policy, False)


def schedule(model: ExodusModel) -> None:
    """Put every policy's start and end on Mesa's event list."""
    last = model.n_days - 1
    for policy in model.settings.policies:
        start = model.day_of(policy.start)
        end = model.day_of(policy.end) if policy.end is not None else None
        if start > last or (end is not None and end <= 0):
            continue
        switch = PolicySwitch(model, policy)
        model.policy.switches.append(switch)
        model.schedule_event(switch.on, at=max(start, 0) + 0.5)
        if end is not None and end <= last:
            model.schedule_event(switch.off, at=end + 0.5)
