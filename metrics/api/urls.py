"""The API's URLs, under /api/ (qi_portal/urls.py), in the `api` namespace."""

from django.urls import path

from metrics.api import dashboards, views

urlpatterns = [
    path("measures/", views.MeasureList.as_view(), name="measures"),
    path("measures/<int:measure_id>/", views.MeasureDetail.as_view(), name="measure"),
    path("measures/<int:measure_id>/chart/", views.MeasureChart.as_view(), name="chart"),
    path("data-points/", views.DataPointBatch.as_view(), name="data_points"),
    path(
        "dashboards/organisation/",
        dashboards.OrganisationDashboard.as_view(),
        name="dashboard_organisation",
    ),
    path(
        "dashboards/directorates/<int:directorate_id>/",
        dashboards.DirectorateDashboard.as_view(),
        name="dashboard_directorate",
    ),
    path(
        "dashboards/teams/<int:team_id>/", dashboards.TeamDashboard.as_view(), name="dashboard_team"
    ),
]
