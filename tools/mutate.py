"""Mutation testing for kkb-excel: which behaviours of a module does no test pin?

One small change at a time (a flipped comparison, a changed constant, a swapped severity, and/or,
True/False, a deleted statement, a return value dropped, a rule code changed) is written into a
temporary copy of the repository and the tests that import the module are run against it
(`pytest -x -q`, a per-mutant timeout). A mutant the tests still pass is a survivor. The real
files are never modified.

    python tools/mutate.py --module kkb_excel/capaian.py --jobs 2 --list-survivors \
        --equivalent tools/equivalent_mutants.txt

After a change to a module already run in full: `--changed-since REV` runs only the mutants on the
lines changed since REV, and `--move-equivalents REV` first moves the module's entries in the
equivalents file to the lines they have now (unchanged lines keep their entries).

Standard library and pytest only; not part of the default test run.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = {"kkb_excel": "kkb_excel", "udfs": "kkb_excel.udfs", "validators": "kkb_excel.validators"}
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-p", "mutate", "-m", "not libreoffice"]
HYPOTHESIS_EXAMPLES = 25
IGNORE = shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", "*.egg-info", ".venv")
SEVERITY = {"galat": "peringatan", "peringatan": "galat", "info": "peringatan"}
SEVERITY_NAMES = {k.upper(): v.upper() for k, v in SEVERITY.items()}  # GALAT, PERINGATAN, INFO in validators.rules
RULE_CODE = re.compile(r"([A-Z]\d{2})(\|.*)?", re.DOTALL)  # "V02", or "V02|capaian" in a pandera check's error
COMPARE = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip
ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to the repository, '/' separated
    line: int
    col: int
    description: str
    source: str

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line}:{self.col} | {self.description}"


# --- generating mutants -------------------------------------------------------------------------


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: docstrings, imports, annotations."""
    skip: set[ast.AST] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            skip.update(ast.walk(first))
        if isinstance(node, ast.Import | ast.ImportFrom):
            skip.update(ast.walk(node))
        for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if isinstance(annotation, ast.AST):
                skip.update(ast.walk(annotation))
    return {id(n) for n in skip}


def _parents(tree: ast.Module) -> dict[int, tuple[ast.AST, str, int | None]]:
    out = {}
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, ast.AST):
                out[id(value)] = (parent, field, None)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        out[id(item)] = (parent, field, i)
    return out


def _replace(parents, node: ast.AST, new: ast.AST) -> None:
    parent, field, index = parents[id(node)]
    if index is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[index] = new


def _changes(node: ast.AST, parents, in_function: bool):
    """(label, apply) for every mutation of `node`; apply() edits the tree in place."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE:
                yield "compare", lambda i=i: node.ops.__setitem__(i, COMPARE[type(node.ops[i])]())
    elif isinstance(node, ast.BoolOp):
        yield "and/or", lambda: setattr(node, "op", ast.Or() if isinstance(node.op, ast.And) else ast.And())
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not", lambda: _replace(parents, node, node.operand)
    elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        yield "arithmetic", lambda: setattr(node, "op", ARITHMETIC[type(node.op)]())
    elif isinstance(node, ast.Name) and node.id in SEVERITY_NAMES and isinstance(node.ctx, ast.Load):
        yield "severity", lambda: setattr(node, "id", SEVERITY_NAMES[node.id])
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield "bool", lambda: setattr(node, "value", not value)
        elif isinstance(value, int | float):
            yield "number", lambda: setattr(node, "value", {0: 1, 1: 0}.get(value, value + 1))
        elif isinstance(value, str) and value in SEVERITY:
            yield "severity", lambda: setattr(node, "value", SEVERITY[value])
        elif isinstance(value, str) and (code := RULE_CODE.fullmatch(value)):
            yield "rule code", lambda: setattr(node, "value", code.group(1) + "X" + (code.group(2) or ""))
    if in_function and isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef | ast.ClassDef):
        if isinstance(node, ast.Return):
            if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
                yield "return None", lambda: setattr(node, "value", None)
        elif not isinstance(node, ast.Pass):
            yield "delete", lambda: _replace(parents, node, ast.Pass())


def _sites(tree: ast.Module):
    """(index in ast.walk order, node, in_function) for every candidate node."""
    skip = _skipped_nodes(tree)
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function.update(id(n) for n in ast.walk(node) if n is not node)
    for index, node in enumerate(ast.walk(tree)):
        if id(node) not in skip:
            yield index, node, id(node) in in_function


def _short(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 70 else text[:67] + "..."


def mutants(path: Path, rel: str) -> list[Mutant]:
    """Every mutant of one file, in source order, without duplicates or no-op changes."""
    source = path.read_text(encoding="utf-8")
    original = ast.unparse(ast.parse(source))
    seen = {original}
    out = []
    for index, node, in_function in list(_sites(ast.parse(source))):
        count = len(list(_changes(node, {}, in_function)))
        for k in range(count):
            tree = ast.parse(source)  # a fresh tree per mutant: walk order is deterministic
            target = list(ast.walk(tree))[index]
            parents = _parents(tree)
            label, apply = list(_changes(target, parents, in_function))[k]
            before = _short(target)
            if label in ("delete", "return None"):
                before = before.splitlines()[0]
            apply()
            after = _short(target) if label not in ("not", "delete") else ("pass" if label == "delete" else _short(target.operand))
            mutated = ast.unparse(ast.fix_missing_locations(tree))
            if mutated in seen:
                continue
            seen.add(mutated)
            out.append(Mutant(rel, node.lineno, node.col_offset + 1, f"{label}: {before} -> {after}", mutated))
    return sorted(out, key=lambda m: (m.line, m.col))


def moved_lines(rel: str, since: str) -> dict[int, int]:
    """Old line -> new line for every line of `rel` unchanged since the git revision `since` (working tree now)."""
    old = subprocess.run(["git", "show", f"{since}:{rel}"], cwd=REPO, capture_output=True, text=True, check=True).stdout.splitlines()
    new = (REPO / rel).read_text(encoding="utf-8").splitlines()
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
    return {a + k + 1: b + k + 1 for a, b, size in blocks for k in range(size)}


def changed_lines(rel: str, since: str) -> set[int]:
    """Line numbers of `rel` added or changed since `since`."""
    kept = set(moved_lines(rel, since).values())
    return {n for n in range(1, len((REPO / rel).read_text(encoding="utf-8").splitlines()) + 1) if n not in kept}


def move_equivalents(path: Path, modules: list[str], since: str) -> int:
    """Rewrite `path` with the entries of `modules` on the lines they have now; entries on changed lines are
    dropped (their mutants run again). Returns the number of entries dropped."""
    lines, dropped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"(\S+?):(\d+):(\d+)( \|.*)", line)
        if m and m.group(1) in modules:
            new = moved_lines(m.group(1), since).get(int(m.group(2)))
            if new is None:
                dropped += 1
                continue
            line = f"{m.group(1)}:{new}:{m.group(3)}{m.group(4)}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dropped


# --- choosing tests -----------------------------------------------------------------------------


def dotted_name(rel: str) -> str:
    parts = Path(rel).with_suffix("").parts
    name = ".".join([PACKAGE_DIRS[parts[0]], *parts[1:]]) if parts[0] in PACKAGE_DIRS else ".".join(parts)
    return name.removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
            names.add(getattr(node.args[0], "value", ""))
    return names


def nearest_tests(rel: str, root: Path = REPO) -> list[str]:
    """Test files importing the module; if none does, those importing its nearest importers."""
    modules = {dotted_name(p.relative_to(root).as_posix()): p for d in PACKAGE_DIRS for p in (root / d).rglob("*.py")}
    tests = sorted((root / "tests").glob("test_*.py"))
    imports = {p: _imports(p) for p in [*modules.values(), *tests]}
    wanted, seen = {dotted_name(rel)}, set()
    while wanted:
        found = [t.relative_to(root).as_posix() for t in tests if imports[t] & wanted]
        if found:
            return found
        seen |= wanted
        wanted = {name for name, p in modules.items() if imports[p] & wanted} - seen
    return []


# --- running ------------------------------------------------------------------------------------


def pytest_configure(config) -> None:
    """This file is also a pytest plugin in mutant runs (-p mutate): fewer, derandomized hypothesis examples."""
    try:
        from hypothesis import settings
    except ImportError:
        return
    settings.register_profile("mutate", max_examples=HYPOTHESIS_EXAMPLES, derandomize=True, deadline=None, database=None)
    settings.load_profile("mutate")


def _env(copy: Path) -> dict[str, str]:
    path = os.pathsep.join([str(copy), str(copy / "tools")])
    return {**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}


def _run_tests(copy: Path, tests: list[str], timeout: float) -> str:
    env = _env(copy)
    cmd = [sys.executable, "-m", "pytest", *PYTEST_ARGS, *tests]
    popen = {"start_new_session": True} if os.name == "posix" else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    with subprocess.Popen(cmd, cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen) as proc:
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if os.name == "posix":
                os.killpg(proc.pid, 9)
            else:
                proc.kill()
            proc.wait()
            return "timeout"
    return "survived" if code == 0 else "killed" if code in (1, 2, 3) else f"error {code}"


def _check_import(copy: Path, rel: str) -> None:
    """The copy's module must be the one imported (not the installed package)."""
    env = _env(copy)
    code = f"import importlib; print(importlib.import_module({dotted_name(rel)!r}).__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=copy, env=env, capture_output=True, text=True, check=True)
    imported = Path(out.stdout.strip()).resolve()
    if imported != (copy / rel).resolve():
        sys.exit(f"{rel}: the tests would import {imported}, not the temporary copy; stopping")


def run_module(rel: str, tests: list[str], jobs: int, timeout: float | None, log, known: set[str] | None = None,
               every: int = 1, lines: set[int] | None = None) -> dict[Mutant, str]:
    """Each mutant's outcome; with `known` (survivor keys of an earlier report) only those are run;
    with `every` > 1 only every n-th mutant is made at all (a quick estimate); with `lines` only the
    mutants on those lines."""
    everything = [m for m in mutants(REPO / rel, rel)[::every] if lines is None or m.line in lines]
    if known is not None and not {k for k in known if k.startswith(rel + ":")} <= {m.key for m in everything}:
        log(f"{rel}: changed since the earlier report; every mutant is run")
        known = None
    generated = [m for m in everything if known is None or m.key in known]
    earlier = {m: "killed" for m in everything if m not in generated}
    with tempfile.TemporaryDirectory(prefix="kkb-mutate-") as tmp:
        copies: queue.Queue[Path] = queue.Queue()
        for i in range(max(1, jobs)):
            copy = Path(tmp) / f"repo{i}"
            shutil.copytree(REPO, copy, ignore=IGNORE)
            copies.put(copy)
        first = copies.queue[0]
        _check_import(first, rel)
        started = time.perf_counter()
        if _run_tests(first, tests, timeout=600) != "survived":
            sys.exit(f"{rel}: the chosen tests fail without any mutation: {' '.join(tests)}")
        limit = timeout or max(30.0, 5 * (time.perf_counter() - started))
        log(f"{rel}: {len(generated)} of {len(everything)} mutants to run, tests {' '.join(tests)}, timeout {limit:.0f} s")
        original = (REPO / rel).read_text(encoding="utf-8")
        done = iter(range(1, len(generated) + 1))

        def one(mutant: Mutant) -> str:
            copy = copies.get()
            try:
                (copy / rel).write_text(mutant.source, encoding="utf-8")
                return _run_tests(copy, tests, limit)
            finally:
                (copy / rel).write_text(original, encoding="utf-8")
                copies.put(copy)
                if (n := next(done)) % 10 == 0:
                    log(f"  {n}/{len(generated)}")

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return {**earlier, **dict(zip(generated, pool.map(one, generated), strict=True))}


def read_survivors(path: Path) -> tuple[dict[str, int], set[str]]:
    """({module: mutant count}, keys listed as survivors or errors) of an earlier --list-survivors report."""
    lines = path.read_text(encoding="utf-8").splitlines()
    modules = {m.group(1): int(m.group(2)) for line in lines if (m := re.match(r"(\S+): (\d+) mutants, ", line))}
    return modules, {m.group(1) for line in lines if (m := re.match(r"  (\S+:\d+:\d+ \| .*?)(   \[.*\])?$", line))}


def read_equivalent(path: Path | None) -> dict[str, str]:
    """'file:line:col | description | reason' lines -> {key: reason}; '#' starts a comment line."""
    if path is None:
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, reason = line.rpartition(" | ")
            out[key.strip()] = reason.strip()
    return out


def report(rel: str, results: dict[Mutant, str], equivalent: dict[str, str], list_survivors: bool, lines: set[int] | None = None) -> float:
    counts = {s: sum(1 for r in results.values() if r == s) for s in ("killed", "survived", "timeout")}
    errors = len(results) - sum(counts.values())
    total = len(results)
    detected = counts["killed"] + counts["timeout"]
    survivors = [m for m, r in results.items() if r == "survived"]
    known = [m for m in survivors if m.key in equivalent]
    score = detected / total if total else 1.0
    adjusted = detected / (total - len(known)) if total - len(known) else 1.0
    print(f"{rel}: {total} mutants, {counts['killed']} killed, {counts['survived']} survived "
          f"({len(known)} known equivalent), {counts['timeout']} timeouts, {errors} errors; "
          f"score {score:.1%}, without equivalent {adjusted:.1%}")  # fmt: skip
    if list_survivors:
        for m in survivors:
            note = f"   [equivalent: {equivalent[m.key]}]" if m.key in equivalent else ""
            print(f"  {m.key}{note}")
        for m, r in results.items():
            if r not in ("killed", "survived", "timeout"):
                print(f"  {m.key}   [{r}]")
    keys = {m.key for m in results}
    ran = [k for k in equivalent if k.startswith(rel + ":") and (lines is None or int(k.split(":")[1]) in lines)]
    for stale in sorted(k for k in ran if k not in keys):
        print(f"  stale equivalent entry (no such mutant): {stale}")
    return adjusted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", required=True, help="file to mutate, e.g. kkb_excel/capaian.py (repeatable)")
    parser.add_argument("--tests", nargs="+", help="test files or node ids (default: the tests importing the module)")
    parser.add_argument("-k", dest="keyword", help="pytest -k expression narrowing the tests")
    parser.add_argument("--every", type=int, default=1, help="only every n-th mutant: a quick estimate for slow tests")
    parser.add_argument("--survivors-of", type=Path, help="run only the survivors of this earlier report (tests only added since)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run in parallel (each in its own copy)")
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default: 5 x the unmutated run, at least 30)")
    parser.add_argument("--list-survivors", action="store_true")
    parser.add_argument("--equivalent", type=Path, help="known equivalent survivors: 'file:line:col | mutation | reason'")
    parser.add_argument("--fail-under", type=float, help="exit 1 when a score without equivalents is below this %%")
    parser.add_argument("--changed-since", metavar="REV", help="only the mutants on lines changed since this git revision")
    parser.add_argument("--move-equivalents", metavar="REV", help="first move the modules' --equivalent entries to their lines "
                        "now (changed lines since REV lose theirs)")
    args = parser.parse_args(argv)
    if args.move_equivalents and args.equivalent:
        rels = [Path(rel).as_posix() for rel in args.module]
        print(f"{move_equivalents(args.equivalent, rels, args.move_equivalents)} equivalent entries on changed lines dropped")
    equivalent = read_equivalent(args.equivalent)
    reported, survivors = read_survivors(args.survivors_of) if args.survivors_of else ({}, set())
    failed = False
    for rel in args.module:
        rel = Path(rel).resolve().relative_to(REPO).as_posix() if Path(rel).is_absolute() else Path(rel).as_posix()
        tests = args.tests or nearest_tests(rel)
        if not tests:
            sys.exit(f"{rel}: no test imports this module; name tests with --tests")
        tests = [*tests, "-k", args.keyword] if args.keyword else tests
        started = time.perf_counter()
        lines = changed_lines(rel, args.changed_since) if args.changed_since else None
        seen = [m for m in mutants(REPO / rel, rel)[:: args.every] if lines is None or m.line in lines]
        same = reported.get(rel) == len(seen)  # the earlier report saw these mutants (with --changed-since, those lines')
        results = run_module(rel, tests, args.jobs, args.timeout, lambda msg: print(msg, file=sys.stderr, flush=True),
                             survivors if same else None, args.every, lines)
        if args.every > 1:
            print(f"{rel}: a sample, every {args.every}th mutant")
        if lines is not None:
            print(f"{rel}: only the mutants on the {len(lines)} lines changed since {args.changed_since}")
        score = report(rel, results, equivalent, args.list_survivors, lines)
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        failed |= args.fail_under is not None and score * 100 < args.fail_under
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
