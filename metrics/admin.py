from django.contrib import admin

from metrics.models import (
    BaselineChange,
    ChartSnapshot,
    CoachVisit,
    DashboardSnapshot,
    DataPoint,
    DataPointRevision,
    ImportJob,
    Measure,
    Phase,
    WorkerCheck,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    raw_id_fields = ["change_idea", "created_by"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "team",
        "organisation",
        "kind",
        "chart_type",
        "frequency",
        "is_key",
        "data_version",
    ]
    list_filter = ["organisation", "kind", "chart_type", "frequency", "is_key", "improvement"]
    search_fields = ["name", "definition", "team__name"]
    list_select_related = ["team", "organisation"]
    autocomplete_fields = ["team"]
    filter_horizontal = ["projects"]
    raw_id_fields = ["cycles"]
    readonly_fields = ["data_version"]
    inlines = [PhaseInline]


@admin.register(DataPoint)
class DataPointAdmin(admin.ModelAdmin):
    list_display = ["measure", "period", "value", "numerator", "denominator", "entered_by"]
    list_filter = ["measure__organisation", "measure__frequency"]
    search_fields = ["measure__name", "note"]
    list_select_related = ["measure", "entered_by"]
    raw_id_fields = ["measure"]
    date_hierarchy = "period"


@admin.register(DataPointRevision)
class DataPointRevisionAdmin(admin.ModelAdmin):
    list_display = ["point", "old_value", "new_value", "changed_by", "changed_at"]
    list_filter = ["point__measure__organisation"]
    search_fields = ["point__measure__name", "new_note", "old_note"]
    list_select_related = ["point__measure", "changed_by"]
    raw_id_fields = ["point"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["measure", "starts_on", "label", "change_idea", "created_by"]
    list_filter = ["measure__organisation"]
    search_fields = ["measure__name", "label"]
    list_select_related = ["measure", "change_idea", "created_by"]
    raw_id_fields = ["measure", "change_idea"]


@admin.register(BaselineChange)
class BaselineChangeAdmin(admin.ModelAdmin):
    list_display = ["measure", "action", "period", "changed_by", "changed_at"]
    list_filter = ["action", "measure__organisation"]
    search_fields = ["measure__name", "reason"]
    list_select_related = ["measure", "changed_by"]
    raw_id_fields = ["measure", "change_idea"]


@admin.register(ChartSnapshot)
class ChartSnapshotAdmin(admin.ModelAdmin):
    list_display = ["measure", "status", "data_version", "variation", "assurance", "computed_at"]
    list_filter = ["status", "variation", "assurance"]
    search_fields = ["measure__name", "error"]
    list_select_related = ["measure"]
    raw_id_fields = ["measure"]


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(admin.ModelAdmin):
    list_display = [
        "scope",
        "scope_id",
        "organisation",
        "computed_at",
        "dirty_since",
        "compute_count",
    ]
    list_filter = ["scope", "organisation"]
    search_fields = ["scope"]
    list_select_related = ["organisation"]


@admin.register(CoachVisit)
class CoachVisitAdmin(admin.ModelAdmin):
    list_display = ["coach", "team", "last_seen_at"]
    list_filter = ["team__organisation"]
    search_fields = ["coach__username", "team__name"]
    list_select_related = ["coach", "team"]
    raw_id_fields = ["coach", "team"]


@admin.register(WorkerCheck)
class WorkerCheckAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "organisation", "requested_by", "answered_at", "answered_by"]
    list_filter = ["organisation", "answered_by"]
    search_fields = ["answered_by", "requested_by__username"]
    list_select_related = ["organisation", "requested_by"]
    date_hierarchy = "requested_at"


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "measure", "created_by", "status", "rows_total", "created_at"]
    list_filter = ["status", "measure__organisation"]
    search_fields = ["measure__name", "source", "error"]
    list_select_related = ["measure", "created_by"]
    raw_id_fields = ["measure", "created_by"]
    readonly_fields = ["counts", "started_at", "finished_at"]
