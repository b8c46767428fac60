"""The memory-bandwidth floor of one simulated day, measured on this machine: one numpy pass that
reads every column of the household table once and writes one float column, at the size of the
full-scale run. No day of the model can cost less than reading its state once, so exodus's seconds
per day over this figure say how far it is from the limit.

    .venv/bin/python -m benchmarks.floor --rows 1870000     # prints JSON
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from exodus.model.state import Households


def household_columns(rows: int) -> list[np.ndarray]:
    """One array per household column, with the model's dtypes (rows rounded up to 8)."""
    rows = -(-rows // 8) * 8
    return [np.ones(rows, dtype=dtype) for dtype, _ in Households._spec.values()]


def one_pass(columns: list[np.ndarray], out: np.ndarray) -> int:
    """Read every byte of every column once (an OR-reduction over 64-bit words, which the CPU does
    faster than memory delivers them) and write `out`; returns the reduction so it is not skipped."""
    acc = 0
    for col in columns:
        acc |= int(np.bitwise_or.reduce(col.view(np.uint64)))
    out.fill(0.5)
    return acc


def measure(rows: int, repeats: int = 9) -> dict:
    """Best of `repeats` passes: wall and CPU seconds, bytes moved and bandwidth."""
    columns = household_columns(rows)
    out = np.empty(columns[0].size)
    moved = sum(c.nbytes for c in columns) + out.nbytes
    one_pass(columns, out)  # touch every page first
    best_wall, best_cpu = np.inf, np.inf
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        one_pass(columns, out)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return {
        "rows": rows,
        "columns": len(columns) + 1,
        "bytes": moved,
        "wall_seconds": best_wall,
        "cpu_seconds": best_cpu,
        "gb_per_second": moved / best_wall / 1e9,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_870_000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.rows, args.repeats)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
