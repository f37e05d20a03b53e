"""Text defined at import time is translated lazily, so each request sees it in its own language.

A module- or class-level call of the eager ``gettext`` runs once, in the language active at import
(bokmål), and the text then stays bokmål in nn and en: the decision form's step names did exactly that.
"""

import ast
from pathlib import Path

from django.conf import settings

PROJECT_DIR = Path(settings.BASE_DIR)
APPS = ["nav_sikkerhet", "utestenging", "hendelser", "risiko"]
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _eager_names(tree: ast.Module) -> set[str]:
    """Local names bound to django.utils.translation's eager functions (``gettext as _`` and the like)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names |= {alias.asname or alias.name for alias in node.names if alias.name in EAGER}
    return names


def _import_time_statements(body):
    """Statements that run at import: module level, and class bodies (not function bodies)."""
    for node in body:
        if isinstance(node, ast.ClassDef):
            yield from _import_time_statements(node.body)
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def eager_calls_at_import(source: str) -> list[int]:
    """Line numbers where eager gettext is called when the module is imported."""
    tree = ast.parse(source)
    eager = _eager_names(tree)
    lines = []
    for statement in _import_time_statements(tree.body):
        for node in ast.walk(statement):
            if isinstance(node, ast.Lambda):
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in eager:
                lines.append(node.lineno)
    return lines


def test_no_eager_gettext_runs_at_import():
    found = []
    for app in APPS:
        for path in sorted((PROJECT_DIR / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += [f"{path.relative_to(PROJECT_DIR)}:{line}" for line in eager_calls_at_import(path.read_text())]
    assert not found, f"use gettext_lazy for text defined at import time: {found}"


def test_the_check_finds_an_eager_call_at_module_and_class_level():
    source = (
        "from django.utils.translation import gettext as _\n"
        "STEPS = [('a', _('Grounds and facts'))]\n"
        "class Form:\n    label = _('Name')\n"
        "def view():\n    return _('fine at request time')\n"
    )
    assert eager_calls_at_import(source) == [2, 4]
