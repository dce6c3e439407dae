from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from teams.models import ApiToken, Directorate, Membership, Team, User
from teams.tokens import TokenRefused


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


class _TeamChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, team):
        return f"{team.name} ({team.directorate.name})"


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} ({user.username})"


class ApiTokenForm(forms.Form):
    """What a new API token is asked to be; whether it may be so is teams.tokens.api_token_create's
    to say (add_refusal puts its answer beside the field at fault)."""

    # Not required here: the service says what a name is for when there is none.
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        required=False,
        label="Name",
        help_text="What uses the token, e.g. “Warehouse nightly load”. Unique in the trust.",
    )
    user = _PersonChoice(
        queryset=User.objects.none(),
        label="Acts as",
        empty_label="Choose a person",
        help_text="The token reads and writes as this person, never more than they may.",
    )
    write = forms.BooleanField(required=False, label="May write data")
    teams = _TeamChoice(
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Teams it writes",
        help_text="Only for a writing token: the teams whose measures and data it may write.",
    )
    trust_wide = forms.BooleanField(
        required=False,
        label="May write trust-wide measures",
        help_text="Only for a writing token acting as a QI admin.",
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires after (optional)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="It stops working at the end of this day. Leave empty for no expiry.",
    )

    # api_token_create's argument -> the field that shows its refusal
    REFUSAL_FIELDS = {"expires_at": "expires_on"}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("first_name", "last_name", "username")
        self.fields["teams"].queryset = (
            Team.objects.filter(organisation=organisation)
            .select_related("directorate")
            .order_by("name", "directorate__name")
        )
        self.helper = _helper("Make the token")

    def add_refusal(self, refused: TokenRefused) -> None:
        field = self.REFUSAL_FIELDS.get(refused.field, refused.field)
        self.add_error(field if field in self.fields else None, str(refused))
