from django.contrib import admin

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review


class ProgressScoreInline(admin.TabularInline):
    model = ProgressScore
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "organisation", "status", "start_date"]
    list_filter = ["status", "organisation", "team__directorate"]
    search_fields = ["title", "problem", "aim_what", "team__name"]
    list_select_related = ["team", "organisation"]
    autocomplete_fields = ["team"]
    date_hierarchy = "start_date"
    inlines = [ProgressScoreInline]


@admin.register(ProgressScore)
class ProgressScoreAdmin(admin.ModelAdmin):
    list_display = ["project", "score", "scored_by", "scored_on", "author"]
    list_filter = ["scored_by", "project__organisation"]
    search_fields = ["project__title", "note"]
    list_select_related = ["project", "author"]


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["text", "project", "parent", "position"]
    list_filter = ["project__organisation"]
    search_fields = ["text", "project__title"]
    list_select_related = ["project", "parent"]


@admin.register(ChangeIdea)
class ChangeIdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "status", "spread_from", "created_at"]
    list_filter = ["status", "project__organisation", "project__team__directorate"]
    search_fields = ["title", "description", "project__title"]
    list_select_related = ["project", "spread_from"]
    raw_id_fields = ["driver", "spread_from"]


@admin.register(PDSACycle)
class PDSACycleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "stage", "decision", "do_started_on", "updated_at"]
    list_filter = ["stage", "decision", "project__organisation"]
    search_fields = ["objective", "learning", "change_idea__title", "project__title"]
    list_select_related = ["project", "change_idea"]
    raw_id_fields = ["parent", "change_idea", "project"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "author", "created_at", "resolved_at"]
    list_filter = ["project__organisation"]
    search_fields = ["text", "project__title"]
    list_select_related = ["project", "cycle", "author"]
    raw_id_fields = ["project", "cycle"]
