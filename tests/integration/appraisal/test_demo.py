"""The demo's appraisal cycle: this month's period under the Xiacun preset (a monthly scheme), in scoring, with the
sheets of every assessor but the demo reviewer filled and a claim waiting; deterministic, idempotent,
and visible to the office, the reviewer and the staff member."""

from datetime import date

import pytest

from kaohe.appraisal.demo import DEMO_PRESET, load_demo_cycle
from kaohe.appraisal.inputs import people_of, scored_leaves
from kaohe.appraisal.models import Claim, Period, Scheme, Score, Sheet
from kaohe.audit.models import Event
from kaohe.org.demo import DEMO_ROOT_CODE, load_demo
from kaohe.org.models import Person

TODAY = date(2025, 5, 20)


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(today=TODAY)
    return load_demo_cycle(today=TODAY)


def test_the_demo_opens_this_month_under_the_xiacun_preset(demo):
    assert (demo.code, demo.state, demo.unit.code) == ("2025-05", "scoring", DEMO_ROOT_CODE)
    assert demo.kind == demo.scheme.period_kind == "month"
    assert demo.scheme.preset == DEMO_PRESET and demo.scheme.name.startswith("夏村镇")
    assert demo.unit_kinds == {"window": "机关", "institution": "机关"}
    assert demo.scheme.attachments.get().unit == demo.unit


def test_every_sheet_but_the_demo_reviewers_is_filled_within_the_points(demo):
    leaves = scored_leaves(demo.scheme.parsed())
    people = people_of(demo)
    reviewees = people.filter(reviewer__user__username="reviewer")
    assert reviewees.exists()
    scored = Score.objects.filter(period=demo)
    assert not scored.filter(person__in=reviewees).exists()
    assert scored.count() == (people.count() - reviewees.count()) * len(leaves)
    for key, value in scored.values_list("indicator", "value")[:200]:
        node = leaves[key].node
        assert 0 <= value <= (1 if node.source == "task" else node.points)
    assert not Sheet.objects.filter(period=demo, status="submitted").exists()
    claim = Claim.objects.get(period=demo)
    assert (claim.person.user.username, claim.status) == ("staff", "submitted")


def test_the_demo_cycle_is_deterministic_and_idempotent(demo):
    scores = sorted(Score.objects.values_list("person__staff_no", "indicator", "value"))
    events = Event.objects.count()
    assert load_demo_cycle(today=TODAY) == demo
    assert load_demo_cycle(today=date(2025, 5, 31)) == demo  # the same month
    assert Event.objects.count() == events and Period.objects.count() == 1 and Scheme.objects.count() == 1
    Period.objects.all().delete()
    again = load_demo_cycle(today=TODAY)
    assert sorted(Score.objects.values_list("person__staff_no", "indicator", "value")) == scores
    assert again.scheme == demo.scheme  # the imported scheme is reused, not imported twice


def test_without_the_demo_township_nothing_happens(db):
    assert load_demo_cycle(today=TODAY) is None
    assert not Period.objects.exists()


def test_the_office_reviewer_and_staff_see_the_cycle(demo, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="office"))
    page = client.get(f"/appraisal/periods/{demo.pk}/")
    assert page.status_code == 200
    progress = page.context["progress"]
    assert any(p["filled"] == p["expected"] > 0 for p in progress)
    assert any(p["filled"] == 0 for p in progress)  # the demo reviewer's sheet waits
    client.force_login(users.get(username="reviewer"))
    sheets = client.get("/appraisal/sheets/")
    (sheet,) = sheets.context["mine"]
    assert sheet.period == demo
    assert client.get(f"/appraisal/sheets/{sheet.pk}/").status_code == 200
    assert [c.person.user.username for c in client.get("/appraisal/claims/").context["section"]] == ["staff"]
    client.force_login(users.get(username="staff"))
    claims = client.get("/appraisal/claims/")
    assert [p.pk for p, _cats in claims.context["open_periods"]] == [demo.pk]
    assert claims.context["mine"].count() == 1


def test_the_demo_people_meet_the_presets_tracks_in_the_presets_own_words(demo):
    from collections import Counter

    from kaohe.appraisal.inputs import gather
    from kaohe.engine.errors import DataError, ProblemList
    from kaohe.engine.stages.tracks import assign_tracks

    scheme = demo.scheme.parsed()
    data, ids = gather(demo, scheme)
    problems = ProblemList("people", DataError)
    tracks = assign_tracks(scheme, data, problems)
    assert not problems.items
    per_track = Counter(tracks.track_names[t] for t in tracks.track)
    assert set(per_track) == set(scheme.tracks)  # every track of the preset has real people
    identity = data.people.attributes["identity"]
    staffing = data.people.attributes["staffing"]
    village = set(Person.objects.filter(unit__kind="village").values_list("pk", flat=True))
    rows = [i for i, pid in enumerate(ids) if pid in village]
    assert rows and all(staffing.value(i) == "村干部" for i in rows)
    heads = [i for i in rows if identity.value(i) == "村主要负责人"]
    assert len(heads) == Person.objects.filter(unit__kind="village", position__title__contains="书记").count()
    assert all(tracks.track_names[tracks.track[i]] == "农村干部" for i in rows)
