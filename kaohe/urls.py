from django.contrib import admin
from django.urls import include, path

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
    path("outcome/", include("kaohe.appraisal.outcome_urls")),
    path("", include("kaohe.web.urls")),
]
