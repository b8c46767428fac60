"""Initialisation of host households and the rental stock of each town, from the scenario's town data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from exodus.model.state import (
    LANDLORD,
    LOCAL_TENANT,
    OWNER,
    RENTER,
    STUDENT,
    Households,
    Units,
)

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel

INCOME_SIGMA = 0.6
"""Log-normal spread of household incomes (assumed: a typical urban income spread)."""


def beta_draws(rng: np.random.Generator, mean: float, size: int, concentration: float = 4.0):
    """Beta-distributed values in [0, 1] with the given mean (clipped away from 0 and 1)."""
    m = min(max(mean, 0.01), 0.99)
    return rng.beta(concentration * m, concentration * (1 - m), size=size)


def town_starts(model: ExodusModel) -> np.ndarray:
    """First household row of each town, then the number of households: town t's households are
    rows `starts[t]:starts[t + 1]` (the form the compiled kernels take)."""
    rows = model.town_slices
    return np.asarray([r.start for r in rows] + [rows[-1].stop if rows else 0], dtype=np.int64)


def households_per_town(model: ExodusModel) -> np.ndarray:
    """Household agents per town: population / household size, times the scale (at least 20)."""
    counts = [
        max(20, round(t.population / t.household_size * model.scale))
        for t in model.town_specs.values()
    ]
    return np.asarray(counts, dtype=np.int64)


def build_households(model: ExodusModel) -> Households:
    """Draw every household's tenure, income, job and traits, town by town (contiguous slices)."""
    rng = model.streams["population"]
    sc = model.settings
    att = sc.attitudes
    counts = households_per_town(model)
    total = int(counts.sum())
    hh = Households(capacity=total)
    hh.grow(total)
    start = 0
    model.town_slices = []
    for t, spec in enumerate(model.town_specs.values()):
        n = int(counts[t])
        rows = slice(start, start + n)
        model.town_slices.append(rows)
        hh.town[rows] = t
        n_renters = round(n * spec.renter_share)
        n_students = round(n_renters * sc.housing.student_share_of_renters)
        n_units = min(n - n_renters, round(n_renters / max(1e-9, 1 - spec.rental_vacancy_rate)))
        tenure = np.full(n, OWNER, dtype=np.int8)
        tenure[:n_units] = LANDLORD
        tenure[n_units : n_units + n_renters] = RENTER
        tenure[n_units + n_renters - n_students : n_units + n_renters] = STUDENT
        hh.tenure[rows] = tenure
        mean_income = spec.per_capita_income * spec.household_size / spec.rent_1room
        income = mean_income * rng.lognormal(-(INCOME_SIGMA**2) / 2, INCOME_SIGMA, size=n)
        is_student = tenure == STUDENT
        income[is_student] = mean_income * sc.housing.student_income_factor
        hh.income[rows] = income
        hh.in_labour_force[rows] = ~is_student
        hh.employed[rows] = (rng.random(n) >= spec.unemployment_rate) & ~is_student
        russian = rng.random(n) < spec.russian_speaking_share
        hh.russian_speaking[rows] = russian
        hh.grievance[rows] = rng.random(n) < att.grievance_prevalence[spec.country] * ~russian
        hh.fear[rows] = rng.random(n) < att.fear_prevalence
        hh.compassion[rows] = beta_draws(rng, att.compassion_mean, n)
        hh.empathy[rows] = beta_draws(rng, att.empathy_mean, n)
        hh.risk_aversion[rows] = rng.uniform(0, 2 * sc.collective.risk_aversion_mean, size=n)
        initial = rng.normal(att.initial_mean, att.initial_sd, size=n)
        initial += att.russian_speaking_bonus * russian
        initial = np.clip(initial, -0.95, 0.95)
        hh.attitude[rows] = initial
        hh.prior[rows] = np.arctanh(initial)
        start += n
    return hh


def build_units(model: ExodusModel) -> Units:
    """One rental unit per landlord; renters and students hold leases with staggered end dates.

    Renters are matched to units by income and asking rent (richer renters in dearer units), as
    PolicySpace2 sorts families by income; the rest of the units are vacant listings.
    """
    rng = model.streams["population"]
    sc = model.settings
    hh = model.households
    landlords = np.nonzero(hh.view("tenure") == LANDLORD)[0]
    units = Units(capacity=landlords.size)
    units.grow(landlords.size)
    units.town[:] = hh.town[landlords]
    units.landlord[:] = landlords
    sigma = sc.housing.markup_sigma
    units.markup[:] = rng.lognormal(-(sigma**2) / 2, sigma, size=landlords.size)
    lease_days = sc.housing.local_lease_months * 30.4
    for t in range(model.towns.n):
        town_units = np.nonzero(units.town == t)[0]
        tenants = np.nonzero(
            (hh.view("town") == t) & np.isin(hh.view("tenure"), (RENTER, STUDENT))
        )[0]
        k = min(town_units.size, tenants.size)
        if k == 0:
            continue
        # vacant units are a random draw of the stock; the cheapest let units go to the poorest
        chosen_units = rng.choice(town_units, size=k, replace=False)
        chosen_units = chosen_units[np.argsort(units.markup[chosen_units], kind="stable")]
        tenants_by_income = tenants[np.argsort(hh.income[tenants], kind="stable")][:k]
        units.holder[chosen_units] = LOCAL_TENANT
        units.tenant[chosen_units] = tenants_by_income
        units.rent[chosen_units] = units.markup[chosen_units]
        units.lease_end[chosen_units] = rng.integers(0, int(lease_days) + 1, size=k)
        hh.unit[tenants_by_income] = chosen_units
    set_rent_ceilings(model, hh, units)
    return units


def set_rent_ceilings(model: ExodusModel, hh: Households, units: Units) -> None:
    """The most a local tenant will pay for a lease (at the first day's price level): the burden
    threshold share of income, or, for a household already paying more, its current rent plus the
    rise above the trend it can absorb, drawn household by household."""
    tenants = np.nonzero(hh.view("unit") >= 0)[0]
    housing = model.settings.housing
    current = units.rent[hh.unit[tenants]]
    # each household absorbs its own rise: exponential around the scenario's mean tolerance
    tolerance = model.streams["population"].exponential(housing.rent_rise_tolerance, tenants.size)
    hh.rent_ceiling[tenants] = np.maximum(
        housing.rent_burden_threshold * hh.income[tenants],
        current * (1.0 + tolerance),
    )
