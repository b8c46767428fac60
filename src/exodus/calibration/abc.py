"""Approximate Bayesian computation on the sweep executor: rejection, then ABC-SMC rounds.

Round 0 draws `particles` parameter sets from the prior, runs each once with its own seed and keeps
the share `accept` whose runs lie closest to the calibration targets (the distance is a score of
`compare`). Each later round proposes `particles` new sets by perturbing the kept ones with a
Gaussian kernel truncated to the prior box (twice their weighted variance, Beaumont et al. 2009),
runs them, keeps the closest share again, and weights each kept set by prior / proposal density so
the kept sets stay a sample of the posterior. Parameters live in a "latent" space where every prior
is uniform: log of a log-uniform parameter; an integer parameter is a real number rounded when
applied. Only calibration targets ever reach the distance: validation targets are not passed in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtr
from scipy.stats import truncnorm

from exodus.calibration.compare import ard, mean_abs_log_ratio
from exodus.calibration.spec import CalibrationError, CalibrationSpec
from exodus.calibration.targets import Target, check_places, model_value
from exodus.scenario.schema import Scenario
from exodus.sweep.executor import RunOutcome, RunSpec
from exodus.sweep.experiment import ExperimentError, apply_point, run_seed

Execute = Callable[[Sequence[RunSpec]], list[RunOutcome]]
"""Runs specs and returns outcomes in spec order (`exodus.sweep.executor.execute`, or a stand-in)."""

CHECK_ROUND = 1000
"""Seed-sequence key of the closing before/after check runs, apart from any ABC round."""


@dataclass(frozen=True)
class KeepTargets:
    """Keep only the rows and columns the targets need; picklable, so it runs in the workers."""

    columns: tuple[str, ...]
    first: str
    last: str

    def __call__(self, rows: list[dict]) -> list[dict]:
        kept = []
        for row in rows:
            date = row["date"]
            date = date.isoformat() if isinstance(date, dt.date) else str(date)
            if self.first <= date <= self.last:
                kept.append(
                    {"date": date, "town": row["town"], "country": row["country"]}
                    | {c: row[c] for c in self.columns}
                )
        return kept

    @classmethod
    def of(cls, targets: Sequence[Target]) -> KeepTargets:
        columns = sorted({"rent_index" if t.metric == "market_rent" else t.metric for t in targets})
        first = min(t.start for t in targets).isoformat()
        last = max(t.end for t in targets).isoformat()
        return cls(tuple(columns), first, last)


# --- the prior box --------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """The priors as a box in latent space, where each prior is uniform."""

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    log: np.ndarray
    """True where the prior is log-uniform (latent = ln value)."""
    integer: np.ndarray
    """True where the scenario value is a whole number (latent rounds to it)."""
    bounds: tuple[tuple[float, float], ...]
    """The priors' low and high as written."""

    @classmethod
    def of(cls, spec: CalibrationSpec, base: Scenario) -> Box:
        names = tuple(spec.parameters)
        tree = base.model_dump(mode="json")
        low, high, log, integer, bounds = [], [], [], [], []
        for name in names:
            prior = spec.parameters[name]
            is_int = isinstance(_get(tree, name), int) and not isinstance(_get(tree, name), bool)
            is_log = prior.prior == "loguniform"
            lo, hi = prior.low, prior.high
            if is_int:
                lo, hi = lo - 0.5, hi + 0.5
            low.append(math.log(lo) if is_log else lo)
            high.append(math.log(hi) if is_log else hi)
            log.append(is_log)
            integer.append(is_int)
            bounds.append((prior.low, prior.high))
        return cls(
            names, np.array(low), np.array(high), np.array(log), np.array(integer), tuple(bounds)
        )

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.low + (self.high - self.low) * rng.random((n, len(self.names)))

    def values(self, latent: np.ndarray) -> dict[str, Any]:
        """The scenario values of one latent point: exp for log-uniform, rounded for integers."""
        out: dict[str, Any] = {}
        for i, name in enumerate(self.names):
            value = math.exp(latent[i]) if self.log[i] else float(latent[i])
            if self.integer[i]:
                lo, hi = self.bounds[i]
                value = int(min(max(math.floor(value + 0.5), lo), hi))
            out[name] = value
        return out


def _get(tree: dict[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def check_parameters(spec: CalibrationSpec, base: Scenario, file: str) -> None:
    """Every parameter path names a single value of the scenario, and both prior ends are valid."""
    tree = base.model_dump(mode="json")
    for name, prior in spec.parameters.items():
        try:
            current = _get(tree, name)
        except (KeyError, IndexError, ValueError, TypeError):
            raise CalibrationError(
                file, f"not a parameter of scenario {base.name}", key=f"parameters.{name}"
            ) from None
        if isinstance(current, dict | list | bool | str):
            raise CalibrationError(
                file, "is not a number of the scenario", key=f"parameters.{name}"
            ) from None
        if isinstance(current, int) and prior.prior == "loguniform":
            raise CalibrationError(
                file, "is a whole number: give it a uniform prior", key=f"parameters.{name}"
            )
        if isinstance(current, int) and not (
            float(prior.low).is_integer() and float(prior.high).is_integer()
        ):
            raise CalibrationError(
                file, "is a whole number: give whole low and high", key=f"parameters.{name}"
            )
        for end in (prior.low, prior.high):
            value: Any = int(end) if isinstance(current, int) else end
            try:
                apply_point(base, {name: value}, file)
            except ExperimentError as exc:
                raise CalibrationError(
                    file,
                    f"prior end {end} is out of bounds ({exc.message})",
                    key=f"parameters.{name}",
                ) from None


# --- distances ------------------------------------------------------------------------------


def distance(
    kind: str, targets: Sequence[Target], rows: Sequence[dict], scenario: Scenario
) -> float:
    """How far one run lies from the targets (calibration targets only: the caller's duty)."""
    pairs = [(model_value(t, rows, scenario), t.observed) for t in targets]
    if any(math.isnan(m) for m, _ in pairs):
        return math.inf
    return mean_abs_log_ratio(pairs) if kind == "log" else ard(pairs)


# --- the algorithm --------------------------------------------------------------------------


@dataclass
class Particle:
    """One proposed parameter set and what its run gave."""

    round: int
    index: int
    latent: np.ndarray
    values: dict[str, Any]
    seed: int
    run_id: str
    distance: float = math.inf
    status: str = "ok"
    accepted: bool = False
    weight: float = 0.0


@dataclass
class RoundSummary:
    round: int
    runs: int
    failed: int
    epsilon: float
    accepted: int
    wall_seconds: float
    ess: float


@dataclass
class Fit:
    """Everything a calibration produced."""

    particles: list[Particle] = field(default_factory=list)
    rounds: list[RoundSummary] = field(default_factory=list)

    def posterior(self) -> list[Particle]:
        last = self.rounds[-1].round
        return [p for p in self.particles if p.round == last and p.accepted]


def calibration_only(targets: Sequence[Target]) -> list[Target]:
    """The targets fitting may see: the calibration role, nothing else."""
    return [t for t in targets if t.role == "calibration"]


def fit(
    spec: CalibrationSpec,
    base: Scenario,
    targets: Sequence[Target],
    execute: Execute,
    *,
    file: str = "<calibration>",
    log: Callable[[str], None] = lambda text: None,
) -> Fit:
    """Run ABC rejection and `spec.rounds` ABC-SMC rounds; `targets` must all be calibration."""
    import time

    if any(t.role != "calibration" for t in targets):
        raise ValueError("fit() takes calibration targets only: hold the others out")
    if not targets:
        raise CalibrationError(file, "the targets table has no calibration targets", key="targets")
    check_places(targets, base, file)
    box = Box.of(spec, base)
    keep_n = math.floor(spec.particles * spec.accept)
    result = Fit()
    kept: list[Particle] = []
    for r in range(spec.rounds + 1):
        started = time.perf_counter()
        rng = np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(r, 2**31)))
        latent = box.sample(spec.particles, rng) if r == 0 else _propose(box, kept, spec, rng)
        batch = []
        for i, point in enumerate(latent):
            values = box.values(point)
            seed = run_seed(spec.seed, r, i)
            batch.append(Particle(r, i, point, values, seed, f"c{r:02d}p{i:06d}"))
        specs = [
            RunSpec(p.run_id, apply_point(base, p.values, file)[0], p.seed, {"run_id": p.run_id})
            for p in batch
        ]
        for p, run, outcome in zip(batch, specs, execute(specs), strict=True):
            p.status = outcome.status
            if outcome.status == "ok":
                p.distance = distance(spec.distance, targets, outcome.rows, run.scenario)
        ranked = sorted(batch, key=lambda p: (p.distance, p.index))
        epsilon = ranked[keep_n - 1].distance
        new_kept = [p for p in ranked[:keep_n] if math.isfinite(p.distance)]
        if not new_kept:
            raise CalibrationError(file, f"round {r}: every run failed or missed a target")
        _weigh(box, new_kept, kept, spec)
        for p in new_kept:
            p.accepted = True
        kept = new_kept
        weights = np.array([p.weight for p in kept])
        summary = RoundSummary(
            r,
            len(batch),
            sum(p.status != "ok" for p in batch),
            epsilon,
            len(kept),
            time.perf_counter() - started,
            float(1.0 / np.sum(weights**2)),
        )
        result.particles += batch
        result.rounds.append(summary)
        log(
            f"round {r}: {summary.runs} runs ({summary.failed} failed), kept {summary.accepted} "
            f"within distance {epsilon:.4f}, effective sample {summary.ess:.0f}, "
            f"{summary.wall_seconds:.0f} s"
        )
    return result


def _kernel_sd(box: Box, kept: Sequence[Particle]) -> np.ndarray:
    """Per-dimension kernel scale: sqrt(2 x weighted variance), never zero."""
    x = np.array([p.latent for p in kept])
    w = np.array([p.weight for p in kept])
    mean = w @ x
    var = w @ (x - mean) ** 2
    return np.sqrt(np.maximum(2.0 * var, 1e-6 * (box.high - box.low) ** 2))


def _propose(
    box: Box, kept: Sequence[Particle], spec: CalibrationSpec, rng: np.random.Generator
) -> np.ndarray:
    """New latent points: a kept particle chosen by weight, moved within the box by the kernel."""
    w = np.array([p.weight for p in kept])
    centres = np.array([p.latent for p in kept])[rng.choice(len(kept), spec.particles, p=w)]
    sd = _kernel_sd(box, kept)
    a = (box.low - centres) / sd
    b = (box.high - centres) / sd
    return truncnorm.rvs(a, b, loc=centres, scale=sd, random_state=rng)


def _weigh(
    box: Box, new: Sequence[Particle], previous: Sequence[Particle], spec: CalibrationSpec
) -> None:
    """Importance weights: 1 in the rejection round; prior / proposal density afterwards (the prior
    is flat on the box in latent space, so the weight is 1 / the mixture of truncated kernels)."""
    if not previous:
        for p in new:
            p.weight = 1.0 / len(new)
        return
    sd = _kernel_sd(box, previous)
    centres = np.array([p.latent for p in previous])
    w_prev = np.array([p.weight for p in previous])
    mass = np.prod(ndtr((box.high - centres) / sd) - ndtr((box.low - centres) / sd), axis=1)
    x = np.array([p.latent for p in new])
    z = (x[:, None, :] - centres[None, :, :]) / sd
    density = np.exp(-0.5 * np.sum(z**2, axis=2)) / mass[None, :]
    weights = 1.0 / (density @ w_prev)
    weights /= weights.sum()
    for p, weight in zip(new, weights, strict=True):
        p.weight = float(weight)


# --- summaries of the posterior -------------------------------------------------------------


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of a weighted sample (the smallest value whose cumulative weight reaches q)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / np.sum(weights)
    return float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)])


def posterior_summary(box: Box, posterior: Sequence[Particle]) -> dict[str, dict[str, float]]:
    """Per parameter: weighted median and 5-95% interval of the accepted values."""
    w = np.array([p.weight for p in posterior])
    out = {}
    for name in box.names:
        v = np.array([float(p.values[name]) for p in posterior])
        out[name] = {
            "median": weighted_quantile(v, w, 0.5),
            "low": weighted_quantile(v, w, 0.05),
            "high": weighted_quantile(v, w, 0.95),
        }
    return out


def fitted_values(box: Box, posterior: Sequence[Particle]) -> dict[str, Any]:
    """The calibrated point: each parameter's weighted posterior median (whole for integers)."""
    summary = posterior_summary(box, posterior)
    values: dict[str, Any] = {}
    for i, name in enumerate(box.names):
        median = summary[name]["median"]
        values[name] = round(median) if box.integer[i] else float(f"{median:.4g}")
    return values


def check_specs(spec: CalibrationSpec, scenarios: dict[str, Scenario]) -> list[tuple[str, RunSpec]]:
    """Replicate runs of each named scenario for the closing before/after comparison."""
    out = []
    for k, (label, scenario) in enumerate(scenarios.items()):
        for r in range(spec.replicates):
            seed = run_seed(spec.seed, CHECK_ROUND + k, r)
            run_id = f"check-{label}-{r:03d}"
            out.append((label, RunSpec(run_id, scenario, seed, {"run_id": run_id})))
    return out
