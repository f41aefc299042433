"""The stored-run format: what it encodes, what it refuses, how it reads runs written by older
classes, and that reading rebuilds only kaohe.engine classes. No database."""

from __future__ import annotations

import dataclasses
import enum
import io
import json
import math
import pickle
import sys
import types
import zipfile
import zlib
from datetime import date
from fractions import Fraction

import numpy as np
import pytest

from kaohe.engine import Codes, People, PeriodData, Table, scheme_from_dict
from kaohe.engine.errors import Problem
from kaohe.engine.scheme import Limit
from kaohe.engine.store import FORMAT, VERSION, LazyArray, StoreError, dumps, loads
from tests.unit.engine.helpers import base_scheme

FIXTURE = "kaohe.engine.store_fixture"  # a module that exists only in these tests


def round_trip(obj, **kw):
    return loads(dumps(obj, **kw), lazy=False)


@pytest.fixture
def engine_module(monkeypatch):
    """Define classes "under kaohe.engine" for a test: ``engine_module(Thing=cls, …)`` (re-callable to
    replace a class by a newer version of itself, as a later release would)."""
    module = types.ModuleType(FIXTURE)
    monkeypatch.setitem(sys.modules, FIXTURE, module)

    def define(**classes):
        for name, cls in classes.items():
            cls.__module__, cls.__qualname__ = FIXTURE, name
            setattr(module, name, cls)
        return module

    return define


def archive(root, version=VERSION, extra=None) -> bytes:
    """A hand-made stored run with the tree ``root`` and no arrays (to feed the reader bad trees)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        head = {"format": FORMAT, "version": version, "scheme_file": "s.yaml", "entries": {}, "root": root}
        zf.writestr("run.json", json.dumps(head | (extra or {})))
        info = zf.infolist()[-1]
        zf.comment = f"{FORMAT} {info.header_offset} {info.compress_size}".encode()
    return buffer.getvalue()


# --- values ------------------------------------------------------------------------------------------


def test_plain_values_keep_their_types():
    value = {
        "none": None,
        "flags": [True, False],
        "ints": (0, -7, 2**80),
        "floats": [0.1, -0.0, 1e308, 5e-324],
        "text": "优秀；良好",
        "nested": {"a": [(1, "x"), {"b": None}]},
        "sets": [{1, 2}, frozenset({"x"})],
    }
    back = round_trip(value)
    assert back == value
    assert type(back["ints"]) is tuple and type(back["nested"]["a"][0]) is tuple
    assert type(back["sets"][0]) is set and type(back["sets"][1]) is frozenset
    assert math.copysign(1, back["floats"][1]) == -1


def test_non_finite_floats_and_numpy_scalars_survive():
    back = round_trip(
        [math.nan, math.inf, -math.inf, np.float64(0.1), np.int32(-3), np.bool_(True), np.uint8(200)]
    )
    assert math.isnan(back[0]) and back[1] == math.inf and back[2] == -math.inf
    assert type(back[3]) is np.float64 and back[3] == 0.1
    assert type(back[4]) is np.int32 and back[4] == -3
    assert type(back[5]) is np.bool_ and back[5]
    assert type(back[6]) is np.uint8 and back[6] == 200


@pytest.mark.parametrize(
    "array",
    [
        np.array([1.5, np.nan, -np.inf]),
        np.arange(12, dtype=np.int32).reshape(3, 4),
        np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        np.arange(20)[::3],
        np.array([True, False]),
        np.array(["甲", "乙乙"]),
        np.array([b"a", b"bc"]),
        np.array(["2025-01-31"], dtype="datetime64[D]"),
        np.zeros((0, 3)),
        np.array(7.25),
        np.arange(100_000, dtype=np.int64),  # stored in blocks of rows
    ],
    ids=lambda a: f"{a.dtype}{a.shape}",
)
def test_arrays_come_back_equal_with_their_dtype(array):
    back = round_trip({"a": array})["a"]
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_arrays_of_str_objects_come_back_as_str_objects():
    ids = np.array(["P01", "张三", ""], dtype=object)
    back = round_trip(ids)
    assert back.dtype == object and list(back) == ["P01", "张三", ""]
    assert all(type(x) is str for x in back)


def test_an_array_met_twice_is_one_array():
    a = np.arange(5.0)
    back = round_trip({"x": a, "y": [a]})
    assert back["x"] is back["y"][0]


# --- engine classes ----------------------------------------------------------------------------------


def period_data() -> PeriodData:
    unit = Codes.from_values(["一组", "二组", "一组"])
    people = People(ids=np.array(["P1", "P2", "P3"], dtype=object), attributes={"unit": unit})
    people.numbers["months_in_unit"] = np.array([12.0, 3.0, np.nan])
    claims = Table(person=np.array([0, 2]), columns={"category": unit, "points": np.array([1.0, 2.5])})
    return PeriodData(
        people=people, scores={"实绩/业务": np.array([50.0, np.nan, 40.0])}, claims=claims, period="2025Q1"
    )


def test_period_data_round_trips_with_shared_objects():
    data = period_data()
    back = round_trip(data)
    assert type(back) is PeriodData and type(back.people) is People and type(back.claims) is Table
    assert list(back.people.ids) == ["P1", "P2", "P3"] and back.period == "2025Q1"
    assert back.people.attributes["unit"].names == ("一组", "二组")
    np.testing.assert_array_equal(back.scores["实绩/业务"], data.scores["实绩/业务"])
    # one Codes object in two places stays one object
    assert back.claims.columns["category"] is back.people.attributes["unit"]
    assert back.claims.code("category").value(1) == "二组"


def test_frozen_dataclasses_are_rebuilt_without_running_init():
    problem = Problem("s.yaml", "components", "a mapping", "nothing")
    back = round_trip([problem, problem])
    assert back[0] == problem and back[0] is back[1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        back[0].path = "x"


def test_plain_classes_restore_their_attributes_and_cycles(engine_module):
    class Node:
        def __init__(self):
            raise AssertionError("reading must not run __init__")

    engine_module(Node=Node)
    node = object.__new__(Node)
    node.name, node.me, node.values = "n", node, np.ones(2)
    back = round_trip(node)
    assert type(back) is Node and back.name == "n" and back.me is back
    np.testing.assert_array_equal(back.values, [1.0, 1.0])


def test_enum_members_come_back_as_members(engine_module):
    class Effect(enum.Enum):
        PENDING = "pending"
        NONE = "none"

    engine_module(Effect=Effect)
    assert round_trip([Effect.PENDING])[0] is Effect.PENDING


# --- classes that changed since the run was stored -----------------------------------------------------


def test_a_field_added_since_takes_its_default_and_a_dropped_one_is_ignored(engine_module):
    @dataclasses.dataclass(frozen=True)
    class Stage:
        total: np.ndarray
        dropped: str

    engine_module(Stage=Stage)
    blob = dumps(Stage(np.array([1.0, 2.0]), "old"))

    @dataclasses.dataclass(frozen=True)
    class StageNow:
        total: np.ndarray
        note: str = "none yet"
        extra: list = dataclasses.field(default_factory=list)

    engine_module(Stage=StageNow)
    back = loads(blob)
    assert type(back) is StageNow and back.note == "none yet" and back.extra == []
    assert not hasattr(back, "dropped")
    np.testing.assert_array_equal(back.total, [1.0, 2.0])


def test_a_field_added_since_without_default_asks_for_recomputation(engine_module):
    @dataclasses.dataclass
    class Stage:
        total: float

    engine_module(Stage=Stage)
    blob = dumps(Stage(1.0))

    @dataclasses.dataclass
    class StageNow:
        total: float
        rank: int

    engine_module(Stage=StageNow)
    with pytest.raises(StoreError, match=r"Stage\.rank .*no default"):
        loads(blob)


def test_a_class_removed_since_asks_for_recomputation(engine_module):
    @dataclasses.dataclass
    class Gone:
        x: int

    module = engine_module(Gone=Gone)
    blob = dumps(Gone(1))
    del module.Gone
    with pytest.raises(StoreError, match="Gone no longer exists"):
        loads(blob)


# --- what is refused ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.array([1, "a"], dtype=object), "Python objects other than str"),
        ({1: "x"}, "keys must be str"),
        (date(2025, 1, 1), "datetime.date"),
        (Fraction(1, 3), "fractions.Fraction"),
        (lambda: 1, "builtins.function"),
        (np.ma.masked_array([1, 2]), "MaskedArray"),
        (Limit(value=1, is_share=False), "outside the run's scheme"),
    ],
    ids=["object-array", "int-key", "date", "fraction", "function", "masked", "stray-scheme-model"],
)
def test_anything_else_is_refused_with_its_place(value, message):
    with pytest.raises(StoreError, match=message) as err:
        dumps({"outer": [value]})
    assert "run['outer'][0]" in str(err.value)


def test_classes_outside_kaohe_engine_are_refused():
    @dataclasses.dataclass
    class Elsewhere:
        x: int

    with pytest.raises(StoreError, match="only kaohe.engine classes"):
        dumps(Elsewhere(1))


def test_a_list_that_contains_itself_is_refused():
    loop: list = []
    loop.append(loop)
    with pytest.raises(StoreError, match="contains itself"):
        dumps(loop)


def test_a_scheme_needs_its_text_and_the_text_must_be_that_scheme():
    scheme = scheme_from_dict(base_scheme())
    with pytest.raises(StoreError, match="give scheme_text"):
        dumps({"scheme": scheme})
    with pytest.raises(StoreError, match="not the scheme text given"):
        dumps({"scheme": scheme}, scheme_text="scheme: other\nyear: 2025\n" + TEXT.split("\n", 2)[2])


TEXT = """scheme: 测试方案
year: 2025
period: quarter
tracks: {甲: {identity: 甲}, 乙: {identity: 乙}}
components:
  工作实绩: {share: 100%, indicators: {业务: {points: 60}, 党建: {points: 40}}}
grading: {grades: [优秀, 良好, 一般], tie_break: [total desc, person asc]}
"""


def test_scheme_parts_are_stored_by_their_place_and_read_from_the_text():
    scheme = scheme_from_dict(base_scheme())
    leaf = scheme.components["工作实绩"].indicators["党建"]
    back = round_trip({"leaf": leaf, "scheme": scheme}, scheme_text=TEXT)  # the part before the whole
    assert (
        back["scheme"] == scheme and back["leaf"] is back["scheme"].components["工作实绩"].indicators["党建"]
    )


# --- what is read ------------------------------------------------------------------------------------


def test_the_stored_run_is_a_zip_of_npy_entries_json_and_the_scheme_text():
    blob = dumps({"data": period_data(), "scheme": scheme_from_dict(base_scheme())}, scheme_text=TEXT)
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        names = zf.namelist()
        assert zf.read("scheme.yaml").decode() == TEXT
        head = json.loads(zf.read("run.json"))
        assert head["format"] == FORMAT and head["version"] == VERSION
        for name in names:
            if name.endswith(".npy"):
                np.lib.format.read_array(io.BytesIO(zf.read(name)), allow_pickle=False)
    assert b"\x80\x05" not in blob[:2] and set(names) >= {"run.json", "scheme.yaml"}


@pytest.mark.parametrize(
    "name",
    [
        "os:system",
        "builtins:dict",
        "kaohe.engine.scheme:BaseModel",
        "kaohe.engine.scheme:Limit",
        "kaohe.engine",
    ],
)
def test_reading_rebuilds_only_data_classes_defined_under_kaohe_engine(name):
    with pytest.raises(StoreError):
        loads(archive({"$object": name, "id": 0, "fields": {}}))


def test_reading_does_not_import_modules_outside_the_engine(monkeypatch):
    monkeypatch.delitem(sys.modules, "this_module_does_not_exist", raising=False)
    with pytest.raises(StoreError, match="not a kaohe.engine class"):
        loads(archive({"$object": "this_module_does_not_exist:X", "id": 0, "fields": {}}))
    assert "this_module_does_not_exist" not in sys.modules


def test_a_run_of_a_newer_format_is_refused():
    with pytest.raises(StoreError, match="newer release"):
        loads(archive(None, version=VERSION + 1))
    assert loads(archive({"$tuple": [1, None]})) == (1, None)


@pytest.mark.parametrize(
    "blob",
    [b"", b"not a run", zlib.compress(pickle.dumps({"a": 1})), archive(None)[:-30], archive({"$what": 1})],
    ids=["empty", "text", "legacy-pickle", "truncated", "unknown-node"],
)
def test_what_is_not_a_readable_run_raises_store_error(blob):
    with pytest.raises(StoreError):
        loads(blob)


def test_a_lazy_array_stores_again_as_the_array_it_reads():
    a = np.arange(50_000, dtype=np.float64)
    lazy = loads(dumps({"a": a}))["a"]
    assert type(lazy) is LazyArray
    np.testing.assert_array_equal(round_trip(lazy), a)
