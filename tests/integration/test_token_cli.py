"""``kaohe token``: issuing, listing and revoking API tokens from the console."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import ApiToken
from kaohe.audit.models import Event
from kaohe.cli import main


def _issue(capsys, *args) -> str:
    assert main(["token", "create", *args]) == 0
    return capsys.readouterr().out.strip()


def test_create_prints_a_token_that_works_once_and_is_audited(org, capsys):
    raw = _issue(capsys, "staff_a", "--name", "企业微信机器人")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me")
    assert response.status_code == 200 and response.json()["username"] == "staff_a"
    token = ApiToken.objects.get(name="企业微信机器人")
    assert token.user == org.users["staff"] and token.expires is None
    assert raw not in {token.digest, token.prefix}  # only the hash is kept
    assert Event.objects.filter(action="accounts.token.create", object_id=str(token.pk)).count() == 1


def test_days_set_the_expiry(org, capsys):
    _issue(capsys, "staff_a", "--name", "app", "--days", "30")
    expires = ApiToken.objects.get(name="app").expires
    assert abs(expires - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_bad_input_is_refused_naming_the_argument_and_creates_nothing(org, capsys):
    for args, named in (
        (["nobody", "--name", "x"], "username"),
        (["staff_a", "--name", "x", "--days", "0"], "--days"),
        (["staff_a", "--name", "   "], "--name"),
        (["staff_a", "--name", "x" * 101], "--name"),
    ):
        assert main(["token", "create", *args]) == 2, args
        captured = capsys.readouterr()
        assert captured.err.startswith(f"error: {named}"), captured.err
        assert captured.out == ""
    assert not ApiToken.objects.exists()


def test_list_and_revoke(org, capsys):
    raw = _issue(capsys, "reviewer_a", "--name", "bot")
    token = ApiToken.objects.get(name="bot")
    assert main(["token", "list", "reviewer_a"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.split("\t")[:5] == [str(token.pk), f"{token.prefix}…", "reviewer_a", "bot", "active"]
    assert main(["token", "list", "staff_a"]) == 0 and capsys.readouterr().out == ""

    assert main(["token", "revoke", token.prefix]) == 0
    assert "revoked" in capsys.readouterr().out
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me").status_code == 401
    assert main(["token", "revoke", str(token.pk)]) == 0
    assert "already" in capsys.readouterr().out
    assert Event.objects.filter(action="accounts.token.revoke").count() == 1
    assert main(["token", "list"]) == 0 and "\trevoked\t" in capsys.readouterr().out


def test_revoke_refuses_an_unknown_or_ambiguous_token(org, capsys):
    assert main(["token", "revoke", "kh_nope"]) == 2
    assert "no token" in capsys.readouterr().err
    a = ApiToken.objects.create(user=org.users["staff"], name="a", prefix="kh_same", digest="1" * 64)
    ApiToken.objects.create(user=org.users["staff"], name="b", prefix="kh_same", digest="2" * 64)
    assert main(["token", "revoke", "kh_same"]) == 2
    assert "give the id" in capsys.readouterr().err
    assert not ApiToken.objects.filter(revoked=True).exists()
    assert main(["token", "revoke", str(a.pk)]) == 0


def test_revoke_refuses_an_id_beyond_any_token(org, capsys):
    assert main(["token", "revoke", "9" * 30]) == 2
    assert "no token" in capsys.readouterr().err
