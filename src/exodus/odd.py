"""The parameter table of `docs/odd.md`, generated from the scenario schema.

The ODD document lists every parameter with its default, bounds, unit, evidence, the evidence's
kind and meaning. Written by hand, such a table drifts from the code within a week; here it is
rendered from the same walk over the schema that `exodus explain` uses, and spliced into the
document between two markers.

    python -m exodus.odd                       # print the table
    python -m exodus.odd --write docs/odd.md   # replace the table in the document
    python -m exodus.odd --check docs/odd.md   # exit 1 if the document's table is out of date
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from exodus.evidence import parameters, parse_evidence
from exodus.explain import _md, default_of, fmt, fmt_bounds

START = "<!-- parameters:start -->"
END = "<!-- parameters:end -->"
REGENERATE = "python -m exodus.odd --write docs/odd.md"

EXIT_STALE = 1
EXIT_USER_ERROR = 2


class OddError(Exception):
    """A document the table cannot be put in (missing, or without the markers)."""


def parameter_table() -> str:
    """Every schema parameter as one markdown table, in schema order.

    Defaults are the schema's own (a town's default is a placeholder: the baseline's town values are
    in `scenarios/baseline_2022.yaml` and `seeds/evidence.md`).
    """
    lines = [
        "| parameter | default | bounds | unit | evidence | kind | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for leaf in parameters():
        cells = [
            f"`{leaf.path}`",
            fmt(default_of(leaf)),
            fmt_bounds(leaf),
            leaf.unit,
            leaf.evidence,
            parse_evidence(leaf.evidence).kind or "none",
            leaf.description,
        ]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def splice(document: str, table: str, name: str = "the document") -> str:
    """`document` with the text between the markers replaced by `table`."""
    start, end = document.find(START), document.find(END)
    if start < 0 or end < 0 or end < start:
        raise OddError(f"{name}: no '{START}' ... '{END}' markers to hold the parameter table")
    head = document[: start + len(START)]
    return f"{head}\n\n{table}\n{document[end:]}"


def current_table(document: str, name: str = "the document") -> str:
    """The table a document holds between the markers, as `parameter_table` would write it."""
    start, end = document.find(START), document.find(END)
    if start < 0 or end < 0 or end < start:
        raise OddError(f"{name}: no '{START}' ... '{END}' markers to hold the parameter table")
    return document[start + len(START) : end].strip("\n") + "\n"


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise OddError(f"{path}: cannot read ({exc.strerror or exc})") from None


def write(path: Path) -> bool:
    """Put the current table into the document at `path`; True if it changed.

    The new text goes to a temporary file beside it and replaces the document in one rename.
    """
    old = _read(path)
    new = splice(old, parameter_table(), str(path))
    if new == old:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(new)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m exodus.odd",
        description="Print the ODD parameter table, or put it into a document between the markers "
        f"{START} and {END}.",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="DOC", type=Path, help="replace the table in DOC")
    group.add_argument(
        "--check", metavar="DOC", type=Path, help="exit 1 if the table in DOC is out of date"
    )
    args = parser.parse_args(argv)
    try:
        if args.write:
            changed = write(args.write)
            print(f"{args.write}: parameter table {'updated' if changed else 'already current'}")
        elif args.check:
            if current_table(_read(args.check), str(args.check)) != parameter_table():
                print(
                    f"{args.check}: parameter table is out of date; run: {REGENERATE}",
                    file=sys.stderr,
                )
                return EXIT_STALE
        else:
            sys.stdout.write(parameter_table())
    except OddError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
