"""The scenario schema: every input of a run, with bounds, units and the evidence for each default.

Each mechanism's parameters live in their own module beside it (`scenario/housing.py` for
`model/housing.py`, and so on); this module assembles them into the `Scenario`. A scenario file is
the only way into the model. Unknown keys are rejected, every number is bounded,
and every parameter carries `unit` and `evidence` metadata whose start gives the kind of evidence for
its number: a row id of `data/observed_2022.csv` ("F15 ..."), a published model ("FLEE ..."),
"calibrated: <run>" or "assumed: <reason>", optionally followed by "article: '<phrase>'" for the
mechanism (`exodus.evidence`). `exodus explain` prints them.
"""

from __future__ import annotations

import datetime as dt

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from exodus.scenario.attitudes import Attitudes
from exodus.scenario.base import (
    CALIBRATION,
    COUNTRIES,
    OUTSIDE_NODES,
    DailyKnots,
    Share,
    Strict,
    param,
)
from exodus.scenario.collective import Collective
from exodus.scenario.flows import WAVE_DEFAULTS, Flows, Wave
from exodus.scenario.housing import Housing
from exodus.scenario.jobs import Jobs
from exodus.scenario.policies import (
    EntryCap,
    HostFamilyProgramme,
    InformationCampaign,
    IntegrationCourse,
    LocalHireProtection,
    Policy,
    PolicyBase,
    RentCap,
    Shelters,
    StayLimit,
)
from exodus.scenario.prices import Prices
from exodus.scenario.towns import Route, Town

__all__ = [
    "CALIBRATION",
    "COUNTRIES",
    "OUTSIDE_NODES",
    "WAVE_DEFAULTS",
    "Attitudes",
    "Collective",
    "DailyKnots",
    "EntryCap",
    "Flows",
    "HostFamilyProgramme",
    "Housing",
    "InformationCampaign",
    "IntegrationCourse",
    "Jobs",
    "LocalHireProtection",
    "Policy",
    "PolicyBase",
    "Prices",
    "RentCap",
    "Route",
    "Scenario",
    "Share",
    "Shelters",
    "StayLimit",
    "Strict",
    "Town",
    "Wave",
    "param",
]


class Scenario(Strict):
    """A whole run's inputs: period, towns, routes, mechanisms' parameters and dated policies."""

    name: str = Field("scenario", min_length=1, max_length=100, description="Short name.")
    description: str = Field("", max_length=2000, description="The question this scenario asks.")
    start: dt.date = param(
        dt.date(2022, 9, 1),
        unit="date",
        evidence="F38 (the run opens in the month of the mobilisation order)",
        description="First simulated day.",
    )
    end: dt.date = param(
        dt.date(2022, 12, 31),
        unit="date",
        evidence="assumed: three months after the order; the data stop on 4 Oct (F06)",
        description="Last simulated day (inclusive).",
    )
    scale: float = param(
        0.2,
        gt=0.0,
        le=1.0,
        unit="agents per real household",
        evidence="assumed: 1/5 keeps every town's rental market large enough for a price (the peak "
        "rent index varies by at most 0.10 over ten seeds) and a run to seconds; 1 is full scale",
        description="Agents per real household or migrant party; each agent weighs 1/scale.",
    )
    seed: int = Field(20220921, ge=0, le=2**63 - 1, description="Master seed of the run.")
    towns: dict[str, Town] = Field(description="Host towns by name.")
    routes: list[Route] = Field(default_factory=list, description="Links with travel days.")
    flows: Flows = Field(default_factory=Flows)
    housing: Housing = Field(default_factory=Housing)
    jobs: Jobs = Field(default_factory=Jobs)
    prices: Prices = Field(default_factory=Prices)
    attitudes: Attitudes = Field(default_factory=Attitudes)
    collective: Collective = Field(default_factory=Collective)
    policies: list[Policy] = Field(default_factory=list, description="Dated policies.")

    @field_validator("towns")
    @classmethod
    def _town_names(cls, towns: dict[str, Town]) -> dict[str, Town]:
        if not any(t.enabled for t in towns.values()):
            raise ValueError("at least one town must be enabled")
        for name in towns:
            if name in OUTSIDE_NODES:
                raise ValueError(f"'{name}' is reserved for a node outside the towns")
        return towns

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        known = set(self.towns) | set(OUTSIDE_NODES)
        for i, route in enumerate(self.routes):
            for end in (route.a, route.b):
                if end not in known:
                    raise ValueError(
                        f"routes.{i}: '{end}' is not a town nor one of {OUTSIDE_NODES}"
                    )
        for i, policy in enumerate(self.policies):
            if policy.towns != "all":
                for town in policy.towns:
                    if town not in self.towns:
                        raise ValueError(
                            f"policies.{i}.towns: '{town}' is not a town of this scenario "
                            f"(towns: {', '.join(self.towns)})"
                        )
        for country, knots in self.flows.mobilised_schedule.items():
            days = [d for d, _ in knots]
            if days != sorted(days):
                raise ValueError(f"flows.mobilised_schedule.{country}: dates must increase")
        return self

    def enabled_towns(self) -> dict[str, Town]:
        """The towns taking part in the run, in file order."""
        return {name: town for name, town in self.towns.items() if town.enabled}
