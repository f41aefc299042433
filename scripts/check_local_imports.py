#!/usr/bin/env python3
"""Every import inside a function states why it is not at the top of its module.

A function-level import hides a dependency from the reader (and used to hide cycles between apps), so
it needs a reason in a comment, on the import's own line or on the line just above it:

    def handle(args):
        # local import: Django is set up only once the command runs
        from kaohe.org import services

One comment above also covers the imports that directly follow it. Prints ``file:line`` of every
import without a reason and exits 1 if there is any.

    python3 scripts/check_local_imports.py [PATH …]     (default: kaohe)

The default is the product package, whose imports make the layers (``lint-imports``); the benchmarks
and scripts set Django up in ``main`` and import after it, which is their nature.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from pathlib import Path

from pysource import ROOT, Offence, python_files, report

MARKER = re.compile(r"#\s*local import:\s*\S")

ImportNode = ast.Import | ast.ImportFrom


def _function_level_imports(tree: ast.AST) -> list[ImportNode]:
    """The import statements that run inside a function (at any depth), in source order."""
    found: list[ImportNode] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                found.append(child)
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(tree, in_function=False)
    return sorted(found, key=lambda n: n.lineno)


def _reasoned_lines(source: str) -> set[int]:
    """The lines that carry a ``# local import: <reason>`` comment (real comments, not strings)."""
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and MARKER.match(token.string):
            lines.add(token.start[0])
    return lines


def _comment_only_lines(source: str) -> set[int]:
    return {i for i, text in enumerate(source.splitlines(), start=1) if text.lstrip().startswith("#")}


def _comment_block_above(line: int, reasoned: set[int], comments: set[int], covered_ends: set[int]) -> bool:
    """Whether the comment lines just above ``line`` give a reason, or the statement just above is an
    import that has one (a reason covers the run of imports below it)."""
    above = line - 1
    if above in covered_ends:
        return True
    while above in comments:
        if above in reasoned:
            return True
        above -= 1
    return False


def _statement(node: ImportNode) -> str:
    return ast.unparse(node)


def check_source(source: str, path: Path = Path("<string>")) -> list[Offence]:
    """The function-level imports of ``source`` that state no reason."""
    imports = _function_level_imports(ast.parse(source))
    if not imports:
        return []
    reasoned = _reasoned_lines(source)
    comment_lines = _comment_only_lines(source)
    covered_ends: set[int] = set()  # last lines of imports that have a reason
    offences = []
    for node in imports:
        end = node.end_lineno or node.lineno
        own_line = any(line in reasoned for line in range(node.lineno, end + 1))
        if own_line or _comment_block_above(node.lineno, reasoned, comment_lines, covered_ends):
            covered_ends.add(end)
            continue
        message = f"function-level import without a '# local import: <reason>' comment: {_statement(node)}"
        offences.append(Offence(path, node.lineno, message))
    return offences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="files or folders (default: %(default)s)")
    args = parser.parse_args(argv)
    paths = args.paths or [ROOT / "kaohe"]
    offences = []
    for path in python_files(paths):
        offences += check_source(path.read_text(encoding="utf-8"), path)
    return report(offences, "function-level imports without a stated reason")


if __name__ == "__main__":
    sys.exit(main())
