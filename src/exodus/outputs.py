"""Write a finished run to its directory: records, provenance, the resolved scenario and plots.

The directory appears whole or not at all: everything is written into a temporary sibling that is
renamed into place at the end, so an interrupted run never leaves a half-written result that looks
like a real one. Numbers are formatted one fixed way, so the same scenario and seed give
byte-identical CSV files.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import exodus
from exodus.files import check_output_dir, staging_dir
from exodus.model.record import EVENTS_COLUMNS, TIMESERIES_COLUMNS
from exodus.runner import RunResult
from exodus.scenario.loader import dump_scenario

FLOAT_FORMAT = ".8g"
"""Eight significant digits: far beyond what the model can claim, short enough to read."""

RUN_FILES = (
    "timeseries.csv",
    "events.csv",
    "meta.json",
    "scenario.yaml",
    "rent.png",
    "tension.png",
)


class OutputExistsError(Exception):
    """The output directory is already there and the user did not ask to replace it."""


class RunDirError(Exception):
    """A run directory that cannot be read back (no timeseries.csv, or a broken one)."""


def format_value(value: Any) -> str:
    """One cell of a CSV file, the same text for the same value on every run and platform."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    kind = getattr(getattr(value, "dtype", None), "kind", "")
    if kind == "b":  # numpy booleans
        return "true" if value else "false"
    if kind in ("i", "u"):  # numpy integers
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) or kind == "f":
        number = float(value)
        if math.isnan(number):
            return "nan"
        text = format(number, FLOAT_FORMAT)
        return "0" if text == "-0" else text
    return str(value)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict]) -> None:
    """Rows as CSV with exactly `columns`; a row with other keys is a bug in the recorder."""
    expected = set(columns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for number, row in enumerate(rows, start=1):
            if set(row) != expected:
                missing = sorted(expected - set(row))
                extra = sorted(set(row) - expected)
                raise ValueError(
                    f"{path.name} row {number}: keys differ from the recorder's columns "
                    f"(missing {missing}, extra {extra})"
                )
            writer.writerow([format_value(row[column]) for column in columns])


def read_rows(path: Path, run_dir: Path, required: Iterable[str]) -> list[dict[str, str]]:
    """The rows of one CSV file of a run directory, values as text; a missing or broken file, or
    one without the `required` columns, is a RunDirError naming it."""
    from exodus import limits
    from exodus.files import UserFileError, read_user_text

    try:
        text = read_user_text(path, what="run's CSV file", limit=limits.MAX_CSV_BYTES)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = list(reader)
        header = reader.fieldnames or []
    except UserFileError as exc:
        hint = f" (is {run_dir} a run directory?)" if exc.message == "no such file" else ""
        raise RunDirError(f"{exc}{hint}") from None
    except csv.Error as exc:
        raise RunDirError(f"{path}: cannot be read ({exc})") from None
    missing = [column for column in required if column not in header]
    if missing:
        raise RunDirError(f"{path}: missing columns {sorted(missing)}")
    return rows


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def git_commit() -> dict[str, Any]:
    """The commit of the checkout the package runs from, if it runs from one, and if it is dirty."""
    package_dir = Path(exodus.__file__).resolve().parent
    if not any((parent / ".git").exists() for parent in package_dir.parents):
        return {"commit": None, "dirty": None}

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=package_dir, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def scenario_text(result: RunResult) -> str:
    """The resolved scenario exactly as run: the seed actually used written into it."""
    return dump_scenario(result.scenario.model_copy(update={"seed": result.seed}))


def run_meta(result: RunResult, scenario_yaml: str) -> dict[str, Any]:
    """Provenance of a run: enough to tell two runs apart and to repeat one."""
    git = git_commit()
    return {
        "scenario_name": result.scenario.name,
        "scenario_sha256": hashlib.sha256(scenario_yaml.encode("utf-8")).hexdigest(),
        "seed": result.seed,
        "start": result.scenario.start.isoformat(),
        "end": result.scenario.end.isoformat(),
        "scale": result.scenario.scale,
        "agent_weight": result.agent_weight,
        "agent_steps": result.agent_steps,
        "wall_seconds": round(result.wall_seconds, 3),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "versions": {
            "exodus": exodus.__version__,
            "mesa": _version("mesa"),
            "numpy": _version("numpy"),
            "pydantic": _version("pydantic"),
            "python": platform.python_version(),
        },
    }


def check_target(out_dir: Path, force: bool) -> None:
    """Refuse to overwrite an earlier run unless asked: checked before a run, and again after."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExistsError(f"{out_dir}: exists and is not a directory")
    if out_dir.exists() and not force:
        raise OutputExistsError(f"{out_dir}: already exists (use --force to replace it)")


def write_run(result: RunResult, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Write every output of `result` into `out_dir`, all at once; return the files' paths."""
    from exodus.plots import RunData, plot_run  # matplotlib only when a run is written

    out_dir = Path(out_dir)
    check_target(out_dir, force)
    check_output_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(out_dir)
    try:
        write_csv(staging / "timeseries.csv", TIMESERIES_COLUMNS, result.timeseries)
        write_csv(staging / "events.csv", EVENTS_COLUMNS, result.events)
        text = scenario_text(result)
        (staging / "scenario.yaml").write_text(text, encoding="utf-8")
        meta = run_meta(result, text)
        (staging / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        plot_run(RunData.from_result(result), staging)
        _swap_into_place(staging, out_dir, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / name for name in RUN_FILES]


def _swap_into_place(staging: Path, out_dir: Path, force: bool) -> None:
    """Rename the finished staging directory to `out_dir`, replacing an old run if forced."""
    check_target(out_dir, force)
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=out_dir.parent))
    old.rmdir()
    out_dir.rename(old)
    try:
        staging.rename(out_dir)
    except BaseException:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def read_timeseries(run_dir: str | Path, numeric: Sequence[str]) -> list[dict[str, str]]:
    """A written run's timeseries.csv, checked as it is read back: a RunDirError naming the file
    and line if it is not a whole run (a truncated last line, a town cut short, fewer days than
    meta.json says) or if a column of `numeric` holds anything but a finite number."""
    from exodus import limits
    from exodus.files import UserFileError, read_user_text

    run_dir = Path(run_dir)
    path = run_dir / "timeseries.csv"
    try:
        text = read_user_text(path, what="run's timeseries.csv", limit=limits.MAX_CSV_BYTES)
    except UserFileError as exc:
        hint = f" (is {run_dir} a run directory?)" if exc.message == "no such file" else ""
        raise RunDirError(f"{exc}{hint}") from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        records = list(reader)
    except csv.Error as exc:
        raise RunDirError(f"{path}: damaged CSV ({exc})") from None
    needed = ["date", "town", *numeric]
    missing = [c for c in needed if c not in header]
    if missing or not records:
        raise RunDirError(f"{path}: no rows, or missing columns {sorted(missing)}")
    rows: list[dict[str, str]] = []
    per_town: dict[str, list[str]] = {}
    for line, record in enumerate(records, start=2):
        if len(record) != len(header):
            raise RunDirError(
                f"{path}: line {line} has {len(record)} of {len(header)} columns (truncated?)"
            )
        row = dict(zip(header, record, strict=True))
        try:
            dt.date.fromisoformat(row["date"])
        except ValueError:
            raise RunDirError(
                f"{path}: line {line}: date {row['date'][:40]!r} is not a date"
            ) from None
        for column in numeric:
            try:
                value = float(row[column])
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise RunDirError(
                    f"{path}: line {line}: {column} is {row[column][:40]!r}, not a finite number"
                )
        per_town.setdefault(row["town"], []).append(row["date"])
        rows.append(row)
    lengths = {town: len(dates) for town, dates in per_town.items()}
    if len(set(lengths.values())) > 1:
        raise RunDirError(
            f"{path}: towns have different numbers of days ({lengths}); the file is cut short"
        )
    end = _meta_end(run_dir)
    last = max(max(dates) for dates in per_town.values())
    if end is not None and last != end:
        raise RunDirError(f"{path}: ends on {last}, but meta.json says the run ended on {end}")
    return rows


def _meta_end(run_dir: Path) -> str | None:
    """The last day of the run as meta.json records it, if meta.json can be read."""
    try:
        meta = json.loads((run_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    end = meta.get("end") if isinstance(meta, dict) else None
    return end if isinstance(end, str) else None
