from django.contrib import admin
from django.urls import include, path

from kaohe.appraisal.urls import outcome_patterns
from kaohe.web.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("org/", include("kaohe.org.urls")),
    path("audit/", include("kaohe.audit.urls")),
    path("worklog/", include("kaohe.worklog.urls")),
    path("ballot/", include("kaohe.ballot.urls")),
    path("appraisal/", include("kaohe.appraisal.urls")),
    path("outcome/", include(outcome_patterns)),
    path("", include("kaohe.web.urls")),
]
