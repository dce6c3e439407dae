"""The demo trust's improvement work: believable, complete, and seeded only once."""

from io import StringIO

from django.core.management import call_command

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review

MODELS = (Project, Driver, ChangeIdea, PDSACycle, ProgressScore, Review)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_covers_every_status_and_stage(db):
    call_command("seed_demo", stdout=StringIO())
    assert set(ChangeIdea.objects.values_list("status", flat=True)) == set(ChangeIdea.Status.values)
    assert set(PDSACycle.objects.values_list("stage", flat=True)) == set(PDSACycle.Stage.values)
    assert Review.objects.filter(resolved_at__isnull=True).exists()
    assert Review.objects.filter(resolved_at__isnull=False).exists()
    assert PDSACycle.objects.filter(parent__isnull=False).exists(), "a ramp of cycles"
    assert ChangeIdea.objects.filter(spread_from__isnull=False).exists(), "an idea spread"
    assert ProgressScore.objects.filter(scored_by="coach").exists()
    titles = set(Project.objects.values_list("title", flat=True))
    assert "Fewer violent incidents on Willow Ward" in titles
    assert "Cutting first-appointment non-attendance" in titles
    assert "Reducing length of stay on Cedar Ward" in titles
    assert all(p.organisation_id == p.team.organisation_id for p in Project.objects.all())


def test_seed_demo_twice_changes_no_project_data(db):
    call_command("seed_demo", stdout=StringIO())
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "already up to date" in out.getvalue()


def test_demo_cycles_hold_what_their_stage_says_was_recorded(db):
    call_command("seed_demo", stdout=StringIO())
    for cycle in PDSACycle.objects.all():
        if cycle.stage in ("do", "study", "act", "closed"):
            assert cycle.what_happened, cycle
        if cycle.stage in ("study", "act", "closed"):
            assert cycle.learning, cycle
        if cycle.stage in ("act", "closed"):
            assert cycle.decision, cycle
