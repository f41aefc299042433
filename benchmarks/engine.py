"""Engine benchmark: one period for 100,000 people in 2,000 tracks.

    .venv/bin/python benchmarks/engine.py                 # in-memory computation + bare numpy pass
    .venv/bin/python benchmarks/engine.py --cli /tmp/b    # also write the data as CSV and time `kaohe compute`

The generator builds: a three-level tree of 40 assessor indicators (5 × 4 × 2), ballots from four rater
groups (four options each), claims in three categories with a cap, a static post coefficient (six levels
1.0–1.18) and a dynamic one, quotas with a ceiling and a floor per track, tail rules over 12 previous
months (two on consecutive monthly ranks, one on the rank of the 12-month mean), and an incentive pool. "Bare numpy" is the same arithmetic without rules or explanations: the
weighted leaf sum, ballot bincounts, claim sums, coefficients, one lexsort by track and total.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kaohe.engine import Codes, People, PeriodData, Table, compute, explain, scheme_from_dict  # noqa: E402

N_PEOPLE = 100_000
N_TRACKS = 2_000
GROUPS = ["上级领导", "同级同事", "下级", "服务对象"]
OPTIONS = {"优秀": 100, "良好": 85, "一般": 70, "较差": 50}
LEVELS = {"一档": 1.18, "二档": 1.14, "三档": 1.1, "四档": 1.06, "五档": 1.03, "六档": 1.0}


def make_scheme(n_tracks: int) -> dict:
    top = {}
    for a in range(5):
        mid = {}
        for b in range(4):
            mid[f"二级{a}{b}"] = {
                "points": 4,
                "indicators": {f"三级{a}{b}甲": {"points": 2}, f"三级{a}{b}乙": {"points": 2}},
            }
        top[f"一级{a}"] = {"points": 16, "indicators": mid}
    return {
        "scheme": "基准方案",
        "year": 2025,
        "period": "month",
        "tracks": {f"赛道{t:04d}": {"unit": f"单位{t:04d}"} for t in range(n_tracks)},
        "components": {
            "工作实绩": {"share": "80%", "indicators": top},
            "民主测评": {
                "share": "20%",
                "ballot": {
                    "options": OPTIONS,
                    "rater_groups": dict(zip(GROUPS, ["40%", "20%", "30%", "10%"], strict=True)),
                    "min_ballots": 3,
                },
            },
        },
        "adjustments": {
            "改革创新": {"kind": "bonus", "points": [1, 10]},
            "急难险重": {"kind": "bonus", "points": [1, 5]},
            "一岗双责": {"kind": "deduction", "points": [1, 5]},
        },
        "caps": {"加分上限": {"kind": "bonus", "at_most": "20%"}},
        "coefficients": {
            "岗位系数": {"kind": "static", "attribute": "post_level", "levels": LEVELS},
            "动态系数": {"kind": "dynamic", "formula": "clip(1 + (growth - 8%) * 0.5, 0.95, 1.05)"},
        },
        "grading": {
            "grades": ["优秀", "良好", "一般"],
            "quotas": {
                "优秀": {"at_most": "15%", "rounding": "half_up", "minimum": 1},
                "一般": {"at_least": "5%", "rounding": "up"},
            },
            "tie_break": ["total desc", "民主测评 desc", "person asc"],
        },
        "tail_rules": {
            "季度靠后谈话": {"bottom": 1, "consecutive": 3, "action": "谈话提醒"},
            "半年靠后调整": {"bottom": "5%", "consecutive": 6, "action": "岗位调整"},
            "全年靠后处理": {"bottom": "5%", "over": "year", "action": "严肃处理"},
        },
        "consequences": {"pay_factor": {"优秀": "+20%", "良好": "0%", "一般": "-10%"}},
        "pool": {"amount": 10_000_000, "grade_coefficients": {"优秀": 1.5, "良好": 1.0, "一般": 0.6}},
    }


def make_data(scheme: dict, n: int, n_tracks: int, seed: int = 1) -> PeriodData:
    rng = np.random.default_rng(seed)
    unit_names = tuple(f"单位{t:04d}" for t in range(n_tracks))
    unit = rng.integers(0, n_tracks, n).astype(np.int32)
    people = People(
        ids=np.array([f"P{i:06d}" for i in range(n)], dtype=object),
        attributes={
            "unit": Codes(unit, unit_names),
            "post_level": Codes(rng.integers(0, 6, n).astype(np.int32), tuple(LEVELS)),
        },
        numbers={"growth": rng.normal(0.08, 0.02, n)},
    )
    d = PeriodData(people=people, period="2025-12", pool_amount=None)
    ability = rng.uniform(0.7, 1.0, n)
    from kaohe.engine.tree import leaves

    for leaf in leaves("工作实绩", scheme_from_dict(scheme).components["工作实绩"].indicators, "x"):
        d.scores[leaf.key] = np.round(np.clip(ability * 2 + rng.normal(0, 0.15, n), 0, 2), 1)
    # ballots: 4 groups × 4 options per person, counts 0..4
    person = np.repeat(np.arange(n), 16)
    group = np.tile(np.repeat(np.arange(4), 4), n).astype(np.int32)
    option = np.tile(np.arange(4), 4 * n).astype(np.int32)
    count = rng.integers(0, 5, 16 * n).astype(np.float64)
    d.ballots = Table(
        person,
        {"group": Codes(group, tuple(GROUPS)), "option": Codes(option, tuple(OPTIONS)), "count": count},
    )
    m = n // 2
    cat = rng.integers(0, 3, m).astype(np.int32)
    pts = np.where(cat == 0, rng.integers(1, 11, m), rng.integers(1, 6, m)).astype(np.float64)
    d.claims = Table(
        rng.integers(0, n, m),
        {
            "category": Codes(cat, ("改革创新", "急难险重", "一岗双责")),
            "points": pts,
            "approved": rng.random(m) < 0.9,
        },
    )
    periods = tuple(f"2025-{k:02d}" for k in range(1, 12)) + ("2024-12",)
    p_person = np.repeat(np.arange(n), 12)
    p_period = np.tile(np.arange(12), n).astype(np.int32)
    size = np.bincount(unit, minlength=n_tracks)[unit]
    p_rank = (rng.random(12 * n) * np.repeat(size, 12)).astype(np.int64) + 1
    d.previous = Table(
        p_person,
        {
            "period": Codes(p_period, periods),
            "kind": Codes(np.zeros(12 * n, np.int32), ("month",)),
            "rank": p_rank.astype(np.float64),
            "size": np.repeat(size, 12).astype(np.float64),
            "total": np.round(rng.uniform(60, 100, 12 * n), 2),
            "grade": Codes(np.full(12 * n, -1, np.int32), ()),
        },
    )
    d.pool_amount = 10_000_000.0
    return d


def bare_numpy(d: PeriodData, n_tracks: int) -> float:
    """The same arithmetic with no rules: the floor any engine would pay."""
    t0 = time.perf_counter()
    n = len(d.people)
    keys = list(d.scores)
    s = np.zeros(n)
    for k in keys:
        s += d.scores[k] * 1.25
    b = d.ballots
    pts = np.array(list(OPTIONS.values()))[b.columns["option"].codes]
    idx = b.person * 4 + b.columns["group"].codes
    got = np.bincount(idx, weights=b.columns["count"] * pts, minlength=4 * n).reshape(n, 4)
    cnt = np.bincount(idx, weights=b.columns["count"], minlength=4 * n).reshape(n, 4)
    ballot = (np.where(cnt > 0, got / np.maximum(cnt, 1), 0) * [0.4, 0.2, 0.3, 0.1]).sum(axis=1)
    c = d.claims
    adj = np.bincount(
        c.person * 3 + c.columns["category"].codes, weights=c.columns["points"], minlength=3 * n
    )
    total = (0.8 * s + 0.2 * ballot + adj.reshape(n, 3)[:, :2].sum(axis=1)) * d.people.attributes[
        "post_level"
    ].lookup(LEVELS)
    total = np.round(total, 2)
    order = np.lexsort((-total, d.people.attributes["unit"].codes))
    prev = np.zeros((n, 12))
    prev[d.previous.person, d.previous.columns["period"].codes] = d.previous.columns["rank"]
    _ = order, prev
    return time.perf_counter() - t0


def write_csv(d: PeriodData, scheme: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "scheme.yaml").write_text(
        yaml.safe_dump(scheme, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    ppl = d.people
    with (out / "people.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["person", "unit", "post_level", "growth"])
        u, pl = ppl.attributes["unit"], ppl.attributes["post_level"]
        w.writerows(
            zip(
                ppl.ids,
                np.array(u.names)[u.codes],
                np.array(pl.names)[pl.codes],
                np.round(ppl.numbers["growth"], 4),
                strict=True,
            )
        )
    with (out / "scores.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        keys = list(d.scores)
        w.writerow(["person", *keys])
        w.writerows(zip(ppl.ids, *[d.scores[k] for k in keys], strict=True))

    def long(name: str, t: Table, cols: list[str]) -> None:
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["person", *cols])
            values = []
            for c in cols:
                v = t.columns[c]
                values.append(np.array(v.names + ("",), dtype=object)[v.codes] if isinstance(v, Codes) else v)
            w.writerows(zip(ppl.ids[t.person], *values, strict=True))

    long("ballots", d.ballots, ["group", "option", "count"])
    d.claims.columns["approved"] = d.claims.columns["approved"].astype(int)
    long("claims", d.claims, ["category", "points", "approved"])
    long("previous", d.previous, ["period", "kind", "rank", "size", "total"])
    (out / "period.yaml").write_text("period: 2025-12\npool_amount: 10000000\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=N_PEOPLE)
    ap.add_argument("--tracks", type=int, default=N_TRACKS)
    ap.add_argument("--cli", metavar="DIR", help="also write CSV files here and time `kaohe compute`")
    args = ap.parse_args()
    raw = make_scheme(args.tracks)
    scheme = scheme_from_dict(raw)
    d = make_data(raw, args.people, args.tracks)
    compute(scheme, make_data(raw, 2_000, args.tracks, seed=2))  # warm-up: imports, first calls
    t0 = time.perf_counter()
    r = compute(scheme, d)
    engine = time.perf_counter() - t0
    bare = min(bare_numpy(d, args.tracks) for _ in range(3))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t1 = time.perf_counter()
    explain(r, str(d.people.ids[12345]))
    explain_ms = (time.perf_counter() - t1) * 1000
    assert int(r.pool_fen.sum()) == 1_000_000_000
    print(
        f"people {args.people:,}  tracks {args.tracks:,}  indicators {len(d.scores)}  ballot rows {len(d.ballots):,}  "
        f"claims {len(d.claims):,}  previous rows {len(d.previous):,}"
    )
    print(f"engine compute      {engine:6.2f} s")
    print(f"bare numpy pass     {bare:6.2f} s")
    print(f"engine / bare       {engine / bare:6.1f} ×")
    print(f"one explanation     {explain_ms:6.1f} ms")
    print(f"peak memory (RSS)   {peak_mb:6.0f} MB (whole process, data included)")
    if args.cli:
        out = Path(args.cli)
        write_csv(d, raw, out)
        t2 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kaohe",
                "compute",
                str(out / "scheme.yaml"),
                str(out),
                "--out",
                str(out / "results.csv"),
                "--quiet",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"CLI run from CSV    {time.perf_counter() - t2:6.2f} s  ({out})")


if __name__ == "__main__":
    main()
