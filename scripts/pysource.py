"""What the repository checks (check_local_imports.py, check_sizes.py) share: which Python files they
read, and how they report. Standard library only, so a check runs before any install."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# All the repository's own Python outside the tests: the product, the benchmarks, these scripts and
# the two top-level commands.
REPOSITORY_PATHS = ("kaohe", "benchmarks", "scripts", "dev.py", "manage.py")
# Never read: generated code and what is not the repository's own.
SKIPPED_DIRS = {"migrations", ".venv", "var", "__pycache__", "node_modules", ".git"}


@dataclass(frozen=True)
class Offence:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        try:
            shown = self.path.resolve().relative_to(ROOT)
        except (OSError, ValueError):
            shown = self.path
        return f"{shown}:{self.line}: {self.message}"


def python_files(paths: Iterable[str | Path], skipped: set[str] = SKIPPED_DIRS) -> Iterator[Path]:
    """Every .py file under ``paths`` (files or folders), sorted, outside the ``skipped`` folders."""
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*.py")):
            if not skipped.intersection(found.relative_to(path).parts[:-1]):
                yield found


def report(offences: list[Offence], what: str) -> int:
    """Print each offence as ``file:line: message`` and a count; the exit status (1 if any)."""
    for offence in offences:
        print(offence)
    print(f"{len(offences)} {what}")
    return 1 if offences else 0
