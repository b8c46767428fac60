"""Warnings about a posterior a researcher should not take at face value.

Two checks, each a sentence that says what was seen and what to do:

- a small effective sample: the last round's importance weights rest on few runs (ESS = 1 / sum of
  squared normalised weights), so its quantiles are noisy; a weighted median of 5 runs is no fit;
- posterior mass against a prior bound: much of the posterior sits in the outer tenth of a prior's
  range (in the prior's own scale, so log-uniform priors are judged in log), or an integer
  parameter is mostly at its end value. The bound may be cutting off the answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from exodus.calibration.abc import Box, Particle

MIN_ESS = 20.0
"""An effective sample below this is warned about: 5-95% quantiles of fewer runs are noise."""

EDGE = 0.1
"""The outer share of a prior's range (in latent space) looked at for mass against a bound."""

EDGE_MASS = 0.3
"""Posterior mass in that edge above which a warning is given (a flat posterior puts EDGE there)."""


def ess_warning(ess: float, kept: int, round_: int) -> str | None:
    """A warning when the last round's effective sample is below MIN_ESS."""
    if round(ess, 6) >= MIN_ESS:  # equal weights of 20 runs give 19.999...: that is 20
        return None
    return (
        f"effective sample of the posterior (round {round_}) is {ess:.1f} of {kept} kept runs, "
        f"below {MIN_ESS:g}: its median and 90% interval rest on a handful of runs; raise "
        "particles (or accept) and calibrate again"
    )


def bound_warnings(box: Box, posterior: Sequence[Particle]) -> list[str]:
    """One warning per parameter whose posterior mass piles against a prior bound."""
    if not posterior:
        return []
    w = np.array([p.weight for p in posterior], dtype=float)
    w = w / w.sum()
    out = []
    for i, name in enumerate(box.names):
        low, high = box.bounds[i]
        if box.integer[i]:
            values = np.array([int(p.values[name]) for p in posterior])
            levels = int(high - low + 1)
            if levels < 3:
                continue
            limit = max(EDGE_MASS, 2.0 / levels)
            for end, word in ((low, "lowest"), (high, "highest")):
                mass = float(w[values == end].sum())
                if mass >= limit:
                    out.append(
                        f"{name}: {mass:.0%} of the posterior is at the {word} value its prior "
                        f"allows ({end:g}, prior {low:g}-{high:g}): the bound may cut the "
                        "posterior off; widen the prior if values beyond it are plausible"
                    )
            continue
        latent = np.array([p.latent[i] for p in posterior], dtype=float)
        span = box.high[i] - box.low[i]
        scale = "log-uniform " if box.log[i] else ""
        for side, mask in (
            ("bottom", latent <= box.low[i] + EDGE * span),
            ("top", latent >= box.high[i] - EDGE * span),
        ):
            mass = float(w[mask].sum())
            if mass >= EDGE_MASS:
                bound = low if side == "bottom" else high
                out.append(
                    f"{name}: {mass:.0%} of the posterior lies in the {side} {EDGE:.0%} of its "
                    f"{scale}prior {low:g}-{high:g} (a flat posterior puts {EDGE:.0%} there): "
                    f"the bound {bound:g} may cut the posterior off; widen the prior if values "
                    "beyond it are plausible"
                )
    return out


def posterior_warnings(
    box: Box, posterior: Sequence[Particle], ess: float, round_: int
) -> list[str]:
    """Every warning about a calibration's posterior, the effective sample first."""
    first = ess_warning(ess, len(posterior), round_)
    return ([first] if first else []) + bound_warnings(box, posterior)
