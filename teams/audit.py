"""The audit trail: who changed which data point, measure, phase, baseline or PDSA cycle.

The apps' service functions call `record` inside the transaction that makes the change, so a
change that fails (and is rolled back) leaves no event, and a saved change always has one. Views
and signals never write events. `changes` holds plain JSON values only: {field: [old, new]},
dates as ISO strings, decimals as strings; `diff` builds it from two snapshots of the fields.
"""

import datetime as dt
import enum
import math
import re
from decimal import Decimal

from django.db import models

from teams.models import AuditEvent

Action = AuditEvent.Action

# The object types the trail knows, as shown in its filter (label: what the service passes).
DATA_POINT = "data point"
DATA_IMPORT = "data import"
MEASURE = "measure"
PHASE = "phase"
BASELINE = "baseline"
PDSA_CYCLE = "PDSA cycle"
OBJECT_TYPES = (DATA_POINT, DATA_IMPORT, MEASURE, PHASE, BASELINE, PDSA_CYCLE)

SUMMARY_LENGTH = AuditEvent._meta.get_field("summary").max_length
# Long free text (a definition, a note) is kept whole up to this; the rest is cut, marked.
VALUE_LENGTH = 2000


def plain(value):
    """A JSON value for `value`: ISO dates, decimals and non-finite floats as strings, choices as
    their value, model instances as their name, sets and lists as sorted lists."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= VALUE_LENGTH else value[: VALUE_LENGTH - 1] + "…"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=str)
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for each field whose plain value differs (a field missing from one
    side is None there)."""
    changes = {}
    for name in list(before) + [n for n in after if n not in before]:
        old, new = plain(before.get(name)), plain(after.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def event(
    *,
    actor,
    team,
    obj,
    object_type: str,
    action,
    summary: str,
    changes=None,
    organisation_id=None,
    subject: str = "",
) -> AuditEvent:
    """One event, not yet saved (see `record`). `team` may be None for a trust-wide object; then
    `organisation_id` (or obj.organisation_id) says whose it is."""
    if object_type not in OBJECT_TYPES:
        raise ValueError(f"Unknown audit object type {object_type!r}.")
    if organisation_id is None:
        organisation_id = team.organisation_id if team is not None else obj.organisation_id
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1] + "…"
    return AuditEvent(
        organisation_id=organisation_id,
        team=team,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=getattr(obj, "pk", None),
        summary=summary,
        changes={str(k): [plain(v) for v in pair] for k, pair in (changes or {}).items()},
        subject=subject,
    )


def record(**fields) -> AuditEvent:
    """Write one event (the arguments of `event`). Call it inside the transaction of the
    change, so that the event and the change are saved, or rolled back, together."""
    made = event(**fields)
    made.save()
    return made


def record_all(events: list[AuditEvent]) -> list[AuditEvent]:
    """Write several events in one query, e.g. one per period of a grid of entries."""
    return AuditEvent.objects.bulk_create(events)


def subject_of(kind: str, pk) -> str:
    """The subject of events about one thing: "measure:12"."""
    return f"{kind}:{pk}"


SUBJECT = re.compile(r"^[a-z]+:\d{1,18}$")
