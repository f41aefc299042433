#!/usr/bin/env python3
"""Modules that do one job, views that stay thin.

- No module over 600 lines (tests and migrations are not read).
- Every view under 40 lines: the public functions of a ``views`` module or of a module in a
  ``views/`` package (with the ``get``/``post``/… methods of their classes), and the API handlers
  (functions under a ``@router.get(…)``-style decorator) of an ``api`` module or ``api/`` package.
  A view is counted from its ``def`` line to its last line, decorators excluded.

Prints ``file:line`` of each offender and exits 1 if there is any.

    python3 scripts/check_sizes.py [PATH …]     (default: the repository's own code outside tests)
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from pysource import REPOSITORY_PATHS, ROOT, SKIPPED_DIRS, Offence, python_files, report

MAX_MODULE_LINES = 600  # a module of more lines is an offender
MAX_VIEW_LINES = 39  # "under 40 lines"
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "api_operation"}

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def _kind(path: Path) -> str | None:
    """``"views"`` or ``"api"`` when the module holds views or API handlers, else None."""
    for kind in ("views", "api"):
        if path.stem == kind or path.parent.name == kind:
            return kind
    return None


def _is_api_handler(node: FunctionNode) -> bool:
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in HTTP_METHODS:
            return True
    return False


def _views(tree: ast.Module, kind: str) -> list[FunctionNode]:
    """The views (or API handlers) defined at the top of a module and in its classes."""
    found: list[FunctionNode] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            is_view = _is_api_handler(node) if kind == "api" else not node.name.startswith("_")
            if is_view:
                found.append(node)
        elif isinstance(node, ast.ClassDef) and kind == "views":
            methods = [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            found += [m for m in methods if m.name in HTTP_METHODS]
    return found


def check_source(source: str, path: Path = Path("<string>")) -> list[Offence]:
    """The size offences of one module: itself over 600 lines, each of its views of 40 or more."""
    offences = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        offences.append(Offence(path, 1, f"module of {lines} lines (at most {MAX_MODULE_LINES})"))
    kind = _kind(path)
    if kind is None:
        return offences
    for node in _views(ast.parse(source), kind):
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length > MAX_VIEW_LINES:
            what = "view" if kind == "views" else "API handler"
            offences.append(
                Offence(
                    path, node.lineno, f"{what} {node.name} of {length} lines (under {MAX_VIEW_LINES + 1})"
                )
            )
    return offences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="files or folders")
    args = parser.parse_args(argv)
    paths = args.paths or [ROOT / p for p in REPOSITORY_PATHS]
    offences = []
    for path in python_files(paths, skipped=SKIPPED_DIRS | {"tests"}):
        offences += check_source(path.read_text(encoding="utf-8"), path)
    return report(offences, "size offences (modules over 600 lines, views of 40 lines or more)")


if __name__ == "__main__":
    sys.exit(main())
