"""Parameter sets drawn from a calibration's posterior, for an ensemble that carries the fit's
uncertainty as well as the model's own randomness.

A calibration's `posterior.csv` holds the accepted sets of its last round with their importance
weights; a posterior design draws `samples` of them by weight, with replacement, from a generator
seeded by the experiment's master seed, so the same file and seed give the same draws anywhere.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from exodus import limits
from exodus.files import UserFileError, read_user_text

FIXED = ("round", "particle", "run_id", "seed", "status", "distance", "accepted", "weight")
"""The columns of posterior.csv that are not parameters."""


def read_posterior(path: Path, file: str) -> list[tuple[dict[str, float], float]]:
    """The accepted sets of a posterior.csv with their weights; an ExperimentError naming the
    file and the problem otherwise."""
    from exodus.sweep.experiment import ExperimentError

    try:
        text = read_user_text(path, what="posterior", limit=limits.MAX_CSV_BYTES)
    except UserFileError as exc:
        raise ExperimentError(file, str(exc), key="posterior") from None
    reader = csv.DictReader(text.splitlines())
    names = [c for c in reader.fieldnames or [] if c not in FIXED]
    if "weight" not in (reader.fieldnames or []) or not names:
        raise ExperimentError(
            file,
            f"{os.fspath(path)} is not a calibration's posterior.csv (no weight or no parameter "
            "columns)",
            key="posterior",
        )
    sets = []
    for line, row in enumerate(reader, start=2):
        if row.get("accepted", "true") != "true":
            continue
        try:
            values = {n: float(row[n]) for n in names}
            weight = float(row["weight"])
        except (TypeError, ValueError):
            raise ExperimentError(
                file, f"{os.fspath(path)}, line {line}: not a number", key="posterior"
            ) from None
        if not (all(math.isfinite(v) for v in values.values()) and weight > 0):
            raise ExperimentError(
                file,
                f"{os.fspath(path)}, line {line}: a value or weight is not usable",
                key="posterior",
            )
        sets.append((values, weight))
    if not sets:
        raise ExperimentError(file, f"{os.fspath(path)} holds no accepted set", key="posterior")
    return sets


def draw(sets: list[tuple[dict[str, float], float]], n: int, seed: int) -> list[dict[str, Any]]:
    """`n` sets drawn by weight with replacement (seeded: the same draws on any machine)."""
    weights = np.array([w for _, w in sets], dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3000,)))
    picks = rng.choice(len(sets), size=n, p=weights / weights.sum())
    return [dict(sets[int(i)][0]) for i in picks]
