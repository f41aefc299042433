"""Ballot pages: voting with an account and with a code, the print sheet, codes in Excel, paper
ballots entered twice, results only after closing, and the JSON API."""

import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.ballot import services
from kaohe.ballot.models import Ballot, PaperEntry
from kaohe.ballot.selectors import allowed_people, member_group
from tests.integration.downloads import download_name

from .helpers import answers_for, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(org):
    return make_campaign(org.root)


def test_staff_see_their_open_ballot_at_home_and_vote_once(org, campaign, login):
    client = login("staff")
    home = client.get(reverse("home")).content.decode()
    assert reverse("ballot:vote", args=[campaign.pk]) in home
    page = client.get(reverse("ballot:vote", args=[campaign.pk]))
    assert page.status_code == 200 and b"ballot-form" in page.content
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    done = client.post(reverse("ballot:vote", args=[campaign.pk]), answers_for(campaign, people))
    assert done.status_code == 200 and b"ballot-thanks" in done.content
    again = client.post(reverse("ballot:vote", args=[campaign.pk]), answers_for(campaign, people))
    assert b"already voted" in again.content
    assert Ballot.objects.count() == 1
    assert "✓" in client.get(reverse("home")).content.decode()


def test_an_incomplete_ballot_page_says_why_and_keeps_the_marks(org, campaign, login):
    client = login("staff")
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    answers = answers_for(campaign, people)
    answers.pop(next(iter(answers)))
    page = client.post(reverse("ballot:vote", args=[campaign.pk]), answers)
    assert page.status_code == 400 and b"incomplete" in page.content and b"checked" in page.content
    assert Ballot.objects.count() == 0


def test_a_code_opens_the_ballot_and_counts_once(org, campaign):
    group = campaign.groups.get(name="群众代表")
    [code] = services.generate_codes(actor=None, campaign=campaign, group=group, count=1)
    client = Client()
    client.cookies["django_language"] = "en"
    url = reverse("ballot:code_entry")
    assert client.get(url).status_code == 200
    opened = client.post(url, {"code": code})
    assert opened.status_code == 200 and b"ballot-form" in opened.content
    answers = answers_for(campaign, allowed_people(campaign, group, None)) | {"code": code, "cast": "1"}
    assert b"ballot-thanks" in client.post(url, answers).content
    reused = client.post(url, answers)
    assert reused.status_code == 400 and b"already been used" in reused.content
    assert Ballot.objects.count() == 1


def test_the_print_sheet_has_a_qr_code_per_code_and_the_codes_are_not_kept(org, campaign, login):
    client = login("office")
    group = campaign.groups.get(name="群众代表")
    page = client.post(
        reverse("ballot:codes", args=[campaign.pk]), {"group": group.pk, "count": 3, "output": "print"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<svg") == 3 and "@page" not in html  # CSS in ballot.css
    codes = re.findall(r'data-code="([A-Z0-9-]+)"', html)
    assert len(codes) == 3
    client.post(reverse("ballot:code_entry"), {"code": codes[0]})  # the printed code works
    assert services.find_code(codes[0]).group == group
    assert codes[0].replace("-", "") not in str(list(group.codes.values()))


def test_codes_export_to_excel(org, campaign, login):
    group = campaign.groups.get(name="群众代表")
    response = login("office").post(
        reverse("ballot:codes", args=[campaign.pk]), {"group": group.pk, "count": 4, "output": "xlsx"}
    )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 5 and services.find_code(rows[1][3])
    assert download_name(response) == ("codes.xlsx", "示范镇2025年度年度测评一次性测评码（群众代表）.xlsx")


def test_the_results_download_is_named_by_unit_period_and_campaign_each_said_once(org, login):
    closed = make_campaign(org.root, name="2025年度示范镇民主测评", state="closed")
    response = login("office").get(reverse("ballot:results_export", args=[closed.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download_name(response) == ("ballot-results.xlsx", "2025年度示范镇民主测评结果.xlsx")


def test_paper_sheets_count_when_two_clerks_agree_and_differences_block_closing(org, campaign, login):
    from tests.conftest import make_user

    first, second = login("office"), login(None)
    second.force_login(make_user("office2", "office", org.root))
    group = campaign.groups.get(name="群众代表")
    people = allowed_people(campaign, group, None)
    url = reverse("ballot:paper", args=[campaign.pk])
    good = answers_for(campaign, people, "良好") | {"group": group.pk, "action": "enter"}
    first.post(url, good | {"sheet": "1"})
    assert Ballot.objects.count() == 0
    second.post(url, good | {"sheet": "1"})
    assert Ballot.objects.count() == 1
    # a sheet the clerks read differently
    first.post(url, good | {"sheet": "2"})
    second.post(
        url, answers_for(campaign, people, "一般") | {"group": group.pk, "action": "enter", "sheet": "2"}
    )
    page = first.get(url).content.decode()
    assert "良好 / 一般" in page
    with pytest.raises(Exception, match="resolve"):
        services.close_campaign(actor=None, campaign=campaign)
    first.post(
        url, answers_for(campaign, people, "一般") | {"group": group.pk, "action": "resolve", "sheet": "2"}
    )
    assert Ballot.objects.count() == 2 and not PaperEntry.objects.filter(counted=False).exists()
    # the same clerk cannot enter a sheet twice
    first.post(url, good | {"sheet": "3"})
    assert b"second clerk" in first.post(url, good | {"sheet": "3"}).content
    services.enter_paper_sheet(
        actor=second_user(org),
        campaign=campaign,
        group=group,
        sheet="3",
        answers=answers_for(campaign, people, "良好"),
    )
    services.close_campaign(actor=None, campaign=campaign)
    assert {t for t in Ballot.objects.values_list("group__name", flat=True)} == {"群众代表"}


def second_user(org):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="office2")


def test_results_page_and_api_only_after_closing(org, campaign, login):
    client = login("office")
    assert b"no-results" in client.get(reverse("ballot:results", args=[campaign.pk])).content
    api = client.get(f"/api/ballots/campaigns/{campaign.pk}/results").json()
    assert api["available"] is False and api["items"] == []
    for role, person in (("staff", org.a2), ("reviewer", org.a1)):
        people = allowed_people(campaign, member_group(campaign, person), person)
        services.vote_with_account(
            user=org.users[role], campaign=campaign, answers=answers_for(campaign, people)
        )
    turnout = client.get(f"/api/ballots/campaigns/{campaign.pk}/turnout").json()
    assert {i["group"]: i["voted"] for i in turnout["items"]} == {"干部": 2, "群众代表": 0}
    client.post(reverse("ballot:campaign_close", args=[campaign.pk]))
    page = client.get(reverse("ballot:results", args=[campaign.pk])).content.decode()
    assert "results-table" in page
    api = client.get(f"/api/ballots/campaigns/{campaign.pk}/results").json()
    assert api["available"] is True
    by_person = {i["staff_no"]: i for i in api["items"]}
    assert by_person["B001"]["groups"][0]["ballots"] == 2  # both rated b1: at the minimum of 2
    assert by_person["A001"]["groups"] == [] and by_person["A001"]["score"] is None  # one ballot: withheld
    assert "ballot" not in str(api).replace("ballots", "")  # no individual ballot, no ballot id
    export = client.get(reverse("ballot:results_export", args=[campaign.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("ballot:quality", args=[campaign.pk])).status_code == 200


def test_the_office_creates_and_opens_a_campaign(org, login):
    client = login("office")
    response = client.post(
        reverse("ballot:campaign_new"),
        {
            "name": "季度测评",
            "period": "2025年第一季度",
            "unit": org.root.pk,
            "layout": "360",
            "min_ballots": 5,
            "when_group_missing": "renormalise",
            "dimensions": "on",
        },
    )
    assert response.status_code == 302
    campaign_url = response["Location"]
    pk = int(campaign_url.rstrip("/").split("/")[-1])
    client.post(reverse("ballot:campaign_open", args=[pk]))
    page = client.get(campaign_url).content.decode()
    assert "turnout" in page and "服务对象" in page
    detail = client.get(f"/api/ballots/campaigns/{pk}").json()
    assert detail["status"] == "open" and len(detail["dimensions"]) == 5 and len(detail["groups"]) == 4
    assert client.get("/api/ballots/campaigns").json()["count"] == 1


def test_the_demo_campaign_loads_once():
    from kaohe.ballot.demo import load_demo_campaign

    assert load_demo_campaign() is None  # no demo township: nothing to do
