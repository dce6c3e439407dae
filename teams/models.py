"""Organisation (a trust) -> directorates -> teams, and who does what in them.

Every user belongs to exactly one organisation; everything a user can see hangs off it, which is
how one organisation's rows never reach another's users.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="The trust this person works in. Only site superusers may have none.",
    )
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class Directorate(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="directorates"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="directorate_name_unique_in_organisation"
            )
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        WARD = "ward", "Inpatient ward"
        COMMUNITY = "community", "Community team"
        CRISIS = "crisis", "Crisis team"
        OUTPATIENT = "outpatient", "Outpatient clinic"
        CORPORATE = "corporate", "Corporate service"
        OTHER = "other", "Other"

    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE, related_name="teams")
    # Denormalised from the directorate so that every organisation filter is one indexed column.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="teams", editable=False
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WARD)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["directorate", "name"], name="team_name_unique_in_directorate"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # An invariant, not business logic: the team's organisation is its directorate's.
        self.organisation_id = self.directorate.organisation_id
        super().save(*args, **kwargs)


def _same_organisation(user, organisation_id, what):
    if user.organisation_id != organisation_id:
        raise ValidationError(f"{user} works in another organisation and cannot be {what}.")


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        LEAD = "lead", "Team lead"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["team__name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.team}"

    def clean(self):
        if self.user_id and self.team_id:
            _same_organisation(self.user, self.team.organisation_id, "a member of this team")


class OrganisationRole(models.Model):
    class Role(models.TextChoices):
        COACH = "coach", "QI coach"
        BOARD = "board", "Board member"
        ADMIN = "admin", "QI admin"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_roles")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["role", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_of_each_role_per_user")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


class CoachAssignment(models.Model):
    coach = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coach_assignments")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="coach_assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "team"], name="one_assignment_per_coach_team")
        ]

    def __str__(self):
        return f"{self.coach} coaches {self.team}"

    def clean(self):
        if self.coach_id and self.team_id:
            _same_organisation(self.coach, self.team.organisation_id, "a coach of this team")
            if not self.coach.organisation_roles.filter(role=OrganisationRole.Role.COACH).exists():
                raise ValidationError(f"{self.coach} does not have the QI coach role.")


class AuditEvent(models.Model):
    """Who changed which data point, measure, phase, baseline or PDSA cycle, when, and how
    (`changes`: {field: [old, new]} in plain JSON values). Written by the apps' services through
    teams.audit.record, in the same transaction as the change itself."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Removed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_events"
    )
    # Empty for trust-wide things (a measure owned by no team).
    team = models.ForeignKey(
        # The trail outlives a deleted team (it stays the organisation's, seen in the admin).
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    # Kept when the person's account goes: the summary still says what was done.
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    # The thing whose history this event is part of ("measure:12" for its data points, phases
    # and baselines too), so that one thing's history can be listed.
    subject = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-at"], name="audit_team_at_idx"),
            models.Index(fields=["team", "object_type", "-at"], name="audit_team_type_at_idx"),
            models.Index(fields=["team", "subject", "-at"], name="audit_team_subject_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'nobody'}: {self.summary}"


class ApiToken(models.Model):
    """A key with which a trust's warehouse or another tool uses the API (issue 14). It belongs to
    one organisation and acts as the person who made it (the audit trail names both); it reads
    the organisation's data, and with `can_write` writes the data of its `teams` (and, for a QI
    admin's token, `trust_wide` measures). Only a SHA-256 hash of the key is kept: the key is
    shown once, when it is made (teams.tokens)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The key's first characters, kept to tell tokens apart in lists (never enough to use it).
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    can_write = models.BooleanField(default=False)
    teams = models.ManyToManyField(Team, blank=True, related_name="api_tokens")
    trust_wide = models.BooleanField(
        default=False, help_text="May write the organisation's trust-wide measures (admins)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="api_token_name_unique_in_organisation"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
