from django.urls import path

from cycles.views import drivers, library, pdsa, projects, reviews

app_name = "cycles"
urlpatterns = [
    path("teams/<int:team_id>/projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:project_id>/", projects.project_detail, name="project"),
    path("projects/<int:project_id>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:project_id>/scores/", projects.progress_score_add, name="score_add"),
    path("projects/<int:project_id>/drivers/", drivers.driver_add, name="driver_add"),
    path("drivers/<int:driver_id>/", drivers.driver_update, name="driver_update"),
    path("drivers/<int:driver_id>/delete/", drivers.driver_delete, name="driver_delete"),
    path("projects/<int:project_id>/ideas/", drivers.change_idea_add, name="idea_add"),
    path("ideas/<int:idea_id>/edit/", drivers.change_idea_edit, name="idea_edit"),
    path("ideas/<int:idea_id>/cycles/new/", pdsa.cycle_plan, name="cycle_plan"),
    path("ideas/<int:idea_id>/spread/", library.change_idea_spread, name="idea_spread"),
    path("cycles/<int:cycle_id>/", pdsa.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/close/", pdsa.cycle_close, name="cycle_close"),
    path("cycles/<int:cycle_id>/measures/", pdsa.cycle_measures, name="cycle_measures"),
    path("cycles/<int:cycle_id>/<slug:stage>/", pdsa.cycle_stage, name="cycle_stage"),
    path("projects/<int:project_id>/reviews/", reviews.review_create, name="review_add"),
    path("reviews/<int:review_id>/resolve/", reviews.review_resolve, name="review_resolve"),
    path("library/", library.library, name="library"),
]
