"""`exodus` with one parameter value made to fail inside the model, for the failing-run test.

The patch is made at import, at module level: the local pool's workers are spawned, and a spawned
worker imports its parent's main script, so every worker applies it too. Runs whose scenario has
compassion_mean == FAIL_AT raise on their fifth day; a run with EXIT_AT makes its worker process
exit at once, as a worker killed for lack of memory would; all others run unchanged.
"""

from __future__ import annotations

import os
import sys

from exodus.model import model as _model

FAIL_AT = 0.123
EXIT_AT = 0.456
_step = _model.ExodusModel.step


def _failing_step(self: _model.ExodusModel) -> None:
    if self.settings.attitudes.compassion_mean == FAIL_AT and self.day >= 4:
        raise RuntimeError(f"injected failure on {self.date}")
    if self.settings.attitudes.compassion_mean == EXIT_AT and self.day >= 4:
        os._exit(3)
    _step(self)


_model.ExodusModel.step = _failing_step  # type: ignore[method-assign]

if __name__ == "__main__":
    from exodus.cli import main

    sys.exit(main(sys.argv[1:]))
