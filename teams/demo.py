"""The demo trust (DESIGN §7): a believable mental health trust, built deterministically.

Every row is looked up by its natural key before it is created, so seeding twice changes nothing.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from teams.models import (
    CoachAssignment,
    Directorate,
    Membership,
    Organisation,
    OrganisationRole,
    Team,
    User,
)

ORGANISATION = ("Riverside Mental Health NHS Foundation Trust", "riverside")

# directorate -> [(team slug, team name, kind, lead name, member name)]
STRUCTURE = {
    "Adult inpatient": [
        ("willow", "Willow Ward (acute admissions)", Team.Kind.WARD, "Grace Okafor", "Tom Hughes"),
        ("cedar", "Cedar Ward (acute admissions)", Team.Kind.WARD, "Priya Nair", "Liam Walsh"),
        ("rowan", "Rowan PICU", Team.Kind.WARD, "Daniel Mensah", "Chloe Price"),
    ],
    "Adult community": [
        (
            "north-cmht",
            "North Community Mental Health Team",
            Team.Kind.COMMUNITY,
            "Sarah Whitfield",
            "Owen Jones",
        ),
        (
            "south-cmht",
            "South Community Mental Health Team",
            Team.Kind.COMMUNITY,
            "Imran Hussain",
            "Hannah Clarke",
        ),
        (
            "crisis",
            "Crisis Resolution and Home Treatment",
            Team.Kind.CRISIS,
            "Rebecca Stone",
            "Josh Patel",
        ),
    ],
    "CAMHS": [
        ("camhs-east", "CAMHS Community East", Team.Kind.COMMUNITY, "Aisha Begum", "Ellie Marsh"),
        ("oak", "Oak Unit (adolescent inpatient)", Team.Kind.WARD, "Mark Fenwick", "Zara Ali"),
    ],
    "Older adults": [
        ("elm", "Elm Ward (older adults)", Team.Kind.WARD, "Helen Brooks", "Kwame Asante"),
        ("memory", "Memory Assessment Service", Team.Kind.OUTPATIENT, "Fiona Reid", "Sam Turner"),
    ],
    "Forensic": [
        ("ash", "Ash Ward (medium secure)", Team.Kind.WARD, "Paul Adeyemi", "Nina Kowalski"),
        ("birch", "Birch Ward (low secure)", Team.Kind.WARD, "Claire Dunn", "Ravi Sharma"),
    ],
}

# username -> (name, job title, organisation roles, team slugs coached)
ORGANISATION_PEOPLE = {
    "qi.admin": ("Jo Marsden", "QI programme manager", ["admin"], []),
    "board.chair": ("Margaret Ellis", "Trust chair", ["board"], []),
    "board.nursing": ("David Achebe", "Director of nursing", ["board"], []),
    "coach.amara": (
        "Amara Osei",
        "QI coach",
        ["coach"],
        ["willow", "cedar", "rowan", "ash", "birch"],
    ),
    "coach.ben": (
        "Ben Carter",
        "QI coach",
        ["coach"],
        ["north-cmht", "south-cmht", "crisis", "camhs-east", "oak", "elm", "memory"],
    ),
}


@dataclass
class SeedReport:
    organisation: Organisation
    created: int = 0
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, role


def _user(org, username, full_name, job_title, report) -> User:
    first, _, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "organisation": org,
            "first_name": first,
            "last_name": last,
            "job_title": job_title,
            "email": f"{username}@riverside.example.nhs.uk",
        },
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        report.created += 1
    return user


def _get_or_create(model, report, **kwargs):
    obj, created = model.objects.get_or_create(**kwargs)
    report.created += int(created)
    return obj


@transaction.atomic
def seed_structure() -> SeedReport:
    name, slug = ORGANISATION
    org, created = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
    report = SeedReport(organisation=org, created=int(created))

    teams = {}
    for directorate_name, team_rows in STRUCTURE.items():
        directorate = _get_or_create(Directorate, report, organisation=org, name=directorate_name)
        for team_slug, team_name, kind, lead_name, member_name in team_rows:
            team = Team.objects.filter(directorate=directorate, name=team_name).first()
            if team is None:
                team = Team.objects.create(directorate=directorate, name=team_name, kind=kind)
                report.created += 1
            teams[team_slug] = team
            for role, person in (
                (Membership.Role.LEAD, lead_name),
                (Membership.Role.MEMBER, member_name),
            ):
                username = f"{role}.{team_slug}"
                title = "Team lead" if role == Membership.Role.LEAD else "Staff nurse"
                user = _user(org, username, person, title, report)
                _get_or_create(Membership, report, user=user, team=team, role=role)
                report.sign_ins.append((username, person, f"{Membership.Role(role).label}, {team}"))

    for username, (person, title, roles, coached) in ORGANISATION_PEOPLE.items():
        user = _user(org, username, person, title, report)
        if "admin" in roles and not user.is_staff:
            # The demo's QI admin may also use the site administration for roles and users.
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        for role in roles:
            _get_or_create(OrganisationRole, report, user=user, role=role)
        for team_slug in coached:
            _get_or_create(CoachAssignment, report, coach=user, team=teams[team_slug])
        labels = ", ".join(OrganisationRole.Role(r).label for r in roles)
        report.sign_ins.append((username, person, labels))
    return report
