"""Hooks through which metrics adds to the project page, so that cycles imports none of it
(DESIGN §2: teams <- cycles <- metrics). Registered in MetricsConfig.ready()."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# (request, project) -> (template name, context); a section of the project page.
ProjectPanel = Callable[..., tuple[str, dict]]

_project_panels: list[ProjectPanel] = []


def register_project_panel(panel: ProjectPanel) -> ProjectPanel:
    if panel not in _project_panels:
        _project_panels.append(panel)
    return panel


def render_project_panels(request, project) -> list[SafeString]:
    return [
        render_to_string(template_name, context, request=request)
        for template_name, context in (panel(request, project) for panel in _project_panels)
    ]
