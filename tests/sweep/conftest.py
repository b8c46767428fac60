"""Fixtures for sweep tests: tiny experiments (classroom scale, six weeks) and a CLI helper."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exodus.cli import main

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "scenarios" / "classroom.yaml"
BORDER = ROOT / "scenarios" / "border_closure.yaml"
EXODUS = [sys.executable, "-c", "import sys; from exodus.cli import main; sys.exit(main())"]
"""The exodus command in a fresh interpreter, as a user runs it."""


def write_experiment(path: Path, body: str) -> Path:
    """An experiment file; `{classroom}` and `{border}` stand for the scenario paths."""
    path.write_text(body.format(classroom=CLASSROOM, border=BORDER), encoding="utf-8")
    return path


TINY = """\
name: tiny
description: two scenarios, two compassion values, three replicates, six weeks, small scale
scenarios: ["{classroom}", "{border}"]
set: [scale=0.002, end=2022-10-15]
parameters:
  attitudes.compassion_mean: {{values: [0.3, 0.6]}}
replicates: 3
seed: 7
metrics: [rent_index, tension_index, migrants_present]
days: {{every: 2}}
"""
TINY_RUNS = 12


def sweep(*args: str) -> int:
    """`exodus sweep ...` in this process (the pool's workers are fresh processes)."""
    return main(["sweep", "--quiet", *args])


@pytest.fixture(scope="session")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_experiment(tmp_path_factory.mktemp("exp") / "tiny.yaml", TINY)


@pytest.fixture(scope="session")
def tiny_sweep(tiny_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny experiment swept once on 2 local workers; tests compare against it."""
    out = tmp_path_factory.mktemp("sweeps") / "tiny"
    assert sweep(str(tiny_file), "--out", str(out), "--workers", "2") == 0
    return out


def run_exodus(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EXODUS, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
