from django.urls import path

from . import views

app_name = "worklog"
urlpatterns = [
    path("", views.write, name="write"),
    path("mine/", views.mine, name="mine"),
    path("logs/<int:pk>/", views.log_detail, name="log"),
    path("logs/<int:pk>/edit/", views.edit, name="edit"),
    path("logs/<int:pk>/decide/", views.decide, name="decide"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("review/", views.queue, name="queue"),
    path("review/approve/", views.approve_many, name="approve_many"),
    path("rates/", views.rates, name="rates"),
    path("summary/", views.summary, name="summary"),
    path("summary/excel/", views.summary_xlsx, name="summary_xlsx"),
    path("notice/", views.notice_docx, name="notice"),
    path("calendar/", views.calendar, name="calendar"),
    path("settings/", views.log_settings, name="log_settings"),
    path("achievements/", views.achievements, name="achievements"),
    path("achievements/<int:pk>/decide/", views.achievement_decide, name="achievement_decide"),
    path("notifications/", views.notifications, name="notifications"),
]
