"""``kaohe compute`` and ``kaohe explain``: the engine on files, without a database."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kaohe.engine import EngineError, Result, compute, explain, load_scheme
from kaohe.engine_cli.loader import load_period

FORMATS = (".json", ".csv", ".xlsx")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the engine's subcommands to the ``kaohe`` parser."""
    p = subparsers.add_parser("compute", help="compute a period's results from a scheme and data files")
    p.add_argument("scheme", help="scheme file (YAML)")
    p.add_argument("data", help="directory of CSV files or an .xlsx workbook")
    p.add_argument("--out", required=True, help="results file: .json, .csv or .xlsx")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=handle_compute)
    e = subparsers.add_parser("explain", help="print one person's derivation")
    e.add_argument("scheme", help="scheme file (YAML)")
    e.add_argument("data", help="directory of CSV files or an .xlsx workbook")
    e.add_argument("--person", required=True, help="person id")
    e.add_argument("--lang", choices=("zh", "en"), default="zh")
    e.set_defaults(handler=handle_explain)


def run(scheme_path: str, data_path: str, progress: bool = False) -> Result:
    """Read the scheme and the data and compute; raises EngineError or OSError."""
    text = Path(scheme_path).read_text(encoding="utf-8")
    scheme = load_scheme(text, file=scheme_path)
    data = load_period(data_path, scheme)
    if not progress or len(data.people) < 20_000:
        return compute(scheme, data)
    from tqdm import tqdm  # local import: only a large run shows a progress bar

    steps = ["tracks", "components", "adjustments", "coefficients", "rank", "grade", "consequences"]
    with tqdm(total=len(steps), desc="computing", unit="step", file=sys.stderr) as bar:

        def advance(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        return compute(scheme, data, progress=advance)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def handle_compute(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        return _fail(f"error: --out must end in one of {', '.join(FORMATS)}, found {out.name}")
    started = time.perf_counter()
    try:
        result = run(args.scheme, args.data, progress=not args.quiet)
        write_results(result, out)
    except EngineError as exc:
        return _fail(f"error: {exc}")
    except OSError as exc:
        return _fail(f"error: {exc.filename or ''}: {exc.strerror or exc}")
    for row in result.summary():
        grades = "  ".join(f"{g} {c}" for g, c in row["grades"].items() if c)
        print(
            f"{row['track']}: {row['people']} 人  平均 {row['mean_total']:.2f}  {grades}"
            + (f"  激励资金 {row['pool_yuan']:.2f} 元" if row["pool_yuan"] else "")
        )
    print(f"{len(result.total)} people computed in {time.perf_counter() - started:.1f} s → {out}")
    return 0


def handle_explain(args: argparse.Namespace) -> int:
    try:
        result = run(args.scheme, args.data)
        text = explain(result, args.person, lang=args.lang)
    except EngineError as exc:
        return _fail(f"error: {exc}")
    except KeyError:
        return _fail(f"error: {args.data}: no person with id {args.person!r}")
    except OSError as exc:
        return _fail(f"error: {exc.filename or ''}: {exc.strerror or exc}")
    print(text)
    return 0


def write_results(result: Result, out: Path) -> None:
    """Write to a temporary file beside ``out`` and rename: an error leaves no half-written file."""
    rows = result.rows()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".kaohe-", suffix=out.suffix)
    os.close(fd)
    try:
        suffix = out.suffix.lower()
        if suffix == ".json":
            payload: dict[str, Any] = {
                "scheme": result.scheme.scheme,
                "period": result.data.period,
                "summary": result.summary(),
                "people": rows,
            }
            Path(tmp).write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        elif suffix == ".csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["person"])
                w.writeheader()
                w.writerows(rows)
        else:
            from openpyxl import Workbook  # local import: only an .xlsx output needs openpyxl

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("results")
            header = list(rows[0]) if rows else ["person"]
            ws.append(header)
            for row in rows:
                ws.append([row[h] for h in header])
            wb.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
