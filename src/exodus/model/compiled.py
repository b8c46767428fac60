"""Compiled household loops (numba), optional: the numpy code beside each kernel is the reference.

A kernel fuses a numpy pass of many whole-column operations into one loop over the households,
doing the same IEEE operations in the same order on the same dtypes (no fast-math, so no fused
multiply-adds or reordered sums): the same seed gives the same bytes with or without numba, which
`tests/model/test_compiled.py` checks. Transcendental functions (tanh, powers) stay in numpy, whose
vectorised versions need not round as a compiled libm call does.

`EXODUS_NUMBA=0` in the environment, or numba missing, turns the kernels off and the numpy code
runs. Compiled functions are cached on disk (numba's `cache=True`, beside this file or in
`NUMBA_CACHE_DIR`), so only the first run on a machine pays the compilation.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

ENABLED = False
if os.environ.get("EXODUS_NUMBA", "1") != "0":
    try:
        import numba

        ENABLED = True
    except ImportError:  # pragma: no cover - numba is a dependency; this is the fallback
        ENABLED = False


def kernel(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` compiled by numba (cached, IEEE arithmetic, numpy's division rules) when enabled; else
    `fn` itself, which callers do not use (they run their numpy code instead)."""
    if not ENABLED:
        return fn
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


def enabled() -> bool:
    """Whether the compiled kernels run (read at each call, so tests can switch them off)."""
    return ENABLED
