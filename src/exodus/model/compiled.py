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
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from typing import Any

ENABLED = (
    os.environ.get("EXODUS_NUMBA", "1") != "0" and importlib.util.find_spec("numba") is not None
)
"""numba is installed and not switched off."""
MIN_ROWS = 100_000
"""Households from which the kernels run (scale 0.05 of the baseline has about 94,000)."""


def enabled(rows: int) -> bool:
    """Whether the compiled kernels run for a model of `rows` households (read at each call)."""
    return ENABLED and rows >= MIN_ROWS


def kernel(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, compiled by numba on its first call (cached, IEEE arithmetic, numpy's rules for
    division by zero); numba is imported only then."""
    compiled_fn: Callable[..., Any] | None = None

    def call(*args: Any) -> Any:
        nonlocal compiled_fn
        if compiled_fn is None:
            import numba

            try:
                compiled_fn = numba.njit(cache=True, nogil=True, error_model="numpy")(fn)
            except RuntimeError:  # nowhere writable to cache it: compile in this process only
                compiled_fn = numba.njit(nogil=True, error_model="numpy")(fn)
        return compiled_fn(*args)

    call.__doc__, call.__name__, call.__wrapped__ = fn.__doc__, fn.__name__, fn  # type: ignore[attr-defined]
    return call
