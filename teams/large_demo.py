"""The large trust's structure (issue 7, DESIGN §8): directorates, teams and their people,
generated in bulk for performance work.

A separate organisation, so the default demo trust stays as it is. Rows are made with
`bulk_create` in batches (no per-row services), so the denormalised `organisation` columns are
set here, as `save()` would. Names come from a seeded generator: the same on every machine.
The orchestration (with projects, cycles, measures and data) lives in metrics.demo.large,
which registers itself with teams.extensions; teams imports neither cycles nor metrics.
"""

import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password

from teams.models import (
    CoachAssignment,
    Directorate,
    Membership,
    Organisation,
    OrganisationRole,
    Team,
    User,
)

LARGE_SLUG, LARGE_NAME = "large", "Large Trust"
BATCH = 2000
DIRECTORATES = [
    "Adult inpatient",
    "Adult community",
    "CAMHS",
    "Older adults",
    "Forensic",
    "Learning disabilities",
    "Perinatal",
    "Specialist services",
]
TEAM_KINDS = [
    ("Ward", Team.Kind.WARD),
    ("Community Team", Team.Kind.COMMUNITY),
    ("Crisis Team", Team.Kind.CRISIS),
    ("Clinic", Team.Kind.OUTPATIENT),
]
PLACES = [
    "Alder", "Ash", "Aspen", "Beech", "Birch", "Blackthorn", "Cedar", "Cherry", "Elder", "Elm",
    "Hawthorn", "Hazel", "Holly", "Juniper", "Larch", "Laurel", "Linden", "Maple", "Oak", "Pine",
    "Poplar", "Rowan", "Spruce", "Sycamore", "Willow", "Yew",
]  # fmt: skip
FIRST = [
    "Aisha", "Ben", "Chloe", "Daniel", "Ella", "Femi", "Grace", "Hannah", "Imran", "Jo", "Kwame",
    "Laura", "Mark", "Nina", "Owen", "Priya", "Rachel", "Sam", "Tom", "Uma", "Zara",
]  # fmt: skip
LAST = [
    "Ali", "Brooks", "Clarke", "Dunn", "Ellis", "Fenwick", "Hughes", "Jones", "Khan", "Marsh",
    "Mensah", "Nair", "Okafor", "Patel", "Reid", "Shah", "Stone", "Turner", "Walsh", "Young",
]  # fmt: skip
MEMBERS_PER_TEAM = 3  # plus one lead
TEAMS_PER_COACH = 12.5  # 250 teams -> 20 coaches
BOARD, ADMINS = 6, 2


@dataclass
class LargeStructure:
    organisation: Organisation
    directorates: list[Directorate]
    teams: list[Team]
    leads: dict[int, User]  # team pk -> its lead
    members: dict[int, list[User]]  # team pk -> its members
    coaches: dict[int, User]  # team pk -> its coach
    counts: dict[str, int] = field(default_factory=dict)


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def seed_large_structure(*, teams: int, slug: str = LARGE_SLUG, name: str = LARGE_NAME):
    """Create the organisation and everything under it. Call inside a transaction; the caller
    checks that the organisation does not exist yet."""
    rng = random.Random(f"structure/{teams}")
    organisation = Organisation.objects.create(slug=slug, name=name)
    n_dirs = min(len(DIRECTORATES), teams)
    directorates = Directorate.objects.bulk_create(
        Directorate(organisation=organisation, name=d) for d in DIRECTORATES[:n_dirs]
    )
    team_rows = []
    for i in range(teams):
        place = PLACES[i % len(PLACES)]
        label, kind = TEAM_KINDS[(i // len(PLACES)) % len(TEAM_KINDS)]
        team_rows.append(
            Team(
                directorate=directorates[i % n_dirs],
                organisation=organisation,  # save() would set it; bulk_create does not
                name=f"{place} {label} {i + 1:03d}",
                kind=kind,
            )
        )
    team_objs = Team.objects.bulk_create(team_rows, batch_size=BATCH)

    password = make_password(settings.DEMO_PASSWORD)  # hashed once, shared by every user
    domain = f"{slug}.example.nhs.uk"

    def user(username, job_title, **extra):
        first, last = _person(rng)
        return User(
            username=username,
            organisation=organisation,
            first_name=first,
            last_name=last,
            job_title=job_title,
            email=f"{username}@{domain}",
            password=password,
            **extra,
        )

    users, memberships_spec = [], []
    for i, _team in enumerate(team_objs):
        users.append(user(f"{slug}.lead.{i + 1:03d}", "Team lead"))
        memberships_spec.append((i, len(users) - 1, Membership.Role.LEAD))
        for m in range(MEMBERS_PER_TEAM):
            users.append(user(f"{slug}.member.{i + 1:03d}.{m + 1}", "Staff nurse"))
            memberships_spec.append((i, len(users) - 1, Membership.Role.MEMBER))
    n_coaches = max(1, round(teams / TEAMS_PER_COACH))
    first_coach = len(users)
    users += [user(f"{slug}.coach.{c + 1:02d}", "QI coach") for c in range(n_coaches)]
    first_board = len(users)
    users += [user(f"{slug}.board.{b + 1}", "Board member") for b in range(BOARD)]
    first_admin = len(users)
    users += [
        user(f"{slug}.admin.{a + 1}", "QI programme manager", is_staff=True) for a in range(ADMINS)
    ]
    users = User.objects.bulk_create(users, batch_size=BATCH)

    Membership.objects.bulk_create(
        (Membership(user=users[u], team=team_objs[t], role=r) for t, u, r in memberships_spec),
        batch_size=BATCH,
    )
    roles = [OrganisationRole(user=u, role="coach") for u in users[first_coach:first_board]]
    roles += [OrganisationRole(user=u, role="board") for u in users[first_board:first_admin]]
    roles += [OrganisationRole(user=u, role="admin") for u in users[first_admin:]]
    OrganisationRole.objects.bulk_create(roles)
    coaches = users[first_coach:first_board]
    assignments = [
        CoachAssignment(coach=coaches[i % n_coaches], team=team) for i, team in enumerate(team_objs)
    ]
    CoachAssignment.objects.bulk_create(assignments, batch_size=BATCH)

    leads, members = {}, {}
    for t, u, role in memberships_spec:
        team_pk = team_objs[t].pk
        if role == Membership.Role.LEAD:
            leads[team_pk] = users[u]
        else:
            members.setdefault(team_pk, []).append(users[u])
    return LargeStructure(
        organisation=organisation,
        directorates=list(directorates),
        teams=list(team_objs),
        leads=leads,
        members=members,
        coaches={a.team.pk: a.coach for a in assignments},
        counts={
            "directorates": len(directorates),
            "teams": len(team_objs),
            "users": len(users),
            "memberships": len(memberships_spec),
            "coaches": n_coaches,
            "organisation_roles": len(roles),
        },
    )
