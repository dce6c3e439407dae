"""Data points of many measures in one batch (the API's): every measure's rows checked by the
same rules as the grid and the import, then all saved in one transaction or none.

Measures are locked in id order, so two batches touching the same measures queue rather than
deadlock. Each measure's chart is recomputed once for the batch (one request per measure, after
commit), however many of its periods the batch holds."""

import io
from collections import Counter

from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from metrics.charts.recompute import measures_changed
from metrics.entry import unusual
from metrics.entry.services import (
    AUDIT_IMPORT_CORRECTIONS,
    Row,
    RowsInvalid,
    figure_text,
    holds_figures,
    rows_problems,
    rows_questions,
    stored_fields,
)
from metrics.models import DataPoint, DataPointRevision, Measure
from teams import audit


def batch_problems(groups: dict[Measure, list[Row]]) -> dict[Measure, list[list[str]]]:
    """Each measure's rows' problems, as the entry service would find them now."""
    today = timezone.localdate()
    return {measure: rows_problems(measure, rows, today=today) for measure, rows in groups.items()}


class BatchUnusual(ValueError):
    """Figures far outside their measures' histories, not confirmed: nothing was saved.
    `questions`: per measure, per row, "is this right?" or None."""

    def __init__(self, questions: dict[Measure, list[str | None]]):
        self.questions = questions
        asked = sum(1 for qs in questions.values() for q in qs if q)
        super().__init__(
            f"{asked:,} figure{'s are' if asked != 1 else ' is'} far outside "
            "the measure's history and not confirmed: nothing was saved."
        )


def _histories(groups: dict[Measure, list[Row]]) -> dict[int, list[tuple]]:
    """Each measure's recent stored (value, numerator, denominator), the batch's periods left
    out, in one query: the latest HISTORY_PERIODS + (its batch's size) periods of each."""
    ids = [m.pk for m in groups]
    depth = unusual.HISTORY_PERIODS + max(len(rows) for rows in groups.values())
    sent = {(m.pk, row.period) for m, rows in groups.items() for row in rows}
    latest = (
        DataPoint.objects.filter(measure_id__in=ids)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("measure_id")], order_by=F("period").desc())
        )
        .filter(rank__lte=depth)
        .order_by("measure_id", "-period")
        .values_list("measure_id", "period", "value", "numerator", "denominator")
    )
    out: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for measure_id, period, *figures in latest:
        history = out[measure_id]
        if (measure_id, period) not in sent and len(history) < unusual.HISTORY_PERIODS:
            history.append(tuple(figures))
    return out


def _batch_questions(groups, existing, confirmed) -> dict[Measure, list[str | None]]:
    """The unanswered questions of the batch: figures far outside their measure's history,
    neither confirmed (`confirmed`: (measure id, position) pairs) nor already stored."""
    histories = _histories(groups)
    asked = {}
    for measure, rows in groups.items():
        questions = rows_questions(measure, rows, histories[measure.pk])
        for i, question in enumerate(questions):
            if question is None:  # nearly every row: nothing more to look at
                continue
            point = existing.get((measure.pk, rows[i].period))
            if holds_figures(point, measure, rows[i]) or (measure.pk, i) in confirmed:
                questions[i] = None
        if any(questions):
            asked[measure] = questions
    return asked


def data_points_save_batch(
    *,
    groups: dict[Measure, list[Row]],
    user,
    via: str = "",
    checked: bool = False,
    confirmed=frozenset(),
) -> dict:
    """Save every measure's rows, or nothing (RowsInvalid names the first measure's problems;
    `checked`: the caller has just asked batch_problems and found none). New periods are
    created, periods sent again with other figures corrected (the previous figures kept as a
    revision, as the grid does), the rest left alone. Returns the counts of created, corrected
    and unchanged periods over the batch.

    Written in a handful of queries however large the batch: the measures locked in id order,
    their stored periods read at once, the new points, revisions and corrections written in
    bulk, and one audit event per measure changed (with `via`: the token's name).

    Figures far outside their measure's history (metrics.entry.unusual) are saved only when
    confirmed: `confirmed` holds (measure id, position in its rows) pairs; otherwise
    BatchUnusual asks about them and nothing is saved."""
    if not checked:
        for problems in batch_problems(groups).values():
            if any(problems):
                raise RowsInvalid(problems)
    totals: Counter = Counter({"created": 0, "corrected": 0, "unchanged": 0})
    if not groups:
        return dict(totals)
    now = timezone.now()
    with transaction.atomic():
        ids = sorted(m.pk for m in groups)
        list(Measure.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        periods = {row.period for rows in groups.values() for row in rows}
        existing = {
            (p.measure_id, p.period): p
            for p in DataPoint.objects.filter(measure_id__in=ids, period__in=periods)
        }
        asked = _batch_questions(groups, existing, confirmed)
        if asked:
            raise BatchUnusual(asked)
        new_points, revisions, corrected, events, changed = [], [], [], [], []
        for measure in sorted(groups, key=lambda m: m.pk):
            counts = Counter({"created": 0, "corrected": 0, "unchanged": 0})
            corrections = []
            for row in groups[measure]:
                fields = stored_fields(measure, row)
                point = existing.get((measure.pk, row.period))
                if point is None:
                    new_points.append((measure.pk, row.period, fields))
                    counts["created"] += 1
                    continue
                old = {name: getattr(point, name) for name in fields}
                if old == fields:
                    counts["unchanged"] += 1
                    continue
                revisions.append(
                    DataPointRevision(
                        point=point,
                        changed_by=user,
                        **{f"old_{k}": v for k, v in old.items()},
                        **{f"new_{k}": v for k, v in fields.items()},
                    )
                )
                for name, value in fields.items():
                    setattr(point, name, value)
                point.entered_by, point.updated_at = user, now
                corrected.append(point)
                corrections.append((point, old, fields))
                counts["corrected"] += 1
            totals.update(counts)
            if counts["created"] or counts["corrected"]:
                changed.append(measure.pk)
                events.append(_batch_event(measure, user, counts, corrections, via))
        _insert_points(new_points, user=user, now=now)
        DataPointRevision.objects.bulk_create(revisions, batch_size=2000)
        DataPoint.objects.bulk_update(
            corrected,
            ["value", "numerator", "denominator", "note", "entered_by", "updated_at"],
            batch_size=500,
        )
        audit.record_all(events)
        measures_changed(measure_ids=changed)
    return dict(totals)


COLUMNS = (
    "measure_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "note",
    "entered_by_id",
    "entered_at",
    "updated_at",
)
# COPY's text format: these characters of a note are written escaped (NUL never reaches here:
# reading refuses it, as PostgreSQL would).
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _insert_points(new: list[tuple], *, user, now) -> None:
    """Insert the new points: on PostgreSQL by COPY (one statement, its rows streamed as text,
    no model instances); elsewhere through the ORM."""
    if not new:
        return
    user_id = getattr(user, "pk", None)
    if connection.vendor != "postgresql":
        DataPoint.objects.bulk_create(
            [DataPoint(measure_id=m, period=p, entered_by_id=user_id, **f) for m, p, f in new],
            batch_size=2000,
        )
        return
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {DataPoint._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN",
            io.StringIO(copy_text(new, user_id=user_id, now=now)),
        )


def _copy_number(x: float | None) -> str:
    return "\\N" if x is None else repr(x)


def copy_text(new: list[tuple], *, user_id: int | None, now) -> str:
    """The new points as COPY's text format: a line a point, its columns (COLUMNS) split by
    tabs, NULL as \\N. Floats by repr, which reads back as the same double."""
    user = "\\N" if user_id is None else str(user_id)
    tail = f"\t{user}\t{now.isoformat()}\t{now.isoformat()}\n"
    return "".join(
        f"{m}\t{p.isoformat()}\t{_copy_number(f['value'])}\t{_copy_number(f['numerator'])}\t"
        f"{_copy_number(f['denominator'])}\t{f['note'].translate(COPY_ESCAPES)}{tail}"
        for m, p, f in new
    )


def _batch_event(measure: Measure, user, counts: Counter, corrections, via: str):
    """One measure's part of a batch in the audit trail: its counts, and its corrections (the
    first AUDIT_IMPORT_CORRECTIONS of them; each one's history is in its revisions)."""
    changes = {
        "rows": [None, sum(counts.values())],
        "new periods": [None, counts["created"]],
        "corrected periods": [None, counts["corrected"]],
        "unchanged periods": [None, counts["unchanged"]],
    }
    for point, old, new in corrections[:AUDIT_IMPORT_CORRECTIONS]:
        changes[point.period.isoformat()] = [figure_text(measure, old), figure_text(measure, new)]
    return audit.event(
        actor=user,
        team=measure.team,
        obj=None,
        object_type=audit.DATA_POINT,
        action=audit.Action.UPDATE if counts["corrected"] else audit.Action.CREATE,
        summary=(
            f"Saved {sum(counts.values()):,} periods of “{measure}” ({counts['created']} new, "
            f"{counts['corrected']} corrected)" + (f" ({via})" if via else "")
        ),
        changes=changes,
        organisation_id=measure.organisation_id,
        subject=audit.subject_of("measure", measure.pk),
    )
