"""Evidence behind the parameters: the observed data, the article, and checks that citations hold.

Every schema parameter names its evidence (see `exodus.scenario.schema.param`). This module finds
the parameters in the schema, sorts each evidence string into one of the accepted kinds of evidence
for its *number*, and checks what can be checked: cited data rows exist, phrases quoted from a row
are in it, quoted article phrases really occur in the article.

The kinds (the start of the string says which):

- `data`: a row id of `observed_2022.csv` first (`F15 ...`), then the arithmetic from it;
- `published`: a published model or paper first (`FLEE ...`, see PUBLISHED_MODELS), and its value;
- `calibrated: <the run that fitted it>`;
- `assumed: <one line of reasoning>`.

An article phrase justifies a mechanism, never a number: it may follow the number's evidence as
`...; article: '<phrase>'`, and an evidence string that is only an article phrase is of no kind.
"""

from __future__ import annotations

import csv
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from exodus.scenario.schema import Scenario

ROW_ID = re.compile(r"\bF\d\d\b")
"""A row id of `observed_2022.csv`."""

QUOTED = re.compile(r"(?<!\w)'([^']+?)'(?!\w)")
"""A phrase in single quotes; an apostrophe inside a word (spring's) does not open a quote."""

ELISION = re.compile(r"\.\.\.|…")

PUBLISHED_MODELS: dict[str, str] = {
    "FLEE": "FLEE, refugee-movement simulation (djgroen/flee; Suleimenova, Bell & Groen 2017)",
    "INET": "INET Oxford / Bank of England housing-market model (Baptista et al. 2016)",
    "Gilbert": "Gilbert / Gamal housing-market models (NetLogo; JASSS 2024)",
    "PolicySpace2": "PolicySpace2, IPEA (Furtado 2022)",
    "Epstein": "Epstein 2002, civil violence model (PNAS)",
    "Lorenz": "Lorenz, Neumann & Schröder 2021, attitude dynamics (Psychological Review)",
    "Deffuant": "Deffuant et al. 2000, bounded-confidence opinion dynamics",
    "Hegselmann": "Hegselmann & Krause 2002, bounded-confidence opinion dynamics",
    "Flache": "Flache 2018, social influence and intergroup contact (contact can backfire)",
    "Grim": "Grim et al. 2005, contact in mixed settings dissolves in-group favouritism",
    "Allport": "Allport 1954, The Nature of Prejudice (the contact hypothesis and its conditions)",
    "Urselmans": "Urselmans & Phelps 2018, perceived group size and threat",
    "Shults": "Shults et al. 2018, escalation of intergroup anxiety (JASSS)",
}
"""Published models an evidence string may start with, and what each one is."""

KINDS = ("data", "published", "calibrated", "assumed")
"""The accepted kinds of evidence for a parameter's number, in the order they are reported."""

ARTICLE_MARK = re.compile(r"(?:^|(?<=[\s;,(]))article:")
"""Where the article phrase for the mechanism begins (`article:` as a word)."""


# --- the observed data and the article -------------------------------------------------------


@cache
def load_observed() -> dict[str, dict[str, str]]:
    """The rows of the shipped `observed_2022.csv`, keyed by id (F01 ...), in file order."""
    text = resources.files("exodus.data").joinpath("observed_2022.csv").read_text("utf-8")
    return {row["id"]: row for row in csv.DictReader(text.splitlines())}


def article_path() -> Path | None:
    """`seeds/article.txt` of this checkout (or of the working directory); None if absent.

    The article is not package data: it lives beside the code in the repository.
    """
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        path = root / "seeds" / "article.txt"
        if path.is_file():
            return path
    return None


@cache
def load_article() -> str | None:
    """The article's text, or None when this is not a checkout of the repository."""
    path = article_path()
    return path.read_text("utf-8") if path else None


_QUOTES = set("'\"‘’‚‛“”„‟«»‹›`´")


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case `text`, drop quote marks, collapse whitespace to one space.

    Returns the normalised text and, for each of its characters, the index in `text` it came from,
    so a match can be shown in its original context.
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _QUOTES:
            continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            continue
        for low in ch.lower():
            out.append(low)
            where.append(i)
    return "".join(out), where


@cache
def _normalised(text: str) -> tuple[str, list[int]]:
    return normalise(text)


@dataclass(frozen=True)
class PhraseMatch:
    """Where a quoted phrase occurs in the article: spans in the original text, one per piece."""

    phrase: str
    spans: tuple[tuple[int, int], ...]

    @property
    def found(self) -> bool:
        return bool(self.spans)


def _pieces(phrase: str) -> list[str]:
    pieces = (normalise(p)[0].strip(" .,;:") for p in ELISION.split(phrase))
    return [p for p in pieces if p]


def find_phrase(phrase: str, text: str | None = None) -> PhraseMatch:
    """Find `phrase` in the article, ignoring case, quote marks and whitespace.

    An elision (`...`) splits the phrase into pieces that must occur in order.
    """
    text = load_article() if text is None else text
    if text is None:
        return PhraseMatch(phrase, ())
    norm, where = _normalised(text)

    def search(pieces: list[str], start: int) -> list[tuple[int, int]] | None:
        if not pieces:
            return []
        at = norm.find(pieces[0], start)
        while at >= 0:
            end = at + len(pieces[0])
            rest = search(pieces[1:], end)
            if rest is not None:
                return [(where[at], where[end - 1] + 1), *rest]
            at = norm.find(pieces[0], at + 1)
        return None

    pieces = _pieces(phrase)
    spans = search(pieces, 0) if pieces else None
    return PhraseMatch(phrase, tuple(spans or ()))


def paragraph_of(text: str, index: int) -> int:
    """1-based paragraph (line) of the article holding character `index`."""
    return text.count("\n", 0, index) + 1


# --- evidence strings ----------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One evidence string, parsed: the kind of evidence for its number, the rows it cites, the
    phrases it quotes for the number and those it quotes from the article for the mechanism."""

    text: str
    kind: str | None
    rows: tuple[str, ...]
    phrases: tuple[str, ...]
    """Quoted phrases of the number's evidence (before any `article:`)."""
    model: str | None = None
    article_phrases: tuple[str, ...] = ()
    """Quoted phrases after `article:`, which claim to come from the article."""


def split_article(text: str) -> tuple[str, str]:
    """The number's evidence and the article part (from `article:` on; empty if none)."""
    match = ARTICLE_MARK.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], text[match.start() :]


def parse_evidence(text: str) -> Evidence:
    """Classify an evidence string; `kind` is None when it is none of the accepted kinds.

    Accepted: a leading row id (`F15 ...`: data), a leading published model name (`FLEE ...`:
    published), `calibrated: <run>` or `assumed: <reason>`; any of them may add an article phrase
    for the mechanism (`...; article: '<phrase>'`). An article phrase alone is no kind.
    """
    stripped = text.strip()
    number, article = split_article(stripped)
    rows = tuple(dict.fromkeys(ROW_ID.findall(stripped)))
    phrases = tuple(QUOTED.findall(number))
    kind: str | None = None
    model = next((m for m in PUBLISHED_MODELS if re.match(rf"{m}\b", number)), None)
    if re.match(r"F\d\d\b", number):
        kind = "data"
    elif model is not None:
        kind = "published"
    elif re.match(r"calibrated:\s*\S", number):
        kind = "calibrated"
    elif re.match(r"assumed:\s*\S", number):
        kind = "assumed"
    return Evidence(stripped, kind, rows, phrases, model, tuple(QUOTED.findall(article)))


def evidence_problems(evidence: Evidence) -> list[str]:
    """What is wrong with an evidence string, in words; empty when it holds."""
    problems: list[str] = []
    if evidence.kind is None:
        problems.append(
            "not an accepted kind for the number (a row id F.., a published model, "
            "calibrated: <run> or assumed: <reason>; an article phrase justifies only the "
            "mechanism, after them as '; article: ...')"
        )
    observed = load_observed()
    problems += [
        f"cites {row}, which is not in observed_2022.csv"
        for row in evidence.rows
        if row not in observed
    ]
    if load_article() is not None:
        problems += [
            f"'{p}' is not in the article"
            for p in evidence.article_phrases
            if not find_phrase(p).found
        ]
    if evidence.kind == "data":
        cited = " ".join(observed[r]["quantity"] for r in evidence.rows if r in observed)
        problems += [
            f"'{p}' is not in the text of {', '.join(evidence.rows)}"
            for p in evidence.phrases
            if not find_phrase(p, cited).found
        ]
    return problems


# --- the parameters of the schema ----------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """A field of the schema that holds a value (not a block of further fields).

    `path` is dotted; inside collections it holds a placeholder: `towns.<name>.population`,
    `routes.<i>.days`, `policies.rent_cap.max_increase` (a policy is named by its kind).
    """

    path: str
    owner: type[BaseModel]
    name: str
    info: FieldInfo
    collection: str | None = None
    """'towns', 'routes' or 'policies' for a field of a collection's items."""
    steps: tuple[str, ...] = field(default=())
    """Attribute names from the scenario down to the block holding the field (or the collection)."""

    @property
    def extra(self) -> dict[str, Any]:
        extra = self.info.json_schema_extra
        return extra if isinstance(extra, dict) else {}

    @property
    def is_parameter(self) -> bool:
        """Declared with `param(...)`: it carries a unit and evidence."""
        return "unit" in self.extra or "evidence" in self.extra

    @property
    def unit(self) -> str:
        return str(self.extra.get("unit", ""))

    @property
    def evidence(self) -> str:
        return str(self.extra.get("evidence", ""))

    @property
    def description(self) -> str:
        return self.info.description or ""


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _union_models(annotation: Any) -> list[type[BaseModel]]:
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(annotation) if (m := _model(a))]
    return [m] if (m := _model(annotation)) else []


def _policy_kind(model: type[BaseModel]) -> str:
    kind = model.model_fields["kind"].annotation
    return str(typing.get_args(kind)[0])


def iter_leaves(
    model: type[BaseModel] = Scenario,
    prefix: str = "",
    steps: tuple[str, ...] = (),
    collection: str | None = None,
) -> Iterator[Leaf]:
    """Every value-holding field under `model`, depth first in declaration order."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        here = (*steps, name) if collection is None else steps
        annotation = info.annotation
        origin = typing.get_origin(_unwrap(annotation))
        args = typing.get_args(_unwrap(annotation))
        if (sub := _model(annotation)) is not None:
            yield from iter_leaves(sub, f"{path}.", here, collection)
        elif origin is dict and (subs := _union_models(args[1])):
            for sub in subs:
                yield from iter_leaves(sub, f"{path}.<name>.", here, name)
        elif origin is list and len(subs := _union_models(args[0])) == 1:
            yield from iter_leaves(subs[0], f"{path}.<i>.", here, name)
        elif origin is list and subs:
            for sub in subs:
                yield from iter_leaves(sub, f"{path}.{_policy_kind(sub)}.", here, name)
        else:
            yield Leaf(path, model, name, info, collection, here)


def parameters() -> list[Leaf]:
    """The schema's parameters (fields declared with unit and evidence), in schema order."""
    return [leaf for leaf in iter_leaves() if leaf.is_parameter]


def bounds_of(info: FieldInfo) -> tuple[tuple[str, float] | None, tuple[str, float] | None]:
    """Lower and upper bound of a field as (operator, number); bounds of dict or list items count.

    `relocant_per_day: dict[country, Annotated[float, Field(ge=0, ...)]]` is bounded by its items.
    """
    lower: tuple[str, float] | None = None
    upper: tuple[str, float] | None = None

    def visit(metadata: list[Any]) -> None:
        nonlocal lower, upper
        for item in metadata:
            for attr, side in (("ge", "lo"), ("gt", "lo"), ("le", "hi"), ("lt", "hi")):
                value = getattr(item, attr, None)
                if value is None or isinstance(item, FieldInfo):
                    continue
                if side == "lo":
                    lower = (attr, value)
                else:
                    upper = (attr, value)
            if isinstance(item, FieldInfo):
                visit(item.metadata)

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is typing.Annotated:
            visit(list(annotation.__metadata__))
        for arg in typing.get_args(annotation):
            walk(arg)

    visit(info.metadata)
    if lower is None and upper is None:
        walk(info.annotation)
    return lower, upper
