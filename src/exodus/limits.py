"""Stated maxima of what a command accepts, so a typo cannot allocate until memory runs out.

Each limit is far above any sweep, calibration or file the project ships, and each message says how
to lift it (`--no-limits`) where a user may really want more: a design's runs and points, a
calibration's particles, a run's length, a file's size. The YAML parser's nesting depth and alias
expansion are not lifted: no real scenario comes near them, and past them lies a hang.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

MAX_RUNS = 200_000
"""Runs of one sweep or calibration (the largest shipped experiment has 220)."""
MAX_POINTS = 10_000
"""Design points of one experiment (each holds a resolved scenario: about 37 KB and 7 ms)."""
MAX_PARTICLES = 20_000
"""Runs per round of a calibration (the shipped one has 200)."""
MAX_DAYS = 3 * 366
"""Days of one run (the shipped scenarios run 122; memory grows about 2 KB a town-day)."""
MAX_YAML_BYTES = 1 * 2**20
"""A scenario, experiment or calibration file (the largest shipped is under 8 KiB)."""
MAX_CSV_BYTES = 256 * 2**20
"""A run's timeseries.csv or a targets table."""
MAX_SWEEP_FILE_BYTES = 4 * 2**30
"""A sweep's experiment.json, a part or results.parquet read back."""
MAX_YAML_DEPTH = 50
"""Nesting of mappings and lists in a YAML file (a scenario needs 4)."""
MAX_YAML_NODES = 50_000
"""Values in a YAML file, as written and once its aliases are expanded (a "billion laughs" file
expands to 1e9; the baseline scenario has about 400; parsing 50,000 takes about 1.5 s)."""
MAX_RETRIES = 2
"""Times a run lost with its worker process is tried again on a fresh one before it is failed."""

HOW_TO_LIFT = "--no-limits lifts this limit"

_lifted: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "exodus_limits_lifted", default=False
)


def lifted() -> bool:
    """True when the user asked for --no-limits."""
    return _lifted.get()


@contextmanager
def lift(enabled: bool = True) -> Iterator[None]:
    """Within this block the liftable limits are not enforced (when `enabled`)."""
    token = _lifted.set(enabled or _lifted.get())
    try:
        yield
    finally:
        _lifted.reset(token)


def over(count: int, limit: int) -> bool:
    """True if `count` exceeds a liftable `limit` and the limits are in force."""
    return count > limit and not lifted()


def estimate(runs: int, days: int, scale: float, towns: int, kept_days: int, columns: int) -> str:
    """A rough time and disk estimate of a sweep, from the benchmarks of benchmarks/RESULTS.md:
    about 0.3 s to start a run plus (0.002 + 0.45 x scale) s per simulated day on one core, and
    about 4 bytes per kept value once compressed."""
    seconds = runs * (0.3 + days * (0.002 + 0.45 * scale))
    values = runs * towns * kept_days * columns
    return f"about {_duration(seconds)} of one core and {_bytes(4 * values)} of results"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


def _bytes(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"
