"""Forms for the cycles pages: short, labelled, and saying what is wrong in plain words."""

from decimal import Decimal

from django import forms

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review
from cycles.progress_scale import IHI_SCALE
from cycles.services import ACT_FIELDS, DO_FIELDS, PLAN_FIELDS, PROJECT_FIELDS, STUDY_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlainWordsMixin:
    """Replace Django's generic 'This field is required.' with the field's own name. Forms that
    share a page get their own id prefix, so each label points at its own field."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "this").rstrip("?").lower()
            field.error_messages["required"] = f"Fill in “{label}”: it is needed."
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = "Enter a date, for example 31/03/2026."


class ProjectForm(PlainWordsMixin, forms.ModelForm):
    # Optional on the form: left empty, the project keeps (or gets) the usual 8 periods.
    evidence_window = forms.IntegerField(
        label=Project._meta.get_field("evidence_window").verbose_name,
        required=False,
        min_value=1,
        max_value=52,
        help_text=Project._meta.get_field("evidence_window").help_text,
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "aim_by_when": DATE,
            "start_date": DATE,
            "problem": forms.Textarea(attrs={"rows": 3}),
            "service_user_involvement": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"title": "A short name the team will recognise."}

    def clean_evidence_window(self):
        window = self.cleaned_data.get("evidence_window")
        if window is None:
            return self.instance.evidence_window  # a new project: the model's default, 8
        return window

    def clean(self):
        cleaned = super().clean()
        start, by_when = cleaned.get("start_date"), cleaned.get("aim_by_when")
        if start and by_when and by_when <= start:
            self.add_error("aim_by_when", "The aim’s date must come after the start date.")
        return cleaned


class ProgressScoreForm(PlainWordsMixin, forms.ModelForm):
    id_prefix = "score"

    score = forms.TypedChoiceField(
        label="Progress score (IHI scale)",
        choices=[(s, f"{s} — {name}: {detail}") for s, name, detail in IHI_SCALE],
        coerce=Decimal,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ProgressScore
        fields = ["score", "scored_on", "note"]
        widgets = {"scored_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}
        labels = {"scored_on": "Scored on", "note": "Why this score (optional)"}


class DriverForm(PlainWordsMixin, forms.Form):
    id_prefix = "driver"

    text = forms.CharField(label="Driver", max_length=300)
    parent = forms.ModelChoiceField(
        queryset=Driver.objects.none(),
        required=False,
        label="Under",
        empty_label="Nothing: a primary driver",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Driver.objects.filter(project=project, parent=None)


class DriverTextForm(PlainWordsMixin, forms.Form):
    text = forms.CharField(label="Driver", max_length=300)


class ChangeIdeaForm(PlainWordsMixin, forms.ModelForm):
    id_prefix = "idea"

    class Meta:
        model = ChangeIdea
        fields = ["title", "description", "driver", "status"]
        labels = {"title": "Change idea", "driver": "Driver it acts on"}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = Driver.objects.filter(project=project)
        self.fields["driver"].empty_label = "Not linked to a driver yet"


class PlanForm(PlainWordsMixin, forms.ModelForm):
    """The Plan, and the measures the cycle is expected to move (from those the project serves;
    saved by cycles.services, never through the model form)."""

    measures = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Measures this cycle is expected to move",
    )

    class Meta:
        model = PDSACycle
        fields = PLAN_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("objective", "questions", "predictions", "data_collection")
        }

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = measures
        self.fields["measures"].label_from_instance = measure_label
        self.fields["measures"].error_messages["invalid_choice"] = (
            "Choose measures this project serves."
        )


class DoForm(PlainWordsMixin, forms.ModelForm):
    class Meta:
        model = PDSACycle
        fields = DO_FIELDS
        widgets = {
            "do_started_on": DATE,
            "do_ended_on": DATE,
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "surprises": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what_happened"].required = True


class StudyForm(PlainWordsMixin, forms.ModelForm):
    class Meta:
        model = PDSACycle
        fields = STUDY_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in STUDY_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learning"].required = True


class ActForm(PlainWordsMixin, forms.ModelForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("adopt", "Adopt: keep the change, it worked"),
            ("adapt", "Adapt: change it and test again"),
            ("abandon", "Abandon: stop, it did not work"),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = PDSACycle
        fields = ACT_FIELDS
        widgets = {"next_steps": forms.Textarea(attrs={"rows": 2})}


STAGE_FORMS = {"plan": PlanForm, "do": DoForm, "study": StudyForm, "act": ActForm}


class ReviewForm(PlainWordsMixin, forms.ModelForm):
    id_prefix = "review"

    class Meta:
        model = Review
        fields = ["text", "cycle"]
        labels = {"text": "Feedback for the team", "cycle": "This review is about"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        cycles = PDSACycle.objects.filter(project=project).select_related("change_idea")
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].empty_label = "The project as a whole"
        self.fields["cycle"].required = False


class SpreadForm(PlainWordsMixin, forms.Form):
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        label="Copy into",
        empty_label="Choose one of your projects",
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.title} ({p.team})"


TRUST_WIDE = "Trust-wide measures"


def measure_choices_by_team(measures):
    """Choices grouped under each measure's team (trust-wide measures under their own heading),
    from one query."""
    groups: dict[str, list] = {}
    for measure in measures:
        team = measure.team.name if measure.team_id else TRUST_WIDE
        groups.setdefault(team, []).append((measure.pk, measure.name))
    return list(groups.items())


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search change ideas and what teams learned", required=False)
    directorate = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All directorates"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ChangeIdea.Status.choices], required=False
    )
    measure = forms.TypedChoiceField(
        label="Measure it aims to move",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose one of the measures in the list."},
    )

    def __init__(self, *args, directorates, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = directorates
        self.fields["measure"].choices = [("", "Any measure"), *measure_choices_by_team(measures)]


class CycleMeasuresForm(PlainWordsMixin, forms.Form):
    """The measures a cycle is expected to move, chosen from those its project serves."""

    id_prefix = "measures"

    measures = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Measures this cycle is expected to move",
        help_text="From the measures this project serves.",
    )

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = measures
        self.fields["measures"].label_from_instance = measure_label
        self.fields["measures"].error_messages["invalid_choice"] = (
            "Choose measures this project serves."
        )


def measure_label(measure) -> str:
    team = measure.team.name if measure.team_id else "trust-wide"
    return f"{measure.name} ({measure.get_kind_display().lower()}, {team})"
