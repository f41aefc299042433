from django.urls import path

from . import views

app_name = "appraisal"
urlpatterns = [
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/<int:pk>/", views.scheme, name="scheme"),
    path("schemes/<int:pk>/diff/", views.scheme_diff, name="scheme_diff"),
    path("schemes/<int:pk>/attach/", views.scheme_attach, name="scheme_attach"),
    path("schemes/<int:pk>/preview/", views.scheme_preview, name="scheme_preview"),
    path("periods/", views.periods, name="periods"),
    path("periods/<int:pk>/", views.period, name="period"),
    path("periods/<int:pk>/action/", views.period_action, name="period_action"),
    path("periods/<int:pk>/kpis/", views.kpis, name="kpis"),
    path("periods/<int:pk>/results/", views.results, name="results"),
    path("periods/<int:pk>/committee/", views.committee, name="committee"),
    path("sheets/", views.sheets, name="sheets"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/remind/", views.remind, name="remind"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/", views.claim, name="claim"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("results/<int:pk>/", views.result, name="result"),
    path("results/<int:pk>/appeal/", views.appeal_new, name="appeal_new"),
    path("mine/", views.mine, name="mine"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
]
