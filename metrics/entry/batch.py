"""Data points of many measures in one batch (the API's): every measure's rows checked by the
same rules as the grid and the import, then all saved in one transaction or none.

Measures are locked in id order, so two batches touching the same measures queue rather than
deadlock. Each measure's chart is recomputed once for the batch (data_points_save asks once per
measure, after commit), however many of its periods the batch holds."""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from metrics.entry.services import Row, RowsInvalid, data_points_save, rows_problems
from metrics.models import Measure


def batch_problems(groups: dict[Measure, list[Row]]) -> dict[Measure, list[list[str]]]:
    """Each measure's rows' problems, as the entry service would find them now."""
    today = timezone.localdate()
    return {measure: rows_problems(measure, rows, today=today) for measure, rows in groups.items()}


def data_points_save_batch(*, groups: dict[Measure, list[Row]], user, via: str = "") -> dict:
    """Save every measure's rows, or nothing (RowsInvalid names the first measure's problems).
    Returns the counts of created, corrected and unchanged periods over the batch."""
    for problems in batch_problems(groups).values():
        if any(problems):
            raise RowsInvalid(problems)
    totals: Counter = Counter({"created": 0, "corrected": 0, "unchanged": 0})
    with transaction.atomic():
        for measure in sorted(groups, key=lambda m: m.pk):
            rows = groups[measure]
            totals.update(data_points_save(measure=measure, rows=rows, user=user, via=via))
    return dict(totals)
