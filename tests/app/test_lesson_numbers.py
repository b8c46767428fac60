"""docs/classroom.md quotes what tools/lesson_numbers.py prints for the model as it stands."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re

from tests.conftest import ROOT


def test_the_lesson_page_holds_the_scripts_current_output() -> None:
    spec = importlib.util.spec_from_file_location(
        "lesson_numbers", ROOT / "tools" / "lesson_numbers.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        script.main()
    doc = (ROOT / "docs" / "classroom.md").read_text(encoding="utf-8")
    (quoted,) = re.findall(r"```text\n(# lesson numbers.*?)```", doc, re.S)
    assert quoted.strip() == printed.getvalue().strip(), (
        "docs/classroom.md is stale: run .venv/bin/python tools/lesson_numbers.py, paste its output "
        "at the end of the page and update the figures the lesson quotes"
    )
    text = printed.getvalue()
    # the lesson's claims, as the page shows them: the cap holds rents and displacement down
    base = re.search(r"^seed 20220921: peak rent ([\d.]+).*in total ([\d,]+)", text, re.M)
    assert base is not None
    cap = re.search(
        r"^## rent cap 0.1\nseed 20220921: peak rent ([\d.]+).*in total ([\d,]+)", text, re.M
    )
    assert cap is not None
    assert float(cap[1]) < float(base[1])
    assert int(cap[2].replace(",", "")) < int(base[2].replace(",", ""))
