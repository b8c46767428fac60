"""A sweep's directory: one Parquet part and one index file per finished run, then the whole table.

Each run is written atomically (temporary file, fsync, rename) the moment it finishes, so a sweep
killed midway loses only the runs in flight and `--resume` knows exactly which runs are done. The
consolidated `results.parquet` and `index.csv` are rebuilt from the parts in run-id order, so their
bytes do not depend on the order runs finished in, nor on the executor.

Layout: experiment.json (the experiment, its design and its hash), parts/<run>.parquet,
runs/<run>.json (status, wall time, traceback), results.parquet, index.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from exodus.outputs import format_value
from exodus.sweep.executor import RunOutcome, RunSpec

EXPERIMENT_FILE = "experiment.json"
RESULTS_FILE = "results.parquet"
INDEX_FILE = "index.csv"
LABEL_COLUMNS = ("run_id", "scenario")
TAIL_LABELS = ("point", "replicate", "seed")


class StoreError(Exception):
    """An output directory that cannot take this sweep (exists, or was made by another)."""


def _atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that the file is either absent or complete, even after a crash."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


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
    ) -> Store:
        """Create the directory, or reopen it for --resume if it holds the same experiment."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root}: exists and is not a directory")
        if root.exists() and resume:
            found = cls.read_info(root)
            if found.get("hash") != info["hash"]:
                raise StoreError(
                    f"{root}: made by a different experiment ({found.get('name')!r}, or the "
                    "same one since changed); resume only the sweep that made it"
                )
        elif root.exists() and any(root.iterdir()):
            if not force:
                raise StoreError(
                    f"{root}: already exists (use --resume to complete it, --force to replace it)"
                )
            shutil.rmtree(root)
        for sub in ("parts", "runs"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        if not (root / EXPERIMENT_FILE).exists():
            _atomic_write(root / EXPERIMENT_FILE, (json.dumps(info, indent=2) + "\n").encode())
        return cls(root, parameters=parameters, metrics=metrics, info=info)

    @staticmethod
    def read_info(root: Path) -> dict[str, Any]:
        """experiment.json of a sweep directory, or a StoreError saying what is wrong."""
        path = Path(root) / EXPERIMENT_FILE
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError(f"{root}: not a sweep directory (no {EXPERIMENT_FILE})") from None
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: cannot be read ({exc})") from None

    # ---- runs ------------------------------------------------------------------------------

    def done_ok(self) -> set[str]:
        """Runs stored as finished and ok, with their part present: --resume skips these."""
        done = set()
        for path in (self.root / "runs").glob("r*.json"):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            run_id = record.get("run_id")
            if (
                record.get("status") == "ok"
                and (self.root / "parts" / f"{run_id}.parquet").exists()
            ):
                done.add(run_id)
        return done

    def write(self, outcome: RunOutcome, spec: RunSpec) -> None:
        """Store one finished run: its part first, then its index record (which marks it done)."""
        if outcome.status == "ok":
            table = self.table(outcome.rows)
            sink = io.BytesIO()
            pq.write_table(table, sink, compression="zstd")
            _atomic_write(self.root / "parts" / f"{outcome.run_id}.parquet", sink.getvalue())
        record = {
            **{key: _plain(value) for key, value in spec.labels.items()},
            "run_id": outcome.run_id,
            "status": outcome.status,
            "wall_seconds": round(outcome.wall_seconds, 3),
            "error": outcome.error,
        }
        data = (json.dumps(record, indent=1) + "\n").encode()
        _atomic_write(self.root / "runs" / f"{outcome.run_id}.json", data)

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
            record = json.loads(record_path.read_text(encoding="utf-8"))
            records.append(record)
            if record["status"] == "ok" and part.exists():
                ok += 1
                tables.append(pq.read_table(part, schema=self.schema))
            else:
                failed += 1
        table = pa.concat_tables(tables) if tables else self.schema.empty_table()
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd")
        _atomic_write(self.root / RESULTS_FILE, sink.getvalue())
        _atomic_write(self.root / INDEX_FILE, self._index_csv(records))
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
    frame = pq.read_table(path).to_pandas(date_as_object=False)
    if frame.empty:
        raise StoreError(f"{path}: no run finished")
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def _plain(value: Any) -> Any:
    """A label as JSON: numpy scalars become Python numbers."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value
