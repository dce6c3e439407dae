"""One world for the URL permission matrix: two organisations, three teams, and in each team the
whole chain of QI work (project, driver, change idea, PDSA cycle, review, progress score, a
measure with data points, a phase and a baseline change, an import job) plus the dashboard
snapshots, computed for real. Also a trust-wide measure of the first organisation.

Users are named for what they are *to the first organisation's `own` team*: its member and lead,
its assigned coach, a coach not assigned to it, a board member, a QI admin, an admin of the other
organisation (`foreign`) and an account with no organisation (`orgless`).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review
from metrics import periods as P
from metrics.dashboards.recompute import dashboard_snapshot_compute, dashboards_request
from metrics.measures.services import baseline_freeze, measure_create, phase_start
from metrics.models import DashboardSnapshot, Measure
from teams.models import CoachAssignment, Directorate, Membership, Organisation, Team, User
from tests.factories import (
    DirectorateFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    UserFactory,
)
from tests.metrics.measures.world import add_points

USERS = ("member", "lead", "coach", "coach_unassigned", "board", "admin", "foreign", "orgless")


@dataclass
class Place:
    """The objects a URL of the matrix points at, for one relation (own/other/trust/foreign)."""

    organisation: Organisation
    directorate: Directorate
    team: Team | None  # None: the organisation's trust-wide measure
    measure: Measure
    phase: object = None
    project: Project | None = None
    target_project: Project | None = None  # a second project, where ideas are spread into
    driver: Driver | None = None
    idea: ChangeIdea | None = None
    cycle: PDSACycle | None = None
    review: Review | None = None
    spare_membership: Membership | None = None  # someone a lead may remove from the team
    candidate: User | None = None  # someone of the organisation a lead may add to the team
    someone_else: User | None = None  # an author of imports who is not the requesting user


@dataclass
class World:
    places: dict[str, Place]
    users: dict[str, User]
    staff: User  # a Django-admin superuser, for the admin site group
    # organisation id -> names only that organisation's pages may show (teams, projects...)
    markers: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def alien_markers(self, user) -> list[str]:
        """What must never appear on a page served to this user: every other organisation's
        names (all of them for an anonymous visitor or an account without organisation)."""
        own = getattr(user, "organisation_id", None)
        return [m for org, names in self.markers.items() if org != own for m in names]

    def home_place(self, user) -> Place:
        """The place standing for the user's own organisation (org-level URLs)."""
        if user is not None and user.organisation_id == self.places["foreign"].organisation.pk:
            return self.places["foreign"]
        return self.places["own"]


def weekly_periods(n: int, *, weeks_ago: int) -> list[dt.date]:
    """n Mondays, oldest first, the last one `weeks_ago` weeks before this week."""
    this_week = P.period_start(timezone.localdate(), "week")
    last = this_week - dt.timedelta(weeks=weeks_ago)
    return [last - dt.timedelta(weeks=n - 1 - i) for i in range(n)]


POINTS = weekly_periods(12, weeks_ago=4)
VALUES = [10, 11, 9, 10, 12, 10, 5, 6, 4, 5, 6, 5]


def _measure(organisation, team, name, user):
    measure = measure_create(
        organisation=organisation,
        team=team,
        name=name,
        definition=f"{name}, counted from the incident system.",
        unit="incidents",
        frequency="week",
        chart_type="xmr",
        improvement="decrease",
    )
    add_points(measure, POINTS, VALUES, user=user)
    phase = phase_start(measure=measure, starts_on=POINTS[6], reason="Huddles began", user=user)
    baseline_freeze(measure=measure, until=POINTS[3], reason="Baseline agreed", user=user)
    measure.refresh_from_db()
    return measure, phase


def _team_work(team, author, name):
    project = Project.objects.create(
        team=team,
        title=f"{name}: fewer incidents",
        problem="Too many incidents in the evening.",
        aim_what="Violent incidents",
        aim_how_much="from 12 to 8 a month",
        aim_by_when=dt.date(2027, 12, 31),
        start_date=dt.date(2025, 1, 6),
        status=Project.Status.ACTIVE,
        created_by=author,
    )
    target = Project.objects.create(
        team=team,
        title=f"{name}: calmer evenings",
        problem="Evenings are loud.",
        aim_what="Noise complaints",
        aim_how_much="halved",
        aim_by_when=dt.date(2027, 12, 31),
        start_date=dt.date(2025, 1, 6),
        created_by=author,
    )
    driver = Driver.objects.create(project=project, text=f"{name} staff confidence")
    idea = ChangeIdea.objects.create(
        project=project, driver=driver, title=f"{name} safety huddle", status="testing"
    )
    cycle = PDSACycle.objects.create(
        project=project,
        change_idea=idea,
        number=1,
        objective="Try a safety huddle at the late shift for a week.",
        what_happened="Four huddles out of five.",
        learning="Huddles work when the nurse in charge leads them.",
        decision=PDSACycle.Decision.ADAPT,
        stage=PDSACycle.Stage.ACT,
        author=author,
    )
    review = Review.objects.create(project=project, cycle=cycle, text="Annotate the chart.")
    ProgressScore.objects.create(
        project=project, score="2.0", scored_by="team", scored_on=dt.date(2025, 3, 3)
    )
    return project, target, driver, idea, cycle, review


def _org_people(organisation, prefix):
    return UserFactory(organisation=organisation, first_name=f"{prefix}Candidate")


def build_world() -> World:
    org_a = OrganisationFactory(name="Northfield NHS Trust")
    org_b = OrganisationFactory(name="Southmoor NHS Trust")
    dir_own = DirectorateFactory(organisation=org_a, name="Adult mental health")
    dir_other = DirectorateFactory(organisation=org_a, name="Community services")
    dir_foreign = DirectorateFactory(organisation=org_b, name="Forensic services")
    own = Team.objects.create(directorate=dir_own, name="Willow Ward", kind="ward")
    other = Team.objects.create(directorate=dir_other, name="Cedar Team", kind="community")
    foreign = Team.objects.create(directorate=dir_foreign, name="Oak Ward", kind="ward")

    users = {
        "member": MembershipFactory(team=own, role="member").user,
        "lead": MembershipFactory(team=own, role="lead").user,
        "coach": OrganisationRoleFactory(user__organisation=org_a, role="coach").user,
        "coach_unassigned": OrganisationRoleFactory(user__organisation=org_a, role="coach").user,
        "board": OrganisationRoleFactory(user__organisation=org_a, role="board").user,
        "admin": OrganisationRoleFactory(user__organisation=org_a, role="admin").user,
        "foreign": OrganisationRoleFactory(user__organisation=org_b, role="admin").user,
        "orgless": UserFactory(organisation=None),
    }
    CoachAssignment.objects.create(coach=users["coach"], team=own)
    # The unassigned coach coaches the other team: "not assigned" to own, still a coach.
    CoachAssignment.objects.create(coach=users["coach_unassigned"], team=other)
    staff = UserFactory(organisation=None, is_staff=True, is_superuser=True)

    candidates = {org_a.pk: _org_people(org_a, "North"), org_b.pk: _org_people(org_b, "South")}
    places = {}
    for relation, team in (("own", own), ("other", other), ("foreign", foreign)):
        spare = MembershipFactory(team=team, role="member")
        author = spare.user
        project, target, driver, idea, cycle, review = _team_work(team, author, team.name)
        measure, phase = _measure(team.organisation, team, f"{team.name} incidents", author)
        measure.projects.add(project)
        places[relation] = Place(
            organisation=team.organisation,
            directorate=team.directorate,
            team=team,
            measure=measure,
            phase=phase,
            project=project,
            target_project=target,
            driver=driver,
            idea=idea,
            cycle=cycle,
            review=review,
            spare_membership=spare,
            candidate=candidates[team.organisation_id],
            someone_else=author,
        )
    trust_measure, trust_phase = _measure(org_a, None, "Bed occupancy", users["admin"])
    places["trust"] = Place(
        organisation=org_a,
        directorate=dir_own,
        team=None,
        measure=trust_measure,
        phase=trust_phase,
        someone_else=places["own"].someone_else,
    )

    # Dashboard snapshots of every scope, computed as the worker would.
    for team in (own, other, foreign):
        dashboards_request(
            organisation_id=team.organisation_id,
            directorate_id=team.directorate_id,
            team_id=team.pk,
        )
    for snapshot_id in DashboardSnapshot.objects.values_list("pk", flat=True):
        dashboard_snapshot_compute(snapshot_id=snapshot_id)
    markers = {}
    for place in places.values():
        names = [place.organisation.name, place.directorate.name, place.measure.name]
        if place.team is not None:
            names += [place.team.name, place.project.title, place.idea.title, place.driver.text]
            names.append(place.candidate.first_name)
        markers.setdefault(place.organisation.pk, set()).update(names)
    return World(
        places=places,
        users=users,
        staff=staff,
        markers={org: tuple(sorted(names)) for org, names in markers.items()},
    )
