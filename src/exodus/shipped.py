"""The scenarios and experiments that ship inside the package, found by name from any directory.

`exodus run baseline_2022` and `exodus.load_scenario("baseline_2022")` work wherever exodus is
installed, because the files live in the package (`exodus/scenarios`, `exodus/experiments`; the
checkout's top-level `scenarios/` and `experiments/` are links to them). A path is always taken as
it is: a name is looked up among the shipped files only when no file of that name exists here.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SCENARIOS_DIR = PACKAGE_DIR / "scenarios"
EXPERIMENTS_DIR = PACKAGE_DIR / "experiments"


def names(folder: Path) -> list[str]:
    """The shipped YAML files of `folder`, by name (file stem), sorted."""
    return sorted(path.stem for path in folder.glob("*.yaml"))


def scenario_names() -> list[str]:
    """Shipped scenarios: `exodus run NAME` and `exodus.load_scenario(NAME)` accept these."""
    return names(SCENARIOS_DIR)


def experiment_names() -> list[str]:
    """Shipped experiment and calibration files: `exodus sweep NAME` accepts these."""
    return names(EXPERIMENTS_DIR)


def locate(source: str | os.PathLike[str], folder: Path) -> Path:
    """`source` as a path if such a file exists (or it is more than a bare name), else the shipped
    file of that name in `folder` (`baseline_2022` or `baseline_2022.yaml`); a name that is neither
    comes back unchanged, so the reader reports it as the missing file the user typed."""
    path = Path(source)
    if path.exists() or len(path.parts) != 1:
        return path
    shipped = folder / f"{path.name.removesuffix('.yaml')}.yaml"
    return shipped if shipped.is_file() else path


def scenario_file(source: str | os.PathLike[str]) -> Path:
    """A scenario file by path, or a shipped scenario by name."""
    return locate(source, SCENARIOS_DIR)


def experiment_file(source: str | os.PathLike[str]) -> Path:
    """An experiment (or calibration) file by path, or a shipped one by name."""
    return locate(source, EXPERIMENTS_DIR)
