"""Argument types and exit codes shared by every sub-command, so a bad number reads the same
whichever command it was given to."""

from __future__ import annotations

import argparse
import math
import re
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


_DASK_ADDRESS = re.compile(
    r"^(?:(?:tcp|tls|ucx|ws|wss|inproc)://)?"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?/?$"
)


def dask_address(text: str) -> str:
    """An argparse type for --dask: 'local', or a scheduler address such as tcp://host:8786,
    refused before anything is created if it cannot be one."""
    if text == "local" or _DASK_ADDRESS.match(text):
        port = text.rsplit(":", 1)[-1].rstrip("/")
        if text != "local" and port.isdigit() and not 0 < int(port) < 65536:
            raise argparse.ArgumentTypeError(f"port {port} is not in 1..65535: {text!r}")
        return text
    raise argparse.ArgumentTypeError(
        f"not a scheduler address: {text!r} (expected tcp://HOST:PORT, HOST:PORT or 'local')"
    )


def add_no_limits(parser: argparse.ArgumentParser) -> None:
    """--no-limits, for the commands whose inputs have stated maxima (exodus.limits)."""
    parser.add_argument(
        "--no-limits",
        action="store_true",
        help="lift the stated maxima on runs, design points, particles, run length and file "
        "size (see docs/sweeps.md)",
    )
