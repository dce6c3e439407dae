"""Forms for defining measures and changing their baselines. They validate input and say what
is wrong in plain words; the services in metrics.measures.services do the work."""

from django import forms
from django.utils import timezone

from metrics.measures.rules import frequency_problem, target_problem
from metrics.models import Measure
from metrics.periods import period_problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The chart type, chosen by what is being counted: people pick the data they have, not the
# statistics. Ordered from "not sure" to the specialist Laney charts.
CHART_CHOICES = [
    (
        "run",
        "Run chart — few points so far (under about 15), or not sure: a median line and the "
        "runs rules. You can change to an SPC chart later.",
    ),
    (
        "xmr",
        "XmR chart — continuous values, one number a period: e.g. average length of stay, "
        "waiting days, bed occupancy.",
    ),
    (
        "c",
        "C chart — counts of events where the opportunity stays about the same: e.g. violent "
        "incidents a week on one ward.",
    ),
    (
        "u",
        "U chart — events per amount of exposure, entered as events and exposure: e.g. "
        "incidents per 1,000 bed days.",
    ),
    (
        "up",
        "Laney U′ chart — as a U chart, but for very large denominators (thousands or more "
        "each period), where a U chart's limits come out too narrow.",
    ),
    (
        "p",
        "P chart — a proportion of cases, entered as cases and total: e.g. % of first "
        "appointments not attended, % of staff sickness days.",
    ),
    (
        "pp",
        "Laney P′ chart — as a P chart, but for very large denominators (thousands or more "
        "each period).",
    ),
    (
        "t",
        "T chart — rare events (restraint, seclusion, serious incidents), entered as the date "
        "of each event: the chart shows the days between them. Recorded daily.",
    ),
    (
        "g",
        "G chart — rare events entered as the date of each event and the opportunities since "
        "the one before (e.g. admissions or bed days between seclusions). Recorded daily.",
    ),
]
MEASURE_FIELDS = [
    "name",
    "kind",
    "definition",
    "unit",
    "frequency",
    "chart_type",
    "improvement",
    "target",
    "is_key",
    "projects",
]


class PlainWordsMixin:
    """Replace Django's generic 'This field is required.' with the field's own name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "this").rstrip("?").lower()
            field.error_messages["required"] = f"Fill in “{label}”: it is needed."
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = "Enter a date, for example 31/03/2026."
            if isinstance(field, forms.FloatField):
                field.error_messages["invalid"] = "Enter a number, for example 15 or 2.5."


class MeasureForm(PlainWordsMixin, forms.ModelForm):
    chart_type = forms.ChoiceField(
        label="What kind of data is it?",
        choices=CHART_CHOICES,
        widget=forms.RadioSelect,
        initial="run",
    )

    class Meta:
        model = Measure
        fields = MEASURE_FIELDS
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.RadioSelect,
            "improvement": forms.RadioSelect,
            "projects": forms.CheckboxSelectMultiple,
        }
        labels = {
            "kind": "Type of measure",
            "improvement": "Which way is better?",
            "target": "Target (optional)",
            "projects": "Improvement projects this measure serves",
        }
        help_texts = {
            "kind": "Outcome: what matters to patients and staff. Process: whether the changes "
            "are being done. Balancing: whether something else got worse.",
            "target": "A number in the measure’s unit; for P charts a percentage, e.g. 15 for "
            "15%. Leave empty for no target.",
            "projects": "The PDSA cycles of these projects are drawn on the chart.",
            "is_key": "Key measures appear on the trust-wide board dashboard.",
        }

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["projects"].required = False

    def clean(self):
        cleaned = super().clean()
        problem = target_problem(cleaned.get("chart_type"), cleaned.get("target"))
        if problem:
            self.add_error("target", problem)
        problem = frequency_problem(cleaned.get("chart_type"), cleaned.get("frequency"))
        if problem:
            self.add_error("frequency", problem)
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned fields as the measure services take them (projects separately)."""
        return {name: self.cleaned_data[name] for name in MEASURE_FIELDS if name != "projects"}


class _PeriodFormMixin:
    """A period picked as a date, checked against the measure's frequency in plain words.
    (A date input, not a list of every period: the list costs more to draw than the chart.)"""

    period_fields: tuple[str, ...] = ()

    def __init__(self, *args, frequency, **kwargs):
        super().__init__(*args, **kwargs)
        self.frequency = frequency
        hint = {
            "week": "The Monday of the week (weeks commence on Monday).",
            "month": "The first day of the month.",
            "day": "The day.",
        }[frequency]
        for name in self.period_fields:
            self.fields[name].help_text = f"{hint} {self.fields[name].help_text}".strip()

    def _period(self, name):
        day = self.cleaned_data.get(name)
        if day is not None:
            problem = period_problem(day, self.frequency, timezone.localdate())
            if problem:
                raise forms.ValidationError(problem)
        return day


class PhaseStartForm(_PeriodFormMixin, PlainWordsMixin, forms.Form):
    period_fields = ("starts_on",)
    starts_on = forms.DateField(
        label="New phase starts at",
        widget=DATE,
        help_text="Centre and limits are recalculated from this period on.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=200,
        help_text="What changed in the process here, e.g. “New discharge checklist in use”.",
    )
    change_idea = forms.ModelChoiceField(
        label="Change idea it followed",
        queryset=None,
        required=False,
        empty_label="None of the change ideas",
    )

    def __init__(self, *args, change_ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = change_ideas
        self.fields["change_idea"].label_from_instance = lambda i: f"{i.title} ({i.project})"

    def clean_starts_on(self):
        return self._period("starts_on")


class PhaseRemoveForm(PlainWordsMixin, forms.Form):
    reason = forms.CharField(
        label="Why remove this phase?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history with your name.",
    )


class FreezeForm(_PeriodFormMixin, PlainWordsMixin, forms.Form):
    period_fields = ("until",)
    until = forms.DateField(
        label="Freeze the limits on the points up to",
        widget=DATE,
        required=False,
        help_text="Later points are judged against this baseline instead of moving it.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history with your name.",
    )

    def __init__(self, *args, frozen: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.frozen = frozen
        if frozen:
            self.fields["until"].help_text += " Leave empty to unfreeze."

    def clean_until(self):
        until = self._period("until")
        if until is None and not self.frozen:
            raise forms.ValidationError("Enter the last period of the baseline to freeze on.")
        return until
