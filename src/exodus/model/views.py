"""Read-only views of one migrant party or one host household, for inspection and teaching.

The model keeps agents as numpy columns (`exodus.model.state`); a row of numbers is hard to read.
A `Migrant` or `Household` reads its row afresh on every access (columns are reallocated as the
model grows, so a view never holds an array) and gives each value a readable form: names instead of
codes, dates instead of day numbers, money in rent units and in tenge or som. Nothing here runs
during a step: the daily mechanisms work on whole columns.

    >>> from exodus.model.views import households, migrants
    >>> for party in migrants(model, town="Uralsk"):
    ...     print(party)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from exodus.model.state import HOUSING_NAMES, TENURE_NAMES

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel

WAVE_NAMES = ("relocant", "mobilised")
"""Migrant waves by code: the first wave (after the invasion) and the mobilisation wave."""
INCOME_NAMES = ("remote salary", "savings only", "needs local work")
"""Income sources by code (`REMOTE`, `SAVINGS`, `NEEDS_WORK`)."""
_LIVES_ON = ("lives on a remote salary", "lives on savings", "needs local work")
INTENTION_NAMES = ("stay", "move on", "return")
"""Intentions by code (`STAY`, `MOVE_ON`, `RETURN`)."""
CURRENCIES = ("tenge", "som")
"""Local currency by country code (0 Kazakhstan, 1 Kyrgyzstan)."""


def _row(table_size: int, index: int, what: str) -> int:
    """A valid row number, or IndexError naming the table and its size."""
    i = int(index)
    if not 0 <= i < table_size:
        raise IndexError(f"no {what} {index}: the model has {table_size} (0 to {table_size - 1})")
    return i


def _money(value: float, rent_units_to_local: float, currency: str) -> str:
    return f"{value:.2f} rent units ({value * rent_units_to_local:,.0f} {currency})"


class _View:
    """A row of one table of the model; subclasses name the table."""

    __slots__ = ("_index", "_model")
    _what = "row"

    def __init__(self, model: ExodusModel, index: int) -> None:
        self._model = model
        self._index = _row(self._table().n, index, self._what)

    def _table(self):
        raise NotImplementedError

    def _get(self, column: str):
        return getattr(self._table(), column)[self._index]

    @property
    def index(self) -> int:
        """Row of this agent in the model's columns."""
        return self._index

    def _town_index(self) -> int:
        return int(self._get("town"))

    @property
    def town(self) -> str:
        """Name of the agent's town (for a party on a route: where it is going)."""
        return self._model.towns.names[self._town_index()]

    @property
    def currency(self) -> str:
        """The local currency of the agent's town."""
        return CURRENCIES[int(self._model.towns.country[self._town_index()])]

    def to_local(self, rent_units: float) -> float:
        """A sum in rent units in the town's currency (1 rent unit = its first-day one-room rent)."""
        return float(rent_units * self._model.towns.rent0_local[self._town_index()])

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and other._model is self._model  # type: ignore[attr-defined]
            and other._index == self._index  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, id(self._model), self._index))


class Migrant(_View):
    """One migrant party (a single man or a family), read from `model.migrants`."""

    __slots__ = ()
    _what = "migrant party"

    def _table(self):
        return self._model.migrants

    @property
    def alive(self) -> bool:
        """True while the party is in a modelled town or on a route between them."""
        return bool(self._get("alive"))

    @property
    def wave(self) -> str:
        """'relocant' (first wave) or 'mobilised' (after the order of 21 September)."""
        return WAVE_NAMES[int(self._get("wave"))]

    @property
    def size(self) -> int:
        """Persons in the party."""
        return round(float(self._get("size")))

    @property
    def travelling(self) -> bool:
        """On a route to `town`."""
        return int(self._get("travel_left")) > 0

    @property
    def days_to_arrival(self) -> int:
        """Days left on the route (0 when in town)."""
        return int(self._get("travel_left"))

    @property
    def arrival_date(self) -> dt.date:
        """Day the party entered its current country (reset by a border run)."""
        return self._model.start_date + dt.timedelta(days=int(self._get("arrival_day")))

    @property
    def income_source(self) -> str:
        """'remote salary', 'savings only' or 'needs local work'."""
        return INCOME_NAMES[int(self._get("income_source"))]

    @property
    def income(self) -> float:
        """Monthly income in rent units (a remote salary, a local wage, or 0)."""
        return float(self._get("income"))

    @property
    def income_local(self) -> float:
        """Monthly income in the town's currency."""
        return self.to_local(self.income)

    @property
    def savings(self) -> float:
        """Savings in rent units (negative once the party has run out)."""
        return float(self._get("savings"))

    @property
    def savings_local(self) -> float:
        """Savings in the town's currency."""
        return self.to_local(self.savings)

    @property
    def integration_effort(self) -> float:
        """Effort to fit in, in [0, 1]; raises the quality of contact with a host."""
        return float(self._get("integration_effort"))

    @property
    def disrespect(self) -> float:
        """Disrespect shown to hosts, in [0, 1]; hosts observe it."""
        return float(self._get("disrespect"))

    @property
    def housing_code(self) -> int:
        """Housing status as stored (an index of `HOUSING_NAMES`)."""
        return int(self._get("housing"))

    @property
    def housing(self) -> str:
        """'none', 'short stay', 'long lease', 'hosted free' or 'shelter'."""
        return HOUSING_NAMES[self.housing_code]

    @property
    def rent(self) -> float | None:
        """Monthly rent on the party's lease in rent units; None without a lease."""
        unit = int(self._get("unit"))
        return float(self._model.units.rent[unit]) if unit >= 0 else None

    @property
    def host(self) -> Household | None:
        """The household hosting the party for free, if any."""
        host = int(self._get("host"))
        return Household(self._model, host) if host >= 0 else None

    @property
    def has_job(self) -> bool:
        """Holds a local job."""
        return bool(self._get("has_job"))

    @property
    def intention(self) -> str:
        """'stay', 'move on' (has left onward abroad) or 'return' (has gone home)."""
        return INTENTION_NAMES[int(self._get("intention"))]

    def __repr__(self) -> str:
        where = f"on the way to {self.town}" if self.travelling else f"in {self.town}"
        if not self.alive:
            where = f"gone from {self.town}"
        persons = "1 person" if self.size == 1 else f"{self.size} persons"
        job = "a local job" if self.has_job else "no local job"
        return (
            f"<Migrant {self.index}: {self.wave} party of {persons} {where}, "
            f"entered {self.arrival_date.isoformat()}; housing: {self.housing}; "
            f"{_LIVES_ON[int(self._get('income_source'))]}, {job}; "
            f"income {_money(self.income, self.to_local(1.0), self.currency)}/month, "
            f"savings {_money(self.savings, self.to_local(1.0), self.currency)}; "
            f"intends to {self.intention}>"
        )


class Household(_View):
    """One local host household, read from `model.households`."""

    __slots__ = ()
    _what = "household"

    def _table(self):
        return self._model.households

    @property
    def tenure_code(self) -> int:
        """Tenure as stored (an index of `TENURE_NAMES`)."""
        return int(self._get("tenure"))

    @property
    def tenure(self) -> str:
        """'owner-occupier', 'landlord', 'renter' or 'student renter'."""
        return TENURE_NAMES[self.tenure_code]

    @property
    def income(self) -> float:
        """Monthly income in rent units."""
        return float(self._get("income"))

    @property
    def income_local(self) -> float:
        """Monthly income in the town's currency."""
        return self.to_local(self.income)

    @property
    def employed(self) -> bool:
        return bool(self._get("employed"))

    @property
    def in_labour_force(self) -> bool:
        """False for students, who do not look for work."""
        return bool(self._get("in_labour_force"))

    @property
    def attitude(self) -> float:
        """Attitude towards the arrivals, from -1 (hostile) to 1 (welcoming)."""
        return float(self._get("attitude"))

    @property
    def attitude_label(self) -> str:
        """'hostile', 'welcoming' or 'neutral', by the scenario's thresholds."""
        att = self._model.settings.attitudes
        if self.attitude < att.hostile_threshold:
            return "hostile"
        if self.attitude > att.welcoming_threshold:
            return "welcoming"
        return "neutral"

    @property
    def disposition(self) -> float:
        """The attitude the household holds when the arrivals are not salient (tanh of `prior`)."""
        return float(np.tanh(self._get("prior")))

    @property
    def grievance(self) -> bool:
        """A relative was humiliated as a migrant worker in Russia."""
        return bool(self._get("grievance"))

    @property
    def compassion(self) -> float:
        return float(self._get("compassion"))

    @property
    def empathy(self) -> float:
        return float(self._get("empathy"))

    @property
    def fear(self) -> bool:
        """Believes a Russian attack is possible."""
        return bool(self._get("fear"))

    @property
    def russian_speaking(self) -> bool:
        return bool(self._get("russian_speaking"))

    @property
    def risk_aversion(self) -> float:
        """Weighs the cost of joining a picket."""
        return float(self._get("risk_aversion"))

    @property
    def guest(self) -> Migrant | None:
        """The migrant party this household hosts for free, if any."""
        guest = int(self._get("hosting"))
        return Migrant(self._model, guest) if guest >= 0 else None

    @property
    def hosted_days(self) -> int:
        """Days spent hosting a guest so far."""
        return int(self._get("hosted_days"))

    @property
    def rent(self) -> float | None:
        """Monthly rent paid on the household's lease in rent units; None if it holds none."""
        unit = int(self._get("unit"))
        return float(self._model.units.rent[unit]) if unit >= 0 else None

    @property
    def displaced(self) -> bool:
        """Moved out because a renewal rent was more than it could pay."""
        return bool(self._get("displaced"))

    def __repr__(self) -> str:
        work = ""
        if self.in_labour_force:
            work = ", employed" if self.employed else ", unemployed"
        traits = [
            t
            for t, on in (
                ("Russian-speaking", self.russian_speaking),
                ("grievance", self.grievance),
                ("fears an attack", self.fear),
                ("displaced", self.displaced),
            )
            if on
        ]
        rate = self.to_local(1.0)
        rent = f", rent {_money(self.rent, rate, self.currency)}" if self.rent is not None else ""
        guest = self.guest
        hosting = f"; hosts party {guest.index}" if guest is not None else ""
        return (
            f"<Household {self.index} in {self.town}: {self.tenure}{work}, "
            f"income {_money(self.income, rate, self.currency)}/month{rent}; "
            f"attitude {self.attitude:+.2f} ({self.attitude_label}), "
            f"compassion {self.compassion:.2f}, empathy {self.empathy:.2f}"
            f"{'; ' + ', '.join(traits) if traits else ''}{hosting}>"
        )


def _town_filter(model: ExodusModel, town: str | None, column: np.ndarray) -> np.ndarray:
    if town is None:
        return np.ones(column.size, dtype=bool)
    if town not in model.towns.names:
        raise ValueError(f"no town {town!r} in this run (towns: {', '.join(model.towns.names)})")
    return column == model.towns.names.index(town)


def migrants(
    model: ExodusModel, town: str | None = None, alive: bool | None = True
) -> Iterator[Migrant]:
    """Views of the migrant parties, optionally of one town.

    `alive=True` (the default) gives parties still in the modelled countries, `False` those that
    have left, `None` every party the run has created.
    """
    mig = model.migrants
    keep = _town_filter(model, town, mig.view("town"))
    if alive is not None:
        keep &= mig.view("alive") == alive
    for i in np.nonzero(keep)[0]:
        yield Migrant(model, int(i))


def households(model: ExodusModel, town: str | None = None) -> Iterator[Household]:
    """Views of the host households, optionally of one town."""
    keep = _town_filter(model, town, model.households.view("town"))
    for i in np.nonzero(keep)[0]:
        yield Household(model, int(i))
