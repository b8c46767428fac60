"""Parameters of the job market (`exodus.model.jobs`)."""

from __future__ import annotations

from exodus.scenario.base import (
    Strict,
    param,
)


class Jobs(Strict):
    """Jobs made by local demand, including the arrivals' spending, and filled from local and
    migrant seekers; wages follow the tightness of the market."""

    separation_rate: float = param(
        0.0015,
        ge=0.0,
        le=0.1,
        unit="per day",
        evidence="assumed: about 4.5% of jobs turn over a month",
        description="Daily chance that a job ends, opening a vacancy.",
    )
    job_growth_per_year: float = param(
        0.0,
        ge=-0.5,
        le=0.5,
        unit="per year",
        evidence="assumed: a flat labour market",
        description="Net growth of jobs.",
    )
    migrant_hire_weight: float = param(
        0.7,
        ge=0.0,
        le=5.0,
        unit="relative chance",
        evidence="assumed: papers and language slow a newcomer; remote skills speed him",
        description="A migrant seeker's chance of a vacancy relative to a local's.",
    )
    local_multiplier: float = param(
        0.5,
        ge=0.0,
        le=3.0,
        unit="jobs per job-wage of spending",
        evidence="assumed: about half of what a customer pays a shop, cafe or taxi ends up as "
        "local wages (the labour share of retail and services); below Moretti's (2010) 1.6 local "
        "jobs per new tradable job, since only the arrivals' living costs are counted",
        description="Local jobs made per local wage's worth of the arrivals' monthly spending "
        "(their living costs besides rent, paid from remote salaries, wages or savings).",
    )
    demand_adjustment_days: float = param(
        30.0,
        ge=1.0,
        le=365.0,
        unit="days",
        evidence="assumed: shops and cafes hire or shed staff within a month or two of a change "
        "in custom",
        description="Time constant with which the number of jobs follows local demand; when "
        "demand falls, vacancies close first, then jobs end.",
    )
    unemployed_income_share: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="share of earned income",
        evidence="assumed: a lost wage is half a household's income (1.5 earners, some benefit "
        "or informal work)",
        description="Income a local household keeps while its earner is out of work.",
    )
    wage_curve_elasticity: float = param(
        0.1,
        ge=0.0,
        le=1.0,
        unit="elasticity",
        evidence="assumed: the wage curve (Blanchflower & Oswald 1994): pay falls about 0.1% for "
        "each 1% rise in local unemployment",
        description="How much wage offers fall (rise) as the town's seekers per labour force "
        "rise above (fall below) their first-day level.",
    )
    earners_per_household: float = param(
        1.5,
        ge=1.0,
        le=5.0,
        unit="earners per household",
        evidence="assumed: 1.5 earners in a household of 3 persons (F29 gives the size, not the "
        "earners)",
        description="Earners per local household: a local job pays the town's mean household "
        "income over this.",
    )
    income_sigma: float = param(
        0.6,
        ge=0.0,
        le=3.0,
        unit="log-normal sigma",
        evidence="assumed: a typical urban income spread (F24: the mean wage is 1.5 times the "
        "median, which a log-normal sigma of 0.9 would give; wages are more unequal than "
        "household incomes)",
        description="Spread of local household incomes around the town's mean (log-normal, "
        "mean-preserving).",
    )
