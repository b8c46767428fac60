"""SIGTERM and SIGHUP stop a command the way Ctrl-C does: cleanly, children first.

The handlers raise `Stopped` (a KeyboardInterrupt), so every `finally` and `except BaseException`
that tidies up after Ctrl-C (staging directories, the sweep's workers) also runs for a `kill` or a
closed terminal, and the command ends with one line and the shell's exit code for the signal.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by a signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within this block SIGTERM and SIGHUP raise `Stopped` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {s: signal.signal(s, _raise) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def signal_name(exc: KeyboardInterrupt) -> str:
    """'SIGTERM' for a Stopped, 'Ctrl-C' for a plain KeyboardInterrupt."""
    return str(exc) if isinstance(exc, Stopped) else "Ctrl-C"


def exit_code(exc: KeyboardInterrupt) -> int:
    return exc.exit_code if isinstance(exc, Stopped) else 130
