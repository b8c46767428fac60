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
        evidence="Epstein civil violence (risk aversion x arrest probability); assumed level",
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
        evidence="article: 'it is better to close the borders'; assumed level",
        description="Share of households ready to protest at which calls to close the border "
        "are heard (an event; no automatic closure).",
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
        evidence="article: 'humanitarian initiatives'",
        description="Attitude above which a compassionate household joins aid.",
    )
    tension_hostile_weight: float = param(
        0.45,
        ge=0,
        le=1,
        unit="weight",
        evidence="assumed: hostility is tension's core",
        description="Weight of hostile share in tension.",
    )
    tension_picket_weight: float = param(
        0.2,
        ge=0,
        le=1,
        unit="weight",
        evidence="article: 'organize pickets'",
        description="Weight of picketing in tension.",
    )
    tension_housing_weight: float = param(
        0.2,
        ge=0,
        le=1,
        unit="weight",
        evidence="article: 'cannot pay the rent'",
        description="Weight of displacement and unhoused.",
    )
    tension_stress_weight: float = param(
        0.15,
        ge=0,
        le=1,
        unit="weight",
        evidence="article: 'we also have our problems'",
        description="Weight of background stress in tension.",
    )
