"""A batch of data points as the warehouse sends it, read into the entry service's rows.

Every row is read, never stopping at the first problem: a problem is {"row": i, "field": f,
"message": m}, with i the row's index in the batch (from 0). A measure is named by its id
(`measure`) or by the warehouse's key (`external_id`); one of another organisation, or none at
all, is "not found" either way, so a batch cannot learn what another trust holds. Periods are
moved to the start of the measure's period (a Wednesday to its week's Monday), as a person
picking a week in the grid would.
"""

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from metrics import periods as P
from metrics.entry.services import Row
from metrics.models import DataPoint, Measure

FIGURES = ("value", "numerator", "denominator")
NOTE_LENGTH = DataPoint._meta.get_field("note").max_length
KEY_LENGTH = Measure._meta.get_field("external_id").max_length
KNOWN = {"measure", "external_id", "period", "note", "confirmed", *FIGURES}


@dataclass
class Batch:
    groups: dict[Measure, list[Row]] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    # The index in the batch of each row, by (measure, position among its measure's rows).
    index_of: dict[tuple[int, int], int] = field(default_factory=dict)
    # (measure, position) of the rows sent with "confirmed": true ("is this right?": yes).
    confirmed: set[tuple[int, int]] = field(default_factory=set)

    def problem(self, row: int, name: str, message: str) -> None:
        self.problems.append({"row": row, "field": name, "message": message})


def storable(text: str) -> bool:
    """Text the database can hold: no NUL character, no lone UTF-16 surrogate (JSON can carry
    both; PostgreSQL refuses them, which would otherwise be a server error)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _measures(organisation_id: int, items: list) -> tuple[dict, dict]:
    ids, keys = set(), set()
    for item in items:
        if isinstance(item, dict):
            ref = item.get("measure")
            if isinstance(ref, int) and not isinstance(ref, bool) and 0 < ref < 2**63:
                ids.add(ref)
            key = item.get("external_id")
            if isinstance(key, str) and key and len(key) <= KEY_LENGTH and storable(key):
                keys.add(key)
    found = Measure.objects.filter(organisation_id=organisation_id).select_related("team")
    by_id = {m.pk: m for m in found.filter(pk__in=ids)} if ids else {}
    by_key = {m.external_id: m for m in found.filter(external_id__in=keys)} if keys else {}
    return by_id, by_key


def _measure(batch: Batch, i: int, item: dict, by_id: dict, by_key: dict) -> Measure | None:
    ref, key = item.get("measure"), item.get("external_id")
    if ref is not None and key is not None:
        batch.problem(i, "measure", "Name the measure by its id or its external_id, not both.")
        return None
    if ref is None and key is None:
        batch.problem(i, "measure", "The measure is missing: give its id or its external_id.")
        return None
    if ref is not None:
        if isinstance(ref, bool) or not isinstance(ref, int):
            batch.problem(i, "measure", "The measure id must be a whole number.")
            return None
        measure = by_id.get(ref)
        if measure is None:
            batch.problem(i, "measure", f"No measure {ref} in your organisation.")
        return measure
    if not isinstance(key, str) or not key:
        batch.problem(i, "external_id", "The external_id must be a non-empty string.")
        return None
    measure = by_key.get(key)
    if measure is None:
        shown = f" “{key[:100]}”" if storable(key) else ""  # never echo what cannot be sent
        batch.problem(i, "external_id", f"No measure with external_id{shown}.")
    return measure


def _period(batch: Batch, i: int, item: dict, measure: Measure) -> dt.date | None:
    text = item.get("period")
    if text is None:
        batch.problem(i, "period", "The period is missing (a date, YYYY-MM-DD).")
        return None
    try:
        day = dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        batch.problem(i, "period", "The period must be a date written YYYY-MM-DD.")
        return None
    return P.period_start(day, measure.frequency)


def _number(batch: Batch, i: int, item: dict, name: str) -> float | None:
    x = item.get(name)
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, int | float):
        batch.problem(i, name, f"The {name} must be a number (or null).")
        return None
    x = float(x)
    if not math.isfinite(x):
        batch.problem(i, name, f"The {name} is not a finite number.")
        return None
    return x + 0.0


def _field_of(message: str) -> str:
    """Which field an entry-service problem is about, from its words."""
    lowered = message.lower()
    for name in ("numerator", "denominator"):
        if name in lowered:
            return name
    if "value" in lowered or "count" in lowered:
        return "value"
    return "period"


def _rows_by_index(message: str) -> str:
    """'also on line 3' (numbered from 1) as the batch numbers its rows: 'also on row 2'."""
    return re.sub(r"\bline (\d+)", lambda m: f"row {int(m.group(1)) - 1}", message)


def batch_read(organisation_id: int, items) -> Batch:
    """Read every row; then check each measure's rows by the entry service's rules."""
    batch = Batch()
    by_id, by_key = _measures(organisation_id, items)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            batch.problem(i, "", "Each row must be an object.")
            continue
        unknown = sorted(set(item) - KNOWN)
        if unknown:
            batch.problem(i, unknown[0], f"Unknown field “{unknown[0][:40]}”.")
        measure = _measure(batch, i, item, by_id, by_key)
        if measure is None:
            continue
        period = _period(batch, i, item, measure)
        figures = {name: _number(batch, i, item, name) for name in FIGURES}
        note = item.get("note") or ""
        if not isinstance(note, str):
            batch.problem(i, "note", "The note must be a string.")
            note = ""
        elif len(note) > NOTE_LENGTH or not storable(note):
            batch.problem(i, "note", f"The note holds at most {NOTE_LENGTH} characters of text.")
        if measure.uses_denominator and figures["value"] is not None:
            batch.problem(i, "value", "This measure takes a numerator and a denominator.")
        if not measure.uses_denominator and (
            figures["numerator"] is not None or figures["denominator"] is not None
        ):
            batch.problem(i, "numerator", "This measure takes a value, not a numerator.")
        confirmed = item.get("confirmed", False)
        if not isinstance(confirmed, bool):
            batch.problem(i, "confirmed", "“confirmed” must be true or false.")
        if period is None:
            continue
        rows = batch.groups.setdefault(measure, [])
        batch.index_of[(measure.pk, len(rows))] = i
        if confirmed is True:
            batch.confirmed.add((measure.pk, len(rows)))
        # line: the entry service names rows by line numbers from 1 (as in a pasted file).
        rows.append(Row(period=period, note=note, line=i + 1, **figures))
    return batch


def domain_problems(batch: Batch, problems: dict[Measure, list[list[str]]]) -> None:
    """Add the entry service's problems to the batch's, each at its row's index."""
    for measure, per_row in problems.items():
        for position, messages in enumerate(per_row):
            i = batch.index_of[(measure.pk, position)]
            for message in messages:
                batch.problem(i, _field_of(message), _rows_by_index(message))
    batch.problems.sort(key=lambda p: p["row"])


def unusual_problems(batch: Batch, questions: dict[Measure, list[str | None]]) -> list[dict]:
    """The batch's unconfirmed unusual figures as problems at their rows' indexes."""
    out = []
    for measure, per_row in questions.items():
        field_name = "numerator" if measure.uses_denominator else "value"
        for position, question in enumerate(per_row):
            if question:
                message = f'{question} If it is right, send the row again with "confirmed": true.'
                out.append(
                    {
                        "row": batch.index_of[(measure.pk, position)],
                        "field": field_name,
                        "message": message,
                    }
                )
    return sorted(out, key=lambda p: p["row"])
