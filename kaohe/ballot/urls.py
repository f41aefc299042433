from django.urls import path

from . import views

app_name = "ballot"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/codes/", views.codes, name="codes"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/export/", views.results_export, name="results_export"),
    path("<int:pk>/quality/", views.quality, name="quality"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("code/", views.code_entry, name="code_entry"),
]
