"""The repository's own checks (scripts/check_local_imports.py, scripts/check_sizes.py) on small
sources: they find what they promise and let through what the rules allow."""

import sys
import textwrap
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import check_local_imports  # noqa: E402
import check_sizes  # noqa: E402


def local_offences(source: str) -> list[int]:
    return [o.line for o in check_local_imports.check_source(textwrap.dedent(source))]


def test_a_function_level_import_without_a_reason_is_reported_with_its_line():
    source = """
        import os

        def handler():
            from kaohe.org import services
            import json
            return services, json, os
    """
    assert local_offences(source) == [5, 6]


def test_module_level_and_type_checking_imports_are_not_function_level():
    source = """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from kaohe.org.models import Unit
        try:
            import yaml
        except ImportError:
            yaml = None
        class Box:
            import math
    """
    assert local_offences(source) == []


def test_a_trailing_reason_covers_its_import():
    source = """
        def handler():
            from kaohe.cli import setup_django  # local import: Django starts only when the command runs
            from kaohe.org import (  # local import: the models need Django set up
                services,
            )
    """
    assert local_offences(source) == []


def test_a_reason_above_covers_the_run_of_imports_below_it_and_no_further():
    source = """
        def handler():
            # local import: the models need Django set up,
            # which the command does first
            from kaohe.org import services
            from kaohe.org.models import Unit
            value = 1
            from kaohe.audit import services as audit
    """
    assert local_offences(source) == [8]


def test_a_reason_must_be_a_comment_with_words_after_the_marker():
    source = """
        def a():
            # local import:
            import json
        def b():
            x = "# local import: in a string"; import csv
        def c():
            y = 1  # local import: a trailing comment on another statement
            import re
    """
    assert local_offences(source) == [4, 6, 9]


def test_imports_in_nested_and_async_functions_and_methods_count():
    source = """
        class View:
            def get(self):
                def inner():
                    import json
        async def fetch():
            import csv
    """
    assert local_offences(source) == [5, 7]


def test_the_local_imports_check_exits_1_and_prints_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    import json\n")
    good = tmp_path / "good.py"
    good.write_text("def f():\n    import json  # local import: only the export needs it\n")
    assert check_local_imports.main([str(good)]) == 0
    assert check_local_imports.main([str(tmp_path)]) == 1
    assert f"{bad}:2: function-level import" in capsys.readouterr().out


def module(lines: int) -> str:
    return "\n".join(f"x{i} = {i}" for i in range(lines)) + "\n"


def function(name: str, lines: int, decorator: str = "") -> str:
    body = "\n".join(f"    a{i} = {i}" for i in range(lines - 1))
    return f"{decorator}\ndef {name}(request):\n{body}\n"


def size_offences(source: str, path: str) -> list[str]:
    return [o.message for o in check_sizes.check_source(source, Path(path))]


def test_a_module_over_600_lines_is_reported_and_one_of_600_is_not():
    assert size_offences(module(600), "kaohe/org/excel.py") == []
    assert size_offences(module(601), "kaohe/org/excel.py") == ["module of 601 lines (at most 600)"]


def test_a_view_of_40_lines_is_reported_and_one_of_39_is_not():
    source = function("short", 39) + function("long", 40) + function("_helper", 80)
    assert size_offences(source, "kaohe/org/views.py") == ["view long of 40 lines (under 40)"]


@pytest.mark.parametrize("path", ["kaohe/appraisal/views/scoring.py", "kaohe/appraisal/views.py"])
def test_views_are_found_in_views_modules_and_views_packages(path):
    assert len(size_offences(function("sheet", 45), path)) == 1


def test_the_methods_of_a_class_based_view_are_views():
    method = "\n".join(f"        a{i} = {i}" for i in range(44))
    source = f"class Sheet:\n    def post(self, request):\n{method}\n    def _parse(self):\n{method}\n"
    assert size_offences(source, "kaohe/org/views.py") == ["view post of 45 lines (under 40)"]


def test_api_handlers_are_the_decorated_functions_of_an_api_module():
    source = function("submit", 45, "@router.post('/logs')") + function("helper", 45)
    source += function("checked", 45, "@api.exception_handler(Refusal)")
    assert size_offences(source, "kaohe/worklog/api.py") == ["API handler submit of 45 lines (under 40)"]


def test_functions_outside_views_and_api_modules_are_not_views():
    assert size_offences(function("compute", 200), "kaohe/appraisal/services.py") == []


def test_the_sizes_check_skips_tests_and_migrations(tmp_path, capsys):
    for folder in ("tests", "kaohe/org/migrations", "kaohe/org"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / "tests" / "test_big.py").write_text(module(700))
    (tmp_path / "kaohe/org/migrations" / "0001_initial.py").write_text(module(700))
    assert check_sizes.main([str(tmp_path)]) == 0
    (tmp_path / "kaohe/org" / "excel.py").write_text(module(700))
    assert check_sizes.main([str(tmp_path)]) == 1
    assert "excel.py:1: module of 700 lines" in capsys.readouterr().out
