"""`exodus explain`: every parameter with its value, bounds, unit and the evidence behind it.

Without PARAM it lists all parameters with the kind of evidence for each number (data, published,
calibrated, assumed); with PARAM it shows one in full, with the data rows it cites and the article
phrase it quotes for its mechanism, in context. `--all --markdown` writes the evidence table that is
committed as `seeds/evidence.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from exodus.evidence import (
    KINDS,
    PUBLISHED_MODELS,
    Evidence,
    Leaf,
    bounds_of,
    evidence_problems,
    find_phrase,
    load_article,
    load_observed,
    paragraph_of,
    parameters,
    parse_evidence,
)
from exodus.scenario.schema import Scenario
from exodus.shipped import scenario_file

BASELINE = Path("scenarios/baseline_2022.yaml")
"""Scenario whose values are shown when no `--scenario` is given (relative to the working dir)."""

REGENERATE = "exodus explain --all --markdown > seeds/evidence.md"

KIND_NAMES = {
    "data": "observed data",
    "published": "a published model",
    "calibrated": "a calibration run",
    "assumed": "an assumption",
    None: "NOT AN ACCEPTED KIND",
}

KIND_MEANINGS = {
    "data": "a row of `data/observed_2022.csv` (F..) and the arithmetic from it to the value",
    "published": "a published model or paper and its value",
    "calibrated": "the calibration run that fitted it",
    "assumed": "an assumption, with one line of reasoning",
}
"""What each kind of evidence for a number is, for the head of the evidence table."""


class UsageError(Exception):
    """A mistake on the command line: reported in one line, exit status 2."""


# --- the scenario and its values -------------------------------------------------------------


def load(path: Path) -> Scenario:
    """Load a scenario with the project's loader (extends, readable errors) when it is present."""
    if not path.is_file():
        raise UsageError(f"no scenario file {path}")
    try:
        from exodus.scenario.loader import load_scenario
    except ImportError:
        load_scenario = None
    try:
        if load_scenario is not None:
            return load_scenario(path)
        return Scenario.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except Exception as exc:  # any loader error is the user's file: show it, no traceback
        raise UsageError(f"cannot load {path}: {exc}") from None


def default_of(leaf: Leaf) -> Any:
    """The schema default of a parameter, taking defaults of enclosing blocks into account.

    `flows.relocant.party_size` defaults to what `Flows()` puts in its relocant wave, not to the
    bare `Wave` default.
    """
    if leaf.collection is not None:
        return leaf.info.get_default(call_default_factory=True)
    obj: Any = None
    model: Any = Scenario
    for step in leaf.steps:
        if obj is None:
            obj = model.model_fields[step].get_default(call_default_factory=True)
        else:
            obj = getattr(obj, step)
    return obj


def _route_label(route: Any) -> str:
    return f"{route.a}-{route.b}"


def values_of(leaf: Leaf, scenario: Scenario | None) -> list[tuple[str | None, Any]]:
    """The parameter's value(s) in the scenario as (label, value): one per town, route or policy.

    Without a scenario, or for a policy kind the scenario does not use, the schema default.
    """
    if scenario is None:
        return [(None, default_of(leaf))]
    if leaf.collection == "towns":
        return [(name, getattr(town, leaf.name)) for name, town in scenario.towns.items()]
    if leaf.collection == "routes":
        return [(_route_label(r), getattr(r, leaf.name)) for r in scenario.routes]
    if leaf.collection == "policies":
        kind = leaf.path.split(".")[1]
        found = [
            (f"#{i}", getattr(p, leaf.name))
            for i, p in enumerate(scenario.policies)
            if p.kind == kind
        ]
        return found or [(None, default_of(leaf))]
    obj: Any = scenario
    for step in leaf.steps:
        obj = getattr(obj, step)
    return [(None, obj)]


# --- the notes a scenario file carries in its comments -------------------------------------

_KEY = re.compile(r"^(?P<indent> *)(?P<key>[^\s#:-][^:#]*?):(?:\s+(?P<rest>.*))?$")
_ITEM = re.compile(r"^(?P<indent> *)- (?P<rest>.*)$")


def _split_comment(text: str) -> tuple[str, str]:
    value, _, comment = text.partition(" #")
    if text.lstrip().startswith("#"):
        return "", text.lstrip()[1:].strip()
    return value.strip(), comment.strip()


def scenario_notes(path: Path) -> dict[str, list[str]]:
    """Comments of a scenario file by dotted key path (`towns.Uralsk.population: ['F27']`).

    A comment at the end of a key's line belongs to that key; indented comment lines belong to the
    next key; comments on list items belong to the list's key, prefixed with the item.
    """
    notes: dict[str, list[str]] = {}
    stack: list[tuple[int, str]] = []
    pending: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if line.startswith(" "):
                pending.append(stripped[1:].strip())
            continue
        pending = [" ".join(pending)] if pending else []
        if not stripped:
            continue
        if match := _KEY.match(line):
            indent = len(match["indent"])
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, match["key"].strip()))
            key = ".".join(k for _, k in stack)
            _, comment = _split_comment(match["rest"] or "")
            found = [*pending, comment] if comment else pending
            if found:
                notes.setdefault(key, []).extend(found)
        elif match := _ITEM.match(line):
            value, comment = _split_comment(match["rest"])
            if comment and stack:
                key = ".".join(k for _, k in stack)
                notes.setdefault(key, []).append(f"{value}: {comment}")
        pending = []
    return notes


# --- one parameter, ready to print ---------------------------------------------------------


@dataclass
class Entry:
    """A parameter with its value(s), evidence and the notes the scenario file gives it."""

    leaf: Leaf
    values: list[tuple[str | None, Any]]
    default: Any
    evidence: Evidence
    notes: list[tuple[str, str]]
    """(key path in the scenario file, comment) for this parameter."""
    label: str | None = None
    """The one town (or route) this entry is narrowed to, if any."""

    @property
    def path(self) -> str:
        if self.label is None or self.leaf.collection == "policies":
            return self.leaf.path
        return re.sub(r"<[a-z]+>", self.label, self.leaf.path, count=1)

    @property
    def rows(self) -> list[str]:
        """Rows cited by the evidence, then those cited by the scenario's notes."""
        cited = list(self.evidence.rows)
        for _, note in self.notes:
            cited += parse_evidence(note).rows
        return list(dict.fromkeys(cited))

    @property
    def problems(self) -> list[str]:
        return evidence_problems(self.evidence)


def _notes_for(leaf: Leaf, notes: dict[str, list[str]], scenario: Scenario | None) -> list:
    if leaf.collection == "towns" and scenario is not None:
        keys = [f"towns.{name}.{leaf.name}" for name in scenario.towns]
    elif leaf.collection is None:
        keys = [k for k in notes if k == leaf.path or k.startswith(f"{leaf.path}.")]
    else:
        keys = []
    return [(k, n) for k in keys for n in notes.get(k, [])]


def entries(scenario: Scenario | None, notes: dict[str, list[str]]) -> list[Entry]:
    """Every parameter of the schema, in schema order."""
    return [
        Entry(
            leaf,
            values_of(leaf, scenario),
            default_of(leaf),
            parse_evidence(leaf.evidence),
            _notes_for(leaf, notes, scenario),
        )
        for leaf in parameters()
    ]


# --- formatting --------------------------------------------------------------------------


def fmt(value: Any, *, full: bool = False) -> str:
    """A value as a user would write it in a scenario file; long schedules are summarised."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{k} {fmt(v, full=full)}" for k, v in value.items()) or "{}"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value) and not full:
            peak = max(v for _, v in value)
            return f"{len(value)} knots {fmt(value[0][0])}..{fmt(value[-1][0])}, max {fmt(peak)}"
        if not value:
            return "none"
        return ", ".join(
            f"{fmt(v[0])} {fmt(v[1])}" if isinstance(v, tuple) else fmt(v) for v in value
        )
    return str(value)


def fmt_values(values: list[tuple[str | None, Any]], *, full: bool = False) -> str:
    return "; ".join(
        fmt(v, full=full) if k is None else f"{k} {fmt(v, full=full)}" for k, v in values
    )


def fmt_bounds(leaf: Leaf) -> str:
    lower, upper = bounds_of(leaf.info)
    if lower and upper:
        left = "[" if lower[0] == "ge" else "("
        right = "]" if upper[0] == "le" else ")"
        return f"{left}{fmt(float(lower[1]))}, {fmt(float(upper[1]))}{right}"
    if lower:
        return f"{'>=' if lower[0] == 'ge' else '>'} {fmt(float(lower[1]))}"
    if upper:
        return f"{'<=' if upper[0] == 'le' else '<'} {fmt(float(upper[1]))}"
    return "-"


def kind_line(evidence: Evidence) -> str:
    """The kind of an evidence string in words, with the model's reference if it names one and
    whether the article is quoted for the mechanism."""
    name = KIND_NAMES[evidence.kind]
    if evidence.kind == "published" and evidence.model:
        name = f"{name}: {PUBLISHED_MODELS[evidence.model]}"
    if evidence.article_phrases:
        name += "; the article for the mechanism"
    return name


def kind_label(evidence: Evidence) -> str:
    """The kind as one word for listings ('none' when it is not an accepted kind)."""
    return evidence.kind or "none"


def context(phrase: str, width: int = 60) -> str | None:
    """The phrase in the article with some text on either side, the match in [brackets]."""
    text = load_article()
    match = find_phrase(phrase)
    if text is None or not match.found:
        return None
    start, end = match.spans[0][0], match.spans[-1][1]
    before = " ".join(text[max(0, start - width) : start].split())
    after = " ".join(text[end : end + width].split())
    inner = " ".join(text[start:end].split())
    return f"paragraph {paragraph_of(text, start)}: ...{before} [{inner}] {after}..."


def _missing() -> str:
    """Why a phrase has no place in the article: not in it, or no article to look in."""
    if load_article() is None:
        return "not checked: seeds/article.txt is not in this installation"
    return "NOT FOUND in the article"


def _row_lines(row_id: str, indent: str) -> list[str]:
    row = load_observed().get(row_id)
    if row is None:
        return [f"{indent}{row_id}  (not in observed_2022.csv)"]
    pad = indent + " " * (len(row_id) + 2)
    return [
        f"{indent}{row_id}  {row['quantity']}",
        f"{pad}value {row['value']} {row['unit']} | date {row['date']} | place {row['place']}",
        f"{pad}source {row['source']} | reliability {row['reliability']}",
        f"{pad}{row['url'] or '(no URL: public record)'}",
    ]


def render_one(entry: Entry, scenario_path: Path | None) -> str:
    """One parameter in full."""
    leaf = entry.leaf
    values = entry.values
    where = str(scenario_path) if scenario_path else "schema default; no scenario"
    if scenario_path and leaf.collection == "policies" and values[0][0] is None:
        where = f"schema default; {scenario_path} has no {leaf.path.split('.')[1]} policy"
    elif scenario_path and leaf.collection is None and values[0][1] == entry.default:
        where += ", = schema default"
    lines = [entry.path, f"  {leaf.description}", ""]
    value = values[0][1]
    if (
        len(values) == 1
        and isinstance(value, dict)
        and any(isinstance(v, list) for v in value.values())
    ):
        lines.append(f"  value     ({where})")
        lines += [f"            {k}: {fmt(v, full=True)}" for k, v in value.items()]
    elif len(values) == 1:
        label = f"{values[0][0]}: " if values[0][0] else ""
        lines.append(f"  value     {label}{fmt(value, full=True)}  ({where})")
    else:
        lines.append(f"  values    ({where})")
        lines += [f"            {label}: {fmt(v, full=True)}" for label, v in values]
    if leaf.collection is not None or values[0][1] != entry.default:
        lines.append(f"  default   {fmt(entry.default, full=True)}")
    lines += [
        f"  bounds    {fmt_bounds(leaf)}",
        f"  unit      {leaf.unit}",
        f"  evidence  {leaf.evidence}",
        f"  kind      {kind_line(entry.evidence)}",
    ]
    for phrase in entry.evidence.article_phrases:
        shown = context(phrase)
        lines.append(f"  article   '{phrase}'")
        lines.append(f"            {shown or _missing()}")
    if entry.notes:
        lines.append("  notes in the scenario file:")
        lines += [f"            {key}: {note}" for key, note in entry.notes]
    if entry.rows:
        lines += ["", "  data rows (data/observed_2022.csv):"]
        for row_id in entry.rows:
            lines += _row_lines(row_id, "    ")
    if problems := entry.problems:
        lines += ["", "  CHECK FAILED:"] + [f"    - {p}" for p in problems]
    return "\n".join(lines) + "\n"


def _section(path: str) -> str:
    return path.split(".")[0] if "." in path else "scenario"


def kind_counts(items: list[Entry]) -> dict[str | None, int]:
    """Parameters per kind of evidence, in KIND_NAMES order (None: no accepted kind)."""
    return {kind: sum(e.evidence.kind == kind for e in items) for kind in KIND_NAMES}


def _summary(items: list[Entry]) -> list[str]:
    counts = kind_counts(items)
    failing = sum(bool(e.problems) for e in items)
    quoting = sum(bool(e.evidence.article_phrases) for e in items)
    return [
        f"{len(items)} parameters: {counts['data']} from observed data, {counts['published']} "
        f"from a published model, {counts['calibrated']} calibrated, {counts['assumed']} "
        f"assumed, {counts[None]} of no accepted kind; {quoting} also quote the article for "
        f"their mechanism; {failing} have evidence that fails the checks."
    ]


def _kind_table(items: list[Entry]) -> list[str]:
    """Parameters per kind of evidence, as a markdown table."""
    counts = kind_counts(items)
    out = ["| kind | parameters | the number's evidence |", "|---|---|---|"]
    out += [f"| {kind} | {counts[kind]} | {KIND_MEANINGS[kind]} |" for kind in KINDS]
    if counts[None]:
        out.append(f"| **none** | {counts[None]} | not an accepted kind: fails the checks |")
    out.append(f"| all | {len(items)} | |")
    return out


def render_list(items: list[Entry], scenario_path: Path | None, *, full: bool) -> str:
    """All parameters as text: two lines each (three with `full`), grouped by block."""
    source = scenario_path or "schema defaults (no scenario)"
    lines = [f"Parameters of exodus; values from {source}. `exodus explain PARAM` for one in full."]
    section = None
    for entry in items:
        if _section(entry.path) != section:
            section = _section(entry.path)
            lines += ["", f"[{section}]"]
        flag = "  [check fails]" if entry.problems else ""
        lines.append(
            f"{entry.path} = {fmt_values(entry.values)}   {fmt_bounds(entry.leaf)}  "
            f"{entry.leaf.unit}"
        )
        if full:
            lines.append(f"    {entry.leaf.description}")
        lines.append(f"    evidence ({kind_label(entry.evidence)}): {entry.leaf.evidence}{flag}")
    if full:
        lines += ["", "[data rows cited]"]
        for row_id, cited_by in _rows_cited(items).items():
            lines += _row_lines(row_id, "")
            lines.append(f"     cited by {', '.join(cited_by)}")
        lines += ["", "[article phrases quoted]"]
        for phrase, (where, cited_by) in _phrases_quoted(items).items():
            lines.append(f"'{phrase}'  {where}; cited by {', '.join(cited_by)}")
        lines += ["", "[checks]"]
        lines += [f"{e.path}: {'; '.join(e.problems)}" for e in items if e.problems] or ["all pass"]
    lines += ["", *_summary(items)]
    return "\n".join(lines) + "\n"


def _rows_cited(items: Iterable[Entry]) -> dict[str, list[str]]:
    cited: dict[str, list[str]] = {}
    for entry in items:
        for row_id in entry.rows:
            cited.setdefault(row_id, []).append(entry.path)
    order = list(load_observed())
    return dict(
        sorted(
            cited.items(),
            key=lambda kv: (kv[0] not in order, order.index(kv[0]) if kv[0] in order else kv[0]),
        )
    )


def _phrases_quoted(items: Iterable[Entry]) -> dict[str, tuple[str, list[str]]]:
    text = load_article()
    quoted: dict[str, tuple[str, list[str]]] = {}
    for entry in items:
        phrases = list(entry.evidence.article_phrases)
        for _, note in entry.notes:
            phrases += parse_evidence(note).article_phrases
        for phrase in phrases:
            if phrase not in quoted:
                match = find_phrase(phrase)
                where = (
                    f"paragraph {paragraph_of(text, match.spans[0][0])}"
                    if text is not None and match.found
                    else _missing()
                )
                quoted[phrase] = (where, [])
            if entry.path not in quoted[phrase][1]:
                quoted[phrase][1].append(entry.path)
    return quoted


def _md(text: Any) -> str:
    """A markdown table cell: pipes escaped, `<` outside code spans escaped (not read as HTML)."""
    parts = str(text).replace("|", "\\|").replace("\n", " ").split("`")
    return "`".join(p if i % 2 else p.replace("<", "&lt;") for i, p in enumerate(parts))


def render_markdown(items: list[Entry], scenario_path: Path | None, *, full: bool) -> str:
    """The evidence table in markdown; `full` adds the rows, phrases and notes it relies on."""
    source = f"`{scenario_path}`" if scenario_path else "the schema defaults"
    out = [
        "# Evidence for every parameter",
        "",
        *_kind_table(items),
        "",
        f"Generated by `{REGENERATE}`; do not edit by hand. Values are those of {source}.",
        "The kind says where each number comes from: a row of `data/observed_2022.csv` (F..), "
        "a published model, a calibration run, or an assumption with its reason. A phrase of "
        "`seeds/article.txt` (after `article:`) justifies a mechanism, not a number.",
        "",
        *_summary(items),
    ]
    section = None
    for entry in items:
        if _section(entry.path) != section:
            section = _section(entry.path)
            out += ["", f"## {section}", ""]
            header = ["parameter", "value", "bounds", "unit", "kind", "evidence"]
            if full:
                header.insert(1, "meaning")
            out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        cells = [
            f"`{entry.path}`",
            fmt_values(entry.values),
            fmt_bounds(entry.leaf),
            entry.leaf.unit,
            kind_label(entry.evidence),
            entry.leaf.evidence + (" **(check fails)**" if entry.problems else ""),
        ]
        if full:
            cells.insert(1, entry.leaf.description)
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    if full:
        out += _markdown_appendix(items)
    return "\n".join(out) + "\n"


def _markdown_appendix(items: list[Entry]) -> list[str]:
    out = ["", "## Data rows cited", ""]
    out += [
        "| id | quantity | value | unit | date | place | source | reliability | cited by |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    observed = load_observed()
    for row_id, cited_by in _rows_cited(items).items():
        row = observed.get(row_id, {})
        source = row.get("source", "missing")
        if row.get("url"):
            source = f"[{source}]({row['url']})"
        cells = [
            row_id,
            row.get("quantity", "not in the data"),
            row.get("value", ""),
            row.get("unit", ""),
            row.get("date", ""),
            row.get("place", ""),
            source,
            row.get("reliability", ""),
            ", ".join(f"`{p}`" for p in cited_by),
        ]
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    out += ["", "## Article phrases quoted", "", "| phrase | where | cited by |", "|---|---|---|"]
    for phrase, (where, cited_by) in _phrases_quoted(items).items():
        cells = [f"'{phrase}'", where, ", ".join(f"`{p}`" for p in cited_by)]
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    notes = [(key, note) for e in items for key, note in e.notes]
    if notes:
        out += ["", "## Notes in the scenario file", "", "| key | note |", "|---|---|"]
        out += [f"| `{_md(key)}` | {_md(note)} |" for key, note in notes]
    failing = [e for e in items if e.problems]
    out += ["", "## Checks", ""]
    if failing:
        out += [f"- `{e.path}`: {_md('; '.join(e.problems))}" for e in failing]
    else:
        out.append("Every evidence string is of an accepted kind, and every citation was found.")
    return out


# --- finding a parameter by name -----------------------------------------------------------


def resolve(query: str, items: list[Entry], scenario: Scenario | None) -> tuple[Entry, str | None]:
    """The entry `query` names, and the town (or route, or policy) it picks out, if any.

    `towns.Uralsk.population` picks Uralsk; `towns.<name>.population` and `towns.*.population`
    mean all towns; `flows.onward_capacity.KZ` is the mapping `flows.onward_capacity`.
    """
    by_path = {e.path: e for e in items}
    if query in by_path:
        return by_path[query], None
    parts = query.split(".")
    if len(parts) >= 3 and parts[0] in ("towns", "routes"):
        placeholder = "<name>" if parts[0] == "towns" else "<i>"
        template = ".".join([parts[0], placeholder, *parts[2:]])
        if template in by_path:
            if parts[1] == "*":
                return by_path[template], None
            entry = by_path[template]
            labels = [label for label, _ in entry.values]
            if parts[0] == "routes" and parts[1].isdigit() and int(parts[1]) < len(labels):
                return entry, parts[1]
            if parts[1] in labels:
                return entry, parts[1]
    # a key of a per-country mapping (`flows.onward_capacity.KZ`) names the mapping, as a
    # scenario's `--set` and a calibration's parameter paths do
    parent = by_path.get(".".join(parts[:-1]))
    if parent is not None and any(
        isinstance(value, dict) and parts[-1] in value
        for value in [parent.default, *(v for _, v in parent.values)]
    ):
        return parent, None
    raise UsageError(f"unknown parameter '{query}'" + _suggest(query, items, scenario))


def _suggest(query: str, items: list[Entry], scenario: Scenario | None) -> str:
    names = [e.path for e in items]
    if scenario is not None:
        names += [
            e.path.replace("<name>", town)
            for e in items
            if e.leaf.collection == "towns"
            for town in scenario.towns
        ]
    last = query.split(".")[-1]
    close = [e.path for e in items if e.path.split(".")[-1] == last]
    close += difflib.get_close_matches(query, names, n=3, cutoff=0.6)
    close = list(dict.fromkeys(close))[:3]
    if not close:
        return "; `exodus explain` lists them all"
    listed = close[0] if len(close) == 1 else ", ".join(close[:-1]) + " or " + close[-1]
    return f"; did you mean {listed}?"


def pick(entry: Entry, label: str | None) -> Entry:
    """The entry narrowed to one town's (or route's) value."""
    if label is None:
        return entry
    if entry.leaf.collection == "routes":
        values = [entry.values[int(label)]]
    else:
        values = [(k, v) for k, v in entry.values if k == label]
    notes = [(k, n) for k, n in entry.notes if k.split(".")[1] == label]
    return Entry(entry.leaf, values, entry.default, entry.evidence, notes, label)


# --- the command ---------------------------------------------------------------------------


def add_parser(subparsers: Any) -> None:
    """Add the `explain` sub-command to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "explain",
        help="show parameters with their value, bounds, unit and evidence",
        description=(
            "List every scenario parameter with its value, bounds, unit and evidence, with the "
            "kind of evidence for its number (data, published, calibrated, assumed), or show one "
            "parameter in full: the data rows it cites and the article phrase it quotes for its "
            "mechanism, in context."
        ),
    )
    parser.add_argument(
        "param",
        nargs="?",
        metavar="PARAM",
        help="dotted path, e.g. housing.bid_up_per_rival or towns.Uralsk.population",
    )
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        type=Path,
        help="take values from this scenario file, or shipped scenario by name "
        f"(default: {BASELINE} if it exists)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="the full evidence table: descriptions, cited data rows, quoted phrases, checks",
    )
    parser.add_argument("--markdown", action="store_true", help="print the listing as markdown")
    parser.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    """Run `exodus explain`; returns the exit status (2 for an unknown parameter)."""
    try:
        print(_run(args), end="")
    except UsageError as exc:
        print(f"exodus explain: {exc}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace) -> str:
    param = getattr(args, "param", None)
    show_all = getattr(args, "all", False)
    markdown = getattr(args, "markdown", False)
    if param and (show_all or markdown):
        raise UsageError("give PARAM, or --all / --markdown for the whole table, not both")
    path = getattr(args, "scenario", None)
    if path is None and BASELINE.is_file():
        path = BASELINE
    elif path is not None:
        path = scenario_file(path)
    scenario = load(Path(path)) if path is not None else None
    notes = scenario_notes(Path(path)) if path is not None else {}
    items = entries(scenario, notes)
    shown = Path(path) if path is not None else None
    if param:
        return render_one(pick(*resolve(param, items, scenario)), shown)
    if markdown:
        return render_markdown(items, shown, full=show_all)
    return render_list(items, shown, full=show_all)


def main(argv: list[str] | None = None) -> int:
    """`python -m exodus.explain ...`, usable before the sub-command is wired into `exodus`."""
    parser = argparse.ArgumentParser(prog="exodus")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["explain", *(sys.argv[1:] if argv is None else argv)])
    return command(args)


if __name__ == "__main__":
    sys.exit(main())
