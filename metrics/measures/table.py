"""The measure page's data table: its rows rendered in Python in one pass, and cached.

Rendering a row per point through template tags and the ``date`` and ``floatformat`` filters was
about a third of the measure page (issue 7), and a measure gains a point a week for years. The
rows are now built here, every user string escaped with ``escape``, and the HTML is kept in the
cache under everything it depends on: the measure (its id, creation time and snapshot's id),
its ``data_version`` (bumped by every write of its data: a new point, a correction, a note, a
phase or baseline change; ``metrics.charts.recompute.measure_changed``) and its columns (with or
without a denominator). A current fragment costs no query; a new version one.

Known limit: the "Entered by" names are those at rendering time. A user renamed since then shows
under the old name until the measure's next write (as would a point edited in the Django admin,
which bumps nothing and leaves the chart stale too).

The cache only saves time: unreachable, the rows are built for each request.
"""

import hashlib

from django.template.defaultfilters import floatformat
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import mark_safe

from metrics.measures.chart import read_through
from metrics.models import DataPoint

NOBODY = "—"


def _date(day) -> str:
    # The `date:"j M Y"` filter, without its per-call formatter object.
    return f"{day.day} {MONTHS_3[day.month].title()} {day.year}"


def _number(x) -> str:
    return escape(floatformat(x, "-2"))  # same output as the template filter


def _name(first: str, last: str, username: str | None) -> str:
    # User.__str__: the full name, else the username; no user: a dash (the template's default).
    if username is None:
        return NOBODY
    return f"{first} {last}".strip() or username


def _key(measure) -> str:
    # created_at and the snapshot's pk tell apart two measures with the same id and version
    # (a database reset or restore under the same Redis), so neither sees the other's rows.
    snapshot = getattr(measure, "snapshot", None)
    parts = (
        measure.pk,
        measure.data_version,
        measure.uses_denominator,
        measure.created_at.isoformat() if measure.created_at else None,
        snapshot.pk if snapshot else None,
    )
    return f"measure-table:v1:{measure.pk}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def render_rows(measure) -> str:
    """(the <tr> rows newest first, how many): one query, with the users who entered them."""
    fields = ("period", "value", "numerator", "denominator", "note")
    users = ("entered_by__first_name", "entered_by__last_name", "entered_by__username")
    points = (
        DataPoint.objects.filter(measure=measure).order_by("-period").values_list(*fields, *users)
    )
    ratio = measure.uses_denominator
    out = []
    for period, value, numerator, denominator, note, first, last, username in points:
        if ratio:
            numbers = (
                f'<td class="text-end">{_number(numerator)}</td>'
                f'<td class="text-end">{_number(denominator)}</td>'
            )
        else:
            numbers = f'<td class="text-end">{_number(value)}</td>'
        out.append(
            f'<tr><th scope="row" class="fw-normal">{_date(period)}</th>{numbers}'
            f"<td>{escape(note)}</td><td>{escape(_name(first, last, username))}</td></tr>"
        )
    return "\n".join(out), len(out)


def data_table(measure) -> dict:
    """{"rows": the table's rows as safe HTML, "count": how many points}: no query when the
    cached rows are current, one when they are rendered."""
    html, count = read_through(_key(measure), lambda: render_rows(measure), "Measure table")
    # Built by render_rows from fixed markup and escaped values only.
    return {"rows": mark_safe(html), "count": count}  # noqa: S308
