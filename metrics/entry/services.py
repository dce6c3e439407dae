"""Entering data: one period, a grid of periods, or an imported file — validated row by row,
saved all together or not at all, each correction kept in the history (DESIGN §3, §4)."""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from metrics import periods as P
from metrics.charts.recompute import measure_changed
from metrics.models import DataPoint, DataPointRevision, Measure
from teams import audit

# An import's event lists at most this many corrected periods (its counts cover them all).
AUDIT_IMPORT_CORRECTIONS = 100


@dataclass
class Row:
    """One period to save, as parsed from a form or a file (line: its line number, if any)."""

    period: dt.date | None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    line: int | None = None
    problems: list[str] = field(default_factory=list)


def _finite(x) -> bool:
    return x is not None and math.isfinite(x)


# A measure whose definition says its values are percentages (a value, not a P chart's counts).
PERCENT_UNITS = ("percent", "per cent", "percentage", "percentages")


def percent_unit(unit: str) -> bool:
    words = (unit or "").strip().lower()
    return words.startswith("%") or words in PERCENT_UNITS


def row_problems(measure: Measure, row: Row, *, today: dt.date) -> list[str]:
    """What is wrong with one row, in words the person who typed it can act on."""
    problems = list(row.problems)  # parsing problems (not a date, not a number) come first
    if row.period is not None:
        problem = P.period_problem(row.period, measure.frequency, today)
        if problem:
            problems.append(problem)
    if measure.uses_denominator:
        n, d = row.numerator, row.denominator
        if n is None and "numerator" not in " ".join(problems):
            problems.append("The numerator is missing.")
        if d is None and "denominator" not in " ".join(problems):
            problems.append("The denominator is missing.")
        if _finite(n) and n < 0:
            problems.append("The numerator cannot be negative.")
        if _finite(d) and d <= 0:
            problems.append(
                "The denominator is zero: a period with nothing to count has no rate. "
                "Leave the period out instead."
                if d == 0
                else "The denominator cannot be negative."
            )
        if _finite(n) and _finite(d) and measure.is_proportion and n > d:
            problems.append(
                f"The numerator ({n:g}) is above the denominator ({d:g}): a proportion cannot "
                "be more than 100%."
            )
    else:
        if row.value is None and "value" not in " ".join(problems):
            problems.append("The value is missing.")
        if _finite(row.value) and measure.chart_type == "c" and row.value < 0:
            problems.append("A count cannot be negative.")
        if _finite(row.value) and percent_unit(measure.unit) and not 0 <= row.value <= 100:
            problems.append(
                f"The value {row.value:g} is not a percentage between 0 and 100: this measure "
                f"is in “{measure.unit.strip()}”."
            )
    for name in ("value", "numerator", "denominator"):
        x = getattr(row, name)
        if x is not None and not math.isfinite(x):
            problems.append(f"The {name} is not a finite number.")
    return problems


def rows_problems(measure: Measure, rows: list[Row], *, today: dt.date) -> list[list[str]]:
    """Problems of every row, including periods given twice in the same batch."""
    seen: dict[dt.date, int] = {}
    out = []
    for i, row in enumerate(rows):
        problems = row_problems(measure, row, today=today)
        if row.period is not None:
            if row.period in seen:
                first = rows[seen[row.period]]
                where = f"line {first.line}" if first.line else "an earlier row"
                problems.append(f"{row.period:%d/%m/%Y} is given twice (also on {where}).")
            else:
                seen[row.period] = i
        out.append(problems)
    return out


class RowsInvalid(ValueError):
    def __init__(self, problems: list[list[str]]):
        self.problems = problems
        bad = sum(1 for p in problems if p)
        super().__init__(f"{bad} row{'s' if bad != 1 else ''} cannot be saved; nothing was saved.")


def stored_fields(measure: Measure, row: Row) -> dict:
    if measure.uses_denominator:
        return {
            "value": None,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "note": row.note,
        }
    return {"value": row.value, "numerator": None, "denominator": None, "note": row.note}


def data_points_save(
    *, measure: Measure, rows: list[Row], user, import_job=None, remove=(), via: str = ""
) -> dict:
    """Save every row or none. New periods are created; periods entered again are corrected,
    with the previous values kept as a revision; the stored figures of the periods in `remove`
    (not also in `rows`) are deleted. Returns counts of created/corrected/unchanged, and of
    removed when removals were asked for. The audit trail gets one event per changed period, or
    one for a whole `import_job`; a removed figure's event keeps what it held (its correction
    history goes with it). `via` says how the change came, in the events' summaries (e.g. an
    API token's name)."""
    problems = rows_problems(measure, rows, today=timezone.localdate())
    if any(problems):
        raise RowsInvalid(problems)
    remove = set(remove) - {r.period for r in rows}
    counts = {"created": 0, "corrected": 0, "unchanged": 0}
    with transaction.atomic():
        # Lock the measure: concurrent entries for it queue here instead of racing on periods.
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        removed = []
        if remove:
            removed = list(DataPoint.objects.filter(measure=measure, period__in=remove))
            DataPoint.objects.filter(pk__in=[p.pk for p in removed]).delete()
            counts["removed"] = len(removed)
        existing = {
            p.period: p
            for p in DataPoint.objects.filter(measure=measure, period__in=[r.period for r in rows])
        }
        new_points, revisions, audited = [], [], []
        for row in rows:
            fields = stored_fields(measure, row)
            point = existing.get(row.period)
            if point is None:
                new_points.append(
                    DataPoint(measure=measure, period=row.period, entered_by=user, **fields)
                )
                counts["created"] += 1
                audited.append((new_points[-1], {}, fields))
                continue
            old = {name: getattr(point, name) for name in fields}
            if old == fields:
                counts["unchanged"] += 1
                continue
            audited.append((point, old, fields))
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
            point.entered_by = user
            point.save(update_fields=[*fields, "entered_by", "updated_at"])
            counts["corrected"] += 1
        DataPoint.objects.bulk_create(new_points, batch_size=1000)
        DataPointRevision.objects.bulk_create(revisions, batch_size=1000)
        if counts["created"] or counts["corrected"] or removed:
            measure_changed(measure_id=measure.pk)
            if import_job is not None:
                _audit_import(measure, import_job, user, counts, audited)
            else:
                audit.record_all(
                    [_point_event(measure, p, user, old, new, via) for p, old, new in audited]
                    + [_point_event(measure, p, user, _fields_of(p), {}, via) for p in removed]
                )
    return counts


def figure_text(measure: Measure, fields: dict) -> str:
    if not fields:
        return "nothing"
    if measure.uses_denominator:
        return f"{fields['numerator']:g}/{fields['denominator']:g}"
    return f"{fields['value']:g}"


def _point_event(measure, point, user, old: dict, new: dict, via: str = ""):
    """The audit event of one period: entered (no `old`), corrected, or removed (no `new`)."""
    when = P.format_period(point.period, measure.frequency)
    if old and new:
        action, verb, changes = audit.Action.UPDATE, "Corrected", audit.diff(old, new)
    elif old:
        action, verb = audit.Action.DELETE, "Removed"
        changes = audit.diff({"period": point.period, **_given(old)}, {})
    else:
        action, verb = audit.Action.CREATE, "Entered"
        changes = audit.diff({}, {"period": point.period, **_given(new)})
    shown = figure_text(measure, new)
    if old:
        shown = f"{figure_text(measure, old)} → {shown}"
    return audit.event(
        actor=user,
        team=measure.team,
        obj=point,
        object_type=audit.DATA_POINT,
        action=action,
        summary=f"{verb} {when} of “{measure}”: {shown}" + (f" ({via})" if via else ""),
        changes=changes,
        organisation_id=measure.organisation_id,
        subject=audit.subject_of("measure", measure.pk),
    )


def _fields_of(point: DataPoint) -> dict:
    return {name: getattr(point, name) for name in ("value", "numerator", "denominator", "note")}


def _given(fields: dict) -> dict:
    return {name: value for name, value in fields.items() if value not in (None, "")}


def _audit_import(measure, job, user, counts: dict, audited) -> None:
    corrections = [(p, old, new) for p, old, new in audited if old][:AUDIT_IMPORT_CORRECTIONS]
    changes = {
        "rows": [None, sum(counts.values())],
        "new periods": [None, counts["created"]],
        "corrected periods": [None, counts["corrected"]],
        "unchanged periods": [None, counts["unchanged"]],
    }
    for point, old, new in corrections:
        changes[point.period.isoformat()] = [figure_text(measure, old), figure_text(measure, new)]
    audit.record(
        actor=user,
        team=measure.team,
        obj=job,
        object_type=audit.DATA_IMPORT,
        action=audit.Action.CREATE,
        summary=(
            f"Imported {sum(counts.values()):,} rows into “{measure}” from {job.source} "
            f"({counts['created']} new, {counts['corrected']} corrected)"
        ),
        changes=changes,
        organisation_id=measure.organisation_id,
        subject=audit.subject_of("measure", measure.pk),
    )


def data_point_record(
    *,
    measure: Measure,
    period: dt.date,
    user,
    value=None,
    numerator=None,
    denominator=None,
    note: str = "",
) -> dict:
    """Enter (or correct) one period."""
    row = Row(period=period, value=value, numerator=numerator, denominator=denominator, note=note)
    return data_points_save(measure=measure, rows=[row], user=user)
