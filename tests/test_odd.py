"""docs/odd.md stays true to the code: its parameter table, its schedule, its submodels and patterns."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from exodus import odd
from exodus.evidence import parameters
from exodus.model.model import ExodusModel
from exodus.scenario.schema import Flows, Housing

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "odd.md"
MODEL_DIR = ROOT / "src" / "exodus" / "model"

HELPERS = {
    "__init__": "the package",
    "model": "the schedule (section 3)",
    "state": "the columns (section 2)",
    "population": "initialisation (section 5)",
    "groups": "vectorised helpers (section 7 intro)",
    "record": "the output columns (7.8, with recorder.py)",
    "views": "views for inspection (2.6)",
    "compiled": "compiled household loops (section 7 intro)",
    "attitude_kernels": "compiled passes of attitudes.py (section 7 intro)",
}
"""Modules of exodus/model that are not a mechanism stepped each day; each is still named in the doc.
A new module must be added here or get its own subsection in section 7."""


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text("utf-8")


def section(doc: str, number: int) -> str:
    """The text of top-level section `number` (`## 3. ...`) up to the next one."""
    match = re.search(rf"^## {number}\. .*?(?=^## \d+\. |\Z)", doc, flags=re.M | re.S)
    assert match, f"docs/odd.md has no section '## {number}.'"
    return match.group(0)


def test_committed_parameter_table_is_current(doc):
    assert odd.current_table(doc, "docs/odd.md") == odd.parameter_table(), (
        f"docs/odd.md's parameter table differs from the schema; run: {odd.REGENERATE}"
    )


def test_table_has_one_row_per_parameter_with_the_effective_default():
    table = odd.parameter_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(parameters()) > 100
    by_path = {row.split("`")[1]: row for row in rows}
    bid_up = Housing().bid_up_per_rival
    assert by_path["housing.bid_up_per_rival"].startswith(
        f"| `housing.bid_up_per_rival` | {bid_up:g} | [0, 0.5] | share of the ask per extra "
        "bidder |"
    )
    # a wave's default is what `Flows()` puts in that wave, not the bare `Wave` default (0)
    transit = Flows().mobilised.onward_pull
    assert transit > 0
    assert (
        f"| `flows.mobilised.onward_pull` | {transit:g} |" in by_path["flows.mobilised.onward_pull"]
    )
    assert "| `scale` | 0.2 | (0, 1] |" in by_path["scale"]


def test_every_mechanism_module_has_a_subsection(doc):
    submodels = section(doc, 7)
    headings = re.findall(r"^### 7\.\d+ .*$", submodels, flags=re.M)
    for path in sorted(MODEL_DIR.glob("*.py")):
        name = path.stem
        if name in HELPERS:
            assert name == "__init__" or f"`{name}.py`" in doc, f"docs/odd.md never names {name}.py"
            continue
        assert any(f"`{name}.py`" in h for h in headings), (
            f"docs/odd.md section 7 has no subsection for {name}.py (a heading naming `{name}.py`), "
            f"or add it to HELPERS in tests/test_odd.py if it is not a mechanism"
        )


def step_calls() -> list[str]:
    """`component.method()` calls of `ExodusModel.step`, in the order they appear."""
    tree = ast.parse(inspect.cleandoc("\n" + inspect.getsource(ExodusModel.step)))
    calls = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and not node.args
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute)
            and isinstance(node.func.value.value, ast.Name)
            and node.func.value.value.id == "self"
        ):
            calls.append((node.lineno, f"{node.func.value.attr}.{node.func.attr}()"))
    return [call for _, call in sorted(calls)]


def test_schedule_states_the_order_of_the_step(doc):
    in_code = step_calls()
    assert in_code[:2] == ["flows.step()", "policy.daily()"]  # the parser found the calls
    in_doc = re.findall(r"`(\w+\.\w+\(\))`", section(doc, 3))
    assert in_doc == in_code, "section 3 of docs/odd.md must list the calls of ExodusModel.step"


def test_every_pattern_and_calibration_test_is_listed(doc):
    patterns = section(doc, 1)
    for name in ("test_patterns.py", "test_calibration.py"):
        source = (ROOT / "tests" / "model" / name).read_text("utf-8")
        tests = re.findall(r"^def (test_\w+)", source, flags=re.M)
        assert tests, name
        for test in tests:
            assert f"`{test}`" in patterns, f"docs/odd.md section 1.2 does not list {name}::{test}"


# --- python -m exodus.odd ------------------------------------------------------------------


def test_write_replaces_only_the_table(tmp_path):
    path = tmp_path / "odd.md"
    path.write_text(f"# Title\n\nbefore\n\n{odd.START}\n| stale |\n{odd.END}\n\nafter\n")
    assert odd.main(["--write", str(path)]) == 0
    text = path.read_text()
    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith(f"{odd.END}\n\nafter\n")
    assert "| stale |" not in text
    assert odd.current_table(text) == odd.parameter_table()
    assert odd.write(path) is False  # a second write changes nothing
    assert path.read_text() == text


def test_check_says_how_to_fix_a_stale_table(tmp_path, capsys):
    path = tmp_path / "odd.md"
    path.write_text(f"{odd.START}\n| stale |\n{odd.END}\n")
    assert odd.main(["--check", str(path)]) == odd.EXIT_STALE
    assert odd.REGENERATE in capsys.readouterr().err
    odd.main(["--write", str(path)])
    assert odd.main(["--check", str(path)]) == 0


@pytest.mark.parametrize("content", [None, "# no markers here\n"])
def test_a_document_without_markers_is_a_one_line_error(tmp_path, capsys, content):
    path = tmp_path / "odd.md"
    if content is not None:
        path.write_text(content)
    assert odd.main(["--write", str(path)]) == odd.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1 and str(path) in err and err.startswith("python -m exodus.odd: error")
    )
    assert "Traceback" not in err
    if content is not None:
        assert path.read_text() == content  # untouched
        assert "markers" in err
    assert [p.name for p in tmp_path.iterdir()] == ([] if content is None else ["odd.md"])
