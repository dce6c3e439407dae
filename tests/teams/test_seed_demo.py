from io import StringIO

from django.core.management import call_command

from teams.models import CoachAssignment, Membership, Organisation, OrganisationRole, Team, User

ROW_MODELS = (Organisation, Team, User, Membership, OrganisationRole, CoachAssignment)


def _counts():
    return {model.__name__: model.objects.count() for model in ROW_MODELS}


def test_seed_demo_builds_the_trust_and_prints_how_to_sign_in(db, settings):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()

    organisation = Organisation.objects.get()
    assert set(organisation.directorates.values_list("name", flat=True)) == {
        "Adult inpatient",
        "Adult community",
        "CAMHS",
        "Older adults",
        "Forensic",
    }
    roles = set(OrganisationRole.objects.values_list("role", flat=True))
    assert roles == {"coach", "board", "admin"}
    assert set(Membership.objects.values_list("role", flat=True)) == {"member", "lead"}
    assert CoachAssignment.objects.count() == Team.objects.count(), "every demo team has a coach"
    for username in ("qi.admin", "board.chair", "coach.amara", "lead.willow", "member.willow"):
        assert username in text
        assert User.objects.get(username=username).check_password(settings.DEMO_PASSWORD)
    assert settings.DEMO_PASSWORD in text


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    before = _counts()
    passwords = dict(User.objects.values_list("username", "password"))

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "already up to date" in out.getvalue()
