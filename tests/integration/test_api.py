"""The JSON API: token and session authentication, scope, bounded input, and its OpenAPI docs."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import ApiToken
from kaohe.accounts.services import create_api_token, revoke_api_token


@pytest.fixture
def token(org):
    """A raw personal access token of the office account."""
    _token, raw = create_api_token(actor=None, user=org.users["office"], name="integration")
    return raw


def bearer(raw):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_it_accepts_a_personal_access_token_and_notes_its_use(org, token):
    response = bearer(token).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "office"
    assert ApiToken.objects.get(name="integration").last_used is not None


def test_it_refuses_a_revoked_token(org, token):
    revoke_api_token(actor=None, token=ApiToken.objects.get(name="integration"))
    assert bearer(token).get("/api/me").status_code == 401


def test_it_refuses_an_expired_token(org):
    _token, raw = create_api_token(
        actor=None, user=org.users["office"], name="old", expires=timezone.now() - timedelta(days=1)
    )
    assert bearer(raw).get("/api/me").status_code == 401


def test_it_refuses_a_made_up_token(org):
    assert bearer("kh_not-a-real-token").get("/api/me").status_code == 401
    assert bearer("x" * 10_000).get("/api/me").status_code == 401


def test_a_session_works_too(org, login):
    response = login("reviewer").get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["roles"] == ["reviewer"]
    assert body["person"]["staff_no"] == "A001"


def test_people_are_filtered_and_paged_within_scope(org, login, elsewhere):
    client = login("office")
    body = client.get("/api/people").json()
    assert {p["staff_no"] for p in body["items"]} == {"A001", "A002", "B001"}  # not Z001: outside
    body = client.get("/api/people", {"unit": org.unit_a.pk, "identity": "middle"}).json()
    assert [p["staff_no"] for p in body["items"]] == ["A001"]
    body = client.get("/api/people", {"limit": 1, "offset": 1}).json()
    assert body["count"] == 3 and len(body["items"]) == 1 and body["offset"] == 1
    assert client.get("/api/people", {"q": "王"}).json()["items"][0]["staff_no"] == "B001"
    assert client.get("/api/people", {"unit": elsewhere[0].pk}).status_code == 404


def test_a_reviewer_sees_only_their_subtree(org, login):
    body = login("reviewer").get("/api/units").json()
    assert [u["id"] for u in body["items"]] == [org.unit_a.pk]
    assert body["items"][0]["people"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "/api/units/99999999999999999999999999",
        "/api/units/-1",
        "/api/units/abc",
        "/api/people/0",
        "/api/people?unit=99999999999999999999999",
        "/api/people?limit=100000000000000000000",
        "/api/people?offset=99999999999999999999999",
        "/api/people?q=%00",
        "/api/people?q=" + "x" * 500,
        "/api/people?identity=nonsense",
    ],
)
def test_bad_input_gets_a_client_error_never_a_server_error(org, token, url):
    response = bearer(token).get(url)
    assert 400 <= response.status_code < 500, response.content


def test_openapi_docs_load(org, client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Kaohe API"
    assert {"/api/units", "/api/people", "/api/people/{person_id}", "/api/me"} <= set(schema.json()["paths"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # Swagger UI is served from our own static files


def test_an_action_outside_the_role_is_403_also_with_debug_on(org, settings):
    # Ninja answers unhandled exceptions with a 500 traceback while DEBUG is on (the demo): the API
    # maps PermissionDenied to 403 itself so both modes agree.
    from kaohe.accounts.services import create_api_token

    settings.DEBUG = True
    _token, raw = create_api_token(actor=None, user=org.users["office"], name="t")
    response = Client().get("/api/worklog/queue", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_a_token_request_needs_no_csrf_token_and_touches_no_session(org):
    # A real browser's checks on: a token call must still go through, and must not open a session.
    _token, raw = create_api_token(actor=None, user=org.users["reviewer"], name="bot")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post("/api/worklog/approve", {"ids": []}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"approved": 0}
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_a_bad_token_is_401_even_beside_a_logged_in_session(org, login):
    # The token is the whole authentication of a token request: a browser's session cookie sent
    # with it counts for nothing (else a forged bearer header would ride on the cookie, unchecked
    # for CSRF).
    client = login("reviewer")
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer kh_not-a-real-token"
    assert client.get("/api/me").status_code == 401
    response = client.post("/api/worklog/approve", {"ids": []}, content_type="application/json")
    assert response.status_code == 401


def test_a_session_request_still_needs_its_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["reviewer"])
    response = client.post("/api/worklog/approve", {"ids": []}, content_type="application/json")
    assert response.status_code == 403
    assert client.get("/api/me").status_code == 200


def test_a_token_request_is_answered_in_chinese_unless_english_is_chosen(org):
    _token, raw = create_api_token(actor=None, user=org.users["staff"], name="bot")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"content": "  "}
    chinese = client.post("/api/worklog/logs", body, content_type="application/json")
    client.cookies["django_language"] = "en"
    english = client.post("/api/worklog/logs", body, content_type="application/json")
    assert chinese.status_code == english.status_code == 422
    assert english.json()["detail"] == "Write what you did today."
    assert chinese.json()["detail"] != english.json()["detail"]
    assert chinese.headers["Content-Language"] == "zh-hans"
