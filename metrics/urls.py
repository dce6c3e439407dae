"""The metrics app's URLs; each package's views handle its own (dashboards, workers, measures,
entry, imports)."""

from django.urls import path

from metrics.dashboards import compare_views as compare
from metrics.dashboards import views as dashboards
from metrics.entry import views as entry
from metrics.imports import views as imports
from metrics.measures import views as measures
from metrics.workers import views as workers

app_name = "metrics"
urlpatterns = [
    # dashboards (metrics/dashboards/views.py)
    path("dashboard/", dashboards.trust_dashboard, name="dashboard"),
    path("dashboard/report/", dashboards.board_report, name="board_report"),
    path("dashboard/compare/", compare.compare_trust, name="compare_trust"),
    path(
        "dashboard/directorates/<int:directorate_id>/compare/",
        compare.compare_directorate,
        name="compare_directorate",
    ),
    path(
        "dashboard/directorates/<int:directorate_id>/",
        dashboards.directorate_dashboard,
        name="directorate_dashboard",
    ),
    path(
        "dashboard/status/<str:scope>/<int:scope_id>/",
        dashboards.dashboard_status,
        name="dashboard_status",
    ),
    path("coaching/dashboard/", dashboards.coach_dashboard, name="coach_dashboard"),
    path("system/workers/", workers.worker_status, name="worker_status"),
    path("system/workers/check/", workers.worker_check, name="worker_check"),
    # measures and the measure page
    path("teams/<int:team_id>/measures/", measures.team_measures, name="team_measures"),
    path("teams/<int:team_id>/measures/new/", measures.measure_create, name="measure_create"),
    path("measures/", measures.trust_measures, name="trust_measures"),
    path("measures/new/", measures.trust_measure_create, name="trust_measure_create"),
    path("measures/<int:measure_id>/", measures.measure_detail, name="measure"),
    path("measures/<int:measure_id>/edit/", measures.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/chart/", measures.measure_chart_part, name="measure_chart"),
    path("measures/<int:measure_id>/data.csv", measures.measure_data_csv, name="measure_csv"),
    path("measures/<int:measure_id>/phases/", measures.phase_start, name="phase_start"),
    path(
        "measures/<int:measure_id>/phases/<int:phase_id>/remove/",
        measures.phase_remove,
        name="phase_remove",
    ),
    path("measures/<int:measure_id>/freeze/", measures.baseline_freeze, name="baseline_freeze"),
    # entering data: this period, a grid (metrics/entry/views.py)
    path("measures/<int:measure_id>/enter/", entry.entry_this_period, name="data_entry"),
    path("measures/<int:measure_id>/enter/grid/", entry.entry_grid, name="entry_grid"),
    # importing a paste or a file (metrics/imports/views.py)
    path("measures/<int:measure_id>/import/", imports.import_start, name="import"),
    path("measures/<int:measure_id>/import/<int:job_id>/", imports.import_job, name="import_job"),
    path(
        "measures/<int:measure_id>/import/<int:job_id>/confirm/",
        imports.import_confirm,
        name="import_confirm",
    ),
]
