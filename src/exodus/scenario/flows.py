"""Parameters of the flows (`exodus.model.flows`, `exodus.model.choice`): the two waves, the
schedule, the daily choice to stay, move, go onward or go home, and diversion at closures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
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
        evidence="F33 (63% of the first wave left with a partner: 1 + 0.63 = 1.6 persons a party); "
        "the second wave's 2.0 is assumed (men travelled by car in twos and threes, F35: "
        "mostly men)",
        description="Mean persons per migrant party (a single man or a family).",
    )
    remote_income_share: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="F34 (43% of emigrants worked for Russian companies before leaving: the first "
        "wave's 0.45); the second wave's 0.15 is assumed near F34's 17% of Sep 2022, which "
        "counts all emigrants",
        description="Parties living on a remote salary.",
    )
    needs_work_share: float = param(
        0.4,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="assumed: a quarter of the first wave (most work remotely or live on savings: F33, "
        "F34) and over half of the second (young and less often in remote jobs) need a "
        "local job; F35 gives only the second wave's age and sex, not whether it needs work",
        description="Parties that need a local job (the rest live on savings).",
    )
    remote_income: float = param(
        3.0,
        ge=0.0,
        le=50.0,
        unit="months of the town's initial rent per month",
        evidence="assumed: a remote salary of about three months of a town's initial one-room rent "
        "for the first wave, two for the second; F33, F34 say who earns one (IT, Russian "
        "employers), not how much",
        description="Monthly remote salary, in multiples of the town's initial one-room rent.",
    )
    savings: float = param(
        4.0,
        ge=0.0,
        le=120.0,
        unit="months of the town's initial rent",
        evidence=f"calibrated: the second wave's value in the baseline ({CALIBRATION}, prior 1-5 "
        "months of rent); the first wave's 6 and the schema's 4 are assumed: a few months' reserve",
        description="Mean savings on arrival (exponentially distributed).",
    )
    integration_effort: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="assumed: the first wave (0.7) seeks the locals out, the second (0.3) mostly waits "
        "to move on; article: relocants 'asking the locals for advice', join 'joint protest "
        "actions'",
        description="Mean effort to fit in (Beta distributed); raises contact quality.",
    )
    disrespect: float = param(
        0.2,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="assumed: a few show contempt, more of the second wave (0.1 and 0.35); article: "
        "deserters consider locals 'a band of nomads'",
        description="Mean disrespect shown to hosts (Beta distributed); observed by hosts.",
    )
    legitimacy: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="assumed: hosts judge a flight from the war (0.65) more legitimate than a flight "
        "from the draft (0.3); article: 'not fleeing from war but from recruitment'",
        description="How legitimate hosts judge this wave's flight; low legitimacy is a threat.",
    )
    onward_pull: float = param(
        0.1,
        ge=0.0,
        le=0.99,
        unit="share of movers",
        evidence=f"calibrated: the second wave's value in the baseline ({CALIBRATION}, prior "
        "0.3-0.99), fitted to exits and transit that include F09 (40,000 left KZ onward "
        "within the first days); the first wave's 0.1 and the schema's second-wave 0.6 are "
        "assumed",
        description="Mean share of a moving party's choices that go onward abroad when the only "
        "other option is its own town (a 1-day route; longer routes weigh less). Each party draws "
        "its own share around it (onward_pull_concentration).",
    )
    onward_pull_concentration: float = param(
        1000.0,
        ge=0.2,
        le=1000.0,
        unit="beta concentration (a + b)",
        evidence=f"calibrated: the second wave's value in the baseline ({CALIBRATION}, prior "
        "0.5-1000); the first wave's 1000 (parties alike) is assumed; the split into movers and "
        "stayers is the mover-stayer model's (Blumen, Kogan & McCarthy 1955)",
        description="How alike a wave's parties are in their pull onward: each party draws its "
        "share from a beta distribution with the wave's onward_pull as mean and this as a + b. "
        "Low values split a wave into movers (near 1) and stayers (near 0); 1000 makes them alike.",
    )
    home_pull: float = param(
        0.05,
        ge=0.0,
        le=0.99,
        unit="share of movers",
        evidence="assumed: few go back while the reasons for leaving hold (F38 for the second wave)",
        description="Share of a moving party's choices that go home to Russia when the only other "
        "option is its own town (before the poverty push and the mobilisation's state).",
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
        "onward_pull": 0.1,
        "home_pull": 0.05,
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
        "onward_pull": 0.6,
        "home_pull": 0.3,
    },
}
"""Each wave's own defaults; a scenario's partial wave block is merged over these."""


class Flows(Strict):
    """Arrivals at the crossings, the daily choice to stay, move, go onward or go home, and
    diversion at closed crossings."""

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
        "travelled by car in twos and threes and shared flats (party_size, assumed); most left again "
        "within days (F06 147,000 exits for 200,000 entries, F09): the daily choice produces it "
        "through onward_pull.",
    )

    @field_validator("relocant", "mobilised", mode="before")
    @classmethod
    def _over_wave_defaults(cls, value: Any, info: ValidationInfo) -> Any:
        """A scenario that sets some traits of a wave keeps that wave's defaults for the rest
        (not the generic Wave defaults)."""
        if isinstance(value, dict):
            return {**WAVE_DEFAULTS[info.field_name], **value}
        return value

    arrival_days: int = param(
        2,
        ge=1,
        le=30,
        unit="days",
        evidence="F11 ('most stayed 1-2 days')",
        description="Days after entering a country during which a party counts as just arrived.",
    )
    arrival_move_probability: float = param(
        0.6,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence=f"calibrated: the baseline's value ({CALIBRATION}, prior 0.3-1); the schema default "
        "0.6 is hand-set after F11 (most stayed 1-2 days)",
        description="Daily chance that a just-arrived party without a lease or a host weighs its "
        "options (stay, another town, onward, home).",
    )
    move_probability: float = param(
        0.01,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: FLEE's town move rate (0.3) is for war zones; settlers move rarely",
        description="Daily chance that a party in a short-stay bed weighs its options.",
    )
    settled_move_probability: float = param(
        0.0025,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence=f"calibrated: the baseline's value ({CALIBRATION}, prior 0.001-0.01; the data "
        "to 4 Oct barely inform it); the schema's 0.0025 is assumed: a quarter of the short-stay "
        "rate, as a lease or a host ties a party down",
        description="Daily chance that a party with a lease or a free bed weighs its options.",
    )
    unhoused_move_probability: float = param(
        0.15,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: the unhoused look elsewhere fast",
        description="Daily chance that a party without a bed (or in a shelter) weighs its options.",
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
    budget_months: float = param(
        6.0,
        ge=0.5,
        le=60.0,
        unit="months",
        evidence="assumed: a party spreads its savings over half a year when judging a rent",
        description="A party's monthly budget is its income plus its savings over this many "
        "months; a town's attractiveness scales with that budget over its rent (at most 1).",
    )
    job_floor: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="share of attractiveness",
        evidence="assumed: a town without vacancies keeps some pull on those who need work",
        description="Attractiveness left to a town without open jobs, for a party that needs "
        "work and has none; it rises to 1 with vacancies per party present.",
    )
    diaspora_weight: float = param(
        1.0,
        ge=0.0,
        le=10.0,
        unit="multiplier per share",
        evidence="assumed: language and co-nationals draw arrivals as the diaspora does in "
        "migration models; F28 gives the Russian-speaking shares it weighs",
        description="Attractiveness grows by this times the town's Russian-speaking share plus "
        "the co-nationals present per resident.",
    )
    anchor_to_initial_stock: bool = param(
        True,
        unit="switch",
        evidence="F12 (the first wave's stock per town on day 0, towns.<name>.initial_relocants) "
        "is where those parties chose to be; as discrete-choice models calibrate "
        "alternative-specific constants to observed base shares, each town's pull gets a "
        "constant that makes that stock a steady state of the first wave's choice (the second "
        "wave has no base share before 21 Sep, so its pulls are left as they are)",
        description="Scale each town's pull for first-wave parties by a constant found on day 1 "
        "so that their stock, left alone, stays where it is; only later changes move it.",
    )
    home_during_mobilisation: float = param(
        0.05,
        ge=0.0,
        le=1.0,
        unit="multiplier",
        evidence="assumed: going home meant the call-up until the mobilisation was declared "
        "complete (F38)",
        description="Multiplies the second wave's pull home until `mobilisation_end`.",
    )
    poverty_push: float = param(
        2.0,
        ge=0.0,
        le=20.0,
        unit="multiplier",
        evidence="assumed: parties that cannot pay the rent go home sooner",
        description="The pull home grows by this times the share of its town's rent a party's "
        "budget cannot cover.",
    )
    onward_capacity: dict[Literal["KZ", "KG"], Annotated[float, Field(ge=0, le=1_000_000)]] = param(
        {"KZ": 1_000_000.0, "KG": 1_000_000.0},
        unit="persons/day",
        evidence=f"calibrated: the baseline's KZ value ({CALIBRATION}), after F04, F05, F07: exits "
        "from KZ held at 10,100-11,600 a day while entries fell from 22,500 to 7,000 "
        "(flight seats and the roads south were the bottleneck); the schema default (no "
        "limit) and KG are assumed",
        description="Most people a day who can leave a country for the third countries; "
        "parties over it stay where they are and may try again another day.",
    )
    divert_other_crossing: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="share of those turned away",
        evidence="assumed: queues moved between checkpoints in Sep 2022 (F08: six road "
        "checkpoints in one region)",
        description="Share of people turned away at a closed or capped crossing who try another "
        "crossing of the same country that day.",
    )
    divert_other_country: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="share of those turned away",
        evidence="assumed: Kyrgyzstan, Georgia and Mongolia were the other open doors",
        description="Share of people turned away who try the other modelled country instead; "
        "the rest (1 - both shares) stay in Russia.",
    )

    @model_validator(mode="after")
    def _diversion_adds_up(self) -> Flows:
        if self.divert_other_crossing + self.divert_other_country > 1.0 + 1e-9:
            raise ValueError(
                "divert_other_crossing + divert_other_country must not exceed 1 (the rest stay "
                "in Russia)"
            )
        return self

    living_cost: float = param(
        0.5,
        ge=0.0,
        le=10.0,
        unit="months of the town's initial rent per month",
        evidence="assumed: food and transport for one person",
        description="Monthly living costs besides housing, per person.",
    )
    base_pull: float = param(
        0.1,
        ge=0.0,
        le=10.0,
        unit="share of free room",
        evidence="assumed: a town with no free bed still draws a tenth of what one with every "
        "bed free does (friends, a job offer, a flight on)",
        description="Attractiveness of a town with no free places, before the diaspora and "
        "deterrence; the share of free places adds to it.",
    )
    remote_income_sigma: float = param(
        0.4,
        ge=0.0,
        le=3.0,
        unit="log-normal sigma",
        evidence="assumed: remote salaries vary by a factor of about 1.5 either way (F33: over "
        "45% in IT, so a narrower spread than a town's incomes)",
        description="Spread of a remote-earning party's salary around its wave's remote_income "
        "(log-normal, mean-preserving).",
    )
    trait_concentration: float = param(
        4.0,
        gt=0.0,
        le=100.0,
        unit="Beta a + b",
        evidence="assumed: a broad spread of traits (a + b = 4: a trait of mean 0.5 has a "
        "standard deviation of 0.22)",
        description="Concentration of the Beta distributions of a party's integration effort "
        "and disrespect around its wave's means (higher: more alike).",
    )
    initial_days_in_min: int = param(
        30,
        ge=0,
        le=1000,
        unit="days before the first day",
        evidence="assumed: the latest of the first wave already present came a month before "
        "(the summer trickle, F12)",
        description="The first wave present on the first day arrived between this many days "
        "before it and initial_days_in_max (uniform, max excluded).",
    )
    initial_days_in_max: int = param(
        200,
        ge=1,
        le=1000,
        unit="days before the first day",
        evidence="F12 (first-wave entries from 24 Feb 2022: 189 days before 1 Sep), rounded up",
        description="Upper end (excluded) of how many days before the first day the first wave "
        "present on it arrived.",
    )

    @model_validator(mode="after")
    def _initial_days_in_ordered(self) -> Flows:
        if self.initial_days_in_min >= self.initial_days_in_max:
            raise ValueError(
                f"initial_days_in_min ({self.initial_days_in_min}) must be below "
                f"initial_days_in_max ({self.initial_days_in_max})"
            )
        return self
