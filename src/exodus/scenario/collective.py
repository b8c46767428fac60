"""Parameters of collective action and the tension index (`exodus.model.collective`)."""

from __future__ import annotations

from exodus.scenario.base import (
    Strict,
    param,
)


class Collective(Strict):
    """Pickets, calls to close the border and aid initiatives past thresholds of hostility and
    welcome; the tension index."""

    picket_threshold: float = param(
        0.1,
        ge=0.0,
        le=2.0,
        unit="net hostility",
        evidence="Epstein civil violence: active when grievance - risk x P(arrest) > 0.1",
        description="A household pickets when hostility x salience - risk aversion exceeds this.",
    )
    risk_aversion_mean: float = param(
        0.5,
        ge=0.0,
        le=2.0,
        unit="index",
        evidence="Epstein civil violence (uniform [0, 1])",
        description="Mean risk aversion (uniform on [0, 2 x mean]).",
    )
    protest_cost: float = param(
        0.2,
        ge=0.0,
        le=2.0,
        unit="attitude units",
        evidence="assumed: 0.2 per unit of risk aversion; Epstein civil violence for the mechanism "
        "(risk aversion x arrest probability)",
        description="Perceived cost of protest, multiplied by each household's risk aversion.",
    )
    onset_share: float = param(
        0.05,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="assumed: pickets need a visible hostile minority to organise",
        description="Share of households ready to act before pickets (or aid) start in a town.",
    )
    turnout: float = param(
        0.01,
        ge=0.0,
        le=1.0,
        unit="share per day",
        evidence="assumed: few of those ready actually stand in a picket on a given day",
        description="Share of the ready who turn out on a given day.",
    )
    closure_threshold: float = param(
        0.1,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="assumed: calls to close the border are heard once a tenth of a town's households "
        "are ready to protest; article: 'it is better to close the borders'",
        description="Share of a town's households ready to protest at which calls to close the "
        "border are heard there (an event; they feed the national closure pressure).",
    )
    deterrence_weight: float = param(
        10.0,
        ge=0.0,
        le=1000.0,
        unit="per picket per 1000 people",
        evidence="assumed: a town with one picket a day per 10 000 residents loses half its pull; "
        "article: 'organize pickets to prevent them from passing'",
        description="A town's pull on arriving parties is divided by 1 + this x pickets per "
        "1000 residents (0: pickets deter no one).",
    )
    endogenous_entry_cap: bool = param(
        True,
        unit="switch",
        evidence="assumed: a switch, on so that sustained pressure can act (government_tolerance "
        "decides whether it does); article: calls to 'close the borders'",
        description="Whether a government facing sustained pressure to close the border caps "
        "entries into its country's towns.",
    )
    government_tolerance: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="closure pressure",
        evidence="assumed: a high tolerance, after F37 (the President: 'we must show care for "
        "them'); the baseline's pressure stays well below it (at most about 0.04 in KZ, 0.02 in KG)",
        description="Closure pressure (share of the country's households ready to protest) the "
        "government tolerates before it caps entries.",
    )
    closure_days: int = param(
        14,
        ge=1,
        le=365,
        unit="days",
        evidence="assumed: a government acts after about two weeks of sustained protest",
        description="Days the pressure must stay above the tolerance before the cap, and below "
        "it before the cap is lifted.",
    )
    endogenous_cap_per_day: float = param(
        100.0,
        ge=0.0,
        le=1_000_000.0,
        unit="persons/day per town",
        evidence="assumed: a cap that lets through those with papers, not a closure",
        description="Entries allowed per town and day once the government imposes its cap.",
    )
    picket_size: float = param(
        40.0,
        ge=1.0,
        le=10_000.0,
        unit="persons per picket",
        evidence="assumed: a small roadside picket",
        description="People in one picket.",
    )
    aid_threshold: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="attitude",
        evidence="assumed: only clearly warm households (attitude above 0.5) join aid; article: "
        "'humanitarian initiatives'",
        description="Attitude above which a compassionate household joins aid.",
    )
    aid_compassion: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="compassion",
        evidence="assumed: those who help are the more compassionate half",
        description="Compassion above which a welcoming household joins aid.",
    )
    aid_onset_share: float = param(
        0.02,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="assumed: a volunteer chat needs fewer founders than a picket",
        description="Share of households ready to help before aid initiatives start in a town.",
    )
    aid_placements_per_day: float = param(
        2.0,
        ge=0.0,
        le=1000.0,
        unit="parties per initiative per day",
        evidence="assumed: an initiative finds beds for two parties a day; article: 'Many welcome "
        "Russians into their homes for free'",
        description="Parties without a bed that one aid initiative places with a welcoming "
        "household for free each day, before they pay for a short stay (beyond the households "
        "who offer by themselves to those who cannot pay).",
    )
    aid_meals_per_day: float = param(
        0.0,
        ge=0.0,
        le=100_000.0,
        unit="persons per initiative per day",
        evidence="assumed: none in the baseline, whose rents were calibrated without meals (meals "
        "keep the needy solvent and bidding: 50 a day lift Uralsk's rent index on 28 Sep by about "
        "0.03); stronger_aid feeds 50, a volunteer kitchen's few dozen",
        description="Persons without a bed or in a shelter one aid initiative feeds each day.",
    )
    meal_share_of_living_cost: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="share of living costs",
        evidence="assumed: food is about half of a person's living costs besides rent",
        description="Share of a fed person's daily living costs the meals replace.",
    )
    tension_hostile_weight: float = param(
        0.4,
        ge=0,
        le=1,
        unit="weight",
        evidence="assumed: hostility is tension's core",
        description="Weight of the hostile share in tension.",
    )
    tension_picket_weight: float = param(
        0.2,
        ge=0,
        le=1,
        unit="weight",
        evidence="assumed: tension's weights sum to 1, hostility (0.4) the largest, readiness to "
        "picket next (0.2); article: 'organize pickets'",
        description="Weight of readiness to picket in tension.",
    )
    tension_housing_weight: float = param(
        0.15,
        ge=0,
        le=1,
        unit="weight",
        evidence="assumed: housing distress a little below readiness to picket (0.15); article: "
        "'cannot pay the rent'",
        description="Weight of locals displaced now and arrivals without a bed.",
    )
    tension_closure_weight: float = param(
        0.1,
        ge=0,
        le=1,
        unit="weight",
        evidence="assumed: the national closure pressure the smallest part (0.1); article: 'it is "
        "better to close the borders'",
        description="Weight of the national closure pressure in tension.",
    )
    tension_stress_weight: float = param(
        0.15,
        ge=0,
        le=1,
        unit="weight",
        evidence="assumed: background stress as housing distress (0.15); article: 'we also have our "
        "problems'",
        description="Weight of background stress in tension.",
    )
    hostile_share_full: float = param(
        0.5,
        gt=0,
        le=1,
        unit="share of households",
        evidence="assumed: a town half hostile is as tense as it gets on this count",
        description="Hostile share at which the hostility part of tension is full.",
    )
    displaced_share_full: float = param(
        0.1,
        gt=0,
        le=1,
        unit="share of households",
        evidence="assumed: one household in ten doubled up is full housing distress",
        description="Share of households displaced now at which housing distress is full.",
    )
