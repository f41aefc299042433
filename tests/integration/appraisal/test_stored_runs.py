"""Stored runs in the database: computing stores the pickle-free format, a person's page explains from
it, the migration converts readable legacy pickles and marks the others for recomputation (the page
then says so instead of failing), and the parsed scheme is cached per process."""

import dataclasses
import importlib
import pickle
import zlib

import pytest
from django.apps import apps
from django.test import Client

from kaohe.appraisal.models import ResultSet
from kaohe.appraisal.services.results import compute_period, run_engine
from kaohe.engine import store
from kaohe.engine.explain import explain
from kaohe.engine.store import StoreError
from tests.integration.appraisal import helpers

pytestmark = pytest.mark.django_db

migration = importlib.import_module("kaohe.appraisal.migrations.0006_stored_runs_without_pickle")


def explained(result, person: str, lang: str = "zh") -> str:
    """A person's derivation: the one place this file calls the engine's explain."""
    return explain(result, person, lang)


def legacy(result) -> bytes:
    """A run as the previous release stored it."""
    return zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)


def page(org, rs, person) -> str:
    client = helpers.in_english(Client())
    client.force_login(org.users["office"])
    response = client.get(f"/appraisal/results/{rs.rows.get(person=person).pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def run(org):
    p, rs = helpers.computed(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    result, ids = run_engine(p)
    return p, rs, result


def test_computing_stores_the_run_without_pickle_and_explains_from_it(org, run):
    p, rs, result = run
    blob = bytes(ResultSet.objects.get(pk=rs.pk).blob)
    assert blob.startswith(b"PK\x03\x04") and b"\x80\x05" not in blob[:64]
    with pytest.raises(zlib.error):
        zlib.decompress(blob)  # what the previous release read first
    stored = ResultSet.objects.get(pk=rs.pk).engine_result()
    assert explained(stored, org.a2.staff_no) == explained(result, org.a2.staff_no)
    html = page(org, rs, org.a2)
    assert all(line in html for line in explained(result, org.a2.staff_no, "en").split("\n")[:3])


def test_a_readable_legacy_pickle_is_converted(org, run):
    p, rs, result = run
    ResultSet.objects.filter(pk=rs.pk).update(blob=legacy(result))
    migration.convert_pickles(apps, None)
    rs.refresh_from_db()
    assert bytes(rs.blob).startswith(b"PK\x03\x04") and rs.recompute_reason == ""
    for person in (org.a1, org.a2, org.b1):
        assert explained(rs.engine_result(), person.staff_no) == explained(result, person.staff_no)


def test_conversion_leaves_runs_of_the_new_format_as_they_are(org, run):
    p, rs, result = run
    before = bytes(ResultSet.objects.get(pk=rs.pk).blob)
    migration.convert_pickles(apps, None)
    assert bytes(ResultSet.objects.get(pk=rs.pk).blob) == before


def _unreadable(result) -> dict[str, bytes]:
    """Legacy pickles this release cannot use: of a class that moved, of a Result whose attributes
    changed, and damaged bytes."""
    moved = legacy(result)
    moved = zlib.compress(zlib.decompress(moved).replace(b"kaohe.engine.result", b"kaohe.engine.resulz"))
    changed = dataclasses.replace(result, totals=None)  # as if the totals' stage had been renamed since
    return {"moved": moved, "changed": legacy(changed), "damaged": b"\x78\x9c not zlib"}


@pytest.mark.parametrize("kind", ["moved", "changed", "damaged"])
def test_an_unreadable_legacy_pickle_is_marked_for_recomputation(org, run, kind):
    p, rs, result = run
    ResultSet.objects.filter(pk=rs.pk).update(blob=_unreadable(result)[kind])
    migration.convert_pickles(apps, None)
    rs.refresh_from_db()
    assert rs.blob is None and "earlier release" in rs.recompute_reason
    with pytest.raises(StoreError, match="earlier release"):
        rs.engine_result()
    text = page(org, rs, org.a2)
    assert "cannot be read" in text and "Compute the period again" in text
    compute_period(actor=None, period=p)  # recomputing stores a readable run again
    fresh = ResultSet.objects.get(period=p, current=True)
    assert fresh.recompute_reason == "" and explained(fresh.engine_result(), org.a2.staff_no)


def test_a_result_set_whose_run_is_gone_still_shows_its_rows(org, run):
    p, rs, result = run
    ResultSet.objects.filter(pk=rs.pk).update(blob=None, recompute_reason="")
    assert "no stored run" in page(org, ResultSet.objects.get(pk=rs.pk), org.a1)


def test_the_parsed_scheme_is_parsed_once_per_process(org, monkeypatch):
    calls = []
    parse = store.load_scheme
    monkeypatch.setattr(store, "load_scheme", lambda text, file: calls.append(file) or parse(text, file=file))
    store.clear_scheme_cache()
    p, rs = helpers.computed(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    rs = compute_period(actor=None, period=p)
    page(org, rs, org.a1)
    assert len(calls) == 1
    assert p.scheme.parsed() is p.scheme.parsed()
