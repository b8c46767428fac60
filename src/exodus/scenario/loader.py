"""Read scenario files: `extends` chains, `--set` overrides, and errors a user can act on.

Every error is a `ScenarioError` naming the file, the key path and the line (or the `--set` that
supplied the value), so a typo in a 200-line file is found in seconds, not by reading a traceback.
Lines survive merging because each mapping and list remembers where every entry came from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import os
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from exodus import limits
from exodus.files import UserFileError, read_user_text
from exodus.scenario.schema import Scenario
from exodus.shipped import scenario_file

EXTENDS = "extends"


class ScenarioError(Exception):
    """A scenario the user must fix: where it is wrong, and what is wrong."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        key: str | None = None,
        line: int | None = None,
        override: str | None = None,
        via: str = "--set",
    ) -> None:
        self.file, self.message, self.key, self.line, self.override = (
            file,
            message,
            key,
            line,
            override,
        )
        self.via = via
        """What supplied `override`: the CLI's `--set`, or a Python API call's `overrides`."""
        self.problems: list[ScenarioError] = [self]
        """Every problem found, this one first: `exodus check` prints them all."""
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.key:
            where += f": {self.key}"
        if self.override:
            where += f" (from {self.via} {self.override})"
        elif self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Origin:
    """Where one entry of the resolved tree was written: a file line, or a `--set`."""

    file: str
    line: int | None = None
    override: str | None = None
    via: str = "--set"


class YDict(dict):
    """A mapping that remembers the origin of each of its keys."""

    def __init__(self, *args: Any, origin: Origin | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = origin
        self.origins: dict[Any, Origin] = {}


class YList(list):
    """A list that remembers the origin of each of its items."""

    def __init__(self, *args: Any, origin: Origin | None = None) -> None:
        super().__init__(*args)
        self.origin = origin
        self.origins: list[Origin] = []


def _line_loader(file: str) -> type[yaml.SafeLoader]:
    """A SafeLoader that builds YDict/YList stamped with `file` and 1-based lines."""

    class LineLoader(yaml.SafeLoader):
        depth = 0
        nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            # Nesting and size are bounded before composing's recursion and time can run away.
            self.depth += 1
            self.nodes += 1
            try:
                if self.depth > limits.MAX_YAML_DEPTH:
                    raise yaml.composer.ComposerError(
                        None,
                        None,
                        f"nested more than {limits.MAX_YAML_DEPTH} levels deep",
                        self.peek_event().start_mark,
                    )
                if self.nodes > limits.MAX_YAML_NODES:
                    raise yaml.composer.ComposerError(
                        None,
                        None,
                        f"holds more than {limits.MAX_YAML_NODES:,} values",
                        self.peek_event().start_mark,
                    )
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_document(self, node: yaml.Node) -> Any:
            _check_expansion(node)
            return super().construct_document(node)

    def construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YDict:
        loader.flatten_mapping(node)
        data = YDict(origin=Origin(file, node.start_mark.line + 1))
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value", key_node.start_mark
                ) from None
            if key in data:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            data[key] = loader.construct_object(value_node, deep=True)
            data.origins[key] = Origin(file, key_node.start_mark.line + 1)
        return data

    def construct_seq(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YList:
        data = YList(origin=Origin(file, node.start_mark.line + 1))
        for item in node.value:
            data.append(loader.construct_object(item, deep=True))
            data.origins.append(Origin(file, item.start_mark.line + 1))
        return data

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_map)
    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_seq)
    LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)
    return LineLoader


class ValueLoader(yaml.SafeLoader):
    """Plain YAML values (of a `--set`), with impossible dates as errors rather than crashes."""


def _construct_date(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date or timestamp; an impossible one (2022-02-31) is an error at its line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a date ({exc})", node.start_mark
        ) from None


ValueLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand to more than MAX_YAML_NODES values, or loop.

    Sizes are counted once per node (memoised), so a "billion laughs" file of nine nested
    aliases is measured in microseconds, not expanded.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise yaml.composer.ComposerError(
                None, None, "an alias refers to a node that contains it", node.start_mark
            )
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > limits.MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"expands to more than {limits.MAX_YAML_NODES:,} values (aliases of aliases?)",
                node.start_mark,
            )
        sizes[key] = total
        return total

    size(root)


def read_yaml_mapping(
    path: str | os.PathLike[str],
    *,
    error: type[ScenarioError] = ScenarioError,
    what: str = "scenario file",
    shown: str | None = None,
) -> YDict:
    """One YAML file that must hold a mapping, keys remembering their lines; any problem reading
    or parsing it is an `error` (a ScenarioError or a subclass) naming the file (as `shown`, by
    default the path given) and the line."""
    shown = os.fspath(path) if shown is None else shown
    try:
        text = read_user_text(path, what=what, limit=limits.MAX_YAML_BYTES, shown=shown)
    except UserFileError as exc:
        raise error(shown, exc.message) from None
    try:
        data = yaml.load(text, Loader=_line_loader(shown))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark is not None else None
        raise error(shown, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise error(shown, f"invalid YAML: {_clip(str(exc))}") from None
    except RecursionError:  # a guard: compose_node bounds nesting well before this
        raise error(shown, "invalid YAML: nested too deeply") from None
    if data is None:
        raise error(shown, f"is empty: a {what} is a mapping of keys to values")
    if not isinstance(data, YDict):
        kind = "list" if isinstance(data, list) else type(data).__name__
        raise error(shown, f"must be a mapping of keys to values, not a {kind}", line=1)
    data.origin = Origin(shown)  # a problem with the whole file has no one line
    return data


def _merge(base: Any, top: Any) -> Any:
    """Deep merge: mappings merge key by key; lists and scalars of `top` replace `base`'s."""
    if not (isinstance(base, YDict) and isinstance(top, YDict)):
        return top
    merged = YDict(base, origin=top.origin)
    merged.origins = dict(base.origins)
    for key, value in top.items():
        merged[key] = _merge(base[key], value) if key in base else value
        merged.origins[key] = top.origins[key]
    return merged


def _resolve(path: Path, shown: str, chain: tuple[Path, ...]) -> YDict:
    """A file merged over its `extends` ancestors; `chain` detects cycles."""
    data = read_yaml_mapping(path, shown=shown)
    parent = data.pop(EXTENDS, None)
    origin = data.origins.pop(EXTENDS, None)
    if parent is None:
        return data
    line = origin.line if origin else None
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(shown, "must name one YAML file", key=EXTENDS, line=line)
    parent_shown = os.path.normpath(os.path.join(os.path.dirname(shown), parent))
    try:
        parent_path = (path.parent / parent).resolve()
        here = path.resolve()
    except (RuntimeError, OSError):  # a symlink loop, or a path too long
        raise ScenarioError(
            shown, f"the parent file '{parent}' is a loop of symbolic links", key=EXTENDS, line=line
        ) from None
    if parent_path in chain or parent_path == here:
        loop = " -> ".join([*(p.name for p in chain), path.name, parent_path.name])
        raise ScenarioError(shown, f"extends cycle: {loop}", key=EXTENDS, line=line)
    if not parent_path.is_file():
        raise ScenarioError(
            shown, f"the parent file '{parent}' does not exist", key=EXTENDS, line=line
        )
    base = _resolve(parent_path, parent_shown, (*chain, here))
    return _merge(base, data)


def _wrap(value: Any, origin: Origin) -> Any:
    """Plain parsed data as YDict/YList whose every entry has `origin`."""
    if isinstance(value, dict):
        out = YDict(origin=origin)
        for key, item in value.items():
            out[key] = _wrap(item, origin)
            out.origins[key] = origin
        return out
    if isinstance(value, list):
        out_list = YList((_wrap(item, origin) for item in value), origin=origin)
        out_list.origins = [origin] * len(value)
        return out_list
    return value


Overrides = typing.Mapping[str, Any] | typing.Iterable[str]
"""`--set`-style texts ("housing.bid_up_per_rival=0.05"), or a mapping of dotted names to Python
values ({"housing.bid_up_per_rival": 0.05}): the CLI gives the first, the Python API either."""

_PARSE = object()


def _apply_override(tree: YDict, text: str, shown: str, parsed: Any = _PARSE) -> None:
    """Apply one `a.b.c=value`: the value is YAML (or `parsed`, a Python value given as it is),
    dicts merge, anything else replaces."""
    via = "--set" if parsed is _PARSE else "overrides"
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep:
        raise ScenarioError(
            shown, "must look like KEY.PATH=VALUE (no '=' found)", override=text, via=via
        )
    parts = key.split(".")
    if not key or any(not part for part in parts):
        raise ScenarioError(
            shown, "must look like KEY.PATH=VALUE (empty key)", override=text, via=via
        )
    try:
        value = yaml.load(raw, Loader=ValueLoader) if parsed is _PARSE else parsed
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise ScenarioError(
            shown, f"invalid value: {problem}", key=key, override=text, via=via
        ) from None
    origin = Origin(shown, None, text, via)
    value = _wrap(value, origin)
    node: Any = tree
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        here = ".".join(parts[: depth + 1])
        if isinstance(node, YList):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError(
                    shown,
                    f"no item {part} in a list of {len(node)}",
                    key=here,
                    override=text,
                    via=via,
                )
            index = int(part)
            node[index] = _merge(node[index], value) if last else node[index]
            node.origins[index] = origin
            node = node[index]
        elif isinstance(node, YDict):
            if last:
                node[part] = _merge(node[part], value) if part in node else value
            elif part not in node or node[part] is None:
                node[part] = YDict(origin=origin)
            node.origins[part] = origin
            node = node[part]
        else:
            parent = ".".join(parts[:depth])
            raise ScenarioError(
                shown,
                f"cannot set inside {parent}: it is a single value",
                key=key,
                override=text,
                via=via,
            )


# ---- mapping a pydantic error location to a key path and a line ----------------------------


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> list[Any] | None:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [_unwrap(arg) for arg in typing.get_args(tp) if arg is not type(None)]
    return None


def _tag_of(member: Any) -> str | None:
    """The `kind` literal of a discriminated-union member, if it has one."""
    if isinstance(member, type) and issubclass(member, BaseModel) and "kind" in member.model_fields:
        args = typing.get_args(member.model_fields["kind"].annotation)
        return args[0] if args else None
    return None


def _schema_path(loc: tuple[Any, ...]) -> tuple[list[Any], Any]:
    """Drop pydantic's union labels from `loc`; also return the type holding the last segment."""
    tp: Any = Scenario
    shown: list[Any] = []
    parent: Any = None
    for seg in loc:
        tp = _unwrap(tp)
        members = _union_members(tp)
        if members is not None:
            chosen = [m for m in members if _tag_of(m) == seg]
            if chosen:
                tp = chosen[0]
                continue
            if isinstance(seg, str) and ("[" in seg or "-" in seg):
                tp = None
                continue
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            tp = models[0] if len(models) == 1 else None
        parent = tp
        shown.append(seg)
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(seg) if isinstance(seg, str) else None
            tp = field.annotation if field else None
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        elif origin is list:
            tp = typing.get_args(tp)[0]
        elif origin is tuple and isinstance(seg, int) and seg < len(typing.get_args(tp)):
            tp = typing.get_args(tp)[seg]
        else:
            tp = None
    return shown, parent


def _locate(tree: YDict, path: list[Any]) -> tuple[Origin | None, bool]:
    """The origin of the deepest entry of `path` present in the tree; True if all of it is."""
    node: Any = tree
    origin: Origin | None = tree.origin
    for seg in path:
        if isinstance(node, YDict) and seg in node:
            origin, node = node.origins.get(seg, origin), node[seg]
        elif isinstance(node, YList) and isinstance(seg, int) and 0 <= seg < len(node):
            origin, node = node.origins[seg], node[seg]
        else:
            return origin, False
    return origin, True


_PATH_PREFIX = re.compile(r"^([A-Za-z_]\w*(?:\.\w+)*)(?:: | \()")


def _show(value: Any) -> str:
    """A value as the user wrote it: dates in ISO form, strings quoted."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _clip(repr(value))


def _clip(text: str, width: int = 80) -> str:
    """At most `width` characters of a value echoed in a message (a value may be megabytes)."""
    return text if len(text) <= width else f"{text[: width - 25]}... ({len(text):,} characters)"


def _as_segment(text: str) -> Any:
    return int(text) if text.isdigit() else text


_STRICT_MESSAGES = {
    "float_type": "must be a number (written without quotes; true/false are not numbers)",
    "int_type": "must be a whole number (written without quotes or a decimal point)",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "date_type": "must be a date (YYYY-MM-DD)",
}
"""Strict validation's type errors, said the way a scenario's author writes values."""


def _describe(error: Any, tree: YDict) -> tuple[list[Any], str]:
    """Key path and a short message for one pydantic error."""
    path, model = _schema_path(tuple(error["loc"]))
    message = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    node: Any = _locate_node(tree, path)
    # Model-level checks say which key they mean ("end (...) must be after", "policies.0.towns: ").
    match = _PATH_PREFIX.match(message)
    if match and isinstance(node, YDict):
        extra = [_as_segment(s) for s in match.group(1).split(".")]
        if extra[0] in node:
            path = path + extra
            if message[match.end(1)] == ":":
                message = message[match.end() :]
    if kind == "extra_forbidden" and path:
        bad = str(path[-1])
        message = f"unknown key '{bad}'"
        if isinstance(model, type) and issubclass(model, BaseModel):
            close = difflib.get_close_matches(bad, list(model.model_fields), n=1, cutoff=0.6)
            if close:
                message += f" (did you mean '{close[0]}'?)"
    elif kind == "missing":
        message = "missing (this key is required)"
    elif kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        tag = str(ctx.get("tag", ""))
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        message = f"unknown kind '{tag}' (kinds: {', '.join(tags)})"
        close = difflib.get_close_matches(tag, tags, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean '{close[0]}'?"
    elif kind in _STRICT_MESSAGES:
        message = f"{_STRICT_MESSAGES[kind]}, got {_show(error.get('input'))}"
    elif not isinstance(error.get("input"), dict | list) and kind != "value_error":
        message += f", got {_show(error.get('input'))}"
    bad_town = re.search(r"'([^']+)' is not a town", message)
    if bad_town and isinstance(tree.get("towns"), dict):
        close = difflib.get_close_matches(bad_town.group(1), list(tree["towns"]), n=1, cutoff=0.6)
        if close:
            message = (
                f"'{bad_town.group(1)}' is not a town of this scenario (did you mean '{close[0]}'?)"
            )
    return path, message


def _locate_node(tree: YDict, path: list[Any]) -> Any:
    node: Any = tree
    for seg in path:
        in_dict = isinstance(node, YDict) and seg in node
        in_list = isinstance(node, YList) and isinstance(seg, int) and 0 <= seg < len(node)
        if not (in_dict or in_list):
            return None
        node = node[seg]
    return node


def _validation_error(exc: ValidationError, tree: YDict, top: str) -> ScenarioError:
    """Every problem of a failed validation, each placed in its file, key path and line.

    The first is returned, its message counting the others; `problems` holds them all.
    """
    described = [_describe(error, tree) for error in exc.errors(include_url=False)]
    paths = list(dict.fromkeys(tuple(p) for p, _ in described))
    problems = [_placed(list(path), described, tree, top) for path in paths]
    if len(problems) == 1:
        return problems[0]
    one, rest = problems[0], len(problems) - 1
    message = (
        f"{one.message} (and {rest} more problem{'s' if rest > 1 else ''}; exodus check lists all)"
    )
    first = ScenarioError(
        one.file, message, key=one.key, line=one.line, override=one.override, via=one.via
    )
    first.problems = problems
    return first


def _placed(
    path: list[Any], described: list[tuple[list[Any], str]], tree: YDict, top: str
) -> ScenarioError:
    """One key path's problem; a union reports once per member, so its messages are joined."""
    messages = list(dict.fromkeys(m for p, m in described if p == path))
    message = messages[0]
    if len(messages) > 1:
        got = re.search(r", got .*$", message)
        suffix = got.group(0) if got else ""
        parts = [m.removesuffix(suffix).removeprefix("Input should ") for m in messages[1:]]
        message = " or ".join([message.removesuffix(suffix), *parts]) + suffix
    origin, _ = _locate(tree, path)
    key = ".".join(str(seg) for seg in path) or None
    if origin is None:
        return ScenarioError(top, message, key=key)
    return ScenarioError(
        origin.file, message, key=key, line=origin.line, override=origin.override, via=origin.via
    )


def _apply_overrides(tree: YDict, overrides: Overrides, shown: str) -> None:
    if isinstance(overrides, typing.Mapping):
        for key, value in overrides.items():
            _apply_override(tree, f"{key}={value!r}", shown, parsed=value)
    else:
        for text in overrides:
            _apply_override(tree, text, shown)


def load_tree(path: str | os.PathLike[str], overrides: Overrides = ()) -> YDict:
    """The merged, overridden, not yet validated contents of a scenario file (or of a shipped
    scenario named without a path: see `exodus.shipped`)."""
    shown = os.fspath(scenario_file(path))
    tree = _resolve(Path(shown), shown, ())
    _apply_overrides(tree, overrides, shown)
    return tree


def _validated(tree: YDict, shown: str) -> Scenario:
    """The scenario of a merged tree, strictly typed: a number must be written as a number (not
    "0.05", not `true`), a whole number as a whole number (not 2.0), a date as a real date; and a
    run of at most MAX_DAYS days."""
    text = json.dumps(_json_ready(tree, tree, []), allow_nan=True)
    try:
        scenario = Scenario.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise _validation_error(exc, tree, shown) from None
    check_run_length(scenario, tree, shown)
    return scenario


def load_scenario(path: str | os.PathLike[str], overrides: Overrides = ()) -> Scenario:
    """Load, merge `extends` ancestors, apply `--set` overrides and validate a scenario file, or a
    shipped scenario by name."""
    return _validated(load_tree(path, overrides), os.fspath(scenario_file(path)))


def with_overrides(scenario: Scenario, overrides: Overrides) -> Scenario:
    """A loaded scenario with overrides applied exactly as `--set` applies them to a file; an error
    names the scenario and the override."""
    shown = f"scenario {scenario.name!r}"
    tree = _wrap(scenario.model_dump(mode="json"), Origin(shown))
    _apply_overrides(tree, overrides, shown)
    return _validated(tree, shown)


def _json_ready(value: Any, tree: YDict, path: list[Any]) -> Any:
    """Plain data for strict JSON validation; a value YAML can hold but a scenario cannot (binary,
    a set, a time of day) is an error at its line."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v, tree, [*path, k]) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v, tree, [*path, i]) for i, v in enumerate(value)]
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() and value.tzinfo is None else value
        if isinstance(value, dt.datetime):
            return _not_a_value(tree, path, "a date without a time of day", value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return value  # json writes NaN/Infinity; the schema's bounds refuse them
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return _not_a_value(tree, path, "a number, text, date, list or mapping", value)


def _not_a_value(tree: YDict, path: list[Any], expected: str, value: Any) -> Any:
    origin, _ = _locate(tree, path)
    key = ".".join(str(p) for p in path) or None
    message = f"must be {expected}, got {type(value).__name__} {_show(value)}"
    if origin is None:
        raise ScenarioError(tree.origin.file if tree.origin else "?", message, key=key)
    raise ScenarioError(
        origin.file, message, key=key, line=origin.line, override=origin.override, via=origin.via
    )


def check_run_length(scenario: Scenario, tree: YDict | None, shown: str) -> None:
    """A run of at most MAX_DAYS days: memory grows with every town-day."""
    days = (scenario.end - scenario.start).days + 1
    if limits.over(days, limits.MAX_DAYS):
        origin = None
        if tree is not None:
            origin, _ = _locate(tree, ["end"])
        raise ScenarioError(
            origin.file if origin else shown,
            f"{scenario.start} to {scenario.end} is {days:,} days, more than the "
            f"{limits.MAX_DAYS:,} a run may have ({limits.HOW_TO_LIFT})",
            key="end",
            line=origin.line if origin else None,
            override=origin.override if origin else None,
            via=origin.via if origin else "--set",
        )


def dump_scenario(scenario: Scenario) -> str:
    """The resolved scenario as YAML: no `extends`, every value explicit, loadable as it is."""
    return yaml.safe_dump(
        scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
    )
