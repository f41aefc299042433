from django.urls import path

from . import views

app_name = "outcome"
urlpatterns = [
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/close/", views.close, name="close"),
    path("periods/<int:pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("rollup/", views.rollup, name="rollup"),
]
