"""Argument types and exit codes shared by every sub-command, so a bad number reads the same
whichever command it was given to."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

EXIT_USER_ERROR = 2
"""A user's mistake: one line on stderr, no traceback."""
EXIT_INTERRUPTED = 130
"""Ctrl-C, as a shell reports it."""


def whole_number(low: int, high: int, high_text: str | None = None) -> Callable[[str], int]:
    """An argparse type for a whole number in [low, high] (`high_text` to print the bound)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            bound = high_text or str(high)
            raise argparse.ArgumentTypeError(f"must be between {low} and {bound}, got {value}")
        return value

    return parse


def scale(text: str) -> float:
    """An argparse type for the scale: agents per real household, in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise argparse.ArgumentTypeError(f"must be in (0, 1] agents per household, got {value}")
    return value
