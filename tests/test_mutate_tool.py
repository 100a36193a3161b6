"""tools/mutate.py, the mutation tester: which mutants it makes, and how it reads its own reports."""

import importlib.util
import sys

import pytest
from conftest import REPO

SOURCE = '''"""Docstring "S01" stays."""
GALAT = "galat"
CODE = "V02|capaian"


def rule(x: int = 5) -> bool:
    """Docstring."""
    if x >= 3 and not x == 4:
        return True
    y = x + 1
    return Rule("S10", GALAT, y)
'''


@pytest.fixture(scope="module")
def mutate():
    spec = importlib.util.spec_from_file_location("mutate_tool", REPO / "tools" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_mutants_of_a_small_module(mutate, tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE, encoding="utf-8")
    descriptions = {m.description for m in mutate.mutants(path, "m.py")}
    assert descriptions == {
        "severity: 'galat' -> 'peringatan'", "rule code: 'V02|capaian' -> 'V02X|capaian'",
        "number: 5 -> 6", "delete: if x >= 3 and (not x == 4): return True -> pass",
        "and/or: x >= 3 and (not x == 4) -> x >= 3 or not x == 4", "compare: x >= 3 -> x > 3", "number: 3 -> 4",
        "not: not x == 4 -> x == 4", "compare: x == 4 -> x != 4", "number: 4 -> 5", "return None: return True -> return",
        "bool: True -> False", "delete: y = x + 1 -> pass", "arithmetic: x + 1 -> x - 1", "number: 1 -> 0",
        "return None: return Rule('S10', GALAT, y) -> return", "rule code: 'S10' -> 'S10X'",
        "severity: GALAT -> PERINGATAN",
    }  # fmt: skip


def test_module_names_follow_the_package_map(mutate):
    assert mutate.dotted_name("validators/rules.py") == "kkb_excel.validators.rules"
    assert mutate.dotted_name("kkb_excel/read/xlsxscan.py") == "kkb_excel.read.xlsxscan"
    assert "tests/test_xlsxscan.py" in mutate.nearest_tests("kkb_excel/read/xlsxscan.py")


def test_reports_are_read_back(mutate, tmp_path, capsys):
    killed = mutate.Mutant("m.py", 3, 5, "number: 3 -> 4", "")
    alive = mutate.Mutant("m.py", 9, 1, "compare: a < b -> a <= b", "")
    equivalent = mutate.Mutant("m.py", 12, 1, "number: 9 -> 10", "")
    (tmp_path / "eq.txt").write_text("# comment\nm.py:12:1 | number: 9 -> 10 | cache size\n", encoding="utf-8")
    known = mutate.read_equivalent(tmp_path / "eq.txt")
    score = mutate.report("m.py", {killed: "killed", alive: "survived", equivalent: "survived"}, known, True)
    assert score == pytest.approx(1 / 2)
    (tmp_path / "report.txt").write_text(capsys.readouterr().out, encoding="utf-8")
    assert mutate.read_survivors(tmp_path / "report.txt") == ({"m.py": 3}, {alive.key, equivalent.key})
