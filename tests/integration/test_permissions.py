"""Every page and API endpoint × every role: 200 in scope, 404 for an object out of scope, 403 for an
action outside the role, a login redirect (pages) or 401 (API) for the anonymous.

``test_every_url_has_a_row_in_the_matrix`` walks the URL resolver and the API's routes and fails
when an endpoint has no row here, so a new page cannot ship untested (NetBox's pattern).
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

ROLES = ["staff", "reviewer", "office", "inspector", "leader", "outsider"]
EVERYONE = frozenset(ROLES)
BROWSERS = frozenset({"reviewer", "office", "inspector", "leader"})


@dataclass(frozen=True)
class Row:
    allowed: frozenset  # roles that may use the endpoint
    takes: str | None = None  # "unit" or "person": the URL names an object, tested in and out of scope
    api: bool = False
    public: bool = False  # open to the anonymous too
    method: str = "get"
    ok: int = 200


MATRIX = {
    "home": Row(EVERYONE),
    "login": Row(EVERYONE, public=True),
    "logout": Row(EVERYONE, public=True, method="post", ok=302),
    "org:tree": Row(BROWSERS),
    "org:unit": Row(BROWSERS, takes="unit"),
    "org:people": Row(BROWSERS),
    "org:people_export": Row(BROWSERS),
    "org:person": Row(EVERYONE, takes="person"),
    "org:import": Row(frozenset({"office"})),
    "org:import_template": Row(frozenset({"office"})),
    "audit:events": Row(frozenset({"inspector"})),
    "api:api-root": Row(EVERYONE, api=True, public=True, ok=404),  # Ninja's mount point, answers 404
    "api:openapi-json": Row(EVERYONE, api=True, public=True),
    "api:openapi-view": Row(EVERYONE, api=True, public=True),
    "api:list_units": Row(BROWSERS, api=True),
    "api:get_unit": Row(BROWSERS, takes="unit", api=True),
    "api:list_people": Row(BROWSERS, api=True),
    "api:get_person": Row(EVERYONE, takes="person", api=True),
    "api:me": Row(EVERYONE, api=True),
}
EXCLUDED_NAMESPACES = {"admin"}  # Django's own admin, guarded by is_staff
EXCLUDED_NAMES = {"set_language"}  # Django's i18n view: public by design


def _objects(org, elsewhere, role):
    """(in-scope objects, out-of-scope objects) for ``role``, each {"unit": …, "person": …}."""
    z_unit, z_person = elsewhere
    if role == "outsider":
        return {"unit": org.unit_b, "person": org.b1}, [{"unit": org.unit_a, "person": org.a2}]
    foreign = [{"unit": z_unit, "person": z_person}]
    if role in {"staff", "reviewer"}:
        foreign.append({"unit": org.unit_b, "person": org.b1})
    return {"unit": org.unit_a, "person": org.a2}, foreign


def _url(name, row, obj=None):
    return reverse(name, args=[obj[row.takes].pk]) if row.takes else reverse(name)


def _call(client, row, url):
    return getattr(client, row.method)(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_gets_what_the_matrix_says(name, role, org, elsewhere, login):
    row = MATRIX[name]
    client = login(role)
    mine, foreign = _objects(org, elsewhere, role)
    expected = row.ok if role in row.allowed else 403
    response = _call(client, row, _url(name, row, mine))
    assert response.status_code == expected, f"{name} as {role}"
    if row.takes:
        for obj in foreign:
            client = login(role)  # logout rows end the session; the others do not mind a fresh one
            response = _call(client, row, _url(name, row, obj))
            assert response.status_code == (404 if role in row.allowed else 403), f"{name} as {role}, {obj}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_log_in(name, org, client):
    row = MATRIX[name]
    response = _call(client, row, _url(name, row, {"unit": org.unit_a, "person": org.a2}))
    if row.public:
        assert response.status_code == row.ok
    elif row.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def _url_names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            yield from _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and entry.name not in EXCLUDED_NAMES:
            yield f"{namespace}{entry.name}"


def test_every_url_has_a_row_in_the_matrix():
    names = set(_url_names(get_resolver().url_patterns))
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    unnamed = [
        str(p.pattern) for p in get_resolver().url_patterns if isinstance(p, URLPattern) and not p.name
    ]
    assert not unnamed, f"unnamed URLs cannot be checked: {unnamed}"
    assert not sorted(set(MATRIX) - names), "the matrix names URLs that no longer exist"


def test_every_api_operation_has_a_row_in_the_matrix():
    from kaohe.web.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        concrete = path.replace("{unit_id}", "1").replace("{person_id}", "1")
        assert "{" not in concrete, f"add a sample value for the parameter in {path}"
        match = resolve(concrete)
        assert match.view_name in MATRIX, f"{sorted(operations)} {path} ({match.view_name}) has no matrix row"
