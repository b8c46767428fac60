"""The exodus model: Mesa's `Model` for time, randomness and dated policy events; agent state in
numpy columns; one mechanism module per process, stepped in the order of the ODD document."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import Network
from mesa.experimental.scenarios import Scenario as MesaScenario

from exodus import mesa_api
from exodus.model import attitudes, collective, flows, housing, jobs, policies, prices
from exodus.model.population import build_households, build_units
from exodus.model.recorder import Recorder
from exodus.model.state import Households, Migrants, TownState, Units
from exodus.scenario.schema import OUTSIDE_NODES, Scenario

STREAMS = ("population", "flows", "housing", "jobs", "attitudes", "collective", "policies")
"""Independent random streams, one per mechanism, all spawned from the run's seed: changing how one
mechanism draws never shifts another's numbers."""


class ExodusModel(mesa.Model):
    """Russians arriving in Kazakh and Kyrgyz towns, and the host households who meet them.

    One step is one day. `rng` is the run's seed (Mesa 4 style); `scenario.scale` sets the agent
    weight (1/scale real households or parties per agent).

    Built as Mesa models are, by keyword: `scenario` is a loaded `Scenario`, a scenario file, the
    name of a shipped scenario (default: baseline_2022) or a Mesa `Scenario` (see
    `exodus.mesa_api.ExodusScenario`); every other keyword is an override by dotted name,
    `ExodusModel(scenario="classroom", rng=1, **{"housing.bid_up_per_rival": 0.05})`.
    `running` turns False after the last day, and stepping past it raises `RunEndedError`, so
    `run_model()` ends; `datacollector` holds the town-level series (`mesa_api.TownCollector`).
    """

    def __init__(
        self,
        scenario: Scenario | str | os.PathLike[str] | MesaScenario | None = None,
        *,
        rng: int | None = None,
        **overrides: Any,
    ) -> None:
        scenario, seed, mesa_scenario = mesa_api.resolve(scenario, rng, overrides)
        super().__init__(rng=seed)
        self.scenario = mesa_scenario
        self.settings = scenario
        self.seed = seed
        self.start_date: dt.date = scenario.start
        self.n_days = (scenario.end - scenario.start).days + 1
        self.day = 0  # index of the day being simulated
        self.scale = scenario.scale
        self.agent_weight = 1.0 / scenario.scale
        self.agent_steps = 0
        seeds = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.streams = {
            name: np.random.default_rng(s) for name, s in zip(STREAMS, seeds, strict=True)
        }

        self.town_specs = scenario.enabled_towns()
        self.towns = _build_towns(self)
        self.network, self.travel_days = _build_network(self)
        self.households: Households = build_households(self)
        self.units: Units = build_units(self)
        self.migrants = Migrants(capacity=flows.expected_parties(self))

        self.policy = policies.PolicyState(self)
        self.flows = flows.Flows(self)
        self.housing = housing.Housing(self)
        self.jobs = jobs.Jobs(self)
        self.prices = prices.Prices(self)
        self.attitudes = attitudes.Attitudes(self)
        self.collective = collective.Collective(self)
        self.recorder = Recorder(self)
        self.datacollector = mesa_api.TownCollector(self.towns.names)
        self.flows.seed_initial_relocants()
        self.housing.house_initial_relocants()
        policies.schedule(self)

    @property
    def date(self) -> dt.date:
        """Calendar date of the day being (or last) simulated."""
        return self.start_date + dt.timedelta(days=self.day)

    def day_of(self, date: dt.date) -> int:
        """Index of a calendar date in this run (may be negative or past the end)."""
        return (date - self.start_date).days

    def step(self) -> None:
        """One day, in the order of docs/odd.md: flows, housing, jobs, prices, attitudes, collective
        action and tension, record."""
        if self.steps > self.n_days:
            raise mesa_api.RunEndedError(mesa_api.end_message(self))
        self.day = int(self.steps) - 1
        self.towns.arrivals[:] = 0.0
        self.towns.departures[:] = 0.0
        self.flows.step()
        self.policy.daily()
        self.housing.step()
        self.jobs.step()
        self.prices.step()
        self.attitudes.step()
        self.collective.step()
        self.recorder.record()
        self.agent_steps += int(self.migrants.view("alive").sum()) + self.households.n
        self.datacollector.collect(self)
        if self.day == self.n_days - 1:
            self.recorder.finish()
            self.running = False


def _build_towns(model: ExodusModel) -> TownState:
    specs = list(model.town_specs.values())
    n = len(specs)
    scale = model.scale

    def col(values: list[float]) -> np.ndarray:
        return np.asarray(values, dtype=np.float64)

    population = col([t.population for t in specs])
    household_income = col([t.per_capita_income * t.household_size / t.rent_1room for t in specs])
    return TownState(
        names=list(model.town_specs),
        country=np.asarray([0 if t.country == "KZ" else 1 for t in specs], dtype=np.int8),
        border=np.asarray([t.border for t in specs], dtype=bool),
        population=population,
        rent0_local=col([t.rent_1room for t in specs]),
        market_rent=np.ones(n),
        going_rent=np.ones(n),
        short_stay_index=np.ones(n),
        short_stay_beds=col([t.short_stay_beds_per_1000 * t.population / 1000 for t in specs])
        * scale,
        shelter_beds=col([t.shelter_beds for t in specs]) * scale,
        background_stress=col([t.background_stress for t in specs]),
        # one job pays the household income over its earners (jobs.earners_per_household)
        wage=household_income / model.settings.jobs.earners_per_household,
        food_index=np.ones(n),
        alcohol_index=np.ones(n),
        open_jobs=np.zeros(n),
        free_places=np.ones(n),
        seekers=np.zeros(n),
        arrivals=np.zeros(n),
        departures=np.zeros(n),
        displaced_total=np.zeros(n),
        peak_rent=np.ones(n),
        pickets=np.zeros(n),
        aid=np.zeros(n),
        # collective action writes it (pickets deter); flows read it when parties choose a town
        arrival_deterrence=np.ones(n),
        tension=np.zeros(n),
    )


def _build_network(model: ExodusModel) -> tuple[Network, np.ndarray]:
    """Towns and outside nodes as a Mesa `Network`; shortest travel days between enabled towns."""
    graph = nx.Graph()
    graph.add_nodes_from(model.towns.names)
    graph.add_nodes_from(OUTSIDE_NODES)
    for route in model.settings.routes:
        if route.a in graph and route.b in graph:
            graph.add_edge(route.a, route.b, days=route.days)
    network = Network(graph, random=model.random, layout=None)
    n = model.towns.n
    travel = np.full((n, n), np.inf)
    town_graph = graph.subgraph(model.towns.names)
    lengths = dict(nx.all_pairs_dijkstra_path_length(town_graph, weight="days"))
    for i, a in enumerate(model.towns.names):
        for j, b in enumerate(model.towns.names):
            if b in lengths.get(a, {}):
                travel[i, j] = lengths[a][b]
    return network, travel
