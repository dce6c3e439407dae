from django.conf import settings
from django.db import models


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
