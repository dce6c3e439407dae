from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Measures, charts and background work"

    def ready(self):
        # teams must not import metrics: metrics plugs its parts into the team page and the demo.
        from metrics import demo
        from metrics.views.measures import team_measures_panel
        from teams import extensions

        extensions.register_team_panel(team_measures_panel)
        extensions.register_demo_seeder(demo.seed_measures)
