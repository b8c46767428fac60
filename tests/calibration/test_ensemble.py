"""`exodus run SCENARIO --ensemble N`: posterior draws x seeds by the sweep code, with bands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from exodus.cli import main

SMALL = ["--set", "scale=0.002", "--set", "end=2022-10-05", "--quiet"]


def test_an_ensemble_is_the_same_on_one_or_two_workers_and_its_members_differ(
    tmp_path: Path,
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    args = ["run", "classroom", "--ensemble", "4", "--seed", "11", *SMALL]
    assert main([*args, "--workers", "1", "--out", str(one)]) == 0
    assert main([*args, "--workers", "2", "--out", str(two)]) == 0
    assert (one / "results.parquet").read_bytes() == (two / "results.parquet").read_bytes()
    frame = pd.read_parquet(one / "results.parquet")
    members = frame.drop_duplicates("run_id")
    assert len(members) == 4
    assert members["seed"].nunique() == 4  # a seed of its own per member
    # each member carries a draw of the shipped posterior's four parameters
    assert members["housing.bid_up_per_rival"].between(0.03, 0.15).all()
    assert members["housing.bid_up_per_rival"].nunique() > 1
    report = (one / "report.md").read_text(encoding="utf-8")
    assert "posterior's draws are pooled" in report
    assert (one / "rent_index.png").read_bytes()[:4] == b"\x89PNG"


def test_posterior_without_ensemble_is_refused(tmp_path: Path, capsys) -> None:
    assert main(["run", "classroom", "--posterior", "x.csv", "--out", str(tmp_path / "r")]) == 2
    assert "--posterior and --workers go with --ensemble" in capsys.readouterr().err
