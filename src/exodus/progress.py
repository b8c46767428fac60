"""A day-by-day progress bar for long runs, shown only to a person watching a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def day_progress(
    label: str, *, total: int | None = None, enabled: bool, stream: TextIO | None = None
) -> Iterator[Callable[[int, int], None] | None]:
    """A `progress(done, total)` callback drawing a bar on `stream` (stderr), or None if disabled.

    Disabled when asked, and when the stream is not a terminal: logs and pipes get no bar noise.
    """
    stream = sys.stderr if stream is None else stream
    if not enabled or not stream.isatty():
        yield None
        return
    from tqdm import tqdm

    bar_args = {"desc": label, "total": total, "unit": "day", "leave": False, "dynamic_ncols": True}
    with tqdm(file=stream, **bar_args) as bar:

        def update(done: int, total: int) -> None:
            if bar.total != total:
                bar.reset(total=total)
            bar.update(done - bar.n)

        yield update
