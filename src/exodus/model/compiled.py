"""Compiled household loops (numba), optional: the numpy code beside each kernel is the reference.

A kernel fuses a numpy pass of many whole-column operations into one loop over the households,
doing the same IEEE operations in the same order on the same dtypes (no fast-math, so no fused
multiply-adds or reordered sums): the same seed gives the same bytes with or without numba, which
`tests/model/test_compiled.py` checks. Transcendental functions (tanh, powers) stay in numpy, whose
vectorised versions need not round as a compiled libm call does.

The kernels run for models of at least `MIN_ROWS` households; below that numpy is as quick and a
process does not pay numba's import (about 0.3 s). `EXODUS_NUMBA=0` in the environment, or numba
missing, turns them off. Compiled functions are cached on disk (numba's `cache=True`, beside this
file or in `NUMBA_CACHE_DIR`), so only the first run on a machine compiles them (about 2 s).

A `parallel_kernel` is also compiled with numba's threads (`parallel=True`), its `prange` loops
split over the cores. Each of its iterations writes only its own rows and every float sum stays in
one iteration, in row order, so the bytes do not depend on the number of threads. It runs on
threads for a large model outside a sweep's workers (`threads(rows)`, `EXODUS_THREADS`): the
local pool and Dask's workers set `OMP_NUM_THREADS=1` and run serial, so one process per core is
not slowed by threads fighting over the cores. The threaded builds are cached apart from the
serial ones; the first threaded run on a machine compiles them (about 5 s more).
"""

from __future__ import annotations

import importlib.util
import os
import types
import warnings
from collections.abc import Callable
from typing import Any

ENABLED = (
    os.environ.get("EXODUS_NUMBA", "1") != "0" and importlib.util.find_spec("numba") is not None
)
"""numba is installed and not switched off."""
MIN_ROWS = 100_000
"""Households from which the kernels run (scale 0.05 of the baseline has about 94,000)."""
PARALLEL_ROWS = 500_000
"""Households from which a `parallel_kernel` runs on threads (scale 0.27 of the baseline; the
default scale 0.2, with 374,000, stays serial): below it a day's kernels take a few milliseconds
and threads gain too little to be worth a second core."""
prange = range
"""The loop a `parallel_kernel` splits over threads (numba's `prange` once compiled; `range` in
plain Python)."""


def enabled(rows: int) -> bool:
    """Whether the compiled kernels run for a model of `rows` households (read at each call)."""
    return ENABLED and rows >= MIN_ROWS


def threads(rows: int) -> int:
    """Threads for a `parallel_kernel` over `rows` households: `EXODUS_THREADS` if set (1: serial);
    else 1 inside a sweep's worker (`OMP_NUM_THREADS=1`, as the local pool and Dask set it) or
    below `PARALLEL_ROWS`, and otherwise every core this process may use."""
    setting = os.environ.get("EXODUS_THREADS", "").strip()
    if setting:
        try:
            return max(1, int(setting))
        except ValueError:  # a user's typo must not end a run: say so, and decide as if unset
            warnings.warn(
                f"EXODUS_THREADS={setting!r} is not a number of threads; ignored", stacklevel=2
            )
    if os.environ.get("OMP_NUM_THREADS", "").strip() == "1" or rows < PARALLEL_ROWS:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _compile(fn: Callable[..., Any], **options: Any) -> Callable[..., Any]:
    """numba's build of `fn` (IEEE arithmetic, numpy's rules for division by zero), cached on disk
    where there is somewhere writable, else compiled in this process only."""
    import numba

    options = {"nogil": True, "error_model": "numpy", **options}
    try:
        return numba.njit(cache=True, **options)(fn)
    except RuntimeError:  # nowhere writable to cache it
        return numba.njit(**options)(fn)


def kernel(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, compiled by numba on its first call (cached, IEEE arithmetic, numpy's rules for
    division by zero); numba is imported only then."""
    compiled_fn: Callable[..., Any] | None = None

    def call(*args: Any) -> Any:
        nonlocal compiled_fn
        if compiled_fn is None:
            import numba

            if "prange" in fn.__globals__:  # a parallel_kernel's loops, serial in this build
                fn.__globals__["prange"] = numba.prange
            compiled_fn = _compile(fn)
        return compiled_fn(*args)

    call.__doc__, call.__name__, call.__wrapped__ = fn.__doc__, fn.__name__, fn  # type: ignore[attr-defined]
    return call


def parallel_kernel(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`kernel(fn)`, plus a build on numba's threads for its `prange` loops; a call with
    `threads=n` (a keyword, from `threads(rows)`) runs on n threads, serial when n is 1."""
    serial = kernel(fn)
    compiled_fn: Callable[..., Any] | None = None

    def call(*args: Any, threads: int = 1) -> Any:
        nonlocal compiled_fn
        if threads <= 1:
            return serial(*args)
        # OpenMP's idle threads sleep rather than spin between kernels: spinning, they took the
        # core the numpy code between kernels needs (a full-scale run measured twice as slow).
        # Read once, when numba first starts its threads; a value already set is kept
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import numba

        if compiled_fn is None:
            fn.__globals__["prange"] = numba.prange
            # a function of its own name, so that numba caches it apart from the serial build
            twin = types.FunctionType(
                fn.__code__, fn.__globals__, fn.__name__ + "_parallel", fn.__defaults__
            )
            twin.__qualname__ = fn.__qualname__ + "_parallel"
            twin.__module__ = fn.__module__
            compiled_fn = _compile(twin, parallel=True)
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        return compiled_fn(*args)

    call.__doc__, call.__name__, call.__wrapped__ = fn.__doc__, fn.__name__, fn  # type: ignore[attr-defined]
    return call
