"""Rules of the code base that a quick look cannot keep."""
from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_qt() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "reviewer" / "core").rglob("*.py")
                 if _imports(p) & {"PySide6", "shiboken6", "PyQt5", "PyQt6"}]
    assert offenders == []


def _modules_imported(path: Path) -> set[str]:
    """Full names of the modules `path` imports (absolute imports only: the code base
    uses no relative ones)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            names.add(node.module)
    return names


def test_whoosh_stays_inside_search() -> None:
    # Whoosh is used through its internals (pinned version): one package knows them, and
    # the rest of Reviewer sees only the interface in reviewer/core/search/__init__.py.
    search = ROOT / "reviewer" / "core" / "search"
    offenders = []
    for p in (ROOT / "reviewer").rglob("*.py"):
        if search in p.parents:
            continue
        for name in _modules_imported(p):
            if name.split(".")[0] == "whoosh" or name.startswith("reviewer.core.search."):
                offenders.append(f"{p.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_core_imports_without_qt_loaded() -> None:
    # Importing every core module in a fresh interpreter must not pull Qt in indirectly.
    mods = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts)
                  for p in (ROOT / "reviewer" / "core").rglob("*.py")
                  if p.name != "__main__.py")
    mods = [m.removesuffix(".__init__") for m in mods]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in mods)
            + "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
            + "print(bad); raise SystemExit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


#: At most this many lines in a module of the package; the window, which only lays its
#: parts out and wires them, at most WINDOW_LINES. A module that grows past the limit
#: does more than one job: split it by what its parts do.
MODULE_LINES = 600
WINDOW_LINES = 400
#: Modules that are pure data (word lists, tables) may be longer; none today.
DATA_MODULES: set[str] = set()


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_modules_stay_small() -> None:
    too_long = {str(p.relative_to(ROOT)): n for p in (ROOT / "reviewer").rglob("*.py")
                if (n := _line_count(p)) > MODULE_LINES
                and str(p.relative_to(ROOT)) not in DATA_MODULES}
    assert too_long == {}, f"more than {MODULE_LINES} lines: {too_long}"
    window = ROOT / "reviewer" / "ui" / "main_window.py"
    assert _line_count(window) <= WINDOW_LINES, (
        f"main_window.py has {_line_count(window)} lines (at most {WINDOW_LINES}): move a "
        "whole job out of it")
    for name in DATA_MODULES:
        assert (ROOT / name).is_file(), f"{name} no longer exists"


def test_no_widget_renders_html() -> None:
    offenders = []
    for p in (ROOT / "reviewer").rglob("*.py"):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if any(call in line for call in (".setHtml(", ".insertHtml(", ".appendHtml(")):
                offenders.append(f"{p.relative_to(ROOT)}:{n}")
    assert offenders == []


@pytest.mark.skipif(shutil.which("ruff") is None and
                    subprocess.run([sys.executable, "-m", "ruff", "--version"],
                                   capture_output=True).returncode != 0,
                    reason="ruff not installed")
def test_ruff_clean() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "reviewer", "tests",
                           "benchmarks", "tools"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# Modules whose type errors are not reported (a mypy override in pyproject.toml with
# `ignore_errors`). None today; the list only shrinks, so adding a module fails here.
TYPE_RATCHET: set[str] = set()


def _mypy_ratchet() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ignored = [o for o in config["tool"]["mypy"].get("overrides", [])
               if o.get("ignore_errors")]
    assert len(ignored) <= 1, "one ratchet list, please"
    if not ignored:
        return set()
    modules = ignored[0]["module"]
    return {modules} if isinstance(modules, str) else set(modules)


def test_type_ratchet_only_shrinks() -> None:
    listed = _mypy_ratchet()
    assert listed - TYPE_RATCHET == set(), "a module was added to the type ratchet"
    assert TYPE_RATCHET - listed == set(), "a module left the ratchet: remove it here too"
    for module in listed:
        assert importlib.util.find_spec(module) is not None, f"{module} no longer exists"


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy not installed")
def test_mypy_clean() -> None:
    # Strict for reviewer/core, checked for the rest; configured in pyproject.toml.
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_package_is_marked_typed() -> None:
    assert (ROOT / "reviewer" / "py.typed").is_file()


@pytest.mark.skipif(importlib.util.find_spec("importlinter") is None,
                    reason="import-linter not installed")
def test_layers_contract() -> None:
    # The layers in pyproject.toml ([tool.importlinter]): ui -> core; in core, export and
    # review above search, search above extract, extract above documents and the store.
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(no_logo=True))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(importlib.util.find_spec("vulture") is None, reason="vulture not installed")
def test_no_dead_code() -> None:
    # Settings in pyproject.toml ([tool.vulture]); framework-called names are listed in
    # tools/vulture_whitelist.py.
    proc = subprocess.run([sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
