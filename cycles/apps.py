from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cycles"
    verbose_name = "Improvement projects and PDSA cycles"

    def ready(self):
        # teams must not import cycles; cycles plugs its parts into the team page and the demo.
        from cycles import demo, panels
        from teams import extensions

        extensions.register_team_panel(panels.team_work_panel)
        extensions.register_demo_seeder(demo.seed_projects)
