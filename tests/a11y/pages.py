"""Every user-facing page, derived from the URL resolver, and the role that visits it.

`visits(world)` lists the page visits; `NOT_VISITED` names each URL that is not a page of its
own, with the reason. `url_names()` reads the resolver, so a URL added later with neither a
visit nor a reason fails `test_every_url_is_visited_or_excused`.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.a11y.world import ADMIN, BOARD, COACH, LEAD, MEMBER, World

ANONYMOUS = None
# Every named URL at the root and in these namespaces is visited or excused; any other
# namespace must be listed here with the reason it is not checked.
NAMESPACES = ("teams", "cycles", "metrics")
SKIPPED_NAMESPACES = {
    "admin": "Django's own admin site (staff only), built and tested by Django",
    "api": "JSON for the warehouse's programs (tokens), not pages; /api/docs/ is Swagger UI, "
    "a third-party page served from our static files (tests/api checks it under our CSP)",
}

POST_ONLY = "POST only: an action whose outcome is shown on the page it redirects to"
FRAGMENT = "an htmx fragment, checked in place inside the page that loads it"
NOT_VISITED = {
    "logout": "POST only: redirects to the sign-in page (LOGOUT_REDIRECT_URL), checked after "
    "signing out as an interactive state",
    "healthz": "JSON for load balancers, not a page",
    "teams:membership_add": POST_ONLY,
    "teams:membership_remove": POST_ONLY,
    "teams:member_search": FRAGMENT + " (the team page's member search, typed into)",
    "teams:directorate_add": POST_ONLY,
    "teams:team_add": POST_ONLY,
    "teams:api_token_revoke": POST_ONLY,
    "cycles:score_add": POST_ONLY,
    "cycles:driver_add": POST_ONLY,
    "cycles:driver_update": POST_ONLY,
    "cycles:driver_delete": POST_ONLY,
    "cycles:idea_add": POST_ONLY,
    "cycles:idea_spread": POST_ONLY,
    "cycles:cycle_close": POST_ONLY,
    "cycles:cycle_measures": POST_ONLY,
    "cycles:review_add": POST_ONLY,
    "cycles:review_resolve": POST_ONLY,
    "metrics:dashboard_status": FRAGMENT + " (the dashboards' 'updating' notice)",
    "metrics:measure_chart": FRAGMENT + " (the measure page's chart part)",
    "metrics:measure_csv": "a CSV download, not a page",
    "metrics:phase_start": POST_ONLY,
    "metrics:phase_remove": POST_ONLY,
    "metrics:baseline_freeze": POST_ONLY,
    "metrics:worker_check": POST_ONLY,
    "metrics:import_confirm": POST_ONLY,
}


@dataclass(frozen=True)
class Visit:
    name: str  # the URL name
    role: str | None  # demo username, or None for a signed-out visitor
    url: str
    note: str = ""

    def __str__(self):
        who = self.role or "signed out"
        return f"{self.name} {self.url} as {who}{f' ({self.note})' if self.note else ''}"


def url_names() -> set[str]:
    """Every named URL of the root and the checked apps, read from the resolver. A namespace
    neither checked nor skipped comes back as "<namespace>:*", which nothing visits or excuses."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in NAMESPACES:
                    walk(pattern.url_patterns, pattern.namespace)
                elif pattern.namespace is None:
                    walk(pattern.url_patterns, namespace)
                elif pattern.namespace not in SKIPPED_NAMESPACES:
                    names.add(f"{pattern.namespace}:*")
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def visits(world: World) -> list[Visit]:
    def v(name, role, *args, note=""):
        return Visit(name, role, reverse(name, args=args), note)

    team, project, idea = world.team, world.project, world.idea
    pages = [
        v("login", ANONYMOUS),
        v("home", MEMBER, note="redirects to the member's team"),
        v("password_change", MEMBER),
        v("password_change_done", MEMBER),
        # teams
        v("teams:trust", BOARD),
        v("teams:my_teams", MEMBER),
        v("teams:team", MEMBER, team.pk),
        v("teams:team", LEAD, team.pk, note="with member management"),
        v("teams:audit_trail", LEAD, team.pk, note="the team's audit trail"),
        v("teams:coaching", COACH),
        v("teams:organisation", ADMIN),
        v("teams:api_tokens", ADMIN),
        # cycles
        v("cycles:project_create", LEAD, team.pk),
        v("cycles:project", MEMBER, project.pk),
        v("cycles:project", COACH, project.pk, note="with the review form"),
        v("cycles:project", BOARD, project.pk, note="read only"),
        v("cycles:project_edit", LEAD, project.pk),
        v("cycles:idea_edit", LEAD, idea.pk),
        v("cycles:cycle_plan", MEMBER, idea.pk),
        v("cycles:library", MEMBER),
    ]
    for stage, cycle in sorted(world.cycles_by_stage.items()):
        editor = world.editor_of(cycle.project.team)
        pages.append(v("cycles:cycle", editor, cycle.pk, note=f"a cycle at {stage}"))
    cycle = world.cycles_by_stage["plan"]
    for stage in ("plan", "do", "study", "act"):
        pages.append(v("cycles:cycle_stage", world.editor_of(cycle.project.team), cycle.pk, stage))
    pages += [
        # metrics: dashboards
        v("metrics:dashboard", BOARD),
        v("metrics:board_report", BOARD),
        v("metrics:directorate_dashboard", BOARD, world.directorate.pk),
        v("metrics:compare_trust", BOARD, note="the funnel plot of a measure wards share"),
        v("metrics:compare_directorate", BOARD, world.directorate.pk),
        v("metrics:coach_dashboard", COACH),
        v("metrics:worker_status", ADMIN),
        # measures
        v("metrics:team_measures", MEMBER, team.pk),
        v("metrics:measure_create", LEAD, team.pk),
        v("metrics:trust_measures", ADMIN),
        v("metrics:trust_measure_create", ADMIN),
        v("metrics:measure", ADMIN, world.trust_measure.pk, note="a trust-wide key measure"),
        v("metrics:measure", BOARD, world.measures_by_chart["xmr"].pk, note="read only"),
    ]
    for chart, measure in sorted(world.measures_by_chart.items()):
        role = LEAD if measure.team_id == team.pk else ADMIN
        pages.append(v("metrics:measure", role, measure.pk, note=f"{chart} chart"))
    xmr, p = world.measures_by_chart["xmr"], world.measures_by_chart["p"]
    for measure in (xmr, p):  # a value, and a numerator with its denominator
        role = world.editor_of(measure.team)
        pages += [
            v("metrics:data_entry", role, measure.pk),
            v("metrics:entry_grid", role, measure.pk),
        ]
    pages += [
        v("metrics:measure_edit", world.editor_of(xmr.team), xmr.pk),
        v("metrics:import", world.editor_of(xmr.team), xmr.pk),
        v(
            "metrics:import_job",
            LEAD,
            world.import_job.measure_id,
            world.import_job.pk,
            note="the preview, with row errors",
        ),
    ]
    return pages
