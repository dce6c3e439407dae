"""A permission matrix generated from the URL configuration (DESIGN §6, issue 8).

Every named URL pattern of the project (walked from django.urls.get_resolver(), includes and
the admin site too) must have an entry in EXPECTATIONS below; a new URL without one fails
`test_every_url_has_an_expectation`, and an entry for a URL that is gone fails
`test_every_expectation_is_a_url`. Each entry names a rule of tests/security/matrix.py (DESIGN §6
written once) and the objects the URL is tried on; every URL is then requested by GET and by
each POST form it handles, as an anonymous visitor, a member, a lead, the team's coach, a coach
of another team, a board member, a QI admin, an admin of another organisation and an account
without one, on the own team's objects, another team's of the same organisation, the trust-wide
measure where there is one, and another organisation's.

Each request runs in a savepoint rolled back afterwards, so every cell meets the same world
(built once for the module: tests/security/world.py); an allowed POST must change the world,
a refused one must not.

The admin site is one group (test_admin_site_*): its URL names are generated from
admin.site._registry; anonymous visitors and every portal user (none is staff) are sent to the
admin sign-in, a staff superuser gets each registered model's changelist.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review
from metrics import periods as P
from metrics.imports import jobs as import_jobs
from metrics.models import DataPoint, ImportJob, Measure, Phase, WorkerCheck
from teams.models import ApiToken, Directorate, Membership, Team
from teams.tokens import api_token_create
from tests.factories import PASSWORD
from tests.security.matrix import (
    MEASURES,
    POST_ONLY,
    PROFILES,
    RULES,
    TEAMS,
    USERS,
    Case,
    Matrix,
    Post,
    login_redirect_problem,
)
from tests.security.world import POINTS, build_world

OK_OR_NO_CONTENT = frozenset({200, 204})
REDIRECT = frozenset({302})
BAD_REQUEST = frozenset({400})
NOT_FOUND = frozenset({404})
IMPORT_TEXT = "06/01/2025,3\n"
IMPORTED_PERIOD = dt.date(2025, 1, 6)
NEW_PASSWORD = "matrix-New-pass-8765"


def _this_week():
    return P.period_start(timezone.localdate(), "week")


def _job(place, author):
    """An import waiting for confirmation, by `author` (the requesting user, or someone)."""
    return import_jobs.import_job_create(
        measure=place.measure, user=author, text=IMPORT_TEXT, source="pasted text"
    )


def _project_data(title):
    return {
        "title": title,
        "problem": "Too many incidents.",
        "aim_what": "Incidents",
        "aim_how_much": "a third fewer",
        "aim_by_when": "2027-06-30",
        "status": "active",
        "start_date": "2025-01-06",
        "service_user_involvement": "",
    }


def _measure_data(name):
    return {
        "name": name,
        "kind": "outcome",
        "definition": f"{name}, as counted.",
        "unit": "incidents",
        "frequency": "week",
        "chart_type": "xmr",
        "improvement": "decrease",
        "target": "",
    }


def _stage(stage, data, changed):
    return Case(
        "edit_team_work",
        TEAMS,
        args=lambda w, p, u: [p.cycle.pk, stage],
        posts=(Post(f"record {stage}", lambda w, p, u: data, changed),),
        label=stage,
    )


def _cycle_field(name, value):
    return lambda w, p, u, r: (
        PDSACycle.objects.filter(pk=p.cycle.pk).values_list(name, flat=True).get() == value
    )


def _alien(w, p):
    """The same kind of place in the other organisation: what a form field must not accept."""
    own = w.places["own"]
    return w.places["foreign"] if p.organisation.pk == own.organisation.pk else own


def _refused_reference(action, data, changed, ok=BAD_REQUEST):
    """A POST naming another organisation's object in a form field: even a user allowed to post
    gets a form error (or the view's refusal), and nothing changes."""
    return Post(action, data, changed, ok=ok, changes=False)


def _signed_in_as(user):
    return lambda w, p, u, r: r.wsgi_request.user.is_authenticated == (user is not None)


REVOCABLE = "Matrix revocable token"


def _revocable_token(p):
    """A read token of the place's organisation, acting as one of its people."""
    token, _ = api_token_create(user=p.someone_else, name=REVOCABLE)
    return token


def _token_made(name):
    return lambda w, p, u, r: ApiToken.objects.filter(
        organisation=p.organisation, name=name
    ).exists()


# ------------------------------------------------------------------ the matrix, URL by URL

TEAM = lambda w, p, u: [p.team.pk]  # noqa: E731
PROJECT = lambda w, p, u: [p.project.pk]  # noqa: E731
MEASURE = lambda w, p, u: [p.measure.pk]  # noqa: E731

EXPECTATIONS: dict[str, tuple[Case, ...]] = {
    # --- the project's own root URLs and sign-in
    "home": (Case("view", get=REDIRECT, outside=403),),  # each role to its place; none: 403
    "healthz": (Case("public"),),
    "login": (
        Case(
            "public",
            posts=(
                Post(
                    "wrong password",
                    lambda w, p, u: {
                        "username": (u or w.users["member"]).username,
                        "password": "not-the-password",
                    },
                    lambda w, p, u, r: r.wsgi_request.user.is_authenticated != (u is not None),
                    ok=frozenset({200}),
                    changes=False,
                ),
                Post(
                    "right password",
                    lambda w, p, u: {
                        "username": (u or w.users["member"]).username,
                        "password": PASSWORD,
                    },
                    lambda w, p, u, r: r.wsgi_request.user.pk == (u or w.users["member"]).pk,
                ),
            ),
            relogin=True,
        ),
    ),
    "logout": (
        Case(
            "public",
            get=POST_ONLY,  # Django 5 signs out on POST only
            posts=(Post("sign out", lambda w, p, u: {}, _signed_in_as(None)),),
            relogin=True,
        ),
    ),
    "password_change": (
        Case(
            "signed_in",
            posts=(
                Post(
                    "change",
                    lambda w, p, u: {
                        "old_password": PASSWORD,
                        "new_password1": NEW_PASSWORD,
                        "new_password2": NEW_PASSWORD,
                    },
                    lambda w, p, u, r: (
                        u is not None and type(u).objects.get(pk=u.pk).check_password(NEW_PASSWORD)
                    ),
                ),
            ),
            relogin=True,
        ),
    ),
    "password_change_done": (Case("signed_in"),),
    # --- teams
    "teams:trust": (Case("view"),),
    "teams:my_teams": (Case("view"),),
    "teams:team": (Case("view", TEAMS, args=TEAM),),
    "teams:audit_trail": (
        Case("view_audit", TEAMS, args=TEAM),
        Case("view_audit", TEAMS, args=TEAM, query=lambda w, p, u: {"type": "measure"}),
    ),
    "teams:member_search": (
        Case("manage_team", TEAMS, args=TEAM, query=lambda w, p, u: {"q": "Candidate"}),
    ),
    "teams:membership_add": (
        Case(
            "manage_team",
            TEAMS,
            args=TEAM,
            get=POST_ONLY,
            posts=(
                Post(
                    "add",
                    lambda w, p, u: {"user": p.candidate.pk, "role": "member"},
                    lambda w, p, u, r: Membership.objects.filter(
                        team=p.team, user=p.candidate
                    ).exists(),
                ),
                _refused_reference(
                    "someone of another organisation",
                    lambda w, p, u: {"user": _alien(w, p).candidate.pk, "role": "member"},
                    lambda w, p, u, r: Membership.objects.filter(
                        team=p.team, user=_alien(w, p).candidate
                    ).exists(),
                ),
            ),
        ),
    ),
    "teams:membership_remove": (
        Case(
            "manage_team",
            TEAMS,
            args=lambda w, p, u: [p.team.pk, p.spare_membership.pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "remove",
                    lambda w, p, u: {},
                    lambda w, p, u, r: (
                        not Membership.objects.filter(pk=p.spare_membership.pk).exists()
                    ),
                ),
            ),
        ),
    ),
    "teams:coaching": (Case("coach"),),
    "teams:organisation": (Case("org_admin"),),
    "teams:directorate_add": (
        Case(
            "org_admin",
            get=POST_ONLY,
            posts=(
                Post(
                    "add",
                    lambda w, p, u: {"name": "Matrix directorate"},
                    lambda w, p, u, r: Directorate.objects.filter(
                        organisation=p.organisation, name="Matrix directorate"
                    ).exists(),
                ),
            ),
        ),
    ),
    "teams:team_add": (
        Case(
            "org_admin",
            get=POST_ONLY,
            posts=(
                Post(
                    "add",
                    lambda w, p, u: {
                        "directorate": p.directorate.pk,
                        "name": "Matrix team",
                        "kind": "ward",
                    },
                    lambda w, p, u, r: Team.objects.filter(
                        directorate=p.directorate, name="Matrix team"
                    ).exists(),
                ),
                _refused_reference(
                    "another organisation's directorate",
                    lambda w, p, u: {
                        "directorate": _alien(w, p).directorate.pk,
                        "name": "Matrix alien team",
                        "kind": "ward",
                    },
                    lambda w, p, u, r: Team.objects.filter(name="Matrix alien team").exists(),
                ),
            ),
        ),
    ),
    "teams:api_tokens": (
        Case(
            "org_admin",
            posts=(
                # The key is shown on the POST's own answer (never redirected with): 200.
                Post(
                    "make a read token",
                    lambda w, p, u: {"name": "Matrix reader", "user": p.someone_else.pk},
                    _token_made("Matrix reader"),
                    ok=frozenset({200}),
                ),
                Post(
                    "make a writing token",
                    lambda w, p, u: {
                        "name": "Matrix writer",
                        "user": p.someone_else.pk,
                        "write": "on",
                        "teams": [p.team.pk],
                    },
                    _token_made("Matrix writer"),
                    ok=frozenset({200}),
                ),
                _refused_reference(
                    "writing another organisation's team",
                    lambda w, p, u: {
                        "name": "Matrix alien writer",
                        "user": p.someone_else.pk,
                        "write": "on",
                        "teams": [_alien(w, p).team.pk],
                    },
                    lambda w, p, u, r: ApiToken.objects.filter(name="Matrix alien writer").exists(),
                ),
                _refused_reference(
                    "acting as someone of another organisation",
                    lambda w, p, u: {
                        "name": "Matrix alien person",
                        "user": _alien(w, p).someone_else.pk,
                    },
                    lambda w, p, u, r: ApiToken.objects.filter(name="Matrix alien person").exists(),
                ),
            ),
        ),
    ),
    # An organisation-wide action: the own team's and another organisation's token.
    "teams:api_token_revoke": (
        Case(
            "org_admin",
            ("own", "foreign"),
            args=lambda w, p, u: [_revocable_token(p).pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "revoke",
                    lambda w, p, u: {},
                    lambda w, p, u, r: ApiToken.objects.filter(
                        organisation=p.organisation, name=REVOCABLE, revoked_at__isnull=False
                    ).exists(),
                ),
            ),
        ),
    ),
    # --- cycles: projects, the driver diagram, PDSA cycles, reviews, the library
    "cycles:project_create": (
        Case(
            "edit_team_work",
            TEAMS,
            args=TEAM,
            posts=(
                Post(
                    "create",
                    lambda w, p, u: _project_data("Matrix project"),
                    lambda w, p, u, r: Project.objects.filter(
                        team=p.team, title="Matrix project"
                    ).exists(),
                ),
            ),
        ),
    ),
    "cycles:project": (Case("view", TEAMS, args=PROJECT),),
    "cycles:project_edit": (
        Case(
            "edit_team_work",
            TEAMS,
            args=PROJECT,
            posts=(
                Post(
                    "save",
                    lambda w, p, u: _project_data("Matrix renamed project"),
                    lambda w, p, u, r: Project.objects.filter(
                        pk=p.project.pk, title="Matrix renamed project"
                    ).exists(),
                ),
            ),
        ),
    ),
    "cycles:score_add": (
        Case(
            "edit_team_work",
            TEAMS,
            args=PROJECT,
            get=POST_ONLY,
            posts=(
                Post(
                    "score",
                    lambda w, p, u: {"score": "2.5", "scored_on": "2025-05-01"},
                    lambda w, p, u, r: ProgressScore.objects.filter(
                        project=p.project, score=Decimal("2.5")
                    ).exists(),
                ),
            ),
        ),
    ),
    "cycles:driver_add": (
        Case(
            "edit_team_work",
            TEAMS,
            args=PROJECT,
            get=POST_ONLY,
            posts=(
                Post(
                    "add",
                    lambda w, p, u: {"text": "Matrix driver"},
                    lambda w, p, u, r: Driver.objects.filter(
                        project=p.project, text="Matrix driver"
                    ).exists(),
                ),
                _refused_reference(
                    "under another organisation's driver",
                    lambda w, p, u: {"text": "Matrix alien", "parent": _alien(w, p).driver.pk},
                    lambda w, p, u, r: Driver.objects.filter(text="Matrix alien").exists(),
                ),
            ),
        ),
    ),
    "cycles:driver_update": (
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.driver.pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "rename",
                    lambda w, p, u: {"text": "Matrix renamed driver"},
                    lambda w, p, u, r: Driver.objects.filter(
                        pk=p.driver.pk, text="Matrix renamed driver"
                    ).exists(),
                ),
            ),
        ),
    ),
    "cycles:driver_delete": (
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.driver.pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "delete",
                    lambda w, p, u: {},
                    lambda w, p, u, r: not Driver.objects.filter(pk=p.driver.pk).exists(),
                ),
            ),
        ),
    ),
    "cycles:idea_add": (
        Case(
            "edit_team_work",
            TEAMS,
            args=PROJECT,
            get=POST_ONLY,
            posts=(
                Post(
                    "add",
                    lambda w, p, u: {"title": "Matrix idea", "status": "testing"},
                    lambda w, p, u, r: ChangeIdea.objects.filter(
                        project=p.project, title="Matrix idea"
                    ).exists(),
                ),
                _refused_reference(
                    "on another organisation's driver",
                    lambda w, p, u: {
                        "title": "Matrix alien idea",
                        "status": "testing",
                        "driver": _alien(w, p).driver.pk,
                    },
                    lambda w, p, u, r: ChangeIdea.objects.filter(
                        title="Matrix alien idea"
                    ).exists(),
                ),
            ),
        ),
    ),
    "cycles:idea_edit": (
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.idea.pk],
            posts=(
                Post(
                    "save",
                    lambda w, p, u: {
                        "title": "Matrix renamed idea",
                        "status": "testing",
                        "driver": p.driver.pk,
                    },
                    lambda w, p, u, r: ChangeIdea.objects.filter(
                        pk=p.idea.pk, title="Matrix renamed idea"
                    ).exists(),
                ),
            ),
        ),
    ),
    "cycles:idea_spread": (
        # The source may be any team's idea of the organisation; the target is a project the
        # user may edit (their own team's). Someone who may edit none is refused by the form:
        # back to the library (302) with a message, nothing copied.
        Case(
            "spread",
            TEAMS,
            args=lambda w, p, u: [p.idea.pk],
            get=POST_ONLY,
            refused_post=302,
            posts=(
                Post(
                    "spread",
                    lambda w, p, u: {"project": w.home_place(u).target_project.pk},
                    lambda w, p, u, r: ChangeIdea.objects.filter(
                        project=w.home_place(u).target_project, spread_from=p.idea
                    ).exists(),
                ),
                _refused_reference(
                    "into another organisation's project",
                    lambda w, p, u: {"project": _alien(w, w.home_place(u)).target_project.pk},
                    lambda w, p, u, r: ChangeIdea.objects.filter(spread_from=p.idea).exists(),
                    ok=REDIRECT,
                ),
            ),
        ),
    ),
    "cycles:cycle_plan": (
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.idea.pk],
            posts=(
                Post(
                    "plan",
                    lambda w, p, u: {"objective": "Matrix objective"},
                    lambda w, p, u, r: PDSACycle.objects.filter(
                        change_idea=p.idea, objective="Matrix objective"
                    ).exists(),
                ),
                _refused_reference(
                    "following another organisation's cycle",
                    lambda w, p, u: {"objective": "Matrix alien", "parent": _alien(w, p).cycle.pk},
                    lambda w, p, u, r: PDSACycle.objects.filter(objective="Matrix alien").exists(),
                    ok=NOT_FOUND,
                ),
            ),
        ),
        # A follow-on cycle names its parent (?parent=): another organisation's is not found,
        # and so is something that is not an id at all.
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.idea.pk],
            query=lambda w, p, u: {"parent": _alien(w, p).cycle.pk},
            get=NOT_FOUND,
            label="?parent= of another organisation",
        ),
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.idea.pk],
            query=lambda w, p, u: {"parent": "abc"},
            get=NOT_FOUND,
            label="?parent= that is not an id",
        ),
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.idea.pk],
            query=lambda w, p, u: {"parent": p.cycle.pk},
            label="?parent= of the same project",
        ),
    ),
    "cycles:cycle": (Case("view", TEAMS, args=lambda w, p, u: [p.cycle.pk]),),
    "cycles:cycle_close": (
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.cycle.pk],
            get=POST_ONLY,
            posts=(Post("close", lambda w, p, u: {}, _cycle_field("stage", "closed")),),
        ),
    ),
    "cycles:cycle_measures": (
        Case(
            "edit_team_work",
            TEAMS,
            args=lambda w, p, u: [p.cycle.pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "choose",
                    lambda w, p, u: {"measures": [p.measure.pk]},
                    lambda w, p, u, r: p.cycle.measures.filter(pk=p.measure.pk).exists(),
                ),
                _refused_reference(
                    "another organisation's measure",
                    lambda w, p, u: {"measures": [_alien(w, p).measure.pk]},
                    lambda w, p, u, r: p.cycle.measures.filter(pk=_alien(w, p).measure.pk).exists(),
                    ok=REDIRECT,
                ),
            ),
        ),
    ),
    "cycles:cycle_stage": (
        _stage(
            "plan", {"objective": "Matrix replanned"}, _cycle_field("objective", "Matrix replanned")
        ),
        _stage(
            "do",
            {"do_started_on": "2025-02-03", "what_happened": "Matrix happened"},
            _cycle_field("what_happened", "Matrix happened"),
        ),
        _stage(
            "study", {"learning": "Matrix learning"}, _cycle_field("learning", "Matrix learning")
        ),
        _stage(
            "act",
            {"decision": "adopt", "next_steps": "Matrix next"},
            _cycle_field("decision", "adopt"),
        ),
    ),
    "cycles:review_add": (
        Case(
            "write_review",
            TEAMS,
            args=PROJECT,
            get=POST_ONLY,
            posts=(
                Post(
                    "write",
                    lambda w, p, u: {"text": "Matrix review"},
                    lambda w, p, u, r: Review.objects.filter(
                        project=p.project, text="Matrix review"
                    ).exists(),
                ),
                _refused_reference(
                    "about another organisation's cycle",
                    lambda w, p, u: {"text": "Matrix alien", "cycle": _alien(w, p).cycle.pk},
                    lambda w, p, u, r: Review.objects.filter(text="Matrix alien").exists(),
                ),
            ),
        ),
    ),
    "cycles:review_resolve": (
        Case(
            "resolve_review",
            TEAMS,
            args=lambda w, p, u: [p.review.pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "resolve",
                    lambda w, p, u: {},
                    lambda w, p, u, r: Review.objects.filter(
                        pk=p.review.pk, resolved_at__isnull=False
                    ).exists(),
                ),
            ),
        ),
    ),
    "cycles:library": (Case("view"),),
    # --- metrics: dashboards
    "metrics:dashboard": (Case("view"),),
    "metrics:board_report": (Case("view"),),
    "metrics:directorate_dashboard": (
        Case("view", TEAMS, args=lambda w, p, u: [p.directorate.pk]),
    ),
    "metrics:compare_trust": (Case("view"),),
    "metrics:compare_directorate": (
        Case("view", TEAMS, args=lambda w, p, u: [p.directorate.pk]),
    ),
    "metrics:dashboard_status": (
        Case(
            "view",
            ("own", "foreign"),
            args=lambda w, p, u: ["organisation", p.organisation.pk],
            get=OK_OR_NO_CONTENT,
            label="organisation",
        ),
        Case(
            "view",
            TEAMS,
            args=lambda w, p, u: ["directorate", p.directorate.pk],
            get=OK_OR_NO_CONTENT,
            label="directorate",
        ),
        Case(
            "view",
            TEAMS,
            args=lambda w, p, u: ["team", p.team.pk],
            get=OK_OR_NO_CONTENT,
            label="team",
        ),
    ),
    "metrics:coach_dashboard": (Case("coach"),),
    "metrics:worker_status": (Case("org_admin"),),
    "metrics:worker_check": (
        Case(
            "org_admin",
            get=POST_ONLY,
            posts=(
                Post(
                    "ask",
                    lambda w, p, u: {},
                    lambda w, p, u, r: WorkerCheck.objects.filter(requested_by=u).exists(),
                ),
            ),
        ),
    ),
    # --- metrics: measures and their pages
    "metrics:team_measures": (Case("view", TEAMS, args=TEAM),),
    "metrics:measure_create": (
        Case(
            "manage_team",
            TEAMS,
            args=TEAM,
            posts=(
                Post(
                    "create",
                    lambda w, p, u: _measure_data("Matrix measure"),
                    lambda w, p, u, r: Measure.objects.filter(
                        team=p.team, name="Matrix measure"
                    ).exists(),
                ),
                _refused_reference(
                    "serving another organisation's project",
                    lambda w, p, u: {
                        **_measure_data("Matrix alien measure"),
                        "projects": [_alien(w, p).project.pk],
                    },
                    lambda w, p, u, r: Measure.objects.filter(name="Matrix alien measure").exists(),
                ),
            ),
        ),
    ),
    "metrics:trust_measures": (Case("view"),),
    "metrics:trust_measure_create": (
        Case(
            "org_admin",
            posts=(
                Post(
                    "create",
                    lambda w, p, u: _measure_data("Matrix trust measure"),
                    lambda w, p, u, r: Measure.objects.filter(
                        organisation=p.organisation, team=None, name="Matrix trust measure"
                    ).exists(),
                ),
            ),
        ),
    ),
    "metrics:measure": (Case("view", MEASURES, args=MEASURE),),
    "metrics:measure_edit": (
        # manage_team on the measure's team; a trust-wide measure (no team): admins only
        Case(
            "manage_team",
            MEASURES,
            args=MEASURE,
            posts=(
                Post(
                    "save",
                    lambda w, p, u: _measure_data("Matrix renamed measure"),
                    lambda w, p, u, r: Measure.objects.filter(
                        pk=p.measure.pk, name="Matrix renamed measure"
                    ).exists(),
                ),
            ),
        ),
    ),
    "metrics:measure_chart": (Case("view", MEASURES, args=MEASURE),),
    "metrics:measure_csv": (Case("view", MEASURES, args=MEASURE),),
    "metrics:phase_start": (
        Case(
            "change_phase",
            MEASURES,
            args=MEASURE,
            get=POST_ONLY,
            posts=(
                Post(
                    "start",
                    lambda w, p, u: {"starts_on": POINTS[9].isoformat(), "reason": "Matrix"},
                    lambda w, p, u, r: Phase.objects.filter(
                        measure=p.measure, starts_on=POINTS[9]
                    ).exists(),
                ),
                _refused_reference(
                    "after another organisation's change idea",
                    lambda w, p, u: {
                        "starts_on": POINTS[9].isoformat(),
                        "reason": "Matrix",
                        "change_idea": _alien(w, p).idea.pk,
                    },
                    lambda w, p, u, r: Phase.objects.filter(
                        measure=p.measure, starts_on=POINTS[9]
                    ).exists(),
                ),
            ),
        ),
    ),
    "metrics:phase_remove": (
        Case(
            "change_phase",
            MEASURES,
            args=lambda w, p, u: [p.measure.pk, p.phase.pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "remove",
                    lambda w, p, u: {"reason": "Matrix removal"},
                    lambda w, p, u, r: not Phase.objects.filter(pk=p.phase.pk).exists(),
                ),
            ),
        ),
    ),
    "metrics:baseline_freeze": (
        Case(
            "change_phase",
            MEASURES,
            args=MEASURE,
            get=POST_ONLY,
            posts=(
                Post(
                    "freeze",
                    lambda w, p, u: {"until": POINTS[5].isoformat(), "reason": "Matrix"},
                    lambda w, p, u, r: Measure.objects.filter(
                        pk=p.measure.pk, freeze_until=POINTS[5]
                    ).exists(),
                ),
                Post(
                    "unfreeze",
                    lambda w, p, u: {"until": "", "reason": "Matrix"},
                    lambda w, p, u, r: Measure.objects.filter(
                        pk=p.measure.pk, freeze_until=None
                    ).exists(),
                ),
            ),
        ),
    ),
    # --- metrics: entering data (edit_team_work on the measure's team; trust-wide: admins)
    "metrics:data_entry": (
        Case(
            "edit_team_work",
            MEASURES,
            args=MEASURE,
            posts=(
                Post(
                    "save",
                    lambda w, p, u: {"period": _this_week().isoformat(), "value": "3"},
                    lambda w, p, u, r: DataPoint.objects.filter(
                        measure=p.measure, period=_this_week()
                    ).exists(),
                ),
            ),
        ),
    ),
    "metrics:entry_grid": (
        Case(
            "edit_team_work",
            MEASURES,
            args=MEASURE,
            posts=(
                Post(
                    "save",
                    lambda w, p, u: {f"value_{_this_week().isoformat()}": "3"},
                    lambda w, p, u, r: DataPoint.objects.filter(
                        measure=p.measure, period=_this_week()
                    ).exists(),
                ),
            ),
        ),
    ),
    "metrics:import": (
        Case(
            "edit_team_work",
            MEASURES,
            args=MEASURE,
            posts=(
                Post(
                    "paste",
                    lambda w, p, u: {"text": IMPORT_TEXT},
                    lambda w, p, u, r: ImportJob.objects.filter(measure=p.measure).exists(),
                ),
            ),
        ),
        Case(
            "edit_team_work",
            MEASURES,
            args=MEASURE,
            query=lambda w, p, u: {"job": "abc"},
            get=NOT_FOUND,
            label="?job= that is not an id",
        ),
        # ?job= starts again from an earlier paste: the user's own only, another's is 404.
        Case(
            "edit_team_work",
            MEASURES,
            args=MEASURE,
            query=lambda w, p, u: {"job": _job(p, u or p.someone_else).pk},
            label="again from my import",
        ),
        Case(
            "edit_team_work",
            MEASURES,
            args=MEASURE,
            query=lambda w, p, u: {"job": _job(p, p.someone_else).pk},
            get=NOT_FOUND,
            label="again from someone else's import",
        ),
    ),
    "metrics:import_job": (
        Case(
            "edit_team_work",
            MEASURES,
            args=lambda w, p, u: [p.measure.pk, _job(p, u or p.someone_else).pk],
            label="own import",
        ),
        # Only its author sees an import: anyone else who may enter data gets 404.
        Case(
            "edit_team_work",
            MEASURES,
            args=lambda w, p, u: [p.measure.pk, _job(p, p.someone_else).pk],
            get=NOT_FOUND,
            label="someone else's import",
        ),
        # An import belongs to its measure: the same job under another measure's URL is 404.
        Case(
            "edit_team_work",
            MEASURES,
            args=lambda w, p, u: [p.measure.pk, _job(_alien(w, p), u or p.someone_else).pk],
            get=NOT_FOUND,
            label="another organisation's measure's import",
        ),
    ),
    "metrics:import_confirm": (
        Case(
            "edit_team_work",
            MEASURES,
            args=lambda w, p, u: [p.measure.pk, _job(p, u or p.someone_else).pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "confirm",
                    lambda w, p, u: {},
                    lambda w, p, u, r: DataPoint.objects.filter(
                        measure=p.measure, period=IMPORTED_PERIOD
                    ).exists(),
                ),
            ),
            label="own import",
        ),
        Case(
            "edit_team_work",
            MEASURES,
            args=lambda w, p, u: [p.measure.pk, _job(p, p.someone_else).pk],
            get=POST_ONLY,
            posts=(
                Post(
                    "confirm",
                    lambda w, p, u: {},
                    lambda w, p, u, r: DataPoint.objects.filter(
                        measure=p.measure, period=IMPORTED_PERIOD
                    ).exists(),
                    ok=frozenset({404}),
                    changes=False,
                ),
            ),
            label="someone else's import",
        ),
    ),
}

# The admin site, as one group: the site's own pages, and per registered model the pages every
# ModelAdmin has. UserAdmin adds one of its own.
ADMIN_SITE_NAMES = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "autocomplete",
    "view_on_site",
    "app_list",
    "auth_user_password_change",
}
MODEL_ADMIN_PAGES = ("changelist", "add", "history", "delete", "change")


def admin_url_names() -> set[str]:
    names = {f"admin:{n}" for n in ADMIN_SITE_NAMES}
    for model in admin.site._registry:
        meta = model._meta
        names |= {f"admin:{meta.app_label}_{meta.model_name}_{page}" for page in MODEL_ADMIN_PAGES}
    return names


def url_names(resolver=None, namespace=()) -> set[str]:
    """Every named URL pattern, "namespace:name", walked from the root URLconf."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            names |= url_names(pattern, inner)
        elif pattern.name:
            names.add(":".join((*namespace, pattern.name)))
    return names


# ------------------------------------------------------------------ the URL configuration


def api_url_names() -> set[str]:
    """The API's URLs: their matrix, by token scope, is tests/api/test_token_matrix.py."""
    from tests.api.test_token_matrix import API_MATRIX

    return set(API_MATRIX)


def test_every_url_has_an_expectation():
    covered = set(EXPECTATIONS) | admin_url_names() | api_url_names()
    missing = sorted(url_names() - covered)
    assert not missing, "\n".join(
        f"new URL {name} has no expectation in the permission matrix "
        "(tests/security/test_url_permission_matrix.py EXPECTATIONS)"
        for name in missing
    )


def test_every_expectation_is_a_url():
    stale = sorted((set(EXPECTATIONS) | admin_url_names() | api_url_names()) - url_names())
    assert not stale, "\n".join(
        f"the permission matrix expects URL {name}, which no longer exists" for name in stale
    )


def test_the_walk_sees_every_app_and_the_admin():
    names = url_names()
    assert {"home", "healthz", "login", "teams:team", "cycles:project", "metrics:measure"} <= names
    assert "admin:index" in names and len(names) > len(EXPECTATIONS)


# ------------------------------------------------------------------ the matrix


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test runs
    in a savepoint of it (pytest-django's db fixture), each request in a savepoint of that."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            with override_settings(PASSWORD_HASHERS=hashers):
                built = build_world()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("url_name", sorted(EXPECTATIONS))
def test_url_answers_every_user_as_design_says(db, world, url_name):
    matrix = Matrix(world)
    for case in EXPECTATIONS[url_name]:
        matrix.run(url_name, case)
    assert matrix.cells > 0
    assert not matrix.problems, f"{len(matrix.problems)} of {matrix.cells} cells wrong:\n" + (
        "\n".join(matrix.problems)
    )


# DESIGN §6's table, column by column, for the team the member, lead and coach belong to...
DESIGN_TICKS = {
    "view": {"member", "lead", "coach", "board", "admin"},
    "edit_team_work": {"member", "lead", "coach", "admin"},
    "manage_team": {"lead", "admin"},
    "change_phase": {"lead", "coach", "admin"},
    "write_review": {"coach", "admin"},
    "org_admin": {"admin"},
}
# ...and for another team of the same organisation, which the unassigned coach coaches.
A_USERS = {name for name, profile in PROFILES.items() if profile.organisation == "A"}
OTHER_TEAM_TICKS = {
    "view": A_USERS,
    "edit_team_work": {"coach_unassigned", "admin"},
    "manage_team": {"admin"},
    "change_phase": {"coach_unassigned", "admin"},
    "write_review": {"coach_unassigned", "admin"},
    "org_admin": {"admin"},
}


@pytest.mark.parametrize("rule", sorted(DESIGN_TICKS))
def test_the_rules_read_like_the_design_table(rule):
    """The matrix's rules are DESIGN §6 (the organisation itself is checked before any rule)."""
    roles = ("member", "lead", "coach", "board", "admin")
    assert {r for r in roles if RULES[rule](PROFILES[r], "own")} == DESIGN_TICKS[rule]
    assert {r for r in A_USERS if RULES[rule](PROFILES[r], "other")} == OTHER_TEAM_TICKS[rule]


# ------------------------------------------------------------------ the admin site group


def _admin_pages():
    pages = [("admin:index", [])]
    for model in admin.site._registry:
        meta = model._meta
        pages.append((f"admin:{meta.app_label}_{meta.model_name}_changelist", []))
    return pages


@pytest.mark.parametrize(("name", "args"), _admin_pages())
def test_admin_site_only_for_staff(db, world, name, args):
    path = reverse(name, args=args)
    problems = []
    for user in USERS:
        client = Client()
        if user != "anonymous":
            client.force_login(world.users[user])
        response = client.get(path)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/admin/login/"):
            problems.append(f"{user}: {response.status_code} {location}")
    staff = Client()
    staff.force_login(world.staff)
    assert staff.get(path).status_code == 200, f"staff superuser on {path}"
    assert not problems, f"{path} must send non-staff to the admin sign-in: {problems}"


def test_admin_sign_in_page_is_open(db, world):
    assert Client().get(reverse("admin:login")).status_code == 200


def test_login_redirects_carry_the_path(db, world):
    """The helper the matrix judges anonymous cells with accepts only the real redirect."""
    response = Client().get(reverse("teams:trust"))
    assert login_redirect_problem(response, reverse("teams:trust")) is None
    assert login_redirect_problem(response, "/elsewhere/") is not None
