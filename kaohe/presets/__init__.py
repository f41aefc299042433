"""Ready-made schemes, one folder per model: ``<name>/scheme.yaml``, ``<name>/example/`` (period data
the engine reads) and ``<name>/expected.yaml`` (the example's expected results, checked by tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PRESETS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Preset:
    name: str
    path: Path  # the preset's folder

    @property
    def scheme_path(self) -> Path:
        return self.path / "scheme.yaml"

    @property
    def example_path(self) -> Path:
        return self.path / "example"

    @property
    def expected_path(self) -> Path:
        return self.path / "expected.yaml"

    def scheme_text(self) -> str:
        return self.scheme_path.read_text(encoding="utf-8")

    def scheme_text_for(self, year: int) -> str:
        """The scheme's text for ``year``: a preset is a model for any year, so its ``year`` and a
        version that starts with the year ("2025.1") are set to the year the unit adopts it for."""
        text = self.scheme_text()
        m = re.search(r"^year:\s*(\d{4})\s*$", text, flags=re.M)
        if m is None:
            return text
        old = m.group(1)
        text = text[: m.start(1)] + str(year) + text[m.end(1) :]
        return re.sub(rf'^(version:\s*"?){old}(\.)', rf"\g<1>{year}\2", text, count=1, flags=re.M)


def list_presets() -> list[str]:
    """Names of the preset folders (those with a scheme.yaml), sorted."""
    return sorted(p.name for p in PRESETS_DIR.iterdir() if p.is_dir() and (p / "scheme.yaml").is_file())


def load_preset(name: str) -> Preset:
    """A preset by folder name (or by its numeric prefix, e.g. "002"); KeyError if there is none."""
    names = list_presets()
    if name not in names:
        matches = [n for n in names if n.split("_", 1)[0] == name]
        if len(matches) != 1:
            raise KeyError(f"no preset {name!r}; known: {', '.join(names)}")
        name = matches[0]
    return Preset(name, PRESETS_DIR / name)
