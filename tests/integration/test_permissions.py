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
BALLOT_VIEWERS = frozenset({"office", "inspector", "leader"})
RECORDERS = frozenset({"office", "inspector"})  # person records: the office, the inspector (discipline)
WRITERS = frozenset({"staff", "outsider"})  # accounts with their own person record and the staff role


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
    "org:person_attributes": Row(frozenset({"office"}), takes="person", method="post", ok=400),  # no year
    "org:bulk_attributes": Row(frozenset({"office"})),
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
    "api:get_person_attributes": Row(EVERYONE, takes="person", api=True),
    "api:set_person_attributes": Row(frozenset({"office"}), takes="person", api=True, method="put", ok=422),
    # democratic evaluation: the office runs campaigns; inspector and leader read them
    "ballot:campaigns": Row(BALLOT_VIEWERS),
    "ballot:campaign_new": Row(frozenset({"office"})),
    "ballot:campaign": Row(BALLOT_VIEWERS, takes="campaign"),
    "ballot:campaign_open": Row(frozenset({"office"}), takes="campaign", method="post", ok=302),
    "ballot:campaign_close": Row(frozenset({"office"}), takes="campaign", method="post", ok=302),
    "ballot:codes": Row(frozenset({"office"}), takes="campaign"),
    "ballot:paper": Row(frozenset({"office"}), takes="campaign"),
    "ballot:results": Row(BALLOT_VIEWERS, takes="campaign"),
    "ballot:results_export": Row(frozenset({"office"}), takes="campaign"),
    "ballot:quality": Row(frozenset({"office", "inspector"}), takes="campaign"),
    "ballot:vote": Row(frozenset({"staff", "reviewer", "outsider"}), takes="open_campaign"),  # raters
    "ballot:code_entry": Row(EVERYONE, public=True),  # raters without an account
    "api:list_campaigns": Row(BALLOT_VIEWERS, api=True),
    "api:get_campaign": Row(BALLOT_VIEWERS, takes="campaign", api=True),
    "api:get_turnout": Row(BALLOT_VIEWERS, takes="campaign", api=True),
    "api:get_results": Row(BALLOT_VIEWERS, takes="campaign", api=True),
    # work logs: staff write their own, reviewers review theirs, the office runs calendar and log_settings
    "worklog:write": Row(WRITERS),
    "worklog:mine": Row(WRITERS),
    "worklog:log": Row(EVERYONE, takes="log"),
    "worklog:edit": Row(WRITERS, takes="log"),
    "worklog:decide": Row(frozenset({"reviewer"}), takes="log", method="post", ok=302),
    "worklog:attachment": Row(EVERYONE, takes="attachment"),
    "worklog:queue": Row(frozenset({"reviewer"})),
    "worklog:approve_many": Row(frozenset({"reviewer"}), method="post", ok=302),
    "worklog:rates": Row(BROWSERS),
    "worklog:summary": Row(BROWSERS),
    "worklog:summary_xlsx": Row(BROWSERS),
    "worklog:notice": Row(frozenset({"office"})),
    "worklog:calendar": Row(frozenset({"office"})),
    "worklog:log_settings": Row(frozenset({"office"})),
    "worklog:achievements": Row(frozenset({"reviewer", "office"})),
    "worklog:achievement_decide": Row(frozenset({"office"}), takes="achievement", method="post", ok=302),
    "worklog:notifications": Row(EVERYONE),
    "api:my_logs": Row(WRITERS, api=True),
    "api:write_log": Row(WRITERS, api=True, method="post", ok=422),  # empty content
    "api:edit_log": Row(WRITERS, takes="log", api=True, method="put", ok=422),
    "api:get_log": Row(EVERYONE, takes="log", api=True),
    "api:queue": Row(frozenset({"reviewer"}), api=True),
    "api:approve": Row(frozenset({"reviewer"}), takes="log", api=True, method="post"),
    "api:return_": Row(frozenset({"reviewer"}), takes="log", api=True, method="post", ok=422),  # no comment
    "api:approve_many": Row(frozenset({"reviewer"}), api=True, method="post"),
    "api:rates": Row(BROWSERS, api=True),
    # appraisal cycle: the office runs it, the committee (office, inspector) decides, people see their own
    "appraisal:schemes": Row(frozenset({"office"})),
    "appraisal:scheme": Row(BALLOT_VIEWERS, takes="scheme"),
    "appraisal:scheme_diff": Row(frozenset({"office"}), takes="scheme", ok=404),  # no ?other: 404
    "appraisal:scheme_attach": Row(frozenset({"office"}), takes="scheme", method="post", ok=404),  # no unit
    "appraisal:scheme_preview": Row(frozenset({"office"}), takes="scheme", ok=404),  # no ?period
    "appraisal:periods": Row(BALLOT_VIEWERS),
    "appraisal:period": Row(BALLOT_VIEWERS, takes="period"),
    "appraisal:period_action": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:kpis": Row(frozenset({"office"}), takes="period"),
    "appraisal:period_scheme": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:period_campaign": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:period_cancel": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:readiness": Row(BALLOT_VIEWERS, takes="period"),
    "appraisal:readiness_empty": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:results": Row(BALLOT_VIEWERS, takes="period"),
    "appraisal:committee": Row(frozenset({"office", "inspector"}), takes="period"),
    "appraisal:sheets": Row(frozenset({"reviewer", "office"})),
    "appraisal:sheet": Row(frozenset({"reviewer", "office"}), takes="sheet"),
    "appraisal:remind": Row(frozenset({"office"}), takes="sheet", method="post", ok=302),
    "appraisal:sheet_xlsx": Row(frozenset({"reviewer", "office"}), takes="sheet"),
    # an empty upload: the form refuses it and the page returns to the sheet
    "appraisal:sheet_import": Row(frozenset({"reviewer", "office"}), takes="sheet", method="post", ok=302),
    "appraisal:scoring_groups": Row(frozenset({"office"}), takes="period"),
    "appraisal:claims": Row(frozenset({"staff", "reviewer", "office", "inspector", "outsider"})),
    "appraisal:claim": Row(
        frozenset({"staff", "reviewer", "office", "inspector", "outsider"}), takes="claim"
    ),
    "appraisal:deduction_new": Row(frozenset({"reviewer", "office"})),
    "appraisal:evidence": Row(
        frozenset({"staff", "reviewer", "office", "inspector", "outsider"}), takes="evidence"
    ),
    "appraisal:result": Row(EVERYONE, takes="row"),
    "appraisal:appeal_new": Row(WRITERS, takes="row"),
    "appraisal:mine": Row(EVERYONE),
    "appraisal:appeals": Row(frozenset({"office", "inspector"})),
    "appraisal:appeal": Row(frozenset({"staff", "office", "inspector", "outsider"}), takes="appeal"),
    "appraisal:records": Row(RECORDERS),
    "appraisal:record_new": Row(RECORDERS),
    "appraisal:records_import": Row(RECORDERS),
    "appraisal:records_template": Row(RECORDERS),
    "appraisal:record": Row(RECORDERS, takes="record"),
    "appraisal:record_end": Row(RECORDERS, takes="record", method="post", ok=302),
    "appraisal:record_delete": Row(RECORDERS, takes="record", method="post", ok=302),
    "appraisal:record_evidence": Row(RECORDERS, takes="record_file"),
    "api:list_records": Row(RECORDERS, api=True),
    "api:create_record": Row(RECORDERS, api=True, method="post", ok=422),  # empty body
    "api:get_record": Row(RECORDERS, takes="record", api=True),
    "api:close_record": Row(RECORDERS, takes="record", api=True, method="post", ok=422),  # no end
    "api:remove_record": Row(RECORDERS, takes="record", api=True, method="delete", ok=204),
    "outcome:follow_ups": Row(frozenset({"office"})),
    "outcome:close": Row(frozenset({"office"}), takes="followup", method="post", ok=302),
    "outcome:results_xlsx": Row(BALLOT_VIEWERS, takes="period"),
    "outcome:report": Row(EVERYONE, takes="row"),
    "outcome:rollup": Row(BALLOT_VIEWERS),
    # personal indicators: the reviewer sets their reviewees', the office everyone's in scope
    "appraisal:personal": Row(frozenset({"reviewer", "office"}), takes="period"),
    "appraisal:personal_import": Row(
        frozenset({"reviewer", "office"}), takes="period", method="post", ok=302
    ),
    "appraisal:personal_xlsx": Row(frozenset({"reviewer", "office"}), takes="period"),
    "appraisal:personal_person": Row(frozenset({"reviewer", "office"}), takes="period_person"),
    "api:list_personal": Row(frozenset({"reviewer", "office"}), takes="period", api=True),
    "api:set_personal": Row(
        frozenset({"reviewer", "office"}), takes="period_person", api=True, method="put", ok=422
    ),  # the matrix's period is published: refused
    "api:my_personal": Row(EVERYONE, api=True),
    "api:list_periods": Row(BALLOT_VIEWERS, api=True),
    "api:period_results": Row(BALLOT_VIEWERS, takes="period", api=True),
    "api:my_results": Row(EVERYONE, api=True),
    # period inputs (measures, money, unit grades, task results): the office's, pages and API
    "appraisal:period_inputs": Row(frozenset({"office"}), takes="period"),
    "appraisal:measure_set": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:amount_set": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:unit_grade_set": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:inputs_import": Row(frozenset({"office"}), takes="period", method="post", ok=302),
    "appraisal:inputs_template": Row(frozenset({"office"}), takes="period"),
    "appraisal:tasks": Row(frozenset({"office"}), takes="period"),
    "api:get_inputs": Row(frozenset({"office"}), takes="period", api=True),
    "api:put_measures": Row(frozenset({"office"}), takes="period", api=True, method="put", ok=422),  # no item
    "api:put_money": Row(frozenset({"office"}), takes="period", api=True, method="put", ok=422),
    "api:put_unit_grades": Row(frozenset({"office"}), takes="period", api=True, method="put", ok=422),
    "api:put_task_results": Row(frozenset({"office"}), takes="period", api=True, method="put", ok=422),
    "api:get_sheet": Row(frozenset({"reviewer", "office"}), takes="sheet", api=True),
    # the matrix's sheet is of a published period: storing is refused with a message
    "api:put_sheet": Row(frozenset({"reviewer", "office"}), takes="sheet", api=True, method="put", ok=422),
}
EXCLUDED_NAMESPACES = {"admin"}  # Django's own admin, guarded by is_staff
EXCLUDED_NAMES = {"set_language"}  # Django's i18n view: public by design


def _objects(org, elsewhere, role, takes=None):
    """(in-scope objects, out-of-scope objects) for ``role``, each {"unit": …, "person": …} (plus
    the ballot campaigns when a row ``takes`` one: they are built only then)."""
    mine, foreign = _org_objects(org, elsewhere, role)
    if takes in BALLOT_KINDS:
        from tests.integration.ballot.helpers import matrix_objects

        ballot_mine, ballot_foreign = matrix_objects(org, elsewhere, role)
        mine = mine | ballot_mine
        foreign = [f | b for f, b in zip(foreign, ballot_foreign, strict=True)]
    if takes in APPRAISAL_KINDS:
        from tests.integration.appraisal.helpers import matrix_objects as appraisal_objects

        mine, foreign = appraisal_objects(mine), [appraisal_objects(f) for f in foreign]
    if takes in RECORD_KINDS:
        mine, foreign = _record_objects(mine), [_record_objects(f) for f in foreign]
    if takes in WORKLOG_KINDS:
        from tests.integration.worklog.helpers import worklog_objects

        mine, foreign = worklog_objects(mine), [worklog_objects(f) for f in foreign]
    return mine, foreign


BALLOT_KINDS = {"campaign", "open_campaign"}
RECORD_KINDS = {"record", "record_file"}


def _record_objects(objs):
    """``objs`` plus a sanction record of its person (a discipline kind: the inspector sees it too)
    and a file of its evidence."""
    from datetime import date

    from django.core.files.base import ContentFile

    from kaohe.org.models import PersonRecord, RecordEvidence

    rec = PersonRecord.objects.create(
        person=objs["person"], kind="sanction", item="警告", start=date(2025, 4, 1)
    )
    ev = RecordEvidence(record=rec, name="a.pdf", content_type="application/pdf", size=9, sha256="2" * 64)
    ev.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    ev.save()
    return objs | {"record": rec, "record_file": ev}


WORKLOG_KINDS = {"log", "attachment", "achievement"}
APPRAISAL_KINDS = {
    "scheme",
    "period",
    "period_person",
    "sheet",
    "claim",
    "evidence",
    "row",
    "appeal",
    "followup",
}


def _org_objects(org, elsewhere, role):
    z_unit, z_person = elsewhere
    if role == "outsider":
        return {"unit": org.unit_b, "person": org.b1}, [{"unit": org.unit_a, "person": org.a2}]
    foreign = [{"unit": z_unit, "person": z_person}]
    if role in {"staff", "reviewer"}:
        foreign.append({"unit": org.unit_b, "person": org.b1})
    return {"unit": org.unit_a, "person": org.a2}, foreign


def _url(name, row, obj=None):
    if not row.takes:
        return reverse(name)
    target = obj[row.takes]  # an object, or a tuple of them for a URL that names several
    return reverse(name, args=[o.pk for o in target] if isinstance(target, tuple) else [target.pk])


def _call(client, row, url):
    if row.api and row.method in {"post", "put"}:  # an empty JSON body: the role is judged, not the input
        return getattr(client, row.method)(url, data={}, content_type="application/json")
    return getattr(client, row.method)(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_gets_what_the_matrix_says(name, role, org, elsewhere, login):
    row = MATRIX[name]
    client = login(role)
    mine, foreign = _objects(org, elsewhere, role, row.takes)
    expected = row.ok if role in row.allowed else 403
    response = _call(client, row, _url(name, row, mine))
    assert response.status_code == expected, f"{name} as {role}"
    if row.takes:
        for obj in foreign:
            client = login(role)  # logout rows end the session; the others do not mind a fresh one
            response = _call(client, row, _url(name, row, obj))
            assert response.status_code == (404 if role in row.allowed else 403), f"{name} as {role}, {obj}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_log_in(name, org, elsewhere, client):
    row = MATRIX[name]
    response = _call(client, row, _url(name, row, _objects(org, elsewhere, "office", row.takes)[0]))
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
        concrete = (
            path.replace("{unit_id}", "1")
            .replace("{person_id}", "1")
            .replace("{campaign_id}", "1")
            .replace("{log_id}", "1")
            .replace("{period_id}", "1")
            .replace("{record_id}", "1")
            .replace("{sheet_id}", "1")
        )
        assert "{" not in concrete, f"add a sample value for the parameter in {path}"
        match = resolve(concrete)
        assert match.view_name in MATRIX, f"{sorted(operations)} {path} ({match.view_name}) has no matrix row"
