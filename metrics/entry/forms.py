"""Forms for entering data: this period and a grid of recent periods.

Numbers are read by the same rules as an import (thousands separators, a percent sign), so a
value typed in a box and the same value pasted from a spreadsheet mean the same thing. The forms
only read what was typed; the entry service decides whether it can be saved.
"""

import datetime as dt

from django import forms

from metrics import periods as P
from metrics.entry.numbers import parse_number
from metrics.entry.services import Row
from metrics.models import DataPoint, Measure

NUMBER = {"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}


class NumberField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=NUMBER))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        number, problem = parse_number(text or "")
        if problem:
            raise forms.ValidationError(problem)
        return number


def held_text(measure: Measure, point: DataPoint | None) -> str:
    """What a period holds, in words: 'nothing yet', '12', '3 of 40'."""
    if point is None:
        return "nothing yet"
    if measure.uses_denominator:
        return f"{_g(point.numerator)} out of {_g(point.denominator)}"
    return _g(point.value)


def _g(x) -> str:
    return "—" if x is None else f"{x:,.10g}"


def _initial(x) -> str | None:
    return None if x is None else f"{x:.10g}"


def value_labels(measure: Measure) -> dict[str, str]:
    unit = f" ({measure.unit})" if measure.unit and measure.unit != "%" else ""
    if measure.chart_type in {"u", "up"}:
        return {"numerator": "Number of events", "denominator": "Exposure (the rate's base)"}
    if measure.chart_type == "t":
        return {"value": "Events on this day (1)"}
    if measure.chart_type == "g":
        return {"value": f"Opportunities since the event before{unit}"}
    if measure.uses_denominator:
        return {"numerator": "How many (numerator)", "denominator": "Out of (denominator)"}
    return {"value": f"Value{unit}"}


def _number_fields(measure: Measure, *, required: bool) -> dict[str, NumberField]:
    return {
        name: NumberField(
            label=label,
            required=required,
            error_messages={"required": f"Enter the {label.lower()}."},
        )
        for name, label in value_labels(measure).items()
    }


class ThisPeriodForm(forms.Form):
    """One period (the current one, or the one before), the common case."""

    period = forms.ChoiceField(widget=forms.RadioSelect, label="Period")
    note = forms.CharField(
        required=False,
        max_length=500,
        label="Note (optional)",
        help_text="Anything that explains this period, e.g. ‘two beds closed for repairs’.",
    )

    def __init__(self, *args, measure: Measure, periods: list[dt.date], held: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.periods = {p.isoformat(): p for p in periods}
        self.fields["period"].choices = [
            (p.isoformat(), _choice_label(measure, p, held.get(p), current=(i == 0)))
            for i, p in enumerate(periods)
        ]
        self.fields["period"].initial = periods[0].isoformat()
        note = self.fields.pop("note")
        self.fields.update(_number_fields(measure, required=True))
        self.fields["note"] = note
        if measure.is_rare_event:  # a point per event, on the day it happened
            self.fields["period"].label = "Day of the event"
            note.help_text = "Anything that explains this event."
            if measure.chart_type == "t":
                self.fields["value"].initial = 1

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]

    def row(self) -> Row:
        data = self.cleaned_data
        return Row(
            period=data["period"],
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            note=data.get("note", ""),
        )


def _first_upper(text: str) -> str:
    """"8 December 2026", "Week commencing…": str.capitalize would lower the month."""
    return text[:1].upper() + text[1:]


def _choice_label(measure, period, point, *, current) -> str:
    label = _first_upper(P.format_period(period, measure.frequency))
    if measure.frequency == P.DAY:
        label += " (today)" if current else " (yesterday)"
    else:
        label += " (this period)" if current else " (the one before)"
    if point is not None:
        label += f" — correcting: was {held_text(measure, point)}"
    return label


class GridForm(forms.Form):
    """Recent periods in one table; rows left empty are ignored, and a period holding a figure
    can be ticked to remove it."""

    def __init__(self, *args, measure: Measure, periods: list[dt.date], held: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.periods = periods
        self.held = held
        self.row_problems: dict[dt.date, list[str]] = {}
        self.row_questions: dict[dt.date, str] = {}
        names = list(value_labels(measure))
        for period in periods:
            point = held.get(period)
            for name, field in _number_fields(measure, required=False).items():
                field.initial = _initial(getattr(point, name, None))
                self.fields[f"{name}_{period.isoformat()}"] = field
            self.fields[f"note_{period.isoformat()}"] = forms.CharField(
                required=False,
                max_length=500,
                label="Note",
                initial=point.note if point else "",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            if point is not None:
                self.fields[f"remove_{period.isoformat()}"] = forms.BooleanField(
                    required=False, label="Remove"
                )
        self.value_names = names
        self.column_labels = list(value_labels(measure).values())

    def lines(self):
        """For the template: each period with its label, fields, what it holds, its problems."""
        for period in self.periods:
            iso = period.isoformat()
            yield {
                "period": period,
                "label": _first_upper(P.format_period(period, self.measure.frequency)),
                "fields": [self[f"{name}_{iso}"] for name in self.value_names],
                "note": self[f"note_{iso}"],
                "held": self.held.get(period),
                "remove": self[f"remove_{iso}"] if f"remove_{iso}" in self.fields else None,
                "problems": self.row_problems.get(period, []),
                "question": self.row_questions.get(period),
            }

    def removals(self) -> list[dt.date]:
        """The periods whose stored figure is to be deleted (their boxes are then ignored)."""
        return [p for p in self.periods if self.cleaned_data.get(f"remove_{p.isoformat()}")]

    def rows(self) -> list[Row]:
        rows = []
        removed = set(self.removals())
        for period in self.periods:
            if period in removed:
                continue
            iso = period.isoformat()
            numbers = {name: self.cleaned_data.get(f"{name}_{iso}") for name in self.value_names}
            note = self.cleaned_data.get(f"note_{iso}", "")
            if all(v is None for v in numbers.values()) and not note:
                continue  # an empty row: nothing to say about this period
            rows.append(Row(period=period, note=note, **numbers))
        return rows

    def add_row_problems(self, rows: list[Row], problems: list[list[str]]) -> None:
        for row, row_problems in zip(rows, problems, strict=True):
            if row_problems:
                self.row_problems[row.period] = row_problems

    def add_row_questions(self, rows: list[Row], questions: list[str | None]) -> None:
        for row, question in zip(rows, questions, strict=True):
            if question:
                self.row_questions[row.period] = question
