"""Agent state as numpy columns: one array per attribute, one row per agent (the Starsim way).

Money is in *rent units*: 1.0 is the town's average one-room asking rent on the first day
(`Town.rent_1room`), so tenge and som never mix and a budget compares directly with an asking rent.
Counts of people are agents times `agent_weight`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

# Migrant waves
RELOCANT, MOBILISED = 0, 1
# Income sources
REMOTE, SAVINGS, NEEDS_WORK = 0, 1, 2
# Housing status of a migrant party
NO_BED, SHORT_STAY, LEASE, HOSTED, SHELTER = 0, 1, 2, 3, 4
HOUSING_NAMES = ("none", "short stay", "long lease", "hosted free", "shelter")
# Intentions
STAY, MOVE_ON, RETURN = 0, 1, 2
# Host household tenure
OWNER, LANDLORD, RENTER, STUDENT = 0, 1, 2, 3
TENURE_NAMES = ("owner-occupier", "landlord", "renter", "student renter")
# Who holds a rental unit (a withdrawn unit is back in its owner's own use, off the market)
VACANT, LOCAL_TENANT, MIGRANT_TENANT, WITHDRAWN = 0, 1, 2, 3


class Columns:
    """A table of equal-length numpy columns that can grow; subclasses declare the columns."""

    _spec: ClassVar[dict[str, tuple[type, object]]] = {}

    def __init__(self, capacity: int = 0) -> None:
        self.n = 0
        for name, (dtype, fill) in self._spec.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))

    @property
    def capacity(self) -> int:
        first = next(iter(self._spec))
        return getattr(self, first).size

    def grow(self, extra: int) -> slice:
        """Reserve `extra` new rows (doubling storage when full) and return their slice."""
        needed = self.n + extra
        if needed > self.capacity:
            new_capacity = max(needed, 2 * self.capacity, 64)
            for name, (dtype, fill) in self._spec.items():
                old = getattr(self, name)
                new = np.full(new_capacity, fill, dtype=dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        rows = slice(self.n, needed)
        self.n = needed
        return rows

    def view(self, name: str) -> np.ndarray:
        """The live part of a column."""
        return getattr(self, name)[: self.n]


class Migrants(Columns):
    """Migrant parties (a single man or a family); `alive` is False once the party has left."""

    _spec: ClassVar[dict[str, tuple[type, object]]] = {
        "alive": (bool, False),
        "wave": (np.int8, RELOCANT),
        "town": (np.int16, -1),  # current town, or destination while travelling
        "travel_left": (np.int16, 0),  # days left on a route (0: in town)
        "arrival_day": (np.int32, 0),  # day the party entered its current country
        "size": (np.float32, 1.0),  # persons
        "income_source": (np.int8, SAVINGS),
        "income": (np.float64, 0.0),  # rent units per month (remote salary or local wage)
        "savings": (np.float64, 0.0),  # rent units
        "integration_effort": (np.float32, 0.5),
        "disrespect": (np.float32, 0.0),
        "onward_pull": (np.float64, 0.0),  # the party's own share of choices onward (`Wave`)
        "housing": (np.int8, NO_BED),
        "unit": (np.int64, -1),  # rental unit held on a lease
        "host": (np.int64, -1),  # household hosting the party for free
        "hosted_since": (np.int32, 0),
        "has_job": (bool, False),
        "intention": (np.int8, STAY),
        "entering": (bool, False),  # travelling into another modelled country
        "count_start": (np.int32, 0),  # day a stay limit counts this party's days from
        "away": (bool, False),  # out of the country on a border run, coming back
        "irregular": (bool, False),  # stayed on past a stay limit
    }

    def live(self) -> np.ndarray:
        """Indices of parties present in a town or on a route inside the modelled countries."""
        return np.nonzero(self.view("alive"))[0]


class Households(Columns):
    """Local host households, sorted by town so each town is one contiguous slice."""

    _spec: ClassVar[dict[str, tuple[type, object]]] = {
        "town": (np.int16, 0),
        "tenure": (np.int8, OWNER),
        "income": (np.float64, 1.0),  # rent units per month
        "employed": (bool, True),
        "in_labour_force": (bool, True),
        "attitude": (np.float64, 0.0),
        "prior": (np.float64, 0.0),  # attitude before any perception (atanh scale)
        "grievance": (bool, False),
        "compassion": (np.float32, 0.5),
        "empathy": (np.float32, 0.5),
        "fear": (bool, False),
        "russian_speaking": (bool, False),
        "risk_aversion": (np.float32, 0.5),
        "hosting": (np.int64, -1),  # migrant party hosted for free
        "hosted_days": (np.int32, 0),  # days spent hosting a guest so far
        "unit": (np.int64, -1),  # unit rented (renters and students)
        # most it will pay for a lease, rent units at the first day's price level: it grows with
        # the background rent trend, which households expect
        "rent_ceiling": (np.float64, np.inf),
        "displaced": (bool, False),  # a renter household without a home of its own (doubled up)
        "displaced_day": (np.int32, -1),  # day it first lost its home (-1: never)
    }


class Units(Columns):
    """Rental units: each belongs to a landlord household and holds at most one tenant."""

    _spec: ClassVar[dict[str, tuple[type, object]]] = {
        "town": (np.int16, 0),
        "landlord": (np.int64, -1),
        "markup": (np.float64, 1.0),  # quality: asking rent / town going rent
        "holder": (np.int8, VACANT),
        "tenant": (np.int64, -1),
        "rent": (np.float64, 0.0),  # rent units per month on the current lease
        "lease_end": (np.int32, 0),
        "asking_rent": (np.float64, 0.0),  # rent units per month, set when listed, then cut
        "spare": (bool, False),  # a spare room or second flat listed because rents rose
    }


@dataclass
class TownState:
    """Per-town state, one entry per enabled town (index order = scenario file order)."""

    names: list[str]
    country: np.ndarray  # 0 KZ, 1 KG
    border: np.ndarray
    population: np.ndarray  # persons
    rent0_local: np.ndarray  # local currency per rent unit
    market_rent: np.ndarray  # rent index level: what a renter pays now per unit of quality
    going_rent: np.ndarray  # listers' reference: recent lets per unit of quality, before discount
    short_stay_index: np.ndarray  # nightly short-stay price relative to the first day's
    short_stay_beds: np.ndarray  # persons (scaled to agents)
    shelter_beds: np.ndarray  # persons (scaled)
    background_stress: np.ndarray
    wage: np.ndarray  # rent units per month for a migrant with a local job
    food_index: np.ndarray
    alcohol_index: np.ndarray
    open_jobs: np.ndarray  # vacancies not yet filled (agents)
    free_places: np.ndarray  # beds and vacant units a newcomer could take (parties), yesterday
    seekers: np.ndarray  # parties looking for a bed or a lease, yesterday
    arrivals: np.ndarray  # persons today (agents, scaled later)
    departures: np.ndarray
    displaced_total: np.ndarray  # times a household lost its home so far (agents)
    peak_rent: np.ndarray
    pickets: np.ndarray
    aid: np.ndarray
    arrival_deterrence: np.ndarray  # (0, 1]: multiplies a town's pull on arriving parties
    tension: np.ndarray

    @property
    def n(self) -> int:
        return len(self.names)


def table_fields(table: Columns) -> list[str]:
    """Column names of a table, for views and tests."""
    return list(table._spec)
