"""The audit trail: services write their event in their own transaction; the sealed chain catches
edits, deletions, insertions, a cut tail and, with a published seal, a wholesale rewrite."""

import pytest

from kaohe.audit import chain
from kaohe.audit.models import Event, Seal
from kaohe.cli import main
from kaohe.org import services
from kaohe.org.models import Unit


@pytest.fixture
def trail(org):
    """Ten sealed events in two batches (so two seals)."""
    Event.objects.all().delete()
    for i in range(10):
        services.create_unit(
            actor=org.users["office"], code=f"U{i}", name=f"单位{i}", kind="department", parent=org.root
        )
    assert chain.seal_batch(limit=6) == 6
    assert chain.seal_all() == 4
    return list(Event.objects.order_by("seq"))


def at(seq):
    return Event.objects.get(seq=seq)


# --- events commit with their change ---------------------------------------------------------------


def test_a_service_that_fails_after_recording_leaves_neither_row_nor_event(org, monkeypatch):
    real_record = services.record

    def record_then_fail(**kwargs):
        real_record(**kwargs)
        raise RuntimeError("failure after the event was written")

    monkeypatch.setattr(services, "record", record_then_fail)
    events = Event.objects.count()
    with pytest.raises(RuntimeError):
        services.create_unit(actor=None, code="X", name="X", kind="department", parent=org.root)
    assert not Unit.objects.filter(code="X").exists()
    assert Event.objects.count() == events


def test_a_refused_change_writes_no_event(org):
    events = Event.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        services.move_unit(actor=None, unit=org.root, parent=org.unit_a)
    assert Event.objects.count() == events


def test_a_successful_service_writes_exactly_one_event_naming_the_actor(org):
    unit = services.create_unit(
        actor=org.users["office"], code="X", name="X", kind="department", parent=org.root
    )
    event = Event.objects.get(object_type="org.unit", object_id=str(unit.pk))
    assert event.actor_label == "office" and event.seq is None  # appended, sealed later


# --- sealing and verification ----------------------------------------------------------------------


def test_a_sealed_untouched_chain_verifies(trail):
    report = chain.verify()
    assert report.ok and report.checked == 10 and report.unsealed == 0
    assert Seal.objects.count() == 2
    assert report.head == (10, at(10).hash)


def test_new_events_are_reported_as_not_yet_sealed(trail):
    services.create_unit(actor=None, code="NEW", name="新", kind="department")
    report = chain.verify()
    assert report.ok and report.unsealed == 1


def test_an_edited_event_is_caught(trail):
    Event.objects.filter(seq=4).update(object_repr="篡改")
    report = chain.verify()
    assert not report.ok and report.first_bad.seq == 4 and "edited" in report.first_bad.reason


def test_an_edited_snapshot_is_caught(trail):
    event = at(7)
    event.after = {**event.after, "name": "改过的名字"}
    event.save(update_fields=["after"])
    assert chain.verify().first_bad.seq == 7


def test_a_deleted_event_is_caught(trail):
    at(5).delete()
    report = chain.verify()
    assert report.first_bad.seq == 6 and "missing" in report.first_bad.reason


def test_an_event_inserted_in_the_middle_is_caught(trail):
    # Make room at seq 4 and insert a well-formed event linked to seq 3.
    for seq in range(10, 3, -1):
        Event.objects.filter(seq=seq).update(seq=seq + 1)
    forged = Event.objects.create(action="org.unit.delete", object_repr="伪造", seq=4, prev_hash=at(3).hash)
    values = Event.objects.filter(pk=forged.pk).values(*chain.READ_FIELDS).get()
    Event.objects.filter(pk=forged.pk).update(hash=chain.event_hash(at(3).hash, values))
    report = chain.verify()
    assert report.first_bad.seq == 5 and "inserted or reordered" in report.first_bad.reason


def test_reordered_events_are_caught(trail):
    Event.objects.filter(seq=3).update(seq=-3)
    Event.objects.filter(seq=2).update(seq=3)
    Event.objects.filter(seq=-3).update(seq=2)
    assert chain.verify().first_bad.seq == 2


def test_a_deleted_tail_is_caught_by_the_seal(trail):
    Event.objects.filter(seq__gte=9).delete()
    report = chain.verify()
    assert not report.ok and "tail deleted" in report.first_bad.reason


def test_a_tail_deleted_with_its_seal_is_caught_by_a_published_seal(trail):
    published = (10, at(10).hash)
    Event.objects.filter(seq__gte=7).delete()
    Seal.objects.filter(last_seq=10).delete()
    assert chain.verify().ok  # the database alone cannot tell
    report = chain.verify(published)
    assert not report.ok and "beyond the chain's end" in report.first_bad.reason


def test_a_rewritten_chain_is_caught_only_by_a_published_seal(trail):
    published = (10, at(10).hash)
    Event.objects.filter(seq=3).update(object_repr="重写的历史")
    prev = at(2).hash
    for seq in range(3, 11):
        values = Event.objects.filter(seq=seq).values(*chain.READ_FIELDS).get()
        digest = chain.event_hash(prev, values)
        Event.objects.filter(seq=seq).update(prev_hash=prev, hash=digest)
        Seal.objects.filter(last_seq=seq).update(head_hash=digest)
        prev = digest
    assert chain.verify().ok
    report = chain.verify(published)
    assert not report.ok and "rewritten" in report.first_bad.reason
    assert chain.verify((6, Seal.objects.get(last_seq=6).head_hash)).ok  # the current head of that batch


def test_a_forged_seq_beyond_the_last_seal_is_caught(trail):
    last = at(10)
    forged = Event.objects.create(action="x", seq=11, prev_hash=last.hash)
    values = Event.objects.filter(pk=forged.pk).values(*chain.READ_FIELDS).get()
    Event.objects.filter(pk=forged.pk).update(hash=chain.event_hash(last.hash, values))
    report = chain.verify()
    assert not report.ok and "no seal" in report.first_bad.reason


# --- the command line ------------------------------------------------------------------------------


def test_audit_verify_exits_zero_on_a_good_chain(trail, capsys):
    assert main(["audit", "verify"]) == 0
    assert "OK: 10 sealed event(s)" in capsys.readouterr().out


def test_audit_verify_exits_non_zero_naming_the_first_bad_event(trail, capsys):
    bad = at(4)
    Event.objects.filter(pk=bad.pk).update(action="tampered")
    Event.objects.filter(seq=8).update(action="tampered too")
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "TAMPERED" in err and f"seq 4 (event id {bad.pk})" in err and "seq 8" not in err


def test_audit_verify_checks_a_published_seal(trail, capsys):
    good = f"10:{at(10).hash}"
    assert main(["audit", "verify", "--seal", good]) == 0
    assert main(["audit", "verify", "--seal", "10:" + "0" * 64]) == 1
    assert main(["audit", "verify", "--seal", "nonsense"]) == 2


def test_audit_seal_seals_pending_events(org, capsys):
    services.create_unit(actor=None, code="X", name="X", kind="department")
    assert main(["audit", "seal"]) == 0
    assert not Event.objects.filter(seq__isnull=True).exists()
    assert chain.verify().ok
