"""The layering, as import-linter contracts ([tool.importlinter] in pyproject.toml).

import-linter checks the layers, Qt only in annotator.gui, and no import cycles; it counts
function-level (lazy) imports like module-level ones. What it cannot see is whether an
import is lazy, so the tests below also check that nothing outside annotator.gui imports
gui at module level (the ways into the window stay lazy: the CLI verbs never load Qt) and
that the Qt contract names every module but gui.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter.api import read_configuration

import annotator

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
GUI = "annotator.gui"
QT = {"PySide6", "shiboken6"}


def test_the_import_contracts_are_kept():
    """`lint-imports` on pyproject.toml; on failure its report says which import breaks what."""
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    result = subprocess.run(
        [sys.executable, "-c", command, "--no-cache", "--no-logo", str(PYPROJECT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0 or "0 broken" not in result.stdout:
        pytest.fail(f"import-linter: contracts broken\n{result.stdout}{result.stderr}", pytrace=False)


def test_the_qt_contract_covers_every_module_but_gui():
    contracts = {c["id"]: c for c in read_configuration(str(PYPROJECT))["contracts_options"]}
    sources = set(contracts["qt-only-in-gui"]["source_modules"])
    children = {f"annotator.{m.name}" for m in pkgutil.iter_modules(annotator.__path__)} - {GUI}
    assert sources == children
    # annotator/__init__.py, the package itself, is no source of the contract (that would take gui in).
    assert not graph().find_modules_directly_imported_by("annotator") & QT


def test_nothing_outside_gui_imports_gui_at_module_level():
    """Qt loads only when the window (or the self-test's window step) is asked for."""
    modules = graph()
    gui = {GUI} | modules.find_descendants(GUI)
    offenders = []
    for importer in sorted(m for m in modules.modules if m.startswith("annotator") and m not in gui):
        for imported in sorted(modules.find_modules_directly_imported_by(importer) & gui):
            top = module_level_import_lines(source_file(importer))
            for detail in modules.get_import_details(importer=importer, imported=imported):
                if detail["line_number"] in top:
                    offenders.append(f"{importer}:{detail['line_number']}: {detail['line_contents']}")
    assert offenders == [], "import these inside the function that needs them"


def graph() -> grimp.ImportGraph:
    return grimp.build_graph("annotator", include_external_packages=True, cache_dir=None)


def source_file(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def module_level_import_lines(path: Path) -> set[int]:
    """Lines of the import statements that run when the module is imported (class bodies too)."""
    lines: set[int] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue  # runs when called, not when imported
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                lines.add(child.lineno)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return lines
