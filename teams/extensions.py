"""Hooks through which the apps built on teams add to it, so that teams imports none of them
(DESIGN §2: teams <- cycles <- metrics). Apps register in their AppConfig.ready(), which Django
runs in INSTALLED_APPS order, so additions appear in the order of the layers."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# (request, team) -> (template name, context); a section of the team page.
TeamPanel = Callable[..., tuple[str, dict]]
# (organisation, report) -> None; adds one app's part of the demo trust, idempotently.
DemoSeeder = Callable[..., None]
# (teams=..., weeks=..., slug=..., stdout=...) -> report; builds the large trust (issue 7).
LargeDemoSeeder = Callable[..., object]
# (team) -> None; told when a team's improvement work (projects, cycles, scores...) changed.
TeamWorkListener = Callable[..., None]

_team_panels: list[TeamPanel] = []
_demo_seeders: list[DemoSeeder] = []
_team_work_listeners: list[TeamWorkListener] = []
_large_demo_seeder: list[LargeDemoSeeder] = []


def register_team_panel(panel: TeamPanel) -> TeamPanel:
    if panel not in _team_panels:
        _team_panels.append(panel)
    return panel


def render_team_panels(request, team) -> list[SafeString]:
    rendered = []
    for panel in _team_panels:
        template_name, context = panel(request, team)
        rendered.append(render_to_string(template_name, context, request=request))
    return rendered


def register_demo_seeder(seeder: DemoSeeder) -> DemoSeeder:
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)
    return seeder


def demo_seeders() -> list[DemoSeeder]:
    return list(_demo_seeders)


def register_large_demo_seeder(seeder: LargeDemoSeeder) -> LargeDemoSeeder:
    """The top app (metrics, which knows cycles and teams) builds the large trust; the last
    registration wins."""
    _large_demo_seeder[:] = [seeder]
    return seeder


def large_demo_seeder() -> LargeDemoSeeder | None:
    return _large_demo_seeder[0] if _large_demo_seeder else None


def register_team_work_listener(listener: TeamWorkListener) -> TeamWorkListener:
    if listener not in _team_work_listeners:
        _team_work_listeners.append(listener)
    return listener


def team_work_changed(team) -> None:
    """Call inside the transaction that changed the team's improvement work; listeners defer
    their own work to after commit."""
    for listener in _team_work_listeners:
        listener(team)
