"""The package layout stays a pipeline: no import cycles, every module on the map, no top-level clashes."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import kkb_excel

REPO = Path(__file__).resolve().parents[1]
FOLDERS = {"kkb_excel": REPO / "kkb_excel", "kkb_excel.udfs": REPO / "udfs", "kkb_excel.validators": REPO / "validators"}


def _modules() -> dict[str, Path]:
    found = {}
    for package, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[0] in ("udfs", "validators") and package == "kkb_excel":
                continue
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every kkb_excel module `path` imports, at module level, in functions or under TYPE_CHECKING."""
    out = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    # A package's __init__ is imported by its sub-modules' import; only real dependencies count.
    return {name: {t for t in _imports(path, name, known) if t != "kkb_excel"} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles():
    assert _cycle(_graph()) is None


def test_cycle_detector_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_every_module_is_on_the_package_map():
    doc = kkb_excel.__doc__
    missing = []
    for name, path in _modules().items():
        leaf = name.rsplit(".", 1)[-1]
        mark = f"`{leaf}/`" if path.name == "__init__.py" else f"`{leaf}`"
        if name != "kkb_excel" and leaf != "__main__" and mark not in doc:
            missing.append(name)
    assert not missing, f"modules missing from the map in kkb_excel/__init__.py: {missing}"


def test_nothing_installed_as_a_top_level_validators_or_udfs_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert all(p == "kkb_excel" or p.startswith("kkb_excel.") for p in config["packages"])
    assert config["package-dir"]["kkb_excel.udfs"] == "udfs"
    assert config["package-dir"]["kkb_excel.validators"] == "validators"
    listed = set(config["packages"])
    on_disk = {n for n, p in _modules().items() if p.name == "__init__.py"}
    assert on_disk <= listed, f"sub-packages not listed in pyproject.toml: {sorted(on_disk - listed)}"
