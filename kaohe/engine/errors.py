"""The engine's own error types. Each carries a list of problems so that one run reports every mistake
in a scheme or a data set at once, each naming its place (file, path in the scheme, row, column)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is, what was expected there and what was found."""

    file: str
    path: str  # path inside the scheme ("components.工作实绩.share") or "row 7, column score"
    expected: str
    found: str

    def __str__(self) -> str:
        place = f"{self.file}: {self.path}" if self.path else self.file
        return f"{place}: expected {self.expected}, found {self.found}"


class EngineError(Exception):
    """Base of the engine's errors: a list of :class:`Problem`."""

    kind = "input"

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        head = f"{len(self.problems)} problem(s) in the {self.kind}"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)


class SchemeError(EngineError):
    """A scheme file that cannot be used: bad types, shares not adding up, unknown references…"""

    kind = "scheme"


class DataError(EngineError):
    """Period data that does not fit the scheme: unknown track, score above points, missing column…"""

    kind = "period data"


class ProblemList:
    """Collects problems while validating, then raises them all at once."""

    def __init__(self, file: str, error: type[EngineError]):
        self.file = file
        self.error = error
        self.items: list[Problem] = []

    def add(self, path: str, expected: str, found: object, file: str | None = None) -> None:
        self.items.append(Problem(file or self.file, path, expected, _show(found)))

    def raise_if_any(self) -> None:
        if self.items:
            raise self.error(self.items)


def _show(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "…"
