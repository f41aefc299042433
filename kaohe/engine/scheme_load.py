"""Loading a scheme: YAML text or a parsed mapping → a validated :class:`Scheme` (every problem listed)."""

from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import ValidationError

from kaohe.engine.errors import ProblemList, SchemeError
from kaohe.engine.scheme import Scheme
from kaohe.engine.scheme_checks import check_scheme

# --- loading ----------------------------------------------------------------------------------------


def load_scheme(text: str, file: str = "scheme.yaml") -> Scheme:
    """Parse and validate a scheme from YAML text. Raises :class:`SchemeError` listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems = ProblemList(file, SchemeError)
        problems.add(where, "valid YAML", str(getattr(exc, "problem", exc)))
        problems.raise_if_any()
    return scheme_from_dict(raw, file)


def scheme_from_dict(raw: Any, file: str = "scheme.yaml") -> Scheme:
    """Validate an already-parsed mapping (see :func:`load_scheme`)."""
    problems = ProblemList(file, SchemeError)
    if not isinstance(raw, dict):
        problems.add("", "a mapping at the top level", type(raw).__name__)
        problems.raise_if_any()
    try:
        scheme = Scheme.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
            path = re.sub(r"\.(str|list\[str\]|int|float|is-instance\[[^\]]*\])$", "", path)
            found = err.get("input")
            expected = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                expected = "a known key (see docs/schemes.md)"
            elif err["type"] == "missing":
                expected, found = "this key", "nothing"
            problems.add(path, expected, found)
        problems.raise_if_any()
    check_scheme(scheme, problems)
    problems.raise_if_any()
    return scheme
