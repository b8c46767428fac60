"""`exodus explain`: the listing, one parameter in full, unknown names, and the committed table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
import yaml

from exodus import explain
from exodus.evidence import load_observed, parameters
from exodus.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline_2022.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Parse `exodus explain ARGV` with a parser like the CLI's and run it."""
    parser = argparse.ArgumentParser(prog="exodus")
    explain.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["explain", *argv])
    status = args.func(args)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def in_root(monkeypatch):
    """Work from the repository root, where the baseline scenario is found by default."""
    monkeypatch.chdir(ROOT)


def baseline() -> Scenario:
    return Scenario.model_validate(yaml.safe_load(BASELINE.read_text("utf-8")))


def test_listing_shows_every_parameter(in_root, capsys) -> None:
    status, out, _ = run(capsys)
    assert status == 0
    for leaf in parameters():
        assert f"\n{leaf.path} = " in out
    assert "towns.<name>.population = Uralsk " in out


def test_bid_up_per_rival_shows_value_bounds_unit_and_evidence(in_root, capsys) -> None:
    status, out, _ = run(capsys, "housing.bid_up_per_rival")
    assert status == 0
    leaf = next(p for p in parameters() if p.path == "housing.bid_up_per_rival")
    value = baseline().housing.bid_up_per_rival
    assert f"value     {explain.fmt(value)}" in out
    assert "bounds    [0, 0.5]" in out
    assert f"unit      {leaf.unit}" in out
    assert f"evidence  {leaf.evidence}" in out
    assert leaf.description in out


def test_parameter_citing_f15_prints_its_source(in_root, capsys) -> None:
    cites = [p.path for p in parameters() if "F15" in p.evidence]
    assert cites, "no parameter cites F15 any more"
    status, out, _ = run(capsys, cites[0])
    assert status == 0
    row = load_observed()["F15"]
    for field in ("quantity", "source", "url", "date", "reliability"):
        assert row[field] in out
    assert "Krisha.kz" in out


def test_one_town_shows_its_own_value_and_note(in_root, capsys) -> None:
    status, out, _ = run(capsys, "towns.Uralsk.population")
    assert status == 0
    assert out.startswith("towns.Uralsk.population\n")
    assert f"Uralsk: {baseline().towns['Uralsk'].population}" in out
    assert "Petropavlovsk" not in out.split("bounds")[0]


def test_all_towns_by_wildcard(in_root, capsys) -> None:
    status, out, _ = run(capsys, "towns.*.rent_1room")
    assert status == 0
    for name in baseline().towns:
        assert f"{name}: " in out


def test_a_key_of_a_per_country_mapping_names_the_mapping(in_root, capsys) -> None:
    """`flows.onward_capacity.KZ`, the path a calibration and `--set` use, explains the mapping."""
    status, out, _ = run(capsys, "flows.onward_capacity.KZ")
    assert status == 0
    assert out.startswith("flows.onward_capacity\n")
    assert f"KZ {baseline().flows.onward_capacity['KZ']:g}" in out


def test_article_phrase_is_shown_in_context(in_root, capsys) -> None:
    status, out, _ = run(capsys, "attitudes.job_weight")
    assert status == 0
    assert "[there is no work here]" in out
    assert "paragraph " in out


def test_published_model_is_named(in_root, capsys) -> None:
    _, out, _ = run(capsys, "attitudes.influence_lambda")
    assert "Psychological Review" in out


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("housing.bid_up_per_rivl", "housing.bid_up_per_rival"),
        ("bid_up_per_rival", "housing.bid_up_per_rival"),
        ("towns.Uralk.population", "towns.Uralsk.population"),
        ("flows.onward_capacity.XX", "flows.onward_capacity"),
    ],
)
def test_unknown_parameter_exits_2_with_a_suggestion(in_root, capsys, query, suggestion) -> None:
    status, out, err = run(capsys, query)
    assert status == 2
    assert out == ""
    assert f"unknown parameter '{query}'" in err
    assert suggestion in err
    assert "Traceback" not in err


def test_scenario_option_takes_values_from_that_file(tmp_path, capsys) -> None:
    data = yaml.safe_load(BASELINE.read_text("utf-8"))
    data.setdefault("housing", {})["bid_up_per_rival"] = 0.123
    data["policies"] = [{"kind": "rent_cap", "start": "2022-10-01", "max_increase": 0.2}]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    _, out, _ = run(capsys, "housing.bid_up_per_rival", "--scenario", str(path))
    leaf = next(p for p in parameters() if p.path == "housing.bid_up_per_rival")
    assert "value     0.123" in out
    assert f"default   {explain.fmt(explain.default_of(leaf))}" in out
    _, out, _ = run(capsys, "--scenario", str(path))
    assert "policies.rent_cap.max_increase = #0 0.2" in out


def test_without_a_scenario_values_are_schema_defaults(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "housing.bid_up_per_rival")
    assert status == 0
    assert "schema default; no scenario" in out
    _, out, _ = run(capsys)
    assert "values from schema defaults" in out


def test_missing_scenario_file_exits_2(tmp_path, capsys) -> None:
    status, _, err = run(capsys, "--scenario", str(tmp_path / "nope.yaml"))
    assert status == 2
    assert "no scenario file" in err


def test_invalid_scenario_is_reported_without_traceback(tmp_path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("towns: {X: {country: KZ}}\nhousing: {bid_up_per_rival: 9}\n", "utf-8")
    status, _, err = run(capsys, "--scenario", str(path))
    assert status == 2
    assert "bid_up_per_rival" in err
    assert "Traceback" not in err


def test_falls_back_to_plain_yaml_without_the_loader(in_root, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "exodus.scenario.loader", None)  # import now fails
    status, out, _ = run(capsys, "housing.bid_up_per_rival")
    assert status == 0
    assert "scenarios/baseline_2022.yaml" in out


def test_param_with_markdown_is_a_usage_error(in_root, capsys) -> None:
    status, _, err = run(capsys, "housing.bid_up_per_rival", "--markdown")
    assert status == 2
    assert "not both" in err


def test_full_listing_has_rows_phrases_and_checks(in_root, capsys) -> None:
    status, out, _ = run(capsys, "--all")
    assert status == 0
    for section in ("[data rows cited]", "[article phrases quoted]", "[checks]"):
        assert section in out


def test_markdown_table_has_a_row_per_parameter(in_root, capsys) -> None:
    _, out, _ = run(capsys, "--markdown")
    for leaf in parameters():
        assert f"| `{leaf.path}` |" in out


def test_committed_evidence_table_is_in_sync(in_root, capsys) -> None:
    _, out, _ = run(capsys, "--all", "--markdown")
    committed = (ROOT / "seeds" / "evidence.md").read_text("utf-8")
    assert committed == out, f"seeds/evidence.md is stale: run `{explain.REGENERATE}`"


def test_module_entry_point(in_root, capsys) -> None:
    assert explain.main(["scale"]) == 0
    assert capsys.readouterr().out.startswith("scale\n")


def test_scenario_notes_follow_keys_and_list_items(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "# top comment, not a note\n"
        "name: x\n"
        "towns:\n"
        "  A:              # about A\n"
        "    population: 5   # F27\n"
        "flows:\n"
        "  # the schedule's story,\n"
        "  # in two lines\n"
        "  mobilised_schedule:\n"
        "    KZ:\n"
        "      - [2022-09-29, 1]   # F04\n",
        "utf-8",
    )
    notes = explain.scenario_notes(path)
    assert "name" not in notes
    assert notes["towns.A"] == ["about A"]
    assert notes["towns.A.population"] == ["F27"]
    assert notes["flows.mobilised_schedule"] == ["the schedule's story, in two lines"]
    assert notes["flows.mobilised_schedule.KZ"] == ["[2022-09-29, 1]: F04"]


def test_without_the_article_phrases_are_not_checked(in_root, monkeypatch, capsys) -> None:
    monkeypatch.setattr(explain, "load_article", lambda: None)
    _, out, _ = run(capsys, "attitudes.job_weight")
    assert "not checked: seeds/article.txt is not in this installation" in out
