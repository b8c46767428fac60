"""Parameters of the job market (`exodus.model.jobs`)."""

from __future__ import annotations

from exodus.scenario.base import (
    Strict,
    param,
)


class Jobs(Strict):
    """Vacancies filled from local and migrant seekers."""

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
