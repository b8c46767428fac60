"""Every parameter of the schema names evidence that holds: an accepted kind for its number (data,
published, calibrated, assumed), existing data rows, phrases quoted from a row that are in it, and
article phrases (for the mechanism) that are really in the article."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

from exodus.evidence import (
    KINDS,
    evidence_problems,
    find_phrase,
    iter_leaves,
    load_article,
    load_observed,
    normalise,
    parameters,
    parse_evidence,
)
from exodus.explain import scenario_notes

ROOT = Path(__file__).resolve().parents[1]

NOT_PARAMETERS = {
    "name": "a label",
    "description": "free text",
    "seed": "the run's master seed, not a property of the world",
    "towns.<name>.enabled": "a switch",
    "towns.<name>.country": "an identifier",
    "routes.<i>.a": "an identifier",
    "routes.<i>.b": "an identifier",
    "policies.*.kind": "an identifier",
    "policies.*.start": "the date a policy acts: the scenario's question, not a fact",
    "policies.*.end": "as start",
    "policies.*.towns": "where a policy acts: the scenario's question",
}
"""Fields that hold values but are not parameters of the world, so carry no evidence."""

KNOWN_BAD: dict[str, str] = {}
"""Schema evidence that fails these checks today; the fixes are proposed to the schema's owner.
Remove an entry when schema.py takes its fix (the strict xfail then fails as a reminder)."""

PARAMS = parameters()


def _cases(check: str) -> list:
    """One case per parameter; known failures of `check` are strict xfails."""
    cases = []
    for leaf in PARAMS:
        reason = KNOWN_BAD.get(leaf.path)
        fails = reason is not None and (
            (check == "kind") == ("accepted kind" in reason or "no reason" in reason)
        )
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if fails else []
        cases.append(pytest.param(leaf, id=leaf.path, marks=marks))
    return cases


def _not_parameter(path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in NOT_PARAMETERS)


# --- the walk over the schema ----------------------------------------------------------------


def test_walk_reaches_nested_blocks_towns_routes_and_policies() -> None:
    paths = {leaf.path for leaf in PARAMS}
    for expected in (
        "scale",
        "towns.<name>.population",
        "routes.<i>.days",
        "flows.relocant.integration_effort",
        "flows.mobilised.onward_pull",
        "housing.bid_up_per_rival",
        "attitudes.influence_lambda",
        "collective.picket_threshold",
        "policies.rent_cap.max_increase",
        "policies.entry_cap.max_per_day",
    ):
        assert expected in paths
    assert len(paths) == len(PARAMS), "two parameters share a path"


def test_every_value_field_is_a_parameter_or_a_named_exception() -> None:
    missing = [
        leaf.path
        for leaf in iter_leaves()
        if not leaf.is_parameter and not _not_parameter(leaf.path)
    ]
    assert not missing, f"declare these with param(unit=..., evidence=...): {missing}"


def test_named_exceptions_exist() -> None:
    paths = [leaf.path for leaf in iter_leaves()]
    stale = [p for p in NOT_PARAMETERS if not any(fnmatch.fnmatchcase(x, p) for x in paths)]
    assert not stale


def test_known_bad_entries_exist() -> None:
    paths = {leaf.path for leaf in PARAMS}
    assert set(KNOWN_BAD) <= paths


# --- each parameter's evidence ---------------------------------------------------------------


@pytest.mark.parametrize("leaf", PARAMS, ids=[leaf.path for leaf in PARAMS])
def test_unit_and_evidence_are_given(leaf) -> None:
    assert leaf.unit.strip(), "empty unit"
    assert leaf.evidence.strip(), "empty evidence"
    assert leaf.description.strip(), "empty description"


@pytest.mark.parametrize("leaf", _cases("kind"))
def test_evidence_is_an_accepted_kind(leaf) -> None:
    evidence = parse_evidence(leaf.evidence)
    assert evidence.kind in KINDS, f"{leaf.evidence!r} is not an accepted kind"


@pytest.mark.parametrize("leaf", PARAMS, ids=[leaf.path for leaf in PARAMS])
def test_cited_rows_exist(leaf) -> None:
    observed = load_observed()
    missing = [row for row in parse_evidence(leaf.evidence).rows if row not in observed]
    assert not missing


@pytest.mark.parametrize("leaf", _cases("phrase"))
def test_article_phrases_are_in_the_article(leaf) -> None:
    evidence = parse_evidence(leaf.evidence)
    missing = [p for p in evidence.article_phrases if not find_phrase(p).found]
    assert not missing, f"not in seeds/article.txt: {missing}"


DATA_PARAMS = [leaf for leaf in PARAMS if parse_evidence(leaf.evidence).kind == "data"]


@pytest.mark.parametrize("leaf", DATA_PARAMS, ids=[leaf.path for leaf in DATA_PARAMS])
def test_phrases_quoted_from_data_rows_are_in_those_rows(leaf) -> None:
    evidence = parse_evidence(leaf.evidence)
    problems = [p for p in evidence_problems(evidence) if "is not in the text of" in p]
    assert not problems


def test_every_kind_is_used() -> None:
    used = {parse_evidence(leaf.evidence).kind for leaf in PARAMS}
    assert set(KINDS) <= used


# --- the baseline scenario's notes -----------------------------------------------------------


def test_baseline_notes_cite_existing_rows_and_real_phrases() -> None:
    notes = scenario_notes(ROOT / "scenarios" / "baseline_2022.yaml")
    assert notes, "the baseline lost its comments"
    observed = load_observed()
    for key, texts in notes.items():
        for text in texts:
            evidence = parse_evidence(text)
            assert set(evidence.rows) <= set(observed), (key, text)
            assert all(find_phrase(p).found for p in evidence.article_phrases), (key, text)


# --- the shipped data ------------------------------------------------------------------------


def test_observed_data_is_shipped_and_complete() -> None:
    rows = load_observed()
    assert len(rows) == 38
    assert list(rows) == sorted(rows)
    assert all(re.fullmatch(r"F\d\d", row_id) for row_id in rows)
    grades = {
        "official",
        "platform",
        "representative survey",
        "non-representative survey",
        "anecdotal",
    }
    for row_id, row in rows.items():
        assert row["id"] == row_id
        assert row["quantity"] and row["value"] and row["source"], row_id
        assert row["reliability"] in grades, row_id
        assert row["url"].startswith("http") or row["source"] == "public record", row_id
    assert rows["F15"]["source"] == "Krisha.kz analysis"


def test_data_link_at_the_root_shows_the_shipped_file() -> None:
    link = ROOT / "data" / "observed_2022.csv"
    shipped = ROOT / "src" / "exodus" / "data" / "observed_2022.csv"
    assert link.read_bytes() == shipped.read_bytes()


# --- phrase matching and classification ------------------------------------------------------


def test_normalise_maps_back_to_the_original() -> None:
    text = "A  “Quoted”\n Word"
    norm, where = normalise(text)
    assert norm == "a quoted word"
    assert text[where[norm.index("word")]] == "W"


@pytest.mark.parametrize(
    "phrase",
    [
        "there is no work here",
        "THERE IS NO WORK HERE",
        "spread many negative reactions ... on social media",
        "spread many negative reactions … on social media",
        "hang the 'no whites allowed' sign",
        "if the situation were reversed ...",
        "the  students\nsleep",
    ],
)
def test_phrase_found_despite_case_quotes_elisions_and_spaces(phrase: str) -> None:
    assert find_phrase(phrase).found


@pytest.mark.parametrize(
    "phrase",
    [
        "crossed the borders ... through Uralsk and Petropavlovsk",
        "on social media ... spread many negative reactions",  # pieces out of order
        "ask the locals for advice",
    ],
)
def test_phrase_not_found_when_not_verbatim(phrase: str) -> None:
    assert not find_phrase(phrase).found


def test_article_is_the_seed() -> None:
    text = load_article()
    assert text is not None and "relokanty" in text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("article: 'there is no work here'", None),
        ("article: no quote at all", None),
        ("F15, F18 (asking rents)", "data"),
        ("FLEE route choice (distance power)", "published"),
        ("Lorenz et al. 2021 (lambda)", "published"),
        ("calibrated: ABC on targets C1-C6", "calibrated"),
        ("calibrated", None),
        ("assumed: a month of hospitality", "assumed"),
        ("assumed: half the rent threat; article: 'there is no work here'", "assumed"),
        ("assumed", None),
        ("geography", None),
        ("design: the mobilisation month", None),
    ],
)
def test_parse_evidence_kinds(text: str, kind: str | None) -> None:
    assert parse_evidence(text).kind == kind


def test_apostrophes_inside_words_are_not_quotes() -> None:
    evidence = parse_evidence("F12, F14 (slower by September: assumed a third of spring's)")
    assert evidence.phrases == ()
    assert evidence.rows == ("F12", "F14")


def test_an_article_phrase_is_for_the_mechanism_not_the_number() -> None:
    evidence = parse_evidence("assumed: half the rent threat; article: 'there is no work here'")
    assert evidence.kind == "assumed"
    assert evidence.article_phrases == ("there is no work here",)
    assert evidence.phrases == ()
    problems = evidence_problems(parse_evidence("article: 'there is no work here'"))
    assert any("not an accepted kind" in p for p in problems)


def test_a_data_phrase_must_be_in_its_row_but_an_article_phrase_need_not() -> None:
    good = parse_evidence("F11 ('most stayed 1-2 days'); article: 'there is no work here'")
    assert good.kind == "data" and good.phrases == ("most stayed 1-2 days",)
    assert evidence_problems(good) == []
    bad = parse_evidence("F11 ('there is no work here')")
    assert any("is not in the text of F11" in p for p in evidence_problems(bad))


def test_no_parameter_rests_on_an_article_phrase_alone() -> None:
    alone = [leaf.path for leaf in PARAMS if leaf.evidence.lstrip().startswith("article:")]
    assert not alone, f"an article phrase justifies a mechanism, not a number: {alone}"


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("towns.<name>.per_capita_income", "Kazakh only"),
        ("towns.<name>.unemployment_rate", "Kazakh only"),
        ("flows.relocant.needs_work_share", "only the second wave's age and sex"),
        ("attitudes.initial_mean", "which side of the war"),
        ("prices.alcohol_trend_per_year", "Kyrgyzstan"),
    ],
)
def test_values_their_row_does_not_support_say_so(path: str, said: str) -> None:
    """Rows that do not give the value are not passed off as its source (issue 14)."""
    leaf = next(leaf for leaf in PARAMS if leaf.path == path)
    assert said in leaf.evidence


def test_evidence_table_opens_with_the_count_per_kind() -> None:
    lines = (ROOT / "seeds" / "evidence.md").read_text("utf-8").splitlines()
    assert lines[0] == "# Evidence for every parameter"
    table = lines[2 : 2 + 2 + len(KINDS) + 1]
    assert table[0].startswith("| kind | parameters |")
    counts = {
        kind: sum(parse_evidence(leaf.evidence).kind == kind for leaf in PARAMS) for kind in KINDS
    }
    for kind, row in zip(KINDS, table[2:], strict=False):
        assert row.startswith(f"| {kind} | {counts[kind]} |"), row
    assert table[-1].startswith(f"| all | {len(PARAMS)} |")
    assert sum(counts.values()) == len(PARAMS), "a parameter lacks an accepted kind"
