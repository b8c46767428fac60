"""Which scenarios the page offers, and at what scale: the scenario `exodus app` was given, and every
other scenario file beside it that loads cleanly.

`exodus app` passes its choices to the page's server process through environment variables, the one
channel a `solara run` child inherits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from exodus.scenario.loader import ScenarioError, load_scenario
from exodus.scenario.schema import Scenario
from exodus.shipped import scenario_file

DEFAULT_SCENARIO = "classroom"
"""The shipped classroom scenario (`exodus.shipped`), found from any directory."""
CLASSROOM_SCALE = 0.02
"""Agents per real household on the page: the scale of scenarios/classroom.yaml, where a day with its
redraw takes a few milliseconds."""

ENV_SCENARIO = "EXODUS_APP_SCENARIO"
ENV_SCALE = "EXODUS_APP_SCALE"


@dataclass(frozen=True)
class Catalogue:
    """Scenario files by name (file stem), the one to open first, and the scale to run them at."""

    files: dict[str, Path]
    first: str
    scale: float

    def path(self, name: str) -> Path:
        if name not in self.files:
            raise ScenarioError(name, f"not one of the page's scenarios ({', '.join(self.files)})")
        return self.files[name]

    def load(self, name: str, overrides: list[str] | None = None) -> Scenario:
        """The named scenario at the page's scale, with `--set`-style overrides."""
        return load_scenario(self.path(name), [*(overrides or []), f"scale={self.scale!r}"])


def build_catalogue(scenario: str | os.PathLike[str], scale: float = CLASSROOM_SCALE) -> Catalogue:
    """The given scenario (a file, or a shipped one by name; it must load: a ScenarioError
    otherwise) and its loadable neighbours."""
    first = scenario_file(scenario)
    load_scenario(first)
    files = {first.stem: first}
    for path in sorted(first.parent.glob("*.yaml")):
        if path.stem in files:
            continue
        try:
            load_scenario(path)
        except ScenarioError:
            continue  # a broken neighbour is not offered; `exodus check` names its fault
        files[path.stem] = path
    return Catalogue(files=files, first=first.stem, scale=scale)


def from_environment() -> Catalogue:
    """The catalogue `exodus app` asked for, or the classroom scenario when run directly."""
    scenario = os.environ.get(ENV_SCENARIO, DEFAULT_SCENARIO)
    scale = float(os.environ.get(ENV_SCALE, CLASSROOM_SCALE))
    return build_catalogue(scenario, scale)
