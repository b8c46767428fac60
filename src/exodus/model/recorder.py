"""The record of a run: one row per town per day (`timeseries.csv`) and notable events
(`events.csv`). Counts are converted from agents to people here, and only here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from exodus.model.record import EVENTS_COLUMNS, TIMESERIES_COLUMNS
from exodus.model.state import MOBILISED, RELOCANT, RENTER, STUDENT

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel


class Recorder:
    """Collects the day's figures from each mechanism and detects events."""

    def __init__(self, model: ExodusModel) -> None:
        self.model = model
        self.timeseries: list[dict] = []
        self.events: list[dict] = []
        n = model.towns.n
        self._picketing = np.zeros(n, dtype=bool)
        self._closure_calls = np.zeros(n, dtype=bool)
        self._aiding = np.zeros(n, dtype=bool)
        self._short_full = np.zeros(n, dtype=bool)
        self._shelter_full = np.zeros(n, dtype=bool)
        self._peak_day = np.zeros(n, dtype=np.int64)
        self._first_rent: np.ndarray | None = None
        self._households_people = (
            np.asarray([t.household_size for t in model.town_specs.values()]) * model.agent_weight
        )
        # households never change town: the households per town are counted once
        self._households_per_town = np.bincount(
            model.households.view("town").astype(np.intp), minlength=n
        )
        # renter and student households never change tenure (landlords and owner-occupiers do)
        tenure = model.households.view("tenure")
        self._renters = np.asarray(
            [
                np.count_nonzero((tenure[r] == RENTER) | (tenure[r] == STUDENT))
                for r in model.town_slices
            ],
            dtype=np.int64,
        )

    def add_event(self, town: str, kind: str, detail: str, day: int | None = None) -> None:
        day = self.model.day if day is None else day
        date = self.model.start_date + dt.timedelta(days=day)
        self.events.append(
            dict(zip(EVENTS_COLUMNS, (date.isoformat(), day, town, kind, detail), strict=True))
        )

    def record(self) -> None:
        model = self.model
        towns, mig = model.towns, model.migrants
        w = model.agent_weight
        here = model.flows.in_town
        wave = mig.wave[here]
        present = model.flows.people_in_town * w
        relocant = model.flows.persons(here[wave == RELOCANT])
        mobilised = model.flows.persons(here[wave == MOBILISED])
        if self._first_rent is None:
            self._first_rent = towns.market_rent.copy()
        housing, jobs, coll = model.housing.today, model.jobs.today, model.collective.today
        # the household tallies are Collective's, counted in its pass over the households today
        attitude_mean = model.collective.attitude_sum / self._households_per_town
        renters, displaced_count = self._renters, model.collective.displaced
        columns = {
            "migrants_present": present,
            "migrants_relocant": relocant * w,
            "migrants_mobilised": mobilised * w,
            "arrivals_from_abroad": towns.arrivals * w,
            "departures_abroad": towns.departures * w,
            "departures_onward": model.flows.today["departures_onward"] * w,
            "departures_home": model.flows.today["departures_home"] * w,
            "turned_away": model.flows.today["turned_away"] * w,
            "border_runs": model.flows.today["border_runs"] * w,
            "hosted_free": housing["hosted_free"] * w,
            "in_short_stay": housing["in_short_stay"] * w,
            "in_shelter": housing["in_shelter"] * w,
            "unhoused_migrants": housing["unhoused_migrants"] * w,
            "rent_index": towns.market_rent / self._first_rent,
            "mean_asking_rent": housing["mean_asking_rent"],
            "vacancy_rate": housing["vacancy_rate"],
            "rental_stock": housing["rental_stock"] * w,
            "short_stay_price_index": housing["short_stay_price_index"],
            "local_renters": renters * self._households_people,
            "displaced_locals": displaced_count * self._households_people,
            "displaced_total": towns.displaced_total * self._households_people,
            "unemployment_rate": jobs["unemployment_rate"],
            "food_price_index": towns.food_index.copy(),
            "alcohol_price_index": towns.alcohol_index.copy(),
            "attitude_mean": attitude_mean,
            "hostile_share": coll["hostile_share"],
            "welcoming_share": coll["welcoming_share"],
            "hosting_share": coll["hosting_share"],
            "pickets": towns.pickets.copy(),
            "aid_initiatives": towns.aid.copy(),
            "tension_index": towns.tension.copy(),
            "closure_pressure": coll["closure_pressure"],
            "arrival_deterrence": towns.arrival_deterrence.copy(),
            "wage_index": jobs["wage_index"],
        }
        date = model.date.isoformat()
        for i, name in enumerate(towns.names):
            row = {
                "date": date,
                "day": model.day,
                "town": name,
                "country": model.town_specs[name].country,
            }
            for key in TIMESERIES_COLUMNS[4:]:
                row[key] = float(columns[key][i])
            self.timeseries.append(row)
        self._detect_events(housing)

    def _detect_events(self, housing: dict[str, np.ndarray]) -> None:
        towns = self.model.towns
        picketing = towns.pickets > 0
        aiding = towns.aid > 0
        full_use = self.model.settings.housing.full_use
        free_use = self.model.settings.housing.free_use
        # beds count as full from `full_use` and as free again only below `free_use`, so a bed taken
        # and freed every other day does not make an event a day
        short_full = np.where(
            self._short_full,
            housing["short_stay_use"] >= free_use,
            housing["short_stay_use"] >= full_use,
        )
        shelter_full = np.where(
            self._shelter_full,
            housing["shelter_use"] >= free_use,
            housing["shelter_use"] >= full_use,
        )
        closure_calls = (
            self.model.collective.today["ready_share"]
            >= self.model.settings.collective.closure_threshold
        )
        for flag, state, on_kind, on_text, off_kind, off_text in (
            (
                closure_calls,
                self._closure_calls,
                "closure_calls_begin",
                "calls to close the border",
                "closure_calls_stop",
                "calls to close the border die down",
            ),
            (
                picketing,
                self._picketing,
                "pickets_begin",
                "pickets begin",
                "pickets_stop",
                "pickets stop",
            ),
            (
                aiding,
                self._aiding,
                "aid_begin",
                "aid initiatives begin: free beds and meals",
                "aid_stop",
                "aid initiatives stop",
            ),
            (
                short_full,
                self._short_full,
                "short_stay_full",
                "short-stay beds full",
                "short_stay_free",
                "short-stay beds free again",
            ),
            (
                shelter_full,
                self._shelter_full,
                "shelter_full",
                "shelter beds full",
                "shelter_free",
                "shelter beds free again",
            ),
        ):
            for i in np.nonzero(flag & ~state)[0]:
                self.add_event(towns.names[i], on_kind, on_text)
            for i in np.nonzero(~flag & state)[0]:
                self.add_event(towns.names[i], off_kind, off_text)
            state[:] = flag
        rising = towns.market_rent >= towns.peak_rent - 1e-12
        self._peak_day[rising] = self.model.day

    def finish(self) -> None:
        """Close the record: each town's rent peak, then events in date order."""
        towns = self.model.towns
        for i, name in enumerate(towns.names):
            self.add_event(
                name,
                "rent_peak",
                f"rent index peaks at {towns.peak_rent[i] / self._first_rent[i]:.3f}",
                day=int(self._peak_day[i]),
            )
        order = {name: i for i, name in enumerate(towns.names)}
        self.events.sort(key=lambda e: (e["day"], order.get(e["town"], 0)))
