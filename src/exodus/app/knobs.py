"""The page's sliders: which scenario parameters a class may move, with the range, unit and help text
of each taken from the scenario schema, so the page can never offer a value the schema rejects.

A knob is either a plain parameter (`attitudes.compassion_mean`) or a dated policy switched on or off
(a rent cap, a host-family stipend) with one number of its own.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic import BaseModel

from exodus.scenario.schema import (
    Attitudes,
    Flows,
    HostFamilyProgramme,
    Housing,
    RentCap,
    Scenario,
)


@dataclass(frozen=True)
class Knob:
    """One slider: a keyword of `ClassroomModel`, the schema field it sets, its bounds, and the
    narrower range a lesson needs (the slider's ends; a value outside it is still accepted, within
    the schema's bounds)."""

    name: str
    label: str
    block: type[BaseModel]
    field: str
    step: float
    teaching: tuple[float, float]
    """The slider's ends on the page: the values a lesson explores, inside the schema's bounds."""
    shown: str = "{:.2f} {unit}"
    """How the page writes the value beside the slider: a format string for the value, with the
    schema's unit as `{unit}` (or shorter words of the same unit, to fit a sidebar)."""
    path: str | None = None
    """Dotted scenario path of a plain parameter; None for a policy's number."""
    policy: str | None = None
    """Policy kind whose number this knob sets (its switch is the keyword `<name>_on`)."""

    def __post_init__(self) -> None:
        low, high = self.bounds
        t_low, t_high = self.teaching
        if not low <= t_low < t_high <= high:
            raise ValueError(
                f"{self.name}: teaching range {self.teaching} is not inside the schema's "
                f"bounds ({low:g} to {high:g})"
            )

    @property
    def description(self) -> str:
        return self.block.model_fields[self.field].description or ""

    @property
    def unit(self) -> str:
        extra = self.block.model_fields[self.field].json_schema_extra
        return str(extra.get("unit", "")) if isinstance(extra, dict) else ""

    @property
    def bounds(self) -> tuple[float, float]:
        """The schema's bounds; an open bound (gt/lt) is moved in by one step."""
        low, high = -math.inf, math.inf
        for item in self.block.model_fields[self.field].metadata:
            if isinstance(item, annotated_types.Ge):
                low = float(item.ge)
            elif isinstance(item, annotated_types.Gt):
                low = float(item.gt) + self.step
            elif isinstance(item, annotated_types.Le):
                high = float(item.le)
            elif isinstance(item, annotated_types.Lt):
                high = float(item.lt) - self.step
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"{self.block.__name__}.{self.field} has no bounds for a slider")
        return low, high

    def slider_range(self, value: float) -> tuple[float, float]:
        """The slider's ends for a run whose value is `value`: the teaching range, widened (within
        the schema's bounds) to hold a scenario's own value outside it."""
        low, high = self.teaching
        value = self.clamp(value)
        return min(low, value), max(high, value)

    def show(self, value: float) -> str:
        """The value as the page writes it beside the slider, with its unit."""
        return self.shown.format(value, unit=self.unit).strip()

    @property
    def default(self) -> float:
        return float(self.block.model_fields[self.field].default)

    @property
    def switch(self) -> str | None:
        """Keyword of the on/off switch of a policy knob."""
        return f"{self.name}_on" if self.policy else None

    def clamp(self, value: float) -> float:
        low, high = self.bounds
        return round(min(max(float(value), low), high), 10)  # a slider's 0.45000000000000007


KNOBS: tuple[Knob, ...] = (
    Knob(
        "compassion",
        "Compassion",
        Attitudes,
        "compassion_mean",
        0.01,
        (0.2, 0.8),
        shown="{:.2f} (index, 0 to 1)",
        path="attitudes.compassion_mean",
    ),
    Knob(
        "empathy",
        "Empathy",
        Attitudes,
        "empathy_mean",
        0.01,
        (0.1, 0.7),
        shown="{:.2f} (index, 0 to 1)",
        path="attitudes.empathy_mean",
    ),
    Knob(
        "contact_gain",
        "Contact gain",
        Attitudes,
        "contact_gain",
        0.01,
        (0.0, 0.3),
        shown="{:.2f} a day",
        path="attitudes.contact_gain",
    ),
    Knob(
        "contact_threshold",
        "Contact quality needed",
        Attitudes,
        "contact_quality_threshold",
        0.05,
        (0.0, 1.0),
        path="attitudes.contact_quality_threshold",
    ),
    Knob(
        "negativity_bias",
        "Negativity bias",
        Attitudes,
        "negativity_bias",
        0.1,
        (1.0, 3.0),
        shown="{:.1f} times",
        path="attitudes.negativity_bias",
    ),
    Knob(
        "bid_up",
        "Bidding war: rise per rival bidder",
        Housing,
        "bid_up_per_rival",
        0.005,
        (0.0, 0.25),
        shown="{:.1%} of the ask per rival",
        path="housing.bid_up_per_rival",
    ),
    Knob(
        "second_wave",
        "Second-wave size",
        Flows,
        "mobilised_scale",
        0.05,
        (0.0, 2.0),
        shown="{:.2f} × the observed wave",
        path="flows.mobilised_scale",
    ),
    Knob(
        "rent_cap",
        "Rent cap: largest rise",
        RentCap,
        "max_increase",
        0.05,
        (0.05, 0.5),
        shown="{:.0%} rise at most",
        policy="rent_cap",
    ),
    Knob(
        "host_families",
        "Host-family stipend",
        HostFamilyProgramme,
        "threshold_cut",
        0.05,
        (0.0, 0.8),
        shown="{:.2f} less compassion needed",
        policy="host_family_programme",
    ),
)
"""The key parameters of the lesson, in the order the page shows them. The teaching ranges are
page layout, not model behaviour (assumed: they span the lesson's experiments in docs/classroom.md
with room either side; the schema's bounds still apply to any value)."""

POLICY_START: dict[str, dt.date] = {
    "rent_cap": dt.date(2022, 9, 26),
    "host_family_programme": dt.date(2022, 9, 23),
}
"""Start of a policy switched on from the page, the date of its shipped scenario
(`scenarios/rent_cap.yaml`, `scenarios/host_family_programme.yaml`)."""

POLICY_LABEL = {
    "rent_cap": "Rent cap from 26 Sep",
    "host_family_programme": "Host families from 23 Sep",
}


def _get(scenario: Scenario, path: str) -> Any:
    value: Any = scenario
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _policies(scenario: Scenario, kind: str) -> list[Any]:
    return [p for p in scenario.policies if p.kind == kind]


def current_values(scenario: Scenario) -> dict[str, Any]:
    """Every knob's value (and policy switch) as the scenario sets it: where the sliders start."""
    values: dict[str, Any] = {}
    for knob in KNOBS:
        if knob.path is not None:
            values[knob.name] = float(_get(scenario, knob.path))
            continue
        assert knob.policy is not None and knob.switch is not None
        found = _policies(scenario, knob.policy)
        values[knob.switch] = bool(found)
        values[knob.name] = float(getattr(found[0], knob.field)) if found else knob.default
    return values


def overrides(values: dict[str, Any]) -> list[str]:
    """`--set` overrides for the plain knobs given in `values` (None or missing: leave as it is)."""
    out = []
    for knob in KNOBS:
        value = values.get(knob.name)
        if knob.path is not None and value is not None:
            out.append(f"{knob.path}={knob.clamp(value)!r}")
    return out


def with_policies(scenario: Scenario, values: dict[str, Any]) -> Scenario:
    """The scenario with each policy knob applied: switched on, the policy acts in every town from
    its start date with the knob's number (replacing the scenario's own, keeping its dates and
    towns); switched off, it is gone.
    A switch that is None leaves the scenario's policies as they are."""
    policies = [p.model_dump() for p in scenario.policies]
    for knob in KNOBS:
        if knob.policy is None or knob.switch is None or values.get(knob.switch) is None:
            continue
        own = [p for p in policies if p["kind"] == knob.policy]
        policies = [p for p in policies if p["kind"] != knob.policy]
        if values[knob.switch]:
            number = values.get(knob.name)
            number = knob.default if number is None else knob.clamp(number)
            start = own[0]["start"] if own else POLICY_START[knob.policy]
            end = own[0]["end"] if own else None
            towns = own[0]["towns"] if own else "all"
            policies.append(
                {
                    "kind": knob.policy,
                    "start": start,
                    "end": end,
                    "towns": towns,
                    knob.field: number,
                }
            )
    return Scenario.model_validate({**scenario.model_dump(), "policies": policies})


def help_text(knob: Knob) -> str:
    """One line for the page: what the knob does, its unit and range, from the schema."""
    low, high = knob.bounds
    t_low, t_high = knob.teaching
    text = (
        f"{knob.description} ({knob.unit}; slider {t_low:g} to {t_high:g}, "
        f"the model accepts {low:g} to {high:g})"
    )
    if knob.policy:
        text = f"{POLICY_LABEL[knob.policy]}, in every town. {text}"
    return text
