from django.contrib import admin

from metrics.models import WorkerCheck


@admin.register(WorkerCheck)
class WorkerCheckAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "organisation", "requested_by", "answered_at", "answered_by"]
    list_filter = ["organisation", "answered_by"]
    search_fields = ["answered_by", "requested_by__username"]
    list_select_related = ["organisation", "requested_by"]
    date_hierarchy = "requested_at"
