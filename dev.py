#!/usr/bin/env python3
"""Kaohe's two commands, needing nothing but Python 3.11+ and pip:

    python3 dev.py run     set up .venv, migrate, load the demo on first run, serve http://127.0.0.1:8000
    python3 dev.py test    install the dev dependencies and run the whole test suite

Extra arguments after ``test`` go to pytest (e.g. ``python3 dev.py test -m e2e``).
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"Kaohe needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        subprocess.run([BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    # Reinstall only when pyproject.toml changed since the last install of these extras.
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed{extras or '-base'}-{digest}"
    if not stamp.exists():
        target = f".[{extras}]" if extras else "."
        print(f"installing {target} …", flush=True)
        subprocess.run([BIN / "python", "-m", "pip", "install", "-q", "-e", target], cwd=ROOT, check=True)
        stamp.touch()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "run":
        _ensure_venv("")
        return subprocess.call([BIN / "kaohe", "demo", "--serve", *rest])
    _ensure_venv("dev")
    workers = (
        [] if any(a.startswith("-n") for a in rest) else ["-n", os.environ.get("KAOHE_TEST_WORKERS", "2")]
    )
    return subprocess.call([BIN / "pytest", *workers, *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
