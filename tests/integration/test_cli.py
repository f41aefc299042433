"""The command line: demo, manage, template, export and import."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from kaohe.audit.models import Event
from kaohe.cli import main
from kaohe.org import excel
from kaohe.org.models import Person, Unit


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_template_writes_the_blank_workbook(db, tmp_path, capsys):
    out = tmp_path / "template.xlsx"
    assert main(["template", str(out)]) == 0
    assert load_workbook(out).sheetnames == ["说明", "单位", "人员"]


def test_export_then_import_round_trips(org, tmp_path, capsys):
    out = tmp_path / "people.xlsx"
    assert main(["export", "people", str(out)]) == 0
    assert main(["import", "people", str(out)]) == 0
    text = capsys.readouterr().out
    assert "people 0 created, 0 updated, 3 unchanged" in text


def test_export_units_writes_the_unit_sheet(org, tmp_path):
    out = tmp_path / "units.xlsx"
    assert main(["export", "units", str(out)]) == 0
    rows = list(load_workbook(out)["单位"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["T", "A", "B"]


def test_import_of_a_bad_file_lists_every_error_exits_1_and_writes_nothing(org, tmp_path, capsys):
    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append([c.header for c in excel.PEOPLE_COLUMNS])
    ws.append(
        [
            "N001",
            "新人",
            "女",
            "1990-01-01",
            "NOPE",
            "",
            "一般干部",
            "在编",
            "管理岗",
            "初级",
            "2024-01-01",
            "",
            "",
        ]
    )
    ws.append(
        ["N002", "新人二", "女", "bad", "A", "", "一般干部", "在编", "管理岗", "初级", "2024-01-01", "", ""]
    )
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    people, events = Person.objects.count(), Event.objects.count()
    assert main(["import", "people", str(path)]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s); nothing was imported" in err
    assert "NOPE" in err and "出生日期" in err
    assert (Person.objects.count(), Event.objects.count()) == (people, events)


def test_import_of_a_file_that_is_not_a_workbook_exits_1(org, tmp_path, capsys):
    path = tmp_path / "people.xlsx"
    path.write_text("姓名,工号\n")
    assert main(["import", "people", str(path)]) == 1
    assert "1 problem(s)" in capsys.readouterr().err


def test_import_of_a_missing_file_exits_2(db, tmp_path, capsys):
    assert main(["import", "people", str(tmp_path / "nope.xlsx")]) == 2


def test_import_adds_people_and_reports_counts(org, tmp_path, capsys):
    wb = load_workbook(io.BytesIO(excel.build_template()))
    wb["单位"].append(["A1", "综合组", "机关部门", "A", 1])
    wb["人员"].append(
        [
            "N001",
            "新人",
            "女",
            "1990-01-01",
            "A1",
            "科员",
            "一般干部",
            "在编",
            "管理岗",
            "初级",
            "2024-01-01",
            "A001",
            "",
        ]
    )
    path = tmp_path / "people.xlsx"
    wb.save(path)
    assert main(["import", "people", str(path)]) == 0
    assert "units 1 created" in capsys.readouterr().out
    assert Person.objects.get(staff_no="N001").reviewer.staff_no == "A001"


def test_demo_loads_once_and_prints_one_login_per_role(db, fast_hashing, capsys):
    assert main(["demo", "--no-input"]) == 0
    out = capsys.readouterr().out
    for role in ("office", "reviewer", "staff", "inspector", "leader"):
        assert f"  {role}" in out
    assert "kaohe-demo-2025" in out and "http://127.0.0.1:8000/" in out
    people, events = Person.objects.count(), Event.objects.count()
    assert people > 100
    assert main(["demo", "--no-input", "--port", "8123"]) == 0
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out
    assert (Person.objects.count(), Event.objects.count()) == (people, events)


def test_demo_without_input_leaves_another_organisation_alone(org, capsys):
    units = Unit.objects.count()
    assert main(["demo", "--no-input"]) == 0
    assert "was not added" in capsys.readouterr().out
    assert Unit.objects.count() == units


def test_demo_serve_runs_the_development_server_on_localhost(db, fast_hashing, monkeypatch, capsys):
    import django.core.management as management

    real = management.call_command
    calls = []

    def fake(name, *args, **kwargs):
        calls.append((name, args))
        if name != "runserver":
            return real(name, *args, **kwargs)

    monkeypatch.setattr(management, "call_command", fake)
    assert main(["demo", "--serve", "--port", "8123", "--no-input"]) == 0
    assert ("runserver", ("127.0.0.1:8123",)) in calls
    assert calls[0][0] == "migrate"


def test_manage_passes_through_to_django(db, capsys):
    with translation.override("en"):  # the check's message is translated like any other
        assert main(["manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out
    assert main(["manage", "no-such-command"]) == 1
