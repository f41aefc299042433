from django.urls import path

from . import followup_views, output_views
from .views import appeals, claims, committee, periods, personal, results, schemes, scoring

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
    path("periods/<int:pk>/kpis/", scoring.kpis, name="kpis"),
    path("periods/<int:pk>/personal/", personal.personal, name="personal"),
    path("periods/<int:pk>/personal/import/", personal.personal_import, name="personal_import"),
    path("periods/<int:pk>/personal.xlsx", personal.personal_workbook, name="personal_xlsx"),
    path("periods/<int:pk>/personal/<int:person>/", personal.personal_person, name="personal_person"),
    path("periods/<int:pk>/results/", results.results, name="results"),
    path("periods/<int:pk>/committee/", committee.committee, name="committee"),
    path("sheets/", scoring.sheets, name="sheets"),
    path("sheets/<int:pk>/", scoring.sheet, name="sheet"),
    path("sheets/<int:pk>/remind/", scoring.remind, name="remind"),
    path("claims/", claims.claims, name="claims"),
    path("claims/<int:pk>/", claims.claim, name="claim"),
    path("evidence/<int:pk>/", claims.evidence, name="evidence"),
    path("results/<int:pk>/", results.result, name="result"),
    path("results/<int:pk>/appeal/", appeals.appeal_new, name="appeal_new"),
    path("mine/", results.mine, name="mine"),
    path("appeals/", appeals.appeals, name="appeals"),
    path("appeals/<int:pk>/", appeals.appeal, name="appeal"),
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
