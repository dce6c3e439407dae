"""The demo trust's dashboards are drawn as soon as `seed_demo` finishes, and they tell the
story DESIGN §7 promises the board: some key measures improving after the projects' cycles,
some common cause, some failing their target."""

from io import StringIO

from django.core.management import call_command

from metrics.models import DashboardSnapshot
from teams.models import Directorate, Organisation, Team


def test_seed_demo_computes_every_dashboard_of_the_trust_and_they_tell_its_story(db):
    call_command("seed_demo", stdout=StringIO())
    organisation = Organisation.objects.get(slug="riverside")

    snapshots = DashboardSnapshot.objects.filter(organisation=organisation)
    expected = {("organisation", organisation.pk)}
    expected |= {("directorate", pk) for pk in Directorate.objects.values_list("pk", flat=True)}
    expected |= {("team", pk) for pk in Team.objects.values_list("pk", flat=True)}
    assert set(snapshots.values_list("scope", "scope_id")) == expected
    assert not snapshots.filter(computed_at__isnull=True).exists()
    assert not snapshots.filter(dirty_since__isnull=False).exists()

    board = snapshots.get(scope="organisation").data
    key = board["measures"]
    assert key and all(m["is_key"] for m in key)
    assert any(m["variation"] in ("improvement_low", "improvement_high") for m in key)
    assert any(m["variation"] == "common_cause" for m in key)
    assert any(m["assurance"] == "fail" for m in key)
    improving = [m for m in key if (m["variation"] or "").startswith("improvement")]
    assert all(m["special_cause_since"] for m in improving)
    assert all(len(m["sparkline"]) == 24 or len(m["sparkline"]) == 26 for m in key)

    activity = board["activity"]["rows"]
    assert sum(sum(row["cycles_completed"]) for row in activity) > 0
    assert sum(sum(row["ideas_adopted"]) for row in activity) > 0
    assert sum(sum(row["ideas_spread"]) for row in activity) == 1
    # Cycles closed over the months of the story, not all on the day of seeding.
    months_with_cycles = {i for row in activity for i, n in enumerate(row["cycles_completed"]) if n}
    assert len(months_with_cycles) >= 3
    assert sum(board["progress"]["distribution"].values()) == sum(
        row["active_projects"] for row in activity
    )


def test_seeding_twice_leaves_the_dashboards_as_they_were(db):
    call_command("seed_demo", stdout=StringIO())
    before = {(s.scope, s.scope_id): s.data["measures"] for s in DashboardSnapshot.objects.all()}
    call_command("seed_demo", stdout=StringIO())
    after = {(s.scope, s.scope_id): s.data["measures"] for s in DashboardSnapshot.objects.all()}
    assert after == before
