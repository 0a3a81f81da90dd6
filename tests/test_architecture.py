"""The package plan, kept: layers point one way, no cycles, each library has one home.

Read from the source with ``ast`` (nothing is imported), so a violation is reported with
the file, the line and the import as written. docs/architecture.md draws the same plan.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src"

#: Lowest first; a module may import its own layer and the layers below it. An entry is
#: a module, or with ``.*`` a package and every module under it; the longest entry that
#: fits a module wins.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "records",
        (
            "monitor",
            "monitor.types",
            "monitor.errors",
            "monitor.matching.model",
            "monitor.threads",
            "monitor.heap",
        ),
    ),
    ("text", ("monitor.text.*",)),
    ("config", ("monitor.config.*",)),
    (
        "pure stages",
        (
            "monitor.ingest",
            "monitor.ingest.parse",
            "monitor.ingest.jsonfeed",
            "monitor.ingest.headmeta",
            "monitor.ingest.due",
            "monitor.ingest.decide",
            "monitor.ingest.corrections",
            "monitor.matching.*",
            "monitor.stories.*",
            "monitor.digest",
            "monitor.digest.build",
            "monitor.digest.render",
            "monitor.outputs.*",
        ),
    ),
    (
        "adapters",
        (
            "monitor.ingest.fetch",
            "monitor.ingest.slots",
            "monitor.ingest.resolver",
            "monitor.ingest.extract",
            "monitor.ingest.language",
            "monitor.ingest.workers",
            "monitor.ingest.spawning",
            "monitor.ingest.wire",
            "monitor.ingest._preload",
            "monitor.ingest.lifeline",
            "monitor.ingest.reading",
            "monitor.storage.*",
            "monitor.outputs.mail",
            "monitor.outputs.notify",
            "monitor.outputs.browse",
            "monitor.outputs.serve",
        ),
    ),
    ("jobs", ("monitor.jobs.*",)),
    (
        "service and CLI",
        ("monitor.service.*", "monitor.cli.*", "monitor.__main__", "monitor.launch"),
    ),
)

#: Each third-party library (and the few stdlib modules that are a seam) is imported by
#: one module or package only; a library missing here may not be imported at all.
OWNERS: dict[str, str] = {
    "httpx": "monitor.ingest.fetch",
    "httpx_aiohttp": "monitor.ingest.fetch",
    "aiohttp": "monitor.ingest.fetch",
    "feedparser": "monitor.ingest.parse",
    "trafilatura": "monitor.ingest.extract",
    "py3langid": "monitor.ingest.language",
    "sqlite_utils": "monitor.storage",
    "sqlite3": "monitor.storage",
    "jinja2": "monitor.digest.render",
    "css_inline": "monitor.digest.render",
    "smtplib": "monitor.outputs.mail",
    "ahocorasick": "monitor.matching.matcher",
    "idna": "monitor.text.urls",
    "numpy": "monitor.stories.minhash",
    "feedgen": "monitor.outputs.atom",
    "apprise": "monitor.outputs.notify",
    "datasette": "monitor.outputs.browse",
    "uvicorn": "monitor.outputs.browse",
    "pydantic": "monitor.config.schema",
    "ruamel": "monitor.config.yamlfile",
    "click": "monitor.cli",
    "apscheduler": "monitor.service",
}
#: Stdlib modules that are seams too (the database, mail delivery), on top of the above.
SEAMS = {"sqlite3", "smtplib"}


@dataclass(frozen=True)
class Import:
    module: str
    target: str
    #: The file, from the folder that holds src/.
    file: str
    line: int
    source: str

    def where(self) -> str:
        return f"{self.file}:{self.line}: {self.source}"


def modules(root: Path) -> dict[str, Path]:
    """Every module of the ``monitor`` package under ``root``, by dotted name."""
    found = {}
    for path in sorted((root / "monitor").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path], root: Path) -> Iterator[Import]:
    """What ``name`` imports, anywhere in the file (functions and TYPE_CHECKING too)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(text)):
        targets: list[str] = []
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from monitor.ingest import due" imports the module monitor.ingest.due.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        shown = str(path.relative_to(root.parent))
        for target in dict.fromkeys(targets):
            yield Import(name, target, shown, node.lineno, lines[node.lineno - 1].strip())


def layer_of(module: str) -> int:
    best, rank = "", -1
    for index, (_name, entries) in enumerate(LAYERS):
        for entry in entries:
            name = entry.removesuffix(".*")
            fits = module == name or (entry.endswith(".*") and module.startswith(name + "."))
            if fits and len(name) >= len(best):
                best, rank = name, index
    return rank


def owner_fits(module: str, owner: str) -> bool:
    return module == owner or module.startswith(owner + ".")


def problems(root: Path) -> list[str]:
    """Every breach of the plan in the tree under ``root``, one line each."""
    known = modules(root)
    found: list[str] = []
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        if layer_of(name) < 0:
            shown = path.relative_to(root.parent)
            found.append(f"{shown}: module {name} is in no layer (add it to LAYERS)")
        for imp in imports(name, path, known, root):
            found += _check(imp)
            if imp.target.startswith("monitor"):
                graph[name].add(imp.target)
    found += [f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(graph)]
    return found


def _check(imp: Import) -> list[str]:
    top = imp.target.split(".")[0]
    if top == "monitor":
        mine, theirs = layer_of(imp.module), layer_of(imp.target)
        if theirs > mine:
            return [
                f"{imp.where()}: {LAYERS[mine][0]} ({imp.module}) must not import "
                f"{LAYERS[theirs][0]} ({imp.target})"
            ]
        return []
    if (top in sys.stdlib_module_names and top not in SEAMS) or top == "__future__":
        return []
    owner = OWNERS.get(top)
    if owner is None:
        return [f"{imp.where()}: {top} has no home module (add it to OWNERS)"]
    if not owner_fits(imp.module, owner):
        return [f"{imp.where()}: only {owner} may import {top}"]
    return []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (iterative DFS, bounded)."""
    cycles, state = [], dict.fromkeys(graph, 0)  # 0 new, 1 on the stack, 2 done
    for start in sorted(graph):
        if state[start]:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                cycles.append([*path[path.index(child) :], child])
            elif state.get(child) == 0:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
    return cycles


def test_the_package_keeps_its_plan() -> None:
    assert problems(SRC) == []


def test_every_package_states_its_rules() -> None:
    for name, path in modules(SRC).items():
        assert ast.get_docstring(ast.parse(path.read_text())), f"{name} has no docstring"


def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = tmp_path / "src" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "src"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"monitor/ingest/parse.py": '"""x"""\nimport httpx\n'},
            "src/monitor/ingest/parse.py:2: import httpx: only monitor.ingest.fetch may import httpx",
        ),
        (
            {"monitor/matching/matcher.py": '"""x"""\n\nfrom monitor.storage import Store\n'},
            "src/monitor/matching/matcher.py:3: from monitor.storage import Store: pure stages"
            " (monitor.matching.matcher) must not import adapters (monitor.storage)",
        ),
        (
            {"monitor/text/fold.py": '"""x"""\nimport requests\n'},
            "src/monitor/text/fold.py:2: import requests: requests has no home module",
        ),
        (
            {
                "monitor/jobs/a.py": '"""x"""\nfrom monitor.jobs import b\n',
                "monitor/jobs/b.py": '"""x"""\nfrom monitor.jobs import a\n',
            },
            "import cycle: monitor.jobs.a -> monitor.jobs.b -> monitor.jobs.a",
        ),
        (
            {"monitor/extra.py": '"""x"""\n'},
            "src/monitor/extra.py: module monitor.extra is in no layer",
        ),
    ],
)
def test_a_planted_breach_is_reported(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    reported = problems(_plant(tmp_path, {"monitor/__init__.py": '"""x"""\n', **files}))
    assert any(line.startswith(expected) for line in reported), reported
