"""A period's lifecycle from the page: adopt a new scheme version before the committee, cancel a
period in preparation, link a ballot campaign that fits, the year and kind checked, publication
confirmed on a summary and the publicity window's first and last days."""

from datetime import date
from decimal import Decimal

import pytest

from kaohe.appraisal.models import Period, ResultSet
from kaohe.appraisal.services.claims import file_claim
from kaohe.appraisal.services.committee import record_decision
from kaohe.appraisal.services.periods import (
    adopt_scheme,
    cancel_period,
    create_period,
    link_campaign,
    send_to_committee,
    start_scoring,
)
from kaohe.appraisal.services.publicity import publish
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.audit.models import Event
from kaohe.ballot.models import RaterGroup
from kaohe.platform.errors import Refusal
from kaohe.platform.models import Notification

from . import helpers
from .test_inputs import BALLOT_SCHEME, _campaign


def test_a_scheme_of_another_year_is_refused_for_a_period(org):
    sch = import_scheme(
        actor=None, text=helpers.SCHEME.format(version="y").replace("year: 2025", "year: 2024")
    )
    with pytest.raises(Refusal, match="for 2024; this period starts in 2025"):
        create_period(actor=None, unit=org.root, scheme=sch, kind="quarter", start=date(2025, 4, 1))
    assert not Period.objects.exists()


def test_a_computed_period_adopts_a_new_version_and_goes_back_to_scoring(org):
    p, rs = helpers.computed(org.root, helpers.values(org))
    new = helpers.scheme("2025.2")
    adopt_scheme(actor=None, period=p, scheme=new)
    p.refresh_from_db()
    assert p.scheme == new and p.state == "scoring"
    assert not ResultSet.objects.filter(period=p).exists()  # computed under the old rules: dropped
    assert Event.objects.filter(action="appraisal.period.adopt_scheme").count() == 1
    with pytest.raises(Refusal, match="already follows"):
        adopt_scheme(actor=None, period=p, scheme=new)


def test_no_new_version_once_with_the_committee_nor_of_another_kind(org):
    p, rs = helpers.computed(org.root, helpers.values(org))
    monthly = import_scheme(
        actor=None, text=helpers.SCHEME.format(version="m").replace("period: quarter", "period: month")
    )
    with pytest.raises(Refusal, match="kind"):
        adopt_scheme(actor=None, period=p, scheme=monthly)
    send_to_committee(actor=None, period=p)
    with pytest.raises(Refusal, match="before the committee"):
        adopt_scheme(actor=None, period=p, scheme=helpers.scheme("2025.3"))
    p.refresh_from_db()
    assert p.state == "committee" and ResultSet.objects.filter(period=p).count() == 1


def test_a_period_in_preparation_is_cancelled_and_one_in_scoring_is_not(org):
    p = helpers.period(org.root)
    code = p.code
    cancel_period(actor=None, period=p)
    assert not Period.objects.exists()
    assert Event.objects.get(action="appraisal.period.cancel").before["code"] == code
    p = helpers.period(org.root, helpers.scheme("2025.9"))  # the same span can be created again
    file_claim(actor=None, period=p, person=org.a2, category="创新", points=Decimal(1), reason="r")
    with pytest.raises(Refusal, match="Claims are filed"):
        cancel_period(actor=None, period=p)
    start_scoring(actor=None, period=p)
    with pytest.raises(Refusal, match="in preparation"):
        cancel_period(actor=None, period=p)
    assert Period.objects.count() == 1


def test_a_campaign_that_does_not_fit_the_scheme_is_refused_naming_the_mismatch(org):
    sch = import_scheme(actor=None, text=BALLOT_SCHEME.format(version="b"))
    p = helpers.period(org.root, sch)
    campaign = _campaign(org)
    RaterGroup.objects.filter(campaign=campaign, name="同事").update(name="同事互评")
    with pytest.raises(Refusal) as exc:
        link_campaign(actor=None, period=p, campaign=campaign)
    assert "同事互评" in str(exc.value) and "同事" in str(exc.value)
    p.refresh_from_db()
    assert p.ballot_campaign is None
    RaterGroup.objects.filter(campaign=campaign, name="同事互评").update(name="同事")
    link_campaign(actor=None, period=p, campaign=campaign)
    assert Period.objects.get(pk=p.pk).ballot_campaign == campaign
    link_campaign(actor=None, period=p, campaign=None)
    assert Period.objects.get(pk=p.pk).ballot_campaign is None


def test_a_scheme_without_a_ballot_takes_no_campaign(org):
    p = helpers.period(org.root)
    with pytest.raises(Refusal, match="reads no ballot"):
        link_campaign(actor=None, period=p, campaign=_campaign(org))


@pytest.mark.parametrize(
    ("counts", "first", "last"),
    [(False, date(2025, 7, 2), date(2025, 7, 8)), (True, date(2025, 7, 1), date(2025, 7, 7))],
)
def test_the_publicity_window_counts_the_day_of_publication_if_the_office_says_so(org, counts, first, last):
    p, rs = helpers.computed(org.root, helpers.values(org))
    Period.objects.filter(pk=p.pk).update(publication_day_counts=counts)
    send_to_committee(actor=None, period=p)
    record_decision(actor=None, period=p, members="甲、乙", day=date(2025, 7, 1), decision="同意")
    publish(actor=None, period=p, today=date(2025, 7, 1))  # a Tuesday; five working days
    p.refresh_from_db()
    assert (p.publicity_start, p.publicity_end) == (first, last)
    text = Notification.objects.filter(user=org.users["staff"]).latest("pk").text
    assert str(first) in text and str(last) in text


def test_the_period_page_publishes_only_after_the_summary_is_confirmed(org, login):
    p, rs = helpers.computed(org.root, helpers.values(org))
    send_to_committee(actor=None, period=p)
    record_decision(actor=None, period=p, members="甲、乙", day=date(2025, 7, 1), decision="同意")
    client = helpers.in_english(login("office"))
    page = client.get(f"/appraisal/periods/{p.pk}/")
    summary = page.context["summary"]
    assert summary["people"] == 3 and summary["version"] == 1 and summary["notified"] == 3
    assert 'id="publish-summary"' in page.content.decode()
    r = client.post(f"/appraisal/periods/{p.pk}/action/", {"action": "publish"}, follow=True)
    assert "confirm" in helpers.messages(r) and Period.objects.get(pk=p.pk).state == "committee"
    client.post(f"/appraisal/periods/{p.pk}/action/", {"action": "publish", "confirm": "on"})
    assert Period.objects.get(pk=p.pk).state == "publicity"


def test_the_period_page_adopts_a_scheme_links_a_campaign_and_cancels(org, login):
    client = helpers.in_english(login("office"))
    sch = import_scheme(actor=None, text=BALLOT_SCHEME.format(version="b1"))
    p = helpers.period(org.root, sch)
    newer = import_scheme(actor=None, text=BALLOT_SCHEME.format(version="b2"))
    page = client.get(f"/appraisal/periods/{p.pk}/")
    assert newer in page.context["schemes"] and sch not in page.context["schemes"]
    client.post(f"/appraisal/periods/{p.pk}/scheme/", {"scheme": newer.pk})
    assert Period.objects.get(pk=p.pk).scheme == newer
    campaign = _campaign(org)
    client.post(f"/appraisal/periods/{p.pk}/campaign/", {"campaign": campaign.pk})
    assert Period.objects.get(pk=p.pk).ballot_campaign == campaign
    r = client.post(f"/appraisal/periods/{p.pk}/scheme/", {"scheme": 999999}, follow=True)
    assert "Choose a scheme" in helpers.messages(r)
    r = client.post(f"/appraisal/periods/{p.pk}/cancel/")
    assert r["Location"] == "/appraisal/periods/" and not Period.objects.filter(pk=p.pk).exists()
