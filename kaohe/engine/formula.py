"""A small, safe formula language for dynamic coefficients, evaluated on numpy arrays.

Allowed: numbers, names (period measures, other coefficients), + - * / **, parentheses, percentages
written as ``5%``, and the functions min, max, clip(x, lo, hi), abs. Nothing else: a formula is data
written by an office, never code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping

import numpy as np


class FormulaError(ValueError):
    """A formula that does not parse or uses something outside the language."""


_FUNCS: dict[str, Callable[..., np.ndarray]] = {
    "min": np.minimum,
    "max": np.maximum,
    "clip": np.clip,
    "abs": np.abs,
}
_BINOPS = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}


def _pre(text: str) -> str:
    # "5%" → "(5/100)" so offices can write shares the way they write them everywhere else.
    return re.sub(r"(\d+(?:\.\d+)?)\s*[%％]", r"(\1/100)", text)


def parse_formula(text: str) -> ast.Expression:
    """Parse and vet a formula; raises :class:`FormulaError` naming the offending part."""
    try:
        tree = ast.parse(_pre(text), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"syntax error in {text!r}") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCS:
                raise FormulaError(f"unknown function in {text!r} (allowed: {', '.join(_FUNCS)})")
            if node.keywords:
                raise FormulaError(f"keyword arguments are not allowed in {text!r}")
        elif not isinstance(
            node,
            ast.Expression
            | ast.BinOp
            | ast.UnaryOp
            | ast.Name
            | ast.Constant
            | ast.Load
            | ast.USub
            | ast.UAdd
            | ast.operator,
        ):
            raise FormulaError(f"{type(node).__name__} is not allowed in {text!r}")
        if isinstance(node, ast.BinOp) and type(node.op) not in _BINOPS:
            raise FormulaError(f"operator {type(node.op).__name__} is not allowed in {text!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError(f"only numbers are allowed as constants in {text!r}")
    return tree


def formula_names(text: str) -> set[str]:
    """The variable names a formula reads (function names excluded)."""
    tree = parse_formula(text)
    funcs = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - funcs


def evaluate(text: str, names: Mapping[str, np.ndarray | float]) -> np.ndarray:
    """Evaluate a formula elementwise over arrays; unknown names raise :class:`FormulaError`."""
    tree = parse_formula(text)

    def ev(node: ast.AST) -> np.ndarray | float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise FormulaError(f"{node.value!r} is not a number in {text!r}")
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise FormulaError(f"unknown name {node.id!r} in {text!r}")
            return names[node.id]
        if isinstance(node, ast.UnaryOp):
            value = ev(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            with np.errstate(divide="ignore", invalid="ignore"):
                return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return _FUNCS[node.func.id](*[ev(a) for a in node.args])
        raise FormulaError(f"{type(node).__name__} is not allowed in {text!r}")

    return np.asarray(ev(tree), dtype=np.float64)
