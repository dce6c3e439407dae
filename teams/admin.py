from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from teams import tokens
from teams.models import (
    ApiToken,
    AuditEvent,
    CoachAssignment,
    Directorate,
    Membership,
    Organisation,
    OrganisationRole,
    Team,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "team"]


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0


class CoachAssignmentInline(admin.TabularInline):
    model = CoachAssignment
    fk_name = "coach"
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "job_title", "is_active"]
    list_filter = ["organisation", "organisation_roles__role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["organisation"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Organisation", {"fields": ["organisation", "job_title"]}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("Organisation", {"fields": ["organisation", "first_name", "last_name", "job_title"]}),
    )
    inlines = [OrganisationRoleInline, MembershipInline, CoachAssignmentInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Directorate)
class DirectorateAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    list_select_related = ["organisation"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "directorate", "organisation", "kind"]
    list_filter = ["organisation", "directorate", "kind"]
    search_fields = ["name", "directorate__name"]
    list_select_related = ["directorate", "organisation"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team__organisation", "team__directorate"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team__name"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team"]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role", "user__organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user__organisation"]
    autocomplete_fields = ["user"]

    @admin.display(ordering="user__organisation__name")
    def organisation(self, obj):
        return obj.user.organisation


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ["coach", "team", "assigned_at"]
    list_filter = ["team__organisation", "team__directorate"]
    search_fields = ["coach__username", "coach__first_name", "coach__last_name", "team__name"]
    list_select_related = ["coach", "team"]
    autocomplete_fields = ["coach", "team"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the services, never edited."""

    list_display = ["at", "organisation", "team", "actor", "action", "object_type", "summary"]
    list_filter = ["organisation", "action", "object_type"]
    search_fields = ["summary"]
    list_select_related = ["organisation", "team", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Seen and revoked here; made with `manage.py api_token create` (the key is shown once, so
    it cannot be made where it would have to be shown again). Never the key: only its hash."""

    list_display = ["name", "organisation", "user", "prefix", "can_write", "trust_wide",
                    "created_at", "last_used_at", "expires_at", "revoked_at"]  # fmt: skip
    list_filter = ["organisation", "can_write"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["organisation", "user"]
    exclude = ["key_hash"]
    readonly_fields = [
        "organisation", "user", "name", "prefix", "can_write", "teams", "trust_wide",
        "created_at", "last_used_at", "expires_at", "revoked_at",
    ]  # fmt: skip
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = sum(tokens.api_token_revoke(token=token) for token in queryset)
        self.message_user(request, f"Revoked {revoked} token(s).")
