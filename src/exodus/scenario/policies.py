"""Dated policies (`exodus.model.policies`): each kind with its levers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    Field,
    model_validator,
)

from exodus.scenario.base import (
    Strict,
    param,
)


class PolicyBase(Strict):
    """A dated policy: it acts from `start` until the day before `end` (open-ended if no end)."""

    start: dt.date = Field(description="First day the policy acts.")
    end: dt.date | None = Field(None, description="Day the policy stops (exclusive); none: never.")
    towns: list[str] | Literal["all"] = Field(
        "all", description="Towns the policy applies to ('all', or a list of names)."
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> PolicyBase:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class EntryCap(PolicyBase):
    """Caps entries from Russia into the chosen towns; 0 closes the border."""

    kind: Literal["entry_cap"]
    max_per_day: float = param(
        0.0,
        ge=0,
        le=1_000_000,
        unit="persons/day per town",
        evidence="assumed: a closed crossing by default (0 entries), the strongest cap; article: "
        "calls to 'close the borders'",
        description="Entries allowed per town and day (0: closed).",
    )


class RentCap(PolicyBase):
    """Caps asking and renewal rents at a multiple of each town's rent on the policy's first day."""

    kind: Literal["rent_cap"]
    max_increase: float = param(
        0.1,
        ge=0,
        le=5,
        unit="share over the rent on the start day",
        evidence="assumed: a typical emergency cap",
        description="Largest rise allowed over the rent of the start day.",
    )


class Shelters(PolicyBase):
    """Opens emergency shelter beds."""

    kind: Literal["shelters"]
    beds: int = param(
        500,
        ge=0,
        le=1_000_000,
        unit="beds per town",
        evidence="F10 (Almaty: tent camps ready), F11",
        description="Shelter beds opened in each chosen town.",
    )


class StayLimit(PolicyBase):
    """A stay limit of `days` in any `window` days (Kazakhstan's rule for EAEU citizens from
    27 Jan 2023: 90 days in each 180, which ended the border run that reset the count). A party at
    its limit leaves, stays on irregularly, or makes a border run: it goes out for `window - days`
    days (the same day when the window equals the limit) and comes back with a fresh count."""

    kind: Literal["stay_limit"]
    days: int = param(
        90,
        ge=1,
        le=365,
        unit="days",
        evidence="assumed: the terms of the Kazakh government decree of 17 Jan 2023, in force "
        "27 Jan 2023 (Astana Times, 19 Jan 2023: EAEU citizens 90 days in each period of 180); "
        "not a row of the data table",
        description="Days a party may be present in any window.",
    )
    window: int | None = param(
        180,
        ge=1,
        le=730,
        unit="days",
        evidence="assumed: the Kazakh decree in force 27 Jan 2023 (each period of 180 days); "
        "none: the rule before it, 90 days from the last entry, reset by a border run (Meduza, "
        "27 Jan 2023)",
        description="Rolling window the days are counted in (none: the limit counts from the "
        "last entry and a same-day border run resets it).",
    )
    leave_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        evidence="assumed: no data on who left at the limit; an even split",
        description="Share of parties at the limit who leave the country for good.",
    )
    irregular_share: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share",
        evidence="assumed: some overstay; Meduza (27 Jan 2023) counts 36,000 residence permits "
        "to Russians by the end of 2022, which this share also stands for",
        description="Share of parties at the limit who stay on past it (counted as irregular and "
        "no longer bound by the limit).",
    )
    run_cost: float = param(
        0.5,
        ge=0,
        le=50,
        unit="months of the town's initial rent per person",
        evidence="assumed: a return trip to the border or a third country",
        description="What a border run costs each person of the party (beyond living costs "
        "while away); a party that cannot pay leaves instead.",
    )

    @model_validator(mode="after")
    def _shares_add_up(self) -> StayLimit:
        if self.leave_share + self.irregular_share > 1.0 + 1e-9:
            raise ValueError("leave_share + irregular_share must not exceed 1 (the rest run)")
        if self.window is not None and self.window < self.days:
            raise ValueError(f"window ({self.window}) must be at least days ({self.days})")
        return self


class IntegrationCourse(PolicyBase):
    """Language and integration courses: each day a share of present migrants takes one, which
    raises their integration effort; what they gained fades unless used."""

    kind: Literal["integration_course"]
    uptake: float = param(
        0.01,
        ge=0,
        le=1,
        unit="share per day",
        evidence="assumed: a course reaches a few in a hundred newcomers a week",
        description="Daily chance that a present migrant not yet on a course takes one.",
    )
    effort_gain: float = param(
        0.3,
        ge=0,
        le=1,
        unit="effort",
        evidence="assumed: a course raises a party's integration effort by 0.3; Allport for the "
        "mechanism (support of authorities)",
        description="Rise of a course-taker's integration effort (capped at 1).",
    )
    decay: float = param(
        0.01,
        ge=0,
        le=1,
        unit="share per day",
        evidence="assumed: what a course gives fades over months",
        description="Daily share of the gained effort that is lost again.",
    )


class InformationCampaign(PolicyBase):
    """An information campaign: each day it reaches a share of host households, who then judge
    the flight more legitimate; the effect fades."""

    kind: Literal["information_campaign"]
    reach: float = param(
        0.02,
        ge=0,
        le=1,
        unit="share per day",
        evidence="assumed: television and social media reach one household in fifty a day",
        description="Daily chance that a household not yet reached is reached.",
    )
    legitimacy_gain: float = param(
        0.2,
        ge=0,
        le=1,
        unit="legitimacy",
        evidence="assumed: a campaign raises the legitimacy a household sees by 0.2; F37 (the "
        "President: show care for them) for the mechanism",
        description="Rise of the legitimacy a reached household sees in both waves' flight.",
    )
    decay: float = param(
        0.01,
        ge=0,
        le=1,
        unit="share per day",
        evidence="assumed: a message fades over months",
        description="Daily share of the gained legitimacy that is lost again.",
    )


class LocalHireProtection(PolicyBase):
    """Local-hire protection: lowers migrants' chance of a vacancy."""

    kind: Literal["local_hire_protection"]
    migrant_hire_weight: float = param(
        0.2,
        ge=0,
        le=5,
        unit="relative chance",
        evidence="assumed: a protected labour market leaves a migrant a fifth of a local's chance of "
        "a vacancy (0.7 without it); article: 'there is no work here'",
        description="Migrant hire weight while the policy acts.",
    )


class HostFamilyProgramme(PolicyBase):
    """A stipend for host families: lowers the compassion needed to offer a free bed."""

    kind: Literal["host_family_programme"]
    threshold_cut: float = param(
        0.3,
        ge=0,
        le=1,
        unit="compassion",
        evidence="assumed: a stipend covers the cost of a guest",
        description="How much the hosting compassion threshold drops.",
    )


Policy = Annotated[
    EntryCap
    | RentCap
    | Shelters
    | StayLimit
    | IntegrationCourse
    | InformationCampaign
    | LocalHireProtection
    | HostFamilyProgramme,
    Field(discriminator="kind"),
]
