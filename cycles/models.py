"""Improvement projects, their driver diagrams, change ideas, PDSA cycles, progress scores and
coach reviews (DESIGN §3). Domain operations live in cycles.services; these are data and
invariants only.

Every project carries its organisation (denormalised from its team) so that organisation
filters are one indexed column, as DESIGN §9 asks.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Testing changes"
        SUSTAINING = "sustaining", "Sustaining and spreading"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    organisation = models.ForeignKey(
        "teams.Organisation", on_delete=models.CASCADE, related_name="projects", editable=False
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=200)
    problem = models.TextField(help_text="What is the problem, and who does it affect?")
    aim_what = models.CharField(
        "What will improve", max_length=300, help_text="e.g. Violent incidents involving staff"
    )
    aim_how_much = models.CharField(
        "By how much", max_length=200, help_text="e.g. a 30% reduction, from 12 to 8 a month"
    )
    aim_by_when = models.DateField("By when")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField()
    service_user_involvement = models.TextField(
        "How service users took part",
        blank=True,
        help_text="Co-production: who was involved, and how they shaped the work.",
    )
    # Evidence of change: a signal is linked to the cycles whose Do started up to this many
    # periods (of the measure's frequency) before it (metrics.evidence).
    evidence_window = models.PositiveSmallIntegerField(
        "Signals follow a test of change within",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Periods of each measure (weeks of a weekly one). A signal that begins this "
        "long after a PDSA cycle's test started, or sooner, is shown as following it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "title"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # An invariant, not business logic: a project's organisation is its team's.
        self.organisation_id = self.team.organisation_id
        super().save(*args, **kwargs)

    @property
    def aim_statement(self) -> str:
        when = self.aim_by_when
        return f"{self.aim_what}: {self.aim_how_much} by {when.day} {when:%B %Y}"


class ProgressScore(models.Model):
    """A point on the IHI project progress scale (0.5 to 5.0 in half points)."""

    class ScoredBy(models.TextChoices):
        TEAM = "team", "Team"
        COACH = "coach", "QI coach"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("5.0"))],
    )
    scored_by = models.CharField(max_length=10, choices=ScoredBy.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scored_on = models.DateField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scored_on", "-created_at"]
        get_latest_by = ["scored_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=Decimal("0.5")) & Q(score__lte=Decimal("5.0")),
                name="progress_score_in_ihi_range",
            )
        ]

    def __str__(self):
        return f"{self.score} ({self.get_scored_by_display()}) for {self.project}"


class Driver(models.Model):
    """A primary driver (no parent) or a secondary driver (under a primary) of the aim."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="drivers")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None


class ChangeIdea(models.Model):
    class Status(models.TextChoices):
        TESTING = "testing", "Testing"
        ADOPTED = "adopted", "Adopted"
        ADAPTED = "adapted", "Adapted"
        ABANDONED = "abandoned", "Abandoned"
        SPREAD = "spread", "Spread"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_ideas")
    driver = models.ForeignKey(
        Driver,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_ideas",
        help_text="The secondary (or primary) driver this idea acts on.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TESTING)
    # When the status last changed (set by cycles.services): dashboards count adoption and
    # spread by month from it.
    status_changed_at = models.DateTimeField(default=timezone.now)
    spread_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spread_to",
        help_text="The change idea of another team this one was copied from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.title


class PDSACycle(models.Model):
    class Stage(models.TextChoices):
        PLAN = "plan", "Plan"
        DO = "do", "Do"
        STUDY = "study", "Study"
        ACT = "act", "Act"
        CLOSED = "closed", "Closed"

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cycles")
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField(help_text="Numbered from 1 within the change idea.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ons",
        help_text="The earlier cycle this one builds on (a ramp of tests).",
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PLAN)
    # Plan
    objective = models.TextField("Objective of this test")
    questions = models.TextField("Questions we want to answer", blank=True)
    predictions = models.TextField("What we predict will happen", blank=True)
    plan_who = models.CharField("Who", max_length=300, blank=True)
    plan_what = models.CharField("What", max_length=300, blank=True)
    plan_when = models.CharField("When", max_length=300, blank=True)
    plan_where = models.CharField("Where", max_length=300, blank=True)
    data_collection = models.TextField("Data we will collect", blank=True)
    # Do
    do_started_on = models.DateField("Test started", null=True, blank=True)
    do_ended_on = models.DateField("Test ended", null=True, blank=True)
    what_happened = models.TextField("What happened", blank=True)
    surprises = models.TextField("Problems and surprises", blank=True)
    # Study
    results = models.TextField("Results compared with our predictions", blank=True)
    learning = models.TextField("What we learned", blank=True)
    # Act
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    next_steps = models.TextField("Next steps", blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["change_idea_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_idea", "number"], name="cycle_number_unique_in_change_idea"
            ),
            models.CheckConstraint(
                condition=~Q(stage="closed") | (~Q(learning="") & ~Q(decision="")),
                name="closed_cycle_has_study_and_act",
            ),
        ]
        indexes = [models.Index(fields=["project", "stage"])]

    def __str__(self):
        return f"PDSA {self.number}: {self.change_idea}"


class Review(models.Model):
    """A coach's feedback on a project, or on one of its cycles; open until resolved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    cycle = models.ForeignKey(
        PDSACycle, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField("Feedback")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "resolved_at"])]

    def __str__(self):
        return f"Review of {self.cycle or self.project} by {self.author}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
