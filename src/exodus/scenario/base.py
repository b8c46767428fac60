"""What every block of the scenario schema shares: the strict base, `param` with its unit and
evidence, and the names of countries and outside nodes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

CALIBRATION = "ABC on targets C1-C7 of experiments/calibration_2022.yaml"
"""Where a calibrated default comes from (docs/calibration.md; the shipped run is in
docs/calibration/calibration_2022)."""

OUTSIDE_NODES = ("Russia", "Onward")
"""Nodes outside the modelled towns: the origin (and return) country, and onward countries."""

COUNTRIES = ("KZ", "KG")


def param(
    default: Any,
    *,
    unit: str,
    evidence: str,
    description: str,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> Any:
    """A bounded parameter with its unit and evidence, shown by `exodus explain`."""
    return Field(
        default,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        description=description,
        json_schema_extra={"unit": unit, "evidence": evidence},
    )


class Strict(BaseModel):
    """Base of every schema block: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
DailyKnots = list[tuple[dt.date, Annotated[float, Field(ge=0.0, le=1_000_000.0)]]]
