from django.urls import path

from .views import appeals, claims, committee, periods, results, schemes, scoring

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
