from django.urls import path

from teams import audit_views, views

app_name = "teams"
urlpatterns = [
    path("trust/", views.trust, name="trust"),
    path("teams/", views.my_teams, name="my_teams"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/audit/", audit_views.audit_trail, name="audit_trail"),
    path("teams/<int:team_id>/members/", views.membership_add, name="membership_add"),
    path("teams/<int:team_id>/members/search/", views.member_search, name="member_search"),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("coaching/", views.coaching, name="coaching"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/directorates/", views.directorate_add, name="directorate_add"),
    path("organisation/teams/", views.team_add, name="team_add"),
    path("organisation/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "organisation/api-tokens/<int:token_id>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
]
