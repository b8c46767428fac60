"""`exodus calibrate`: fit, check the fit against the scenario it must beat, write it all out.

Each fitting run is stored the moment it finishes (`resume.RunStore`, beside DIR), so a stopped
calibration resumes with `resume=True` and writes what an uninterrupted one would have.
The output directory appears whole or not at all (written into a temporary sibling, then renamed):
particles.csv (every run of every round), posterior.csv (the accepted sets of the last round, with
weights), posterior.png, posterior_pairs.png, calibrated.yaml (a scenario that `extends:` the fitted
one with the fitted values), compare.csv and compare.png (before and after in one figure, over
replicates), report.txt and summary.json (each with the posterior's warnings, if any).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from exodus.calibration.abc import (
    Box,
    Execute,
    Fit,
    KeepTargets,
    calibration_only,
    check_specs,
    fit,
    fitted_values,
    posterior_summary,
)
from exodus.calibration.compare import Row, compare_run, comparison_csv, report, score
from exodus.calibration.diagnostics import posterior_warnings
from exodus.calibration.figures import comparison_figure, pairs_figure, posterior_figure
from exodus.calibration.resume import RunStore, calibration_hash
from exodus.calibration.spec import Loaded
from exodus.calibration.targets import Target, load_targets
from exodus.files import UserFileError, check_output_dir, hold_lock, staging_dir
from exodus.outputs import check_target
from exodus.scenario.schema import Scenario
from exodus.sweep.executor import ExecutorError, RunOutcome
from exodus.sweep.experiment import apply_point


def calibrate(
    loaded: Loaded,
    out_dir: Path,
    run: Callable[..., list[RunOutcome]],
    *,
    force: bool = False,
    resume: bool = False,
    log: Callable[[str], None] = lambda text: None,
) -> dict[str, Any]:
    """Fit, check and write; `run(specs, keep, on_done=None)` executes runs in spec order and
    calls `on_done(outcome)` as each finishes. `resume` reuses the runs a stopped calibration
    into `out_dir` stored. Returns the summary.

    A KeyboardInterrupt (Ctrl-C, SIGTERM, SIGHUP), ExecutorError or OSError keeps the stored runs and
    carries `calibration_stored` = (runs stored, fitting runs in all, where)."""
    if resume and force:
        raise UserFileError(out_dir, "--resume and --force: choose one")
    check_target(out_dir, force)
    check_output_dir(out_dir)
    made = [p for p in reversed(out_dir.absolute().parents) if not p.exists()]
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir.parent / f".{out_dir.name}.lock"
    lock = hold_lock(lock_path, f"exodus calibrate {loaded.file}", out_dir)
    try:
        return _calibrate(loaded, out_dir, run, force, resume, log)
    finally:
        lock_path.unlink(missing_ok=True)
        os.close(lock)
        for parent in reversed(made):  # a failed calibration leaves no empty directories
            with contextlib.suppress(OSError):
                parent.rmdir()


def _calibrate(
    loaded: Loaded,
    out_dir: Path,
    run: Callable[..., list[RunOutcome]],
    force: bool,
    resume: bool,
    log: Callable[[str], None],
) -> dict[str, Any]:
    spec = loaded.spec
    targets = load_targets(loaded.targets_path)
    fitting = calibration_only(targets)
    started = time.perf_counter()
    keep_fit = KeepTargets.of(fitting)
    digest = calibration_hash(loaded, targets)
    store = RunStore.open(out_dir, digest, spec.name, resume=resume, force=force)
    ran = 0

    def execute_fit(specs: Sequence) -> list[RunOutcome]:
        nonlocal ran
        found = {s.run_id: store.load(s, keep_fit) for s in specs}
        todo = [s for s in specs if found[s.run_id] is None]
        if len(todo) < len(specs):
            log(f"{len(specs) - len(todo)} of {len(specs)} runs of this round were stored")
        by_id = {s.run_id: s for s in todo}
        fresh = (
            run(todo, keep_fit, on_done=lambda o: store.write(o, by_id[o.run_id])) if todo else []
        )
        ran += len(todo)
        done = {o.run_id: o for o in fresh}
        return [found[s.run_id] or done[s.run_id] for s in specs]

    try:
        summary = _fit_and_check(
            loaded, out_dir, run, force, log, fitting, targets, execute_fit, started
        )
    except (KeyboardInterrupt, ExecutorError, OSError) as exc:  # worth resuming
        stored = store.count()
        if stored:
            exc.calibration_stored = (  # type: ignore[attr-defined]
                stored,
                (spec.rounds + 1) * spec.particles,
                store.root,
            )
        else:
            store.remove()
        raise
    except BaseException:
        store.remove()
        raise
    store.remove()
    if ran < summary["runs"]:
        log(f"resumed: {summary['runs'] - ran} stored runs reused, {ran} run now")
    return summary


def _fit_and_check(
    loaded: Loaded,
    out_dir: Path,
    run: Callable[..., list[RunOutcome]],
    force: bool,
    log: Callable[[str], None],
    fitting: Sequence[Target],
    targets: Sequence[Target],
    execute_fit: Callable[[Sequence], list[RunOutcome]],
    started: float,
) -> dict[str, Any]:
    spec = loaded.spec
    result = fit(spec, loaded.base, fitting, execute_fit, file=loaded.file, log=log)
    box = Box.of(spec, loaded.base)
    posterior = result.posterior()
    values = fitted_values(box, posterior)
    calibrated, _ = apply_point(loaded.base, values, loaded.file)
    log(f"fitted: {', '.join(f'{k}={v}' for k, v in values.items())}")
    last = result.rounds[-1]
    warnings = posterior_warnings(box, posterior, last.ess, last.round)

    scored = [t for t in targets if t.scored or t.role == "input"]
    checks = check_specs(spec, {"before": loaded.before, "after": calibrated})
    outcomes = run([s for _, s in checks], KeepTargets.of(scored))
    by_label: dict[str, list[tuple[Any, list[dict]]]] = {"before": [], "after": []}
    for (label, run_spec), outcome in zip(checks, outcomes, strict=True):
        if outcome.status == "ok":
            by_label[label].append((run_spec.scenario, outcome.rows))
    rows = {label: compare_run(scored, runs, loaded.file) for label, runs in by_label.items()}
    wall = time.perf_counter() - started

    summary = _summary(loaded, result, box, posterior, values, rows, wall)
    summary["warnings"] = warnings
    _write(out_dir, force, loaded, result, box, values, rows, by_label, scored, summary, calibrated)
    return summary


def _scores(rows: Sequence[Row]) -> dict[str, dict[str, float]]:
    out = {}
    for role in ("calibration", "validation"):
        s = score(rows, role)
        out[role] = {
            "targets": s.n,
            "ard": round(s.ard, 4),
            "mean_abs_log_ratio": round(s.log_ratio, 4),
            "crps_over_observed": None if math.isnan(s.crps) else round(s.crps, 4),
        }
    return out


def _summary(
    loaded: Loaded,
    result: Fit,
    box: Box,
    posterior: Sequence,
    values: dict[str, Any],
    rows: dict[str, list[Row]],
    wall: float,
) -> dict[str, Any]:
    spec = loaded.spec
    runs = len(result.particles)
    return {
        "name": spec.name,
        "experiment": spec.model_dump(mode="json"),
        "runs": runs,
        "check_runs": 2 * spec.replicates,
        "failed": sum(p.status != "ok" for p in result.particles),
        "wall_seconds": round(wall, 1),
        "rounds": [
            {
                **asdict(r),
                "epsilon": round(r.epsilon, 5),
                "wall_seconds": round(r.wall_seconds, 1),
                "ess": round(r.ess, 1),
                "acceptance_rate": round(r.accepted / r.runs, 4),
            }
            for r in result.rounds
        ],
        "acceptance_rate_overall": round(len(posterior) / runs, 4),
        "fitted": values,
        "posterior": {
            k: {q: float(f"{v:.4g}") for q, v in s.items()}
            for k, s in posterior_summary(box, posterior).items()
        },
        "scores": {label: _scores(r) for label, r in rows.items()},
        "calibration_targets": [
            r.target.id for r in rows["after"] if r.target.role == "calibration"
        ],
        "validation_targets": [r.target.id for r in rows["after"] if r.target.role == "validation"],
    }


def calibrated_yaml(
    loaded: Loaded, out_dir: Path, box: Box, values: dict[str, Any], summary: dict[str, Any]
) -> str:
    """A scenario over the fitted one (path relative to `out_dir`) setting the fitted values, each
    with its posterior interval and prior as a comment."""
    spec = loaded.spec
    parent = os.path.relpath(loaded.scenario_path.resolve(), out_dir.resolve())
    targets = ", ".join(summary["calibration_targets"])
    lines = [
        f"# Calibrated by `exodus calibrate {loaded.file}` ({spec.name}): ABC rejection and "
        f"{spec.rounds} SMC round(s),",
        f"# {summary['runs']} runs at scale {spec.scale:g} to {spec.end}, fitted to targets "
        f"{targets};",
        "# each value is the weighted posterior median.",
        f"extends: {parent}",
        f"name: {loaded.base.name}_calibrated",
    ]
    tree = _override_tree(loaded, values)
    post = summary["posterior"]

    def emit(node: dict[str, Any], path: str, indent: int) -> None:
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if isinstance(value, dict):
                lines.append(f"{' ' * indent}{key}:")
                emit(value, here, indent + 2)
                continue
            if here not in spec.parameters:  # a sibling written out to keep its block whole
                lines.append(f"{' ' * indent}{key}: {json.dumps(value)}")
                continue
            prior = spec.parameters[here]
            lines.append(
                f"{' ' * indent}{key}: {value}  # calibrated: 90% interval "
                f"{post[here]['low']:g}-{post[here]['high']:g}; prior {prior.prior} "
                f"{prior.low:g}-{prior.high:g}"
            )

    emit(tree, "", 0)
    return "\n".join(lines) + "\n"


def _override_tree(loaded: Loaded, values: dict[str, Any]) -> dict[str, Any]:
    """The nested keys a file over the fitted scenario must set to give it `values`.

    A block the parent files never write (such as `flows.mobilised`, whose values come from the
    schema's defaults) is written whole: the loader would otherwise build it from a lone key and
    lose its other values.
    """
    from exodus.scenario.loader import load_tree

    written = load_tree(loaded.scenario_path)
    resolved = loaded.base.model_dump(mode="json")
    tree: dict[str, Any] = {}
    for name, value in values.items():
        parts = name.split(".")
        node, file_node, full = tree, written, resolved
        for depth, part in enumerate(parts[:-1]):
            full = full[part]
            present = isinstance(file_node, dict) and part in file_node
            file_node = file_node[part] if present else None
            if not present:
                block = node.setdefault(part, {})
                for key, item in full.items():
                    block.setdefault(key, item)
                node = block
                for rest in parts[depth + 1 : -1]:
                    node = node[rest]
                break
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def _particles_csv(result: Fit, box: Box) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "round",
            "particle",
            "run_id",
            "seed",
            *box.names,
            "status",
            "distance",
            "accepted",
            "weight",
        ]
    )
    for p in result.particles:
        writer.writerow(
            [
                p.round,
                p.index,
                p.run_id,
                p.seed,
                *(format(float(p.values[n]), ".6g") for n in box.names),
                p.status,
                "inf" if math.isinf(p.distance) else format(p.distance, ".6g"),
                "true" if p.accepted else "false",
                format(p.weight, ".6g") if p.accepted else "",
            ]
        )
    return out.getvalue()


def _write(
    out_dir: Path,
    force: bool,
    loaded: Loaded,
    result: Fit,
    box: Box,
    values: dict[str, Any],
    rows: dict[str, list[Row]],
    by_label: dict[str, list],
    scored: Sequence[Target],
    summary: dict[str, Any],
    expected: Scenario,
) -> None:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(out_dir)
    try:
        (staging / "particles.csv").write_text(_particles_csv(result, box), encoding="utf-8")
        posterior = result.posterior()
        text = _particles_csv(Fit(particles=posterior, rounds=result.rounds), box)
        (staging / "posterior.csv").write_text(text, encoding="utf-8")
        rounds = []
        for summary_round in result.rounds:
            kept = [p for p in result.particles if p.round == summary_round.round and p.accepted]
            rounds.append(
                (summary_round.round, [p.values for p in kept], np.array([p.weight for p in kept]))
            )
        png = posterior_figure(
            box.names, box.bounds, rounds, values, list(box.log), list(box.integer)
        )
        (staging / "posterior.png").write_bytes(png)
        png = pairs_figure(
            box.names, box.bounds, posterior, values, list(box.log), list(box.integer)
        )
        (staging / "posterior_pairs.png").write_bytes(png)
        (staging / "calibrated.yaml").write_text(
            calibrated_yaml(loaded, out_dir, box, values, summary), encoding="utf-8"
        )
        _check_calibrated(staging / "calibrated.yaml", expected)
        table = io.StringIO()
        for label in ("before", "after"):
            body = comparison_csv(rows[label]).splitlines()
            if label == "before":
                table.write(f"scenario,{body[0]}\n")
            table.writelines(f"{label},{line}\n" for line in body[1:])
        (staging / "compare.csv").write_text(table.getvalue(), encoding="utf-8")
        before, after = by_label["before"], by_label["after"]
        if after:
            png = comparison_figure(
                scored,
                after,
                f"Before and after calibration: {before[0][0].name if before else '?'} "
                f"(purple, dashed) and {after[0][0].name}",
                label="after",
                before=(f"before: {before[0][0].name}", before) if before else None,
            )
            (staging / "compare.png").write_bytes(png)
        (staging / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
        warned = "".join(f"warning: {w}\n" for w in summary["warnings"])
        (staging / "report.txt").write_text(
            (f"{warned}\n" if warned else "")
            + "".join(f"== {label} ==\n{report(rows[label])}\n" for label in ("before", "after")),
            encoding="utf-8",
        )
        check_target(out_dir, force)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_calibrated(path: Path, expected: Scenario) -> None:
    """The written scenario must load to the fitted one (bar name, scale and end): a bug if not."""
    from exodus.scenario.loader import load_scenario

    written = load_scenario(path)
    same = {"name": expected.name, "scale": expected.scale, "end": expected.end}
    if written.model_copy(update=same).model_dump() != expected.model_dump():
        raise RuntimeError(f"{path} does not load to the calibrated scenario")


def execute_with(workers: int | None, dask: str | None, progress: bool) -> Callable:
    """`run(specs, keep, on_done=None)` on the sweep executor."""
    from exodus.sweep.executor import execute

    def run(specs: Sequence, keep: Any, on_done: Callable | None = None) -> list[RunOutcome]:
        return execute(
            specs, workers=workers, dask=dask, keep=keep, on_done=on_done, progress=progress
        )

    return run


__all__ = ["Execute", "calibrate", "calibrated_yaml", "execute_with"]
