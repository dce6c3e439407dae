from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Measures, charts and background work"

    def ready(self):
        # teams must not import metrics: metrics plugs its parts into the team page and the demo.
        # metrics.background sends the tasks by name: every process registers them here.
        from cycles import extensions as cycles_extensions
        from metrics import tasks  # noqa: F401
        from metrics.dashboards import recompute
        from metrics.dashboards.views import team_dashboard_panel
        from metrics.demo import large as large_demo
        from metrics.demo import trust as demo
        from metrics.measures.evidence_panel import project_evidence_panel
        from teams import extensions

        extensions.register_team_panel(team_dashboard_panel)  # replaces the measures list
        extensions.register_demo_seeder(demo.seed_measures)
        extensions.register_demo_seeder(demo.seed_dashboards)
        extensions.register_large_demo_seeder(large_demo.seed_large)
        cycles_extensions.register_project_panel(project_evidence_panel)
        # Every change to a team's projects and cycles recomputes the dashboards that show it.
        extensions.register_team_work_listener(recompute.team_work_changed)
