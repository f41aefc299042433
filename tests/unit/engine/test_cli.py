"""`kaohe compute` and `kaohe explain` on files, without a database."""

from __future__ import annotations

import json
import shutil

from kaohe.cli import main
from kaohe.presets import load_preset

PRESET = load_preset("002")


def test_compute_writes_results_and_prints_a_summary_per_track(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["compute", str(PRESET.scheme_path), str(PRESET.example_path), "--out", str(out)]) == 0
    assert "班子成员: 4 人" in capsys.readouterr().out
    people = json.loads(out.read_text(encoding="utf-8"))["people"]
    assert len(people) == 26


def test_compute_to_xlsx_and_csv(tmp_path):
    for name in ("r.xlsx", "r.csv"):
        assert (
            main(
                ["compute", str(PRESET.scheme_path), str(PRESET.example_path), "--out", str(tmp_path / name)]
            )
            == 0
        )
        assert (tmp_path / name).stat().st_size > 0


def test_bad_data_exits_non_zero_and_writes_nothing(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(PRESET.example_path, data)
    (data / "claims.csv").write_text("person,category,points\nJ01,改革创新,9\n", encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["compute", str(PRESET.scheme_path), str(data), "--out", str(out)]) != 0
    err = capsys.readouterr().err
    assert "claims.csv: row 2, column points" in err
    assert not out.exists() and not list(tmp_path.glob(".kaohe-*"))


def test_explain_prints_a_derivation_in_chinese_or_english(capsys):
    assert main(["explain", str(PRESET.scheme_path), str(PRESET.example_path), "--person", "J01"]) == 0
    assert "〔caps.月度加分上限〕" in capsys.readouterr().out
    assert (
        main(
            ["explain", str(PRESET.scheme_path), str(PRESET.example_path), "--person", "J01", "--lang", "en"]
        )
        == 0
    )
    assert "Rank in track: 1 of 7" in capsys.readouterr().out
    assert main(["explain", str(PRESET.scheme_path), str(PRESET.example_path), "--person", "NOPE"]) != 0
