"""What the API sends and takes, as OpenAPI describes it (drf-spectacular reads these)."""

from rest_framework import serializers

from metrics.measures.rules import frequency_problem, target_problem
from metrics.models import ChartSnapshot, Measure
from teams.api.fields import StrictIntegerField, StrictModelSerializer
from teams.models import Team

MAX_ID = 2**63 - 1  # ids above this are no row's (and overflow the database's integers)


class MeasureSerializer(serializers.ModelSerializer):
    team = serializers.IntegerField(source="team_id", allow_null=True, read_only=True)
    team_name = serializers.CharField(
        source="team.name",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="The team's name; null for a trust-wide measure.",
    )

    class Meta:
        model = Measure
        fields = [
            "id", "external_id", "name", "team", "team_name", "kind", "definition", "unit",
            "frequency", "chart_type", "improvement", "target", "is_key", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class MeasureWriteSerializer(StrictModelSerializer):
    """A measure's definition as the warehouse sends it, to create one (every field but the
    optional ones) or change one (PATCH: only the fields sent). The rules are the portal's."""

    team = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        help_text="The team's id; null for a trust-wide measure (a QI admin's token only).",
    )

    class Meta:
        model = Measure
        fields = [
            "external_id", "name", "team", "kind", "definition", "unit", "frequency",
            "chart_type", "improvement", "target", "is_key",
        ]  # fmt: skip
        validators = []  # a taken external_id is a 409 (the view asks), not a 400

    def validate_team(self, team_id):
        if team_id is None:
            return None
        team = Team.objects.filter(pk=team_id, organisation_id=self.context["organisation_id"])
        found = team.first()
        if found is None:
            raise serializers.ValidationError(f"No team {team_id} in your organisation.")
        return found

    def validate(self, attrs):
        def now(name):
            return attrs.get(name, getattr(self.instance, name, None))

        problem = target_problem(now("chart_type"), now("target"))
        if problem:
            raise serializers.ValidationError({"target": problem})
        problem = frequency_problem(now("chart_type"), now("frequency"))
        if problem:
            raise serializers.ValidationError({"frequency": problem})
        return attrs


class MeasureFilterSerializer(serializers.Serializer):
    """The list's filters: bad values are a 400 that says which, never a silent empty list."""

    team = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this team's measures."
    )
    external_id = serializers.RegexField(
        r"^[^\x00]*$",  # said in the schema: the database stores no NUL character
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The measure with this warehouse key (empty: the measures without one).",
    )


class DataPointRowSerializer(serializers.Serializer):
    """One period of one measure. Name the measure by `measure` (its id) or `external_id`."""

    measure = serializers.IntegerField(required=False, help_text="The measure's id.")
    external_id = serializers.CharField(
        required=False, help_text="The warehouse's key of the measure, instead of its id."
    )
    period = serializers.DateField(
        help_text="A day of the period: moved to the period's start (a week's Monday, a "
        "month's first day)."
    )
    value = serializers.FloatField(required=False, allow_null=True)
    numerator = serializers.FloatField(required=False, allow_null=True)
    denominator = serializers.FloatField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="True: the figures are right even though they are far outside the measure's "
        "history (a batch holding such figures unconfirmed is answered 409 `unconfirmed`, "
        "naming the rows, and nothing is saved).",
    )


class DataPointBatchSerializer(serializers.Serializer):
    rows = DataPointRowSerializer(many=True, help_text="Up to 10,000 rows (API_MAX_BATCH_ROWS).")


class BatchCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    corrected = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class BatchResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    measures = serializers.IntegerField()
    counts = BatchCountsSerializer()


class ChartSerializer(serializers.ModelSerializer):
    """The measure's latest chart: the engine's result (DESIGN §5) for its periods."""

    measure = serializers.IntegerField(source="measure_id")
    result = serializers.JSONField(allow_null=True)
    periods = serializers.ListField(child=serializers.DateField())

    class Meta:
        model = ChartSnapshot
        fields = [
            "measure", "status", "data_version", "computed_at", "periods", "variation",
            "assurance", "result", "error",
        ]  # fmt: skip


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(required=False)
    field = serializers.CharField()
    message = serializers.CharField()


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    problems = ProblemSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
