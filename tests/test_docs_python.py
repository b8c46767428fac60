"""docs/python.md runs as written: its session as one notebook (in a Jupyter kernel, as a reader
would run it), and each block that starts with `# file: NAME.py` as a script of that name, all in
a directory outside the checkout. A block that stops working fails here, not in a reader's hands."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

DOC = ROOT / "docs" / "python.md"
FILE_LINE = re.compile(r"^# file: (\S+\.py)\n")


def blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.S | re.M)


def session() -> list[str]:
    return [block for block in blocks() if not FILE_LINE.match(block)]


def scripts() -> dict[str, str]:
    found = {}
    for block in blocks():
        match = FILE_LINE.match(block)
        if match:
            found[match.group(1)] = block
    return found


def test_the_page_has_a_session_and_the_ema_script() -> None:
    assert len(session()) >= 8
    assert "ema_exodus.py" in scripts()


def test_the_session_runs_as_a_notebook(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code) for code in session()]
    notebook.cells.append(nbformat.v4.new_code_cell("page"))  # SolaraViz renders the page
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        for output in cell.outputs
        if output.get("output_type") == "error"
    ]
    assert not errors
    assert (tmp_path / "runs" / "classroom_seed1" / "timeseries.csv").is_file()
    assert (tmp_path / "sweeps" / "classroom_spread" / "results.parquet").is_file()
    assert (tmp_path / "rents.png").stat().st_size > 10_000
    text = "".join(output.get("text", "") for cell in notebook.cells for output in cell.outputs)
    assert "datetime64[ns]" in text and "category" in text


@pytest.mark.parametrize("name", sorted(scripts()))
def test_each_script_runs(name: str, tmp_path: Path) -> None:
    code = scripts()[name]
    for module in re.findall(r"^from (\w+) import|^import (\w+)", code, flags=re.M):
        needed = next(m for m in module if m)
        if importlib.util.find_spec(needed) is None:
            pytest.skip(f"{needed} is not installed (pip install -e '.[ema]' installs it)")
    (tmp_path / name).write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, name], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip()  # each script reports what it did
