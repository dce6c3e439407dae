"""The large trust (issue 7): generated in bulk, in the right proportions, deterministic, and
left alone by a second run. Run here at a small scale (the proportions are per team)."""

from io import StringIO

from django.core.management import call_command

from cycles.models import ChangeIdea, PDSACycle, Project
from metrics.demo.large import seed_large
from metrics.models import ChartSnapshot, DataPoint, Measure, Phase
from teams.models import CoachAssignment, Directorate, Membership, Organisation, Team, User

TEAMS, WEEKS = 10, 12


def test_the_large_trust_has_the_right_proportions(db, settings):
    report = seed_large(teams=TEAMS, weeks=WEEKS, slug="big", name="Big Trust")
    org = report.organisation
    assert Directorate.objects.filter(organisation=org).count() == 8
    assert Team.objects.filter(organisation=org).count() == TEAMS
    # 250 teams -> 1,000 projects, 8,000 cycles, 2,500 measures, 250,000 points (100 weeks)
    assert Project.objects.filter(organisation=org).count() == 4 * TEAMS
    assert PDSACycle.objects.filter(project__organisation=org).count() == 32 * TEAMS
    assert Measure.objects.filter(organisation=org).count() == 10 * TEAMS
    assert DataPoint.objects.filter(measure__organisation=org).count() == 10 * TEAMS * WEEKS
    assert report.counts["data_points"] == 10 * TEAMS * WEEKS
    stages = set(PDSACycle.objects.values_list("stage", flat=True))
    assert stages == {"plan", "do", "study", "act", "closed"}
    assert set(ChangeIdea.objects.values_list("status", flat=True)) >= {"testing", "adopted"}
    # People: a lead and three members per team, coaches, board and admins.
    assert Membership.objects.filter(team__organisation=org, role="lead").count() == TEAMS
    assert Membership.objects.filter(team__organisation=org, role="member").count() == 3 * TEAMS
    assert CoachAssignment.objects.filter(team__organisation=org).count() == TEAMS
    roles = User.objects.filter(organisation=org).values_list("organisation_roles__role", flat=True)
    assert {"coach", "board", "admin"} <= set(roles)
    assert User.objects.get(username="big.lead.001").check_password(settings.DEMO_PASSWORD)
    # bulk_create skips save(): the denormalised organisation columns are set all the same.
    assert not Team.objects.exclude(organisation=org).filter(directorate__organisation=org)
    assert not Project.objects.filter(team__organisation=org).exclude(organisation=org)
    assert not Measure.objects.filter(team__organisation=org).exclude(organisation=org)
    # Some charts with frozen baselines and new phases; every chart waits for its recompute.
    assert Measure.objects.filter(organisation=org, freeze_until__isnull=False).exists()
    assert Phase.objects.filter(measure__organisation=org).exists()
    snapshots = ChartSnapshot.objects.filter(measure__organisation=org)
    assert snapshots.count() == 10 * TEAMS and set(snapshots.values_list("status", flat=True)) == {
        "stale"
    }


def _digest(slug):
    org = Organisation.objects.get(slug=slug)
    return (
        list(Team.objects.filter(organisation=org).order_by("pk").values_list("name", "kind")),
        list(
            Measure.objects.filter(organisation=org)
            .order_by("pk")
            .values_list("name", "chart_type", "target", "freeze_until", "is_key")
        ),
        list(
            DataPoint.objects.filter(measure__organisation=org)
            .order_by("measure_id", "period")
            .values_list("period", "value", "numerator", "denominator")
        ),
        list(
            PDSACycle.objects.filter(project__organisation=org)
            .order_by("pk")
            .values_list("number", "stage", "decision")
        ),
        list(
            Project.objects.filter(organisation=org)
            .order_by("pk")
            .values_list("status", "aim_what")
        ),
        list(
            User.objects.filter(organisation=org)
            .order_by("pk")
            .values_list("first_name", "last_name", "job_title")
        ),
    )


def test_the_large_trust_is_the_same_every_time(db):
    seed_large(teams=3, weeks=WEEKS, slug="one", name="One")
    seed_large(teams=3, weeks=WEEKS, slug="two", name="Two")
    assert _digest("one") == _digest("two")


def test_seeding_again_leaves_the_trust_alone_and_the_demo_trust_untouched(db):
    out = StringIO()
    call_command("seed_demo", "--scale", "large", "--teams", "3", "--weeks", "10", stdout=out)
    assert "Large Trust: 8" not in out.getvalue()  # 3 teams -> 3 directorates
    assert "30 measures, 300 data_points" in out.getvalue()
    before = (Measure.objects.count(), DataPoint.objects.count(), User.objects.count())
    again = StringIO()
    call_command("seed_demo", "--scale", "large", "--teams", "3", stdout=again)
    assert "already exists" in again.getvalue()
    assert (Measure.objects.count(), DataPoint.objects.count(), User.objects.count()) == before
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["large"]
