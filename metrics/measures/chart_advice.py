"""Advice on a measure's chart type from its stored data (metrics.spc.advice), for the measure
page and its edit form. Cached by the measure's data version, so a page read costs no query
while the data and the definition stay as they are."""

import hashlib

from metrics.measures.chart import read_through
from metrics.models import DataPoint, Measure
from metrics.spc.advice import Advice, advise


def _key(measure: Measure) -> str:
    words = f"{measure.definition}\x00{measure.unit}".encode()
    parts = (
        measure.pk,
        measure.data_version,
        measure.chart_type,
        measure.created_at.isoformat() if measure.created_at else None,
        hashlib.sha256(words).hexdigest()[:16],
    )
    return "measure-advice:" + ":".join(map(str, parts))


def compute(measure: Measure) -> list[Advice]:
    points = DataPoint.objects.filter(measure=measure).order_by("period")
    figures = list(points.values_list("value", "numerator", "denominator"))
    definition = f"{measure.definition} {measure.unit}"
    if measure.uses_denominator:
        return advise(
            measure.chart_type,
            [n for _, n, _ in figures],
            [d for _, _, d in figures],
            definition=definition,
        )
    return advise(measure.chart_type, [v for v, _, _ in figures], definition=definition)


def measure_advice(measure: Measure) -> list[Advice]:
    """The advice for the measure as stored now."""
    return read_through(_key(measure), lambda: compute(measure), "Chart advice")
