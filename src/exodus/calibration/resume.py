"""The finished runs of a calibration, kept so that a stopped `exodus calibrate` can resume.

They live beside DIR in `.<name>.partial/`: state.json (the hash of the resolved calibration) and
runs/<run>.json, one per finished ABC run, written atomically the moment it finishes, with the
rows its distance is computed from. The ABC proposals depend only on the master seed and the
earlier rounds' runs, so replaying stored runs proposes the same particles, and a resumed
calibration writes what an uninterrupted one writes. A stored run that does not read back whole,
or was made with another seed or scenario, is run again. The directory goes once DIR is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exodus.calibration.abc import KeepTargets
from exodus.calibration.spec import Loaded
from exodus.calibration.targets import Target
from exodus.files import UserFileError, atomic_write
from exodus.scenario.schema import Scenario
from exodus.sweep.executor import RunOutcome, RunSpec

STATE_FILE = "state.json"


def state_dir(out_dir: Path) -> Path:
    """Where the finished runs of a calibration into `out_dir` are kept until it is written."""
    return out_dir.parent / f".{out_dir.name}.partial"


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def calibration_hash(loaded: Loaded, targets: Sequence[Target]) -> str:
    """What the runs depend on: the calibration's settings, its resolved scenarios, its targets.

    A changed calibration file, scenario file or targets table gives another hash, so --resume
    refuses to mix runs of two calibrations.
    """
    return _digest(
        {
            "spec": loaded.spec.model_dump(mode="json"),
            "base": loaded.base.model_dump(mode="json"),
            "before": loaded.before.model_dump(mode="json"),
            "targets": [t.model_dump(mode="json") for t in targets],
        }
    )


def _scenario_hash(scenario: Scenario) -> str:
    return _digest(scenario.model_dump(mode="json"))


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} is not JSON")


class RunStore:
    """The stored runs of one calibration (held under the calibration's lock)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runs = root / "runs"

    @classmethod
    def open(cls, out_dir: Path, digest: str, name: str, *, resume: bool, force: bool) -> RunStore:
        """Start a new store, replace one (force), or reopen one made by this calibration (resume);
        a UserFileError (one line, exit 2) for a stored state the command was not told about."""
        root = state_dir(out_dir)
        if root.exists() and force:
            shutil.rmtree(root)
        elif root.exists() and not resume:
            raise UserFileError(
                out_dir,
                f"a stopped calibration is stored in {root} (use --resume to complete it, "
                "--force to start again)",
            )
        elif root.exists():
            try:
                found = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError):
                found = None
            if not isinstance(found, dict):
                raise UserFileError(
                    root / STATE_FILE, "damaged or missing; start again with --force"
                )
            if found.get("hash") != digest:
                raise UserFileError(
                    out_dir,
                    f"the stopped calibration in {root} was made by another calibration "
                    f"({found.get('name')!r}, or this one since changed); resume only the "
                    "calibration that made it, or start again with --force",
                )
        cls._make(root, digest, name)
        return cls(root)

    @staticmethod
    def _make(root: Path, digest: str, name: str) -> None:
        (root / "runs").mkdir(parents=True, exist_ok=True)
        if not (root / STATE_FILE).exists():
            state = {"name": name, "hash": digest}
            atomic_write(root / STATE_FILE, (json.dumps(state, indent=1) + "\n").encode())

    def count(self) -> int:
        """How many runs are stored."""
        return sum(1 for _ in self.runs.glob("*.json")) if self.runs.is_dir() else 0

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def write(self, outcome: RunOutcome, spec: RunSpec) -> None:
        """Store one run that finished ok (a failed one is run again on resume)."""
        if outcome.status != "ok":
            return
        record = {
            "run_id": outcome.run_id,
            "seed": spec.seed,
            "scenario": _scenario_hash(spec.scenario),
            "status": outcome.status,
            "wall_seconds": round(outcome.wall_seconds, 3),
            "rows": outcome.rows,
        }
        data = json.dumps(record, default=_plain).encode()
        atomic_write(self.runs / f"{outcome.run_id}.json", data)

    def load(self, spec: RunSpec, keep: KeepTargets) -> RunOutcome | None:
        """The stored outcome of `spec`, or None if absent, damaged or made for another run."""
        try:
            record = json.loads((self.runs / f"{spec.run_id}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(record, dict):
            return None
        same = (
            record.get("run_id") == spec.run_id
            and record.get("seed") == spec.seed
            and record.get("status") == "ok"
            and record.get("scenario") == _scenario_hash(spec.scenario)
        )
        rows = record.get("rows")
        if not same or not isinstance(rows, list) or not _rows_ok(rows, keep, spec):
            return None
        wall = record.get("wall_seconds")
        wall = float(wall) if isinstance(wall, int | float) else 0.0
        return RunOutcome(spec.run_id, "ok", wall, None, rows)


def _rows_ok(rows: list, keep: KeepTargets, spec: RunSpec) -> bool:
    """Every row has the kept columns (and at most the run's labels besides): the place and date
    as text, the metrics as numbers."""
    keys = {"date", "town", "country", *keep.columns}
    allowed = keys | set(spec.labels)
    for row in rows:
        if not isinstance(row, dict) or not keys <= set(row) <= allowed:
            return False
        if not all(isinstance(row[k], str) for k in ("date", "town", "country")):
            return False
        for column in keep.columns:
            value = row[column]
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                return False
    return True


__all__ = ["RunStore", "calibration_hash", "state_dir"]
