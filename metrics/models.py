"""Measures, their data points (with correction history), phases and frozen baselines, chart
and dashboard snapshots, and the worker round-trip check (DESIGN §3, §4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Measure(models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome measure"
        PROCESS = "process", "Process measure"
        BALANCING = "balancing", "Balancing measure"

    class Frequency(models.TextChoices):
        DAY = "day", "Daily"
        WEEK = "week", "Weekly (week commencing Monday)"
        MONTH = "month", "Monthly"

    class ChartType(models.TextChoices):
        RUN = "run", "Run chart (median and runs analysis)"
        XMR = "xmr", "XmR chart (continuous values)"
        C = "c", "C chart (counts of events)"
        U = "u", "U chart (rate of events per unit of exposure)"
        UP = "up", "Laney U′ chart (rates with very large denominators)"
        P = "p", "P chart (proportion of cases)"
        PP = "pp", "Laney P′ chart (proportions with very large denominators)"
        T = "t", "T chart (days between rare events)"
        G = "g", "G chart (opportunities between rare events)"

    class Improvement(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"
        NEITHER = "neither", "Neither (no direction)"

    organisation = models.ForeignKey(
        "teams.Organisation", on_delete=models.CASCADE, related_name="measures", editable=False
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
        help_text="The team that owns the measure; empty for a trust-wide measure.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OUTCOME)
    definition = models.TextField(
        "Operational definition",
        help_text="Exactly what is counted or measured, from which source, and how.",
    )
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. days, incidents, %")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEK)
    chart_type = models.CharField(max_length=10, choices=ChartType.choices, default=ChartType.RUN)
    improvement = models.CharField(
        max_length=10, choices=Improvement.choices, default=Improvement.DECREASE
    )
    target = models.FloatField(
        null=True, blank=True, help_text="For P charts, a percentage (e.g. 15 for 15%)."
    )
    is_key = models.BooleanField("Key measure for the board", default=False)
    # The warehouse's own key for the measure, by which the API finds it (unique in the trust).
    external_id = models.CharField(
        "Warehouse id",
        max_length=100,
        blank=True,
        help_text="The key of this measure in the trust's data warehouse, for the API.",
    )
    projects = models.ManyToManyField("cycles.Project", related_name="measures", blank=True)
    cycles = models.ManyToManyField(
        "cycles.PDSACycle",
        related_name="measures",
        blank=True,
        help_text="PDSA cycles expected to move this measure.",
    )
    # Bumped by every write that changes what the chart shows (data, phases, settings).
    data_version = models.PositiveBigIntegerField(default=0)
    # Limits of the first phase come from its points up to and including this period.
    freeze_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organisation", "is_key"]),
            models.Index(fields=["team", "name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="measure_external_id_unique_in_organisation",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # An invariant, not business logic: the measure belongs to its team's organisation.
        if self.team_id is not None:
            self.organisation_id = self.team.organisation_id
        super().save(*args, **kwargs)

    @property
    def uses_denominator(self) -> bool:
        return self.chart_type in {"p", "pp", "u", "up"}

    @property
    def is_proportion(self) -> bool:
        return self.chart_type in {"p", "pp"}

    @property
    def is_rare_event(self) -> bool:
        """T and G charts: one data point per event, dated by the day it happened."""
        return self.chart_type in {"t", "g"}


class DataPoint(models.Model):
    """One period of one measure: a value, or a numerator and a denominator."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    period = models.DateField()
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_point_per_period"),
        ]

    def __str__(self):
        return f"{self.measure} {self.period}"


class DataPointRevision(models.Model):
    """A correction: what a period held before someone entered it again, who changed it, when."""

    point = models.ForeignKey(DataPoint, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.FloatField(null=True, blank=True)
    old_numerator = models.FloatField(null=True, blank=True)
    old_denominator = models.FloatField(null=True, blank=True)
    old_note = models.CharField(max_length=500, blank=True)
    new_value = models.FloatField(null=True, blank=True)
    new_numerator = models.FloatField(null=True, blank=True)
    new_denominator = models.FloatField(null=True, blank=True)
    new_note = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"Correction of {self.point} at {self.changed_at:%Y-%m-%d %H:%M}"


class Phase(models.Model):
    """A new baseline: centre and limits are recalculated from this period on."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="phases")
    starts_on = models.DateField()
    label = models.CharField(max_length=200, help_text="Why the process changed here.")
    change_idea = models.ForeignKey(
        "cycles.ChangeIdea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phases",
        help_text="The change idea this new phase followed.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "starts_on"], name="one_phase_per_period"),
        ]

    def __str__(self):
        return f"{self.measure}: new phase from {self.starts_on}"


class BaselineChange(models.Model):
    """The record of every phase and freeze change on a measure: who, what, why."""

    class Action(models.TextChoices):
        PHASE_STARTED = "phase_started", "Started a new phase"
        PHASE_REMOVED = "phase_removed", "Removed a phase"
        FROZEN = "frozen", "Froze the limits on a baseline"
        UNFROZEN = "unfrozen", "Unfroze the limits"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="baseline_changes")
    action = models.CharField(max_length=20, choices=Action.choices)
    period = models.DateField(null=True, blank=True)
    reason = models.TextField()
    change_idea = models.ForeignKey(
        "cycles.ChangeIdea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} on {self.measure}"


class ChartSnapshot(models.Model):
    """The engine's result for a measure, as computed from one data version (DESIGN §4)."""

    class Status(models.TextChoices):
        FRESH = "fresh", "Up to date"
        STALE = "stale", "Updating"
        FAILED = "failed", "Could not be computed"

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="snapshot")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STALE)
    data_version = models.PositiveBigIntegerField(default=0)
    periods = models.JSONField(default=list, help_text="ISO dates, one per point.")
    result = models.JSONField(null=True, blank=True, help_text="metrics.spc result.to_dict().")
    error = models.TextField(blank=True)
    # A summary of the result, so dashboards never read the whole series.
    variation = models.CharField(max_length=20, blank=True)
    assurance = models.CharField(max_length=20, blank=True)
    latest_period = models.DateField(null=True, blank=True)
    latest_value = models.FloatField(null=True, blank=True)
    sparkline = models.JSONField(
        default=list, blank=True, help_text="The last plotted values (None for a gap)."
    )
    # When the latest point first showed this kind of special cause; None when it is common
    # cause. A coach compares it with their last visit to see what is new.
    special_cause_since = models.DateTimeField(null=True, blank=True)
    special_cause_type = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    stale_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "stale_since"])]

    def __str__(self):
        return f"Chart of {self.measure} ({self.status})"


class DashboardSnapshot(models.Model):
    """Figures for one scope (organisation, directorate or team), computed by a worker.

    `dirty_since` is set when a recompute is requested and cleared when a worker claims it:
    a burst of requests while it is set enqueues nothing more (coalescing).
    """

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        DIRECTORATE = "directorate", "Directorate"
        TEAM = "team", "Team"

    organisation = models.ForeignKey(
        "teams.Organisation", on_delete=models.CASCADE, related_name="dashboard_snapshots"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    scope_id = models.PositiveBigIntegerField()
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    dirty_since = models.DateTimeField(null=True, blank=True)
    # Bumped by every request; a compute that started before the last request goes round again.
    requested_version = models.PositiveBigIntegerField(default=0)
    computed_version = models.PositiveBigIntegerField(default=0)
    compute_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id"], name="one_snapshot_per_scope"),
        ]
        indexes = [
            models.Index(
                fields=["dirty_since"],
                condition=Q(dirty_since__isnull=False),
                name="dashboard_dirty_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} {self.scope_id} dashboard"


class CoachVisit(models.Model):
    """When a coach last looked at a team's dashboard: signals that appeared after it are new."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_visits"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="coach_visits")
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coach", "team"], name="one_visit_per_coach_and_team"),
        ]

    def __str__(self):
        return f"{self.coach} saw {self.team} at {self.last_seen_at:%Y-%m-%d %H:%M}"


class WorkerCheck(models.Model):
    """A round trip through the queue: an admin asks, a worker answers. It shows that the
    background workers which recompute charts and dashboards are alive."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "teams.Organisation", on_delete=models.CASCADE, related_name="worker_checks"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True, help_text="The worker's hostname.")

    class Meta:
        ordering = ["-requested_at"]
        get_latest_by = "requested_at"

    def __str__(self):
        return f"Worker check {self.pk} at {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def round_trip_seconds(self):
        if self.answered_at is None:
            return None
        return (self.answered_at - self.requested_at).total_seconds()


class ImportJob(models.Model):
    """A pasted or uploaded table between its preview and its saving: the text is kept here, so
    the confirm step saves exactly what was previewed, never what a browser sends back. Large
    imports are saved by a worker, which records its progress here for the page to poll."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=200, help_text="The file name, or 'pasted text'.")
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    rows_total = models.PositiveIntegerField(default=0)
    # Percent, by step (read, check, save): the save is one transaction, whose own progress
    # no other connection can see.
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="created/corrected/unchanged")
    # The unusual figures its author confirmed at the preview ("is this right?": yes), as
    # metrics.entry.services.confirmation_key: only these very figures are saved unasked.
    confirmed = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when confirmed: the sweep re-sends a job left waiting for a worker beyond its grace.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["queued_at"], condition=Q(status="queued"), name="import_queued_idx"
            ),
        ]

    def __str__(self):
        return f"Import {self.pk} into {self.measure} ({self.status})"

    @property
    def is_working(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}
