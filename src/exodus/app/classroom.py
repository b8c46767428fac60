"""`ClassroomModel`: the exodus model as a `mesa.Model` built from keyword arguments.

The page re-creates the model on Reset from its sliders' values as keyword arguments (as Mesa's
SolaraViz would); `ExodusModel` is built from a scenario. This wrapper turns the keywords into
`--set` overrides and dated policies on a named scenario, and hands each step to the real model:
nothing is computed here, so the page shows exactly what `exodus run` would write for the same
scenario, overrides and seed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import mesa

from exodus.app.catalogue import Catalogue, from_environment
from exodus.app.knobs import KNOBS, current_values, overrides, with_policies
from exodus.model.model import ExodusModel
from exodus.scenario.schema import Scenario

_catalogue: Catalogue | None = None

MAX_SEED = 2**63 - 1


def catalogue() -> Catalogue:
    """The page's scenarios, read once per process."""
    global _catalogue
    if _catalogue is None:
        _catalogue = from_environment()
    return _catalogue


def use_catalogue(value: Catalogue | None) -> None:
    """Replace the page's scenarios (tests, notebooks); None reads the environment again."""
    global _catalogue
    _catalogue = value


def parse_seed(text: Any, fallback: int) -> tuple[int, str | None]:
    """A seed from the page's seed box, and a one-line notice when the text was not a seed."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return fallback, None
    try:
        value = int(str(text).strip())
    except ValueError:
        return (
            fallback,
            f"seed {text!r} is not a whole number: the scenario's seed {fallback} is used",
        )
    if not 0 <= value <= MAX_SEED:
        return (
            fallback,
            f"seed {value} is not in 0 to 2**63 - 1: the scenario's seed {fallback} is used",
        )
    return value, None


class ClassroomModel(mesa.Model):
    """A named scenario with the page's slider values, stepped one day at a time.

    Every keyword but `scenario_name` and `seed` is a knob of `exodus.app.knobs.KNOBS` (or a policy
    knob's `_on` switch); None keeps the scenario's own value.
    """

    default_scenario: str | None = None
    """Scenario used when `scenario_name` is not given (see `for_scenario`)."""

    @classmethod
    def for_scenario(cls, name: str) -> type[ClassroomModel]:
        """A subclass whose runs default to scenario `name`.

        A Reset calls `type(model)(**values of the sliders)`, which may hold only the sliders
        moved since; the class itself remembers which scenario the page shows.
        """
        if name not in _bound:
            _bound[name] = type(f"ClassroomModel[{name}]", (cls,), {"default_scenario": name})
        return _bound[name]

    def __init__(
        self,
        scenario_name: str | None = None,
        seed: str | int | None = None,
        compassion: float | None = None,
        empathy: float | None = None,
        contact_gain: float | None = None,
        contact_threshold: float | None = None,
        negativity_bias: float | None = None,
        bid_up: float | None = None,
        second_wave: float | None = None,
        rent_cap_on: bool | None = None,
        rent_cap: float | None = None,
        host_families_on: bool | None = None,
        host_families: float | None = None,
    ) -> None:
        values = {
            "compassion": compassion,
            "empathy": empathy,
            "contact_gain": contact_gain,
            "contact_threshold": contact_threshold,
            "negativity_bias": negativity_bias,
            "bid_up": bid_up,
            "second_wave": second_wave,
            "rent_cap_on": rent_cap_on,
            "rent_cap": rent_cap,
            "host_families_on": host_families_on,
            "host_families": host_families,
        }
        pages = catalogue()
        self.scenario_name = scenario_name or self.default_scenario or pages.first
        settings = with_policies(pages.load(self.scenario_name, overrides(values)), values)
        run_seed, self.notice = parse_seed(seed, settings.seed)
        super().__init__(rng=run_seed)
        self.settings: Scenario = settings
        self.run_seed = run_seed
        self.exodus = ExodusModel(settings, rng=run_seed)
        self.in_force = current_values(settings)
        """Each knob's value in this run, for the page to show beside the sliders."""
        self.scenario_values = current_values(pages.load(self.scenario_name))
        """Each knob's value in the scenario file, to tell what this run's sliders changed."""

    @property
    def day(self) -> int:
        """Days simulated so far (0 before the first step)."""
        return int(self.exodus.steps)

    @property
    def n_days(self) -> int:
        return self.exodus.n_days

    @property
    def date(self) -> dt.date:
        """Date of the last simulated day (the day before the start if none yet)."""
        return self.exodus.start_date + dt.timedelta(days=self.day - 1)

    @property
    def timeseries(self) -> list[dict]:
        """The run so far: rows keyed by `TIMESERIES_COLUMNS`, town by town per day."""
        return self.exodus.recorder.timeseries

    @property
    def towns(self) -> list[str]:
        return list(self.exodus.towns.names)

    def step(self) -> None:
        """One day of the exodus model; the run stops (`running` False) after its last day."""
        if self.day >= self.n_days:
            self.running = False
            return
        self.exodus.step()
        if self.day >= self.n_days:
            self.running = False


_bound: dict[str, type[ClassroomModel]] = {}

KNOB_KEYWORDS = tuple(name for knob in KNOBS for name in (knob.name, knob.switch) if name)
"""The keywords of `ClassroomModel` that sliders and switches set."""
