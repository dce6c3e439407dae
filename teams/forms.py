from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from teams.models import Directorate, Membership, Team


def _helper(submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the templates write the <form> with its action and CSRF token
    helper.add_input(Submit("submit", submit_label))
    return helper


class DirectorateForm(forms.Form):
    name = forms.CharField(max_length=200, label="Directorate name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add directorate")


class TeamForm(forms.Form):
    directorate = forms.ModelChoiceField(queryset=Directorate.objects.none())
    name = forms.CharField(max_length=200, label="Team name")
    kind = forms.ChoiceField(choices=Team.Kind.choices, label="Kind of team")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = Directorate.objects.filter(organisation=organisation)
        self.helper = _helper("Add team")


class MembershipForm(forms.Form):
    """Validates against every candidate of the organisation (one query for the chosen person),
    but never renders them all: the team page lists at most a search's worth of people
    (teams.selectors.member_search, templates/teams/_member_choices.html)."""

    user = forms.ModelChoiceField(queryset=None, label="Person", empty_label="Choose a person")
    role = forms.ChoiceField(choices=Membership.Role.choices, label="Role in the team")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.helper = _helper("Add to team")
