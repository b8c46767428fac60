"""`exodus` with one parameter value made to fail inside the model, for the failing-run test.

The patch is made at import, at module level: the local pool's workers are spawned, and a spawned
worker imports its parent's main script, so every worker applies it too. Runs whose scenario has
compassion_mean == FAIL_AT raise on their fifth day; a run with EXIT_AT makes its worker process
exit at once, as a worker killed for lack of memory would; with EXODUS_TEST_KILL_DIR, runs with
KILL_AT are SIGKILLed mid-run a bounded number of times; all others run unchanged.
"""

from __future__ import annotations

import os
import signal
import sys

from exodus.model import model as _model

FAIL_AT = 0.123
EXIT_AT = 0.456
KILL_AT = 0.6
KILLS = 2
"""With EXODUS_TEST_KILL_DIR set, the first KILLS runs of KILL_AT to reach day 4 SIGKILL their own
worker (each leaves a marker file there, so a retried run is not killed forever)."""
_step = _model.ExodusModel.step


def _kill_once() -> None:
    where = os.environ.get("EXODUS_TEST_KILL_DIR")
    if not where:
        return
    for n in range(KILLS):
        try:
            os.close(os.open(os.path.join(where, f"killed-{n}"), os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            continue
        os.kill(os.getpid(), signal.SIGKILL)


def _failing_step(self: _model.ExodusModel) -> None:
    if self.settings.attitudes.compassion_mean == FAIL_AT and self.day >= 4:
        raise RuntimeError(f"injected failure on {self.date}")
    if self.settings.attitudes.compassion_mean == EXIT_AT and self.day >= 4:
        os._exit(3)
    if self.settings.attitudes.compassion_mean == KILL_AT and self.day == 4:
        _kill_once()
    _step(self)


_model.ExodusModel.step = _failing_step  # type: ignore[method-assign]

if __name__ == "__main__":
    from exodus.cli import main

    sys.exit(main(sys.argv[1:]))
