"""A sweep's directory: one Parquet part and one index file per finished run, then the whole table.

Each run is written atomically (temporary file, fsync, rename) the moment it finishes, so a sweep
killed midway loses only the runs in flight and `--resume` knows exactly which runs are done. The
consolidated `results.parquet` and `index.csv` are rebuilt from the parts in run-id order, so their
bytes do not depend on the order runs finished in, nor on the executor.

Layout: experiment.json (the experiment, its design, its hash and the resolved scenarios it ran),
parts/<run>.parquet, runs/<run>.json (status, wall time, traceback), results.parquet, index.csv,
and .lock, held by the one process writing the directory. Everything read back is checked: a part
that does not read whole, with this sweep's columns and its own run's rows, is run again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from exodus import limits
from exodus.files import (
    UserFileError,
    atomic_write,
    check_output_dir,
    check_user_file,
    hold_lock,
    os_reason,
    read_user_bytes,
)
from exodus.outputs import format_value
from exodus.sweep.executor import RunOutcome, RunSpec

EXPERIMENT_FILE = "experiment.json"
RESULTS_FILE = "results.parquet"
INDEX_FILE = "index.csv"
LABEL_COLUMNS = ("run_id", "scenario")
TAIL_LABELS = ("point", "replicate", "seed")


class StoreError(Exception):
    """An output directory that cannot take this sweep (exists, or was made by another)."""


LOCK_FILE = ".lock"
"""Held (flock) by the one process writing a sweep directory; the kernel drops it if that dies."""

INFO_KEYS = {"name": str, "hash": str, "experiment": dict, "design_points": list, "runs": int}
"""What experiment.json must hold, and of which type, for a sweep directory to be read."""


def lock_directory(root: Path, command: str) -> int:
    """Take the lock of a sweep directory; a StoreError naming the holder if another has it."""
    try:
        return hold_lock(Path(root) / LOCK_FILE, command, Path(root))
    except UserFileError as exc:
        raise StoreError(str(exc)) from None


def check_info(info: Any, path: Path) -> dict[str, Any]:
    """experiment.json as read back: a StoreError unless it has every key a reader uses."""
    if not isinstance(info, dict):
        raise StoreError(f"{path}: damaged (not a JSON object); rerun the sweep with --force")
    for key, kind in INFO_KEYS.items():
        if not isinstance(info.get(key), kind):
            raise StoreError(
                f"{path}: damaged ({key!r} is missing or not a {kind.__name__}); "
                "rerun the sweep with --force"
            )
    experiment = info["experiment"]
    for key, kind in (("design", str), ("parameters", dict), ("metrics", list), ("seed", int)):
        if not isinstance(experiment.get(key), kind):
            raise StoreError(f"{path}: damaged (experiment.{key} is missing or wrong)")
    return info


def read_parquet(path: Path, schema: pa.Schema | None = None, what: str = "file") -> pa.Table:
    """A Parquet file of a sweep read back whole, or a StoreError naming it and the damage."""
    try:
        check_user_file(path, what=what, limit=limits.MAX_SWEEP_FILE_BYTES)
        return pq.read_table(path, schema=schema)
    except UserFileError as exc:
        raise StoreError(str(exc)) from None
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise StoreError(f"{path}: damaged ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


class Store:
    """The directory of one sweep."""

    def __init__(
        self, root: Path, *, parameters: Sequence[str], metrics: Sequence[str], info: dict
    ) -> None:
        self.root = Path(root)
        self.parameters = list(parameters)
        self.metrics = list(metrics)
        self.info = info
        self.schema = self._schema(info.get("parameter_types", {}))

    def _schema(self, types: dict[str, str]) -> pa.Schema:
        kinds = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "str": pa.string()}
        fields = [pa.field("run_id", pa.string()), pa.field("scenario", pa.string())]
        fields += [pa.field(name, kinds[types.get(name, "float")]) for name in self.parameters]
        fields += [
            pa.field("point", pa.int32()),
            pa.field("replicate", pa.int32()),
            pa.field("seed", pa.uint64()),
            pa.field("date", pa.date32()),
            pa.field("day", pa.int32()),
            pa.field("town", pa.string()),
        ]
        fields += [pa.field(metric, pa.float64()) for metric in self.metrics]
        return pa.schema(fields)

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        info: dict,
        parameters: Sequence[str],
        metrics: Sequence[str],
        resume: bool,
        force: bool,
        command: str = "exodus sweep",
    ) -> Store:
        """Create the directory, or reopen it for --resume if it holds the same experiment; in
        both cases lock it, so that a second writer is refused rather than mixed in."""
        root = Path(root)
        try:
            check_output_dir(root)
        except UserFileError as exc:
            raise StoreError(str(exc)) from None
        existed = root.is_dir() and any(p.name != LOCK_FILE for p in root.iterdir())
        if existed and not (resume or force):
            raise StoreError(
                f"{root}: already exists (use --resume to complete it, --force to replace it)"
            )
        if existed and resume:
            cls.read_info(root)  # not a sweep directory: refused before a lock file is made
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{root}: cannot be created ({os_reason(exc)})") from None
        lock = lock_directory(root, command)
        try:
            if existed and resume:
                found = cls.read_info(root)
                if found.get("hash") != info["hash"]:
                    raise StoreError(
                        f"{root}: made by a different experiment ({found.get('name')!r}, or the "
                        "same one since changed); resume only the sweep that made it"
                    )
            elif existed:
                for child in root.iterdir():
                    if child.name == LOCK_FILE:
                        continue
                    if child.is_dir() and not child.is_symlink():
                        shutil.rmtree(child)
                    else:
                        child.unlink()
            for sub in ("parts", "runs"):
                (root / sub).mkdir(exist_ok=True)
            if not (root / EXPERIMENT_FILE).exists():
                atomic_write(root / EXPERIMENT_FILE, (json.dumps(info, indent=2) + "\n").encode())
        except BaseException:
            os.close(lock)
            raise
        store = cls(root, parameters=parameters, metrics=metrics, info=info)
        store._lock = lock
        return store

    def close(self) -> None:
        """Release the directory's lock (the kernel does it too when the process ends)."""
        lock = getattr(self, "_lock", None)
        if lock is not None:
            os.close(lock)
            self._lock = None

    @staticmethod
    def read_info(root: Path) -> dict[str, Any]:
        """experiment.json of a sweep directory, checked, or a StoreError saying what is wrong."""
        path = Path(root) / EXPERIMENT_FILE
        try:
            text = read_user_bytes(
                path, what="sweep's experiment.json", limit=limits.MAX_SWEEP_FILE_BYTES
            )
        except UserFileError as exc:
            if exc.message == "no such file":
                raise StoreError(f"{root}: not a sweep directory (no {EXPERIMENT_FILE})") from None
            raise StoreError(str(exc)) from None
        try:
            info = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise StoreError(
                f"{path}: damaged ({_first_line(exc)}); rerun the sweep with --force"
            ) from None
        return check_info(info, path)

    # ---- runs ------------------------------------------------------------------------------

    def done_ok(self) -> set[str]:
        """Runs stored as finished and ok whose part reads back whole, with this sweep's columns
        and only its own rows: --resume skips these and reruns every other."""
        done = set()
        for path in (self.root / "runs").glob("r*.json"):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            run_id = record.get("run_id") if isinstance(record, dict) else None
            if isinstance(run_id, str) and record.get("status") == "ok" and self.part_ok(run_id):
                done.add(run_id)
        return done

    def part_ok(self, run_id: str) -> bool:
        """The part of `run_id` is present, complete, of this sweep's schema and all its own."""
        try:
            table = read_parquet(self.root / "parts" / f"{run_id}.parquet", self.schema)
        except StoreError:
            return False
        ids = table.column("run_id").unique().to_pylist()
        return table.num_rows > 0 and ids == [run_id]

    def write(self, outcome: RunOutcome, spec: RunSpec) -> None:
        """Store one finished run: its part first, then its index record (which marks it done)."""
        if outcome.status == "ok":
            table = self.table(outcome.rows)
            sink = io.BytesIO()
            pq.write_table(table, sink, compression="zstd")
            atomic_write(self.root / "parts" / f"{outcome.run_id}.parquet", sink.getvalue())
        record = {
            **{key: _plain(value) for key, value in spec.labels.items()},
            "run_id": outcome.run_id,
            "status": outcome.status,
            "wall_seconds": round(outcome.wall_seconds, 3),
            "error": outcome.error,
        }
        data = (json.dumps(record, indent=1) + "\n").encode()
        atomic_write(self.root / "runs" / f"{outcome.run_id}.json", data)

    def table(self, rows: list[dict]) -> pa.Table:
        """Rows of runs as a table with this sweep's columns and types."""
        columns: dict[str, list[Any]] = {field.name: [] for field in self.schema}
        for row in rows:
            for name, values in columns.items():
                value = row[name]
                if name == "date" and isinstance(value, str):
                    value = dt.date.fromisoformat(value)
                values.append(value)
        return pa.Table.from_pydict(columns, schema=self.schema)

    # ---- the whole sweep -------------------------------------------------------------------

    def consolidate(self, run_ids: Sequence[str]) -> tuple[int, int, int]:
        """Write results.parquet and index.csv from the stored runs, in run-id order.

        Returns (ok, failed, missing) counts over `run_ids`.
        """
        tables, records = [], []
        ok = failed = missing = 0
        for run_id in run_ids:
            record_path = self.root / "runs" / f"{run_id}.json"
            part = self.root / "parts" / f"{run_id}.parquet"
            if not record_path.exists():
                missing += 1
                continue
            try:
                record = json.loads(record_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise StoreError(
                    f"{record_path}: damaged ({_first_line(exc)}); rerun it with --resume"
                ) from None
            records.append(record)
            if record.get("status") == "ok" and part.exists():
                ok += 1
                tables.append(read_parquet(part, self.schema, "sweep part"))
            else:
                failed += 1
        table = pa.concat_tables(tables) if tables else self.schema.empty_table()
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd")
        atomic_write(self.root / RESULTS_FILE, sink.getvalue())
        atomic_write(self.root / INDEX_FILE, self._index_csv(records))
        return ok, failed, missing

    def _index_csv(self, records: list[dict]) -> bytes:
        columns = [
            "run_id",
            "scenario",
            *self.parameters,
            *TAIL_LABELS,
            "status",
            "wall_seconds",
            "error",
        ]
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([format_value(record.get(column)) for column in columns])
        return text.getvalue().encode("utf-8")


def read_results(root: Path) -> pd.DataFrame:
    """results.parquet of a finished sweep as pandas, dates as datetime64 (Parquet stores them as
    dates, which pandas would give as Python objects); a StoreError if it is missing or empty."""
    path = Path(root) / RESULTS_FILE
    if not path.exists():
        raise StoreError(f"{root}: no {RESULTS_FILE} (finish the sweep, or run it with --resume)")
    table = read_parquet(path, what="sweep's results.parquet")
    info = Store.read_info(root)
    needed = ["run_id", "scenario", "point", "replicate", "date", "town"]
    needed += [str(m) for m in info["experiment"]["metrics"]]
    if info["experiment"]["design"] == "grid":
        needed += [str(p) for p in info["experiment"]["parameters"]]
    absent = [c for c in needed if c not in table.column_names]
    if absent:
        raise StoreError(
            f"{path}: damaged (no column {', '.join(absent)}); rebuild it with exodus sweep "
            "--resume"
        )
    frame = table.to_pandas(date_as_object=False)
    if frame.empty:
        raise StoreError(f"{path}: no run finished")
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def _plain(value: Any) -> Any:
    """A label as JSON: numpy scalars become Python numbers."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value
