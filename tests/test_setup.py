"""`make run` sets up only what running needs; `make test` adds the test, app and dask extras."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT, SCENARIOS

EXTRA_MODULES = {
    "pytest",
    "hypothesis",
    "playwright",
    "nbclient",
    "ipykernel",
    "solara",
    "ipyvuetify",
    "dask",
    "distributed",
    "ema_workbench",
}
"""Top-level modules of the dev, app and dask extras: a run must not need any of them."""


def _dry_run(target: str, tmp_path: Path) -> str:
    """What `make TARGET` would do in a checkout with no .venv yet."""
    done = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"VENV={tmp_path / 'venv'}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_make_run_installs_no_extra_and_make_test_installs_them_all(tmp_path):
    run = _dry_run("run", tmp_path)
    setup = next(line for line in run.splitlines() if "setup-venv.sh" in line)
    assert setup.split("setup-venv.sh")[1].split() == [str(tmp_path / "venv")]
    test = _dry_run("test", tmp_path)
    setup = next(line for line in test.splitlines() if "setup-venv.sh" in line)
    extras = setup.split()[-1].split(",")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(extras) >= {"dev", "app", "dask"}
    # every package of every extra is installed for the tests, through one extra or another
    groups = declared["optional-dependencies"]
    installed = {_name(r) for extra in extras for r in groups[extra]}
    assert {_name(r) for reqs in groups.values() for r in reqs} <= installed


def _name(requirement: str) -> str:
    """`mesa[viz]>=3.5,<4` -> `mesa[viz]`: a requirement without its version."""
    return re.split(r"[<>=!~ ;]", requirement, maxsplit=1)[0].lower()


def test_the_core_dependencies_hold_no_test_app_or_dask_package():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {_name(d).split("[")[0] for d in declared}
    extras = {"pytest", "hypothesis", "ruff", "playwright", "solara", "dask", "ema_workbench"}
    assert not names & extras, names & extras


def test_a_run_imports_nothing_from_the_extras(tmp_path):
    code = (
        "import json, sys; from exodus.cli import main; "
        f"rc = main(['run', {str(SCENARIOS / 'classroom.yaml')!r}, '--set', 'end=2022-09-08', "
        f"'--out', {str(tmp_path / 'run')!r}, '--quiet']); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules}))); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not loaded & EXTRA_MODULES, loaded & EXTRA_MODULES
    assert (tmp_path / "run" / "rent.png").is_file()
