"""Parameters of the flows (`exodus.model.flows`): the two waves, the schedule, transit, onward
moves and returns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)

from exodus.scenario.base import (
    CALIBRATION,
    DailyKnots,
    Strict,
    param,
)


class Wave(Strict):
    """Traits of one migrant wave, drawn per arriving party."""

    party_size: float = param(
        1.3,
        ge=1.0,
        le=6.0,
        unit="persons/party",
        evidence="F33, F35",
        description="Mean persons per migrant party (a single man or a family).",
    )
    remote_income_share: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="F34",
        description="Parties living on a remote salary.",
    )
    needs_work_share: float = param(
        0.4,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="F35",
        description="Parties that need a local job (the rest live on savings).",
    )
    remote_income: float = param(
        3.0,
        ge=0.0,
        le=50.0,
        unit="months of the town's initial rent per month",
        evidence="F33, F34 (IT salaries); assumed ratio to rent",
        description="Monthly remote salary, in multiples of the town's initial one-room rent.",
    )
    savings: float = param(
        4.0,
        ge=0.0,
        le=120.0,
        unit="months of the town's initial rent",
        evidence="assumed: a few months' reserve",
        description="Mean savings on arrival (exponentially distributed).",
    )
    integration_effort: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: relocants 'asking the locals for advice', join 'joint protest actions'",
        description="Mean effort to fit in (Beta distributed); raises contact quality.",
    )
    disrespect: float = param(
        0.2,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: deserters consider locals 'a band of nomads'",
        description="Mean disrespect shown to hosts (Beta distributed); observed by hosts.",
    )
    legitimacy: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: 'not fleeing from war but from recruitment'",
        description="How legitimate hosts judge this wave's flight; low legitimacy is a threat.",
    )
    transit_share: float = param(
        0.0,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="F09 (40,000 left KZ onward within the first days); the second wave's value is "
        f"calibrated ({CALIBRATION}, prior 0.5-0.9)",
        description="Parties that only pass through the country of entry.",
    )


WAVE_DEFAULTS: dict[str, dict[str, float]] = {
    "relocant": {
        "party_size": 1.6,
        "remote_income_share": 0.45,
        "needs_work_share": 0.25,
        "remote_income": 3.0,
        "savings": 6.0,
        "integration_effort": 0.7,
        "disrespect": 0.1,
        "legitimacy": 0.65,
        "transit_share": 0.1,
    },
    "mobilised": {
        "party_size": 2.0,
        "remote_income_share": 0.15,
        "needs_work_share": 0.55,
        "remote_income": 2.0,
        "savings": 2.5,
        "integration_effort": 0.3,
        "disrespect": 0.35,
        "legitimacy": 0.3,
        "transit_share": 0.6241,
    },
}
"""Each wave's own defaults; a scenario's partial wave block is merged over these."""


class Flows(Strict):
    """Arrivals at the crossings, transit, onward moves and returns."""

    mobilisation_date: dt.date = param(
        dt.date(2022, 9, 21),
        unit="date",
        evidence="F38",
        description="Day of the mobilisation order: arrivals from then on are the second wave.",
    )
    mobilisation_end: dt.date = param(
        dt.date(2022, 10, 28),
        unit="date",
        evidence="F38",
        description="Day the mobilisation was declared complete: returns start after it.",
    )
    relocant_per_day: dict[Literal["KZ", "KG"], Annotated[float, Field(ge=0, le=100_000)]] = param(
        {"KZ": 1500.0, "KG": 400.0},
        unit="persons/day",
        evidence="F12, F14 (first-wave pace, slower by September: assumed a third of spring's)",
        description="Daily first-wave arrivals per country, before and after the order.",
    )
    mobilised_schedule: dict[Literal["KZ", "KG"], DailyKnots] = param(
        {"KZ": [], "KG": []},
        unit="persons/day (knots, linear between)",
        evidence="F02, F03, F04, F05, F06, F07; after 4 Oct assumed",
        description="Second-wave entries per day per country, linear between dated knots.",
    )
    mobilised_scale: float = param(
        1.0,
        ge=0.0,
        le=5.0,
        unit="multiplier",
        evidence="assumed: 1 reproduces F03, F06",
        description="Multiplies the second wave's schedule (0: a world without the mobilisation).",
    )
    relocant: Wave = Field(
        default_factory=lambda: Wave(**WAVE_DEFAULTS["relocant"]),
        description="The first wave ('relokanty'): young, liberal, often remote IT workers.",
    )
    mobilised: Wave = Field(
        default_factory=lambda: Wave(**WAVE_DEFAULTS["mobilised"]),
        description="The second wave (mobilisation 'deserters'): younger, male, poorer (F35); men "
        "travelled by car in twos and threes and shared flats (party_size, assumed); three in four "
        "left again within days (transit_share: F06 147,000 exits for 200,000 entries, F09).",
    )

    @field_validator("relocant", "mobilised", mode="before")
    @classmethod
    def _over_wave_defaults(cls, value: Any, info: ValidationInfo) -> Any:
        """A scenario that sets some traits of a wave keeps that wave's defaults for the rest
        (not the generic Wave defaults)."""
        if isinstance(value, dict):
            return {**WAVE_DEFAULTS[info.field_name], **value}
        return value

    transit_days: int = param(
        1,
        ge=1,
        le=30,
        unit="days",
        evidence=f"F11 ('most stayed 1-2 days'); calibrated ({CALIBRATION}, prior 1-4)",
        description="Days a transit party stays before leaving onward.",
    )
    transit_to_kyrgyzstan: float = param(
        0.35,
        ge=0.0,
        le=1.0,
        unit="share of KZ transit",
        evidence="F09 (overland to KG and UZ)",
        description="Share of transit through Kazakhstan that heads on to Bishkek.",
    )
    move_probability: float = param(
        0.01,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: FLEE's town move rate (0.3) is for war zones; settlers move rarely",
        description="Daily chance that a settled party reconsiders its town.",
    )
    unhoused_move_probability: float = param(
        0.15,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: the unhoused look elsewhere fast",
        description="Daily chance that a party without a bed moves on.",
    )
    distance_power: float = param(
        1.5,
        ge=0.0,
        le=4.0,
        unit="exponent",
        evidence="FLEE route choice (distance power)",
        description="How strongly travel days discount a destination's attractiveness.",
    )
    full_threshold: float = param(
        0.9,
        ge=0.1,
        le=1.0,
        unit="share of capacity",
        evidence="FLEE capacity multiplier",
        description="Attractiveness falls linearly to 0 between this share of capacity and full.",
    )
    return_hazard: float = param(
        0.004,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: a slow trickle home after the mobilisation ended (F38)",
        description="Daily chance that a second-wave party returns once the mobilisation is over.",
    )
    living_cost: float = param(
        0.5,
        ge=0.0,
        le=10.0,
        unit="months of the town's initial rent per month",
        evidence="assumed: food and transport for one person",
        description="Monthly living costs besides housing, per person.",
    )
