from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run", "last_started", "last_finished", "last_result", "runs", "failures"]
    readonly_fields = ["last_started", "last_finished", "last_result", "runs", "failures"]
