"""The pages of the use of results (结果运用): follow-ups, the results workbook, feedback reports and
the annual roll-up. They keep their ``/outcome/`` addresses and ``outcome:`` names from the former
outcome app, so that links and bookmarks keep working."""

from django.urls import path

from . import followup_views, output_views

app_name = "outcome"
urlpatterns = [
    path("follow-ups/", followup_views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/close/", followup_views.close, name="close"),
    path("periods/<int:pk>/results.xlsx", output_views.results_xlsx, name="results_xlsx"),
    path("reports/<int:pk>/", output_views.report, name="report"),
    path("rollup/", output_views.rollup, name="rollup"),
]
