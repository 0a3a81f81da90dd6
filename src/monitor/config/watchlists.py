"""config/watchlists/*.yaml → Watchlist records, with file:line for every problem.

A file whose name starts with ``_`` (``_common.yaml``, ``_actors.yaml``) is not a
watchlist: its groups can be used by every watchlist that does not define a group of the
same name, and its exclusions void mentions in every watchlist. The shared files are read
in name order, and a group defined in several of them holds the terms of all: the
people who act for each side are kept apart from the countries (``_actors.yaml``) and
still belong to the group ``us`` or ``cuba``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.config import schema, yamlfile
from monitor.config.paths import Loc, key_path
from monitor.errors import ConfigError, Problem
from monitor.matching.model import (
    AlertRule,
    AllOf,
    AnyOf,
    Example,
    Exclusion,
    Group,
    GroupRef,
    NoneOf,
    Proximity,
    Rule,
    Salience,
    Scoring,
    Sense,
    Term,
    Watchlist,
)
from monitor.text.fold import normalize


@dataclass(frozen=True)
class Watchlists:
    watchlists: tuple[Watchlist, ...]
    #: Exclusions from _common.yaml, applied to every watchlist.
    shared_exclusions: tuple[Exclusion, ...]
    problems: tuple[Problem, ...]
    #: The watchlists whose file is invalid, by name: left out, never silently.
    left_out: tuple[str, ...] = ()


class _Bad(Exception):
    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        self.errors = errors


def yaml_files(directory: Path, pattern: str = "*.yaml") -> list[Path]:
    """The YAML files of ``directory`` in name order, hidden ones left out: editors and
    file systems put their own there while a user works (Emacs's lock ``.#name.yaml``, a
    link to nowhere; macOS's ``._name.yaml`` beside a copy on a shared drive)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob(pattern) if not p.name.startswith("."))


def load_watchlists(directory: Path) -> Watchlists:
    """Every watchlist in ``directory``; a broken file is left out and reported."""
    problems: list[Problem] = []
    common = _load_common(directory, problems)
    shared_groups = common.groups
    watchlists, left_out = [], []
    for path in yaml_files(directory):
        if path.name.startswith("_"):
            continue
        try:
            watchlists.append(_load_one(path, shared_groups))
        except ConfigError as e:
            problems += e.problems
            left_out.append(normalize(path.stem))
    exclusions = tuple(_exclusion(e) for e in common.exclude)
    return Watchlists(tuple(watchlists), exclusions, tuple(problems), tuple(left_out))


def _exclusion(model: schema.ExclusionModel) -> Exclusion:
    return Exclusion(
        phrase=model.phrase,
        case_sensitive=model.case == "sensitive",
        document=model.scope == "document",
        groups=tuple(model.groups),
    )


def _load_common(directory: Path, problems: list[Problem]) -> schema.CommonModel:
    """The groups and exclusions of every shared file, merged; a broken file is left out
    and reported."""
    merged = schema.CommonModel()
    for path in yaml_files(directory, "_*.yaml"):
        try:
            data, locator = yamlfile.load(path, str(path))
            model = schema.validate(schema.CommonModel, data or {})
        except ConfigError as e:
            problems += e.problems
            continue
        except schema.Invalid as e:
            problems += _problems(str(path), locator, e.errors)
            continue
        groups = dict(merged.groups)
        for name, group in model.groups.items():
            groups[name] = _merged(groups[name], group) if name in groups else group
        merged = schema.CommonModel(groups=groups, exclude=[*merged.exclude, *model.exclude])
    return merged


def _merged(first: schema.GroupModel, second: schema.GroupModel) -> schema.GroupModel:
    """One group of the terms of both, each keeping the settings of the group it was
    written in (a group's weight or case is a default for its own terms only)."""
    terms = [_settled(t, first) for t in first.terms] + [_settled(t, second) for t in second.terms]
    return schema.GroupModel(terms=terms)


def _settled(term: schema.TermModel, group: schema.GroupModel) -> schema.TermModel:
    return term.model_copy(
        update={
            "weight": term.weight if term.weight is not None else group.weight,
            "case": term.case or group.case,
            "fields": term.fields or group.fields,
            "languages": term.languages if term.languages is not None else group.languages,
            "context": term.context if term.context is not None else group.context,
        }
    )


def _load_one(path: Path, shared: dict[str, schema.GroupModel]) -> Watchlist:
    display = str(path)
    data, locator = yamlfile.load(path, display)
    if not isinstance(data, dict):
        raise ConfigError([Problem(display, 1, "", "expected a mapping with at least match:")])
    try:
        model = schema.validate(schema.WatchlistModel, data)
        groups = {**shared, **model.groups}
        errors: list[tuple[Loc, str]] = []
        rule = _rule(model.match, ("match",), groups, errors)
        if errors:
            raise _Bad(errors)
        used = _groups_used(rule)
        return Watchlist(
            name=normalize(path.stem),
            title=model.title or normalize(path.stem),
            description=model.description,
            tags=tuple(model.tags),
            groups=tuple(_group(name, groups[name]) for name in sorted(used)),
            rule=rule,
            exclusions=tuple(_exclusion(e) for e in model.exclude),
            min_score=model.min_score,
            scoring=Scoring(**model.scoring.model_dump()),
            salience=Salience(**model.salience.model_dump()),
            examples=_examples(model.examples, display, locator),
            alert=_alert(model),
            file=display,
        )
    except schema.Invalid as e:
        raise ConfigError(_problems(display, locator, e.errors)) from e
    except _Bad as e:
        raise ConfigError(_problems(display, locator, e.errors)) from e


def _alert(model: schema.WatchlistModel) -> AlertRule | None:
    if model.alert is None:
        return None
    floor = model.alert.min_score
    return AlertRule(
        min_score=model.min_score if floor is None else floor, to=tuple(model.alert.to)
    )


def _group(name: str, model: schema.GroupModel) -> Group:
    return Group(
        name=name,
        terms=tuple(
            Term(
                name=t.term.rstrip("*"),
                aliases=(t.term, *t.aliases),
                weight=t.weight if t.weight is not None else model.weight,
                case_sensitive=(t.case or model.case) == "sensitive",
                fields=tuple(t.fields or model.fields),
                senses=_senses(t.not_),
                languages=tuple(t.languages if t.languages is not None else model.languages),
                context=t.context if t.context is not None else model.context,
                since=t.since,
                until=t.until,
            )
            for t in model.terms
        ),
    )


def _senses(model: schema.Senses) -> tuple[Sense, ...]:
    if isinstance(model, list):
        return tuple(Sense(phrase=p) for p in model)
    return tuple(Sense(phrase=p, languages=(lang,)) for lang, ps in model.items() for p in ps)


def _rule(
    node: schema.RuleModel, loc: Loc, groups: dict[str, Any], errors: list[tuple[Loc, str]]
) -> Rule:
    """The rule of ``node``; each mistake found is added to ``errors``, so that one
    check reports every one of them."""
    if node.group is not None:
        if node.group not in groups:
            known = ", ".join(sorted(groups)) or "none"
            errors.append((loc, f"unknown group {node.group!r} (groups: {known})"))
        return GroupRef(group=node.group, min_score=node.min_score, where=node.where or "anywhere")
    kind, items = next((k, v) for k in ("all", "any", "none") if (v := getattr(node, k)))
    rules = tuple(_rule(item, (*loc, kind, i), groups, errors) for i, item in enumerate(items))
    if kind == "any":
        return AnyOf(items=rules)
    if kind == "none":
        return NoneOf(items=rules)
    within = _within(node.within, (*loc, "within"), errors) if node.within is not None else None
    if within and not all(_proximity_item(r) for r in rules):
        errors.append(
            ((*loc, "within"), "within: needs each item of all: to be a group or any: of groups")
        )
    return AllOf(items=rules, within=within)


def _proximity_item(rule: Rule) -> bool:
    if isinstance(rule, GroupRef):
        return True
    return isinstance(rule, AnyOf) and all(isinstance(r, GroupRef) for r in rule.items)


def _within(value: str | int, loc: Loc, errors: list[tuple[Loc, str]]) -> Proximity | None:
    if isinstance(value, int) or value.split()[0].isdigit():
        size = int(value) if isinstance(value, int) else int(value.split()[0])
        if size < 1:
            errors.append((loc, "within: needs at least 1 word"))
            return None
        return Proximity(unit="words", size=size)
    if value in ("sentence", "paragraph"):
        return Proximity(unit=value)  # type: ignore[arg-type]
    errors.append((loc, f"within: {value!r} is not a number of words, sentence or paragraph"))
    return None


def _groups_used(rule: Rule) -> set[str]:
    if isinstance(rule, GroupRef):
        return {rule.group}
    return set().union(*(_groups_used(item) for item in rule.items))


def _examples(
    model: schema.ExamplesModel, display: str, locator: yamlfile.Locator
) -> tuple[Example, ...]:
    found = []
    for expect, key, items in ((True, "match", model.match), (False, "no_match", model.no_match)):
        for index, item in enumerate(items):
            line = locator.line(("examples", key, index))
            example = Example(title=item.title, text=item.text, language=item.language,
                              published=item.date, expect=expect, file=display,
                              line=line)  # fmt: skip
            found.append(example)
    return tuple(found)


def _problems(
    display: str, locator: yamlfile.Locator, errors: Sequence[tuple[Loc, str]]
) -> list[Problem]:
    return [Problem(display, locator.line(loc), key_path(loc), message) for loc, message in errors]
