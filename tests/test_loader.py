"""The loader: extends chains, deep merge, --set overrides, and errors that say where."""

from __future__ import annotations

import datetime as dt

import pytest

from exodus.scenario.loader import ScenarioError, dump_scenario, load_scenario

BASE = """\
name: base
start: 2022-09-01
end: 2022-10-31
towns:
  Uralsk:
    country: KZ
    border: true
    population: 250000
  Bishkek:
    country: KG
    population: 1100000
routes:
  - {a: Russia, b: Uralsk, days: 1}
  - {a: Russia, b: Bishkek, days: 1}
"""


@pytest.fixture
def base(write):
    return write("base.yaml", BASE)


def error_of(path, overrides=()) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    return info.value


def test_baseline_dump_loads_back_equal(tmp_path, scenarios):
    scenario = load_scenario(scenarios / "baseline_2022.yaml")
    text = dump_scenario(scenario)
    assert "extends" not in text
    path = tmp_path / "resolved.yaml"
    path.write_text(text)
    assert load_scenario(path) == scenario
    assert dump_scenario(load_scenario(path)) == text


def test_extends_deep_merges_dicts_and_replaces_lists(base, write):
    child = write(
        "child.yaml",
        "extends: base.yaml\nname: child\ntowns:\n  Uralsk:\n    population: 300000\n"
        "routes:\n  - {a: Russia, b: Bishkek, days: 2}\n",
    )
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.towns["Uralsk"].population == 300000
    assert scenario.towns["Uralsk"].border is True  # kept from the parent
    assert list(scenario.towns) == ["Uralsk", "Bishkek"]
    assert [(r.b, r.days) for r in scenario.routes] == [("Bishkek", 2)]


def test_extends_chain_and_relative_paths(base, write, tmp_path):
    (tmp_path / "sub").mkdir()
    write("sub/mid.yaml", "extends: ../base.yaml\nflows: {mobilised_scale: 0.5}\n")
    top = write("sub/top.yaml", "extends: mid.yaml\nname: top\n")
    scenario = load_scenario(top)
    assert (scenario.name, scenario.flows.mobilised_scale) == ("top", 0.5)


def test_extends_cycle_is_reported(write):
    write("a.yaml", "extends: b.yaml\nname: a\n")
    write("b.yaml", "name: b\nextends: a.yaml\n")
    err = error_of(write("c.yaml", "extends: a.yaml\n"))
    assert "cycle" in err.message and err.key == "extends"
    assert err.file.endswith("b.yaml") and err.line == 2


def test_missing_parent_is_reported_with_line(write):
    err = error_of(write("orphan.yaml", "name: x\nextends: nowhere.yaml\n"))
    assert err.file.endswith("orphan.yaml") and err.key == "extends" and err.line == 2
    assert "nowhere.yaml" in err.message


def test_error_in_parent_names_the_parent(write):
    write("p.yaml", BASE.replace("population: 250000", "population: 5"))
    err = error_of(write("kid.yaml", "extends: p.yaml\nname: kid\n"))
    assert err.file.endswith("p.yaml")
    assert (err.key, err.line) == ("towns.Uralsk.population", 8)


def test_set_overrides_scalars_bools_lists_and_dicts(base):
    scenario = load_scenario(
        base,
        [
            "towns.Uralsk.enabled=false",
            "flows.mobilised_scale=0.5",
            "policies=[{kind: rent_cap, start: 2022-09-26, towns: [Bishkek]}]",
            "towns.Bishkek={population: 1200000}",
            "routes.1.days=3",
            "end=2022-10-15",
        ],
    )
    assert scenario.towns["Uralsk"].enabled is False
    assert scenario.flows.mobilised_scale == 0.5
    assert scenario.policies[0].kind == "rent_cap" and scenario.policies[0].towns == ["Bishkek"]
    assert scenario.towns["Bishkek"].population == 1200000
    assert scenario.towns["Bishkek"].country == "KG"  # a dict value merges
    assert scenario.routes[1].days == 3
    assert scenario.end == dt.date(2022, 10, 15)


def test_set_can_add_a_town(base):
    scenario = load_scenario(base, ["towns.Aktobe={country: KZ, population: 500000}"])
    assert scenario.towns["Aktobe"].population == 500000


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ("towns.Uralsk.population", "no '='"),
        ("=3", "empty key"),
        ("towns..population=3", "empty key"),
        ("towns.Uralsk.population.x=1", "single value"),
        ("routes.7.days=1", "no item 7"),
        ("flows.mobilised_scale=[1,", "invalid value"),
    ],
)
def test_malformed_set_is_an_error(base, override, needle):
    err = error_of(base, [override])
    assert needle in err.message
    assert err.override == override
    assert f"--set {override}" in str(err)


def test_bad_value_from_set_names_the_set(base):
    err = error_of(base, ["towns.Uralsk.population=-5"])
    assert err.key == "towns.Uralsk.population"
    assert "(from --set towns.Uralsk.population=-5)" in str(err)
    assert "greater than or equal to 1000" in err.message


@pytest.mark.parametrize(
    ("text", "key", "line", "needle"),
    [
        (
            BASE.replace("    population: 250000", "    populaton: 250000"),
            "towns.Uralsk.populaton",
            8,
            "did you mean 'population'",
        ),
        (BASE + "flow:\n  mobilised_scale: 1\n", "flow", 15, "did you mean 'flows'"),
        (
            BASE.replace("population: 250000", "population: -1"),
            "towns.Uralsk.population",
            8,
            "greater than or equal",
        ),
        (
            BASE.replace("population: 250000", "population: many"),
            "towns.Uralsk.population",
            8,
            "must be a whole number",
        ),
        (BASE.replace("country: KG", "country: RU"), "towns.Bishkek.country", 10, "'KZ' or 'KG'"),
        (BASE.replace("end: 2022-10-31", "end: 2022-08-01"), "end", 3, "must be after start"),
        (
            BASE + "policies:\n  - kind: rent_cap\n    start: 2022-09-26\n    towns: [Urals]\n",
            "policies.0.towns",
            18,
            "did you mean 'Uralsk'",
        ),
        (
            BASE + "policies:\n  - kind: rent_cap\n    start: 2022-09-26\n    end: 2022-09-01\n",
            "policies.0.end",
            18,
            "must be after start",
        ),
        (
            BASE + "policies:\n  - kind: rent_cop\n    start: 2022-09-26\n",
            "policies.0",
            16,
            "did you mean 'rent_cap'",
        ),
        (BASE.replace("    country: KG\n", ""), "towns.Bishkek.country", 9, "missing"),
    ],
)
def test_invalid_values_are_placed(write, text, key, line, needle):
    err = error_of(write("bad.yaml", text))
    assert err.file.endswith("bad.yaml")
    assert (err.key, err.line) == (key, line)
    assert needle in err.message


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("name: x\n  bad: [\n", 2, "invalid YAML"),
        ("- a\n- b\n", 1, "not a list"),
        ("name: a\nname: b\n", 2, "duplicate key 'name'"),
        ("", None, "empty"),
    ],
)
def test_unreadable_files(write, text, line, needle):
    err = error_of(write("bad.yaml", text))
    assert err.line == line
    assert needle in err.message


def test_missing_file(tmp_path):
    err = error_of(tmp_path / "nope.yaml")
    assert err.file.endswith("nope.yaml") and "no such file" in err.message
