"""Entering data: one period, a grid of periods, or an imported file — validated row by row,
saved all together or not at all, each correction kept in the history (DESIGN §3, §4)."""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from metrics import periods as P
from metrics.charts.recompute import measure_changed
from metrics.entry import unusual
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
        if _finite(row.value) and measure.chart_type in {"c", "g"} and row.value < 0:
            problems.append("A count cannot be negative.")
        if _finite(row.value) and measure.chart_type == "t" and row.value != 1:
            problems.append(
                "A T chart takes one event a day, entered as 1: it charts the days between "
                "events, and two on one day would be 0 days apart (a G chart of the "
                "opportunities between events can take them)."
            )
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


class RowsUnusual(ValueError):
    """Figures far outside the measure's history, not yet confirmed: nothing was saved.
    `questions`: per row, "is this right?" in words, or None; `keys`: what confirming them
    means (pass them back as `confirmed` to save these very figures)."""

    def __init__(self, questions: list[str | None], keys: list[str]):
        self.questions = questions
        self.keys = keys
        asked = sum(1 for q in questions if q)
        super().__init__(
            ("A value is" if asked == 1 else f"{asked} values are")
            + " far outside this measure's history: check "
            + ("it" if asked == 1 else "them")
            + " before saving. Nothing was saved yet."
        )


def confirmation_key(measure: Measure, row: Row) -> str:
    """What confirming this row means: this period with exactly these figures (a changed
    figure is a new question)."""
    if measure.uses_denominator:
        return f"{row.period.isoformat()}={row.numerator:.10g}/{row.denominator:.10g}"
    return f"{row.period.isoformat()}={row.value:.10g}"


def _number(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 1e15 else f"{x:.4g}"


def _rate_text(measure: Measure, rate: float) -> str:
    if measure.is_proportion:
        return f"{_number(100 * rate)}%"
    return _number(rate)


def _ask(what: str, side: str, usual_range: unusual.Usual, shown) -> str:
    return (
        f"Is this right? {what} is far {side} what this measure usually holds: half of its "
        f"recent periods lie between {shown(usual_range.q1)} and {shown(usual_range.q3)} "
        f"(median {shown(usual_range.median)}, from {usual_range.count} periods)."
    )


def rows_questions(
    measure: Measure, rows: list[Row], history: list[tuple[float | None, ...]]
) -> list[str | None]:
    """For each row, "is this right?" when a figure is far outside the measure's history
    (metrics.entry.unusual: Tukey's far-out fences), else None. `history`: the stored
    (value, numerator, denominator) of recent periods not among `rows`."""
    if measure.uses_denominator:
        pairs = [(n, d) for _, n, d in history] + [(r.numerator, r.denominator) for r in rows]
        rates = unusual.usual_range(n / d for n, d in pairs if n is not None and d)
        sizes = unusual.usual_range(d for _, d in pairs)
    else:
        values = unusual.usual_range(
            [v for v, _, _ in history] + [r.value for r in rows],
            counts=measure.chart_type == "c",
        )
    questions = []
    for row in rows:
        asked = []
        if measure.uses_denominator:
            n, d = row.numerator, row.denominator
            rate = n / d
            if rates and (side := rates.side(rate)):
                what = f"{_number(n)} out of {_number(d)} ({_rate_text(measure, rate)})"
                asked.append(_ask(what, side, rates, lambda x: _rate_text(measure, x)))
            if sizes and (side := sizes.side(d)):
                what = f"The denominator {_number(d)}"
                asked.append(
                    _ask(what, side, sizes, _number).replace(
                        "what this measure usually holds", "this measure's usual denominator"
                    )
                )
        elif values and (side := values.side(row.value)):
            asked.append(_ask(_number(row.value), side, values, _number))
        questions.append(" ".join(asked) or None)
    return questions


def _history(measure: Measure, rows: list[Row]) -> list[tuple]:
    return list(
        DataPoint.objects.filter(measure=measure)
        .exclude(period__in=[r.period for r in rows])
        .order_by("-period")
        .values_list("value", "numerator", "denominator")[: unusual.HISTORY_PERIODS]
    )


def unconfirmed_questions(
    measure: Measure, rows: list[Row], *, confirmed=(), unchanged=frozenset()
) -> RowsUnusual | None:
    """The questions still to answer before `rows` (already free of problems) can be saved:
    rows far outside the history whose figures are not among `confirmed`; None when there are
    none. Rows at indexes in `unchanged` hold what is stored already and are never asked."""
    questions = rows_questions(measure, rows, _history(measure, rows))
    confirmed = set(confirmed)
    keys = []
    for i, (row, question) in enumerate(zip(rows, questions, strict=True)):
        key = confirmation_key(measure, row) if question else None
        if question is None or i in unchanged or key in confirmed:
            questions[i] = None
        else:
            keys.append(key)
    return RowsUnusual(questions, keys) if keys else None


def holds_figures(point: DataPoint | None, measure: Measure, row: Row) -> bool:
    """Does the stored point hold the row's figures already (a note being added, say)? Such a
    figure is never asked about again."""
    return point is not None and _figures(_fields_of(point)) == _figures(
        stored_fields(measure, row)
    )


def _unchanged(measure: Measure, rows: list[Row], existing: dict) -> set[int]:
    return {
        i for i, row in enumerate(rows) if holds_figures(existing.get(row.period), measure, row)
    }


def questions_before_saving(
    measure: Measure, rows: list[Row], *, confirmed=()
) -> RowsUnusual | None:
    """What saving `rows` (free of problems) would ask now, e.g. for an import's preview."""
    existing = {
        p.period: p
        for p in DataPoint.objects.filter(measure=measure, period__in=[r.period for r in rows])
    }
    return unconfirmed_questions(
        measure, rows, confirmed=confirmed, unchanged=_unchanged(measure, rows, existing)
    )


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
    *,
    measure: Measure,
    rows: list[Row],
    user,
    import_job=None,
    remove=(),
    via: str = "",
    confirmed=(),
) -> dict:
    """Save every row or none. New periods are created; periods entered again are corrected,
    with the previous values kept as a revision; the stored figures of the periods in `remove`
    (not also in `rows`) are deleted. Returns counts of created/corrected/unchanged, and of
    removed when removals were asked for. The audit trail gets one event per changed period, or
    one for a whole `import_job`; a removed figure's event keeps what it held (its correction
    history goes with it). `via` says how the change came, in the events' summaries (e.g. an
    API token's name). Figures far outside the measure's history are saved only when their
    confirmation keys are in `confirmed`; otherwise RowsUnusual asks about them and nothing is
    saved."""
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
        asking = unconfirmed_questions(
            measure, rows, confirmed=confirmed, unchanged=_unchanged(measure, rows, existing)
        )
        if asking is not None:
            raise asking
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


def _figures(fields: dict) -> tuple:
    return fields["value"], fields["numerator"], fields["denominator"]


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
    confirmed=(),
) -> dict:
    """Enter (or correct) one period."""
    row = Row(period=period, value=value, numerator=numerator, denominator=denominator, note=note)
    return data_points_save(measure=measure, rows=[row], user=user, confirmed=confirmed)
