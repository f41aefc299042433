from django.urls import path

from . import followup_views, output_views
from .views import (
    appeals,
    claims,
    committee,
    period_inputs,
    periods,
    personal,
    readiness,
    records,
    results,
    schemes,
    scoring,
)

app_name = "appraisal"
urlpatterns = [
    path("schemes/", schemes.schemes, name="schemes"),
    path("schemes/<int:pk>/", schemes.scheme, name="scheme"),
    path("schemes/<int:pk>/diff/", schemes.scheme_diff, name="scheme_diff"),
    path("schemes/<int:pk>/attach/", schemes.scheme_attach, name="scheme_attach"),
    path("schemes/<int:pk>/preview/", schemes.scheme_preview, name="scheme_preview"),
    path("periods/", periods.periods, name="periods"),
    path("periods/<int:pk>/", periods.period, name="period"),
    path("periods/<int:pk>/action/", periods.period_action, name="period_action"),
    path("periods/<int:pk>/scheme/", periods.period_scheme, name="period_scheme"),
    path("periods/<int:pk>/campaign/", periods.period_campaign, name="period_campaign"),
    path("periods/<int:pk>/cancel/", periods.period_cancel, name="period_cancel"),
    path("periods/<int:pk>/kpis/", scoring.kpis, name="kpis"),
    path("periods/<int:pk>/readiness/", readiness.readiness_page, name="readiness"),
    path("periods/<int:pk>/readiness/empty/", readiness.empty, name="readiness_empty"),
    path("periods/<int:pk>/personal/", personal.personal, name="personal"),
    path("periods/<int:pk>/personal/import/", personal.personal_import, name="personal_import"),
    path("periods/<int:pk>/personal.xlsx", personal.personal_workbook, name="personal_xlsx"),
    path("periods/<int:pk>/personal/<int:person>/", personal.personal_person, name="personal_person"),
    path("periods/<int:pk>/results/", results.results, name="results"),
    path("periods/<int:pk>/inputs/", period_inputs.period_inputs, name="period_inputs"),
    path("periods/<int:pk>/inputs/measure/", period_inputs.measure_set, name="measure_set"),
    path("periods/<int:pk>/inputs/amount/", period_inputs.amount_set, name="amount_set"),
    path("periods/<int:pk>/inputs/unit-grade/", period_inputs.unit_grade_set, name="unit_grade_set"),
    path("periods/<int:pk>/inputs/import/", period_inputs.inputs_import, name="inputs_import"),
    path("periods/<int:pk>/inputs/template.xlsx", period_inputs.inputs_template, name="inputs_template"),
    path("periods/<int:pk>/tasks/", period_inputs.tasks, name="tasks"),
    path("periods/<int:pk>/committee/", committee.committee, name="committee"),
    path("sheets/", scoring.sheets, name="sheets"),
    path("sheets/<int:pk>/", scoring.sheet, name="sheet"),
    path("sheets/<int:pk>/remind/", scoring.remind, name="remind"),
    path("sheets/<int:pk>/sheet.xlsx", scoring.sheet_xlsx, name="sheet_xlsx"),
    path("sheets/<int:pk>/import/", scoring.sheet_import, name="sheet_import"),
    path("periods/<int:pk>/scoring-groups/", scoring.scoring_groups, name="scoring_groups"),
    path("claims/", claims.claims, name="claims"),
    path("claims/<int:pk>/", claims.claim, name="claim"),
    path("deductions/new/", claims.deduction_new, name="deduction_new"),
    path("evidence/<int:pk>/", claims.evidence, name="evidence"),
    path("results/<int:pk>/", results.result, name="result"),
    path("results/<int:pk>/appeal/", appeals.appeal_new, name="appeal_new"),
    path("mine/", results.mine, name="mine"),
    path("appeals/", appeals.appeals, name="appeals"),
    path("appeals/<int:pk>/", appeals.appeal, name="appeal"),
    path("records/", records.records, name="records"),
    path("records/new/", records.record_new, name="record_new"),
    path("records/import/", records.records_import, name="records_import"),
    path("records/import/template/", records.records_template, name="records_template"),
    path("records/<int:pk>/", records.record, name="record"),
    path("records/<int:pk>/end/", records.record_end, name="record_end"),
    path("records/<int:pk>/delete/", records.record_delete, name="record_delete"),
    path("records/files/<int:pk>/", records.record_evidence, name="record_evidence"),
]

# The pages of the use of results (结果运用): follow-ups, the results workbook, feedback reports and the
# annual roll-up. kaohe.urls mounts them at ``/outcome/`` under the ``outcome:`` namespace, the former
# outcome app's addresses and names, so that links and bookmarks keep working.
outcome_patterns = (
    [
        path("follow-ups/", followup_views.follow_ups, name="follow_ups"),
        path("follow-ups/<int:pk>/close/", followup_views.close, name="close"),
        path("periods/<int:pk>/results.xlsx", output_views.results_xlsx, name="results_xlsx"),
        path("reports/<int:pk>/", output_views.report, name="report"),
        path("rollup/", output_views.rollup, name="rollup"),
    ],
    "outcome",
)
