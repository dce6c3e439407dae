"""The API's endpoints. Thin: read the request, ask the token's scope, call the entry service or
read a snapshot, answer. Every read is scoped to the token's organisation (a foreign id is 404);
every write to the token's teams (403 names the rows out of scope)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as Refused
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.api import reading
from metrics.api.responses import ERROR_400, ERRORS, NOT_MODIFIED
from metrics.api.serializers import (
    MAX_ID,
    BatchResultSerializer,
    ChartSerializer,
    DataPointBatchSerializer,
    ErrorSerializer,
    MeasureFilterSerializer,
    MeasureSerializer,
    MeasureWriteSerializer,
)
from metrics.entry.batch import BatchUnusual, batch_problems, data_points_save_batch
from metrics.measures.services import measure_create, measure_update
from metrics.models import ChartSnapshot, Measure
from teams.api.conditional import conditional
from teams.api.errors import BatchRefused, Conflict, TooLarge, Unconfirmed
from teams.api.permissions import TokenMayWrite
from teams.tokens import api_token_can_define, api_token_can_write

ERROR_409 = OpenApiResponse(
    ErrorSerializer, description="Another measure of the trust already has this external_id."
)
ERROR_403_DEFINE = OpenApiResponse(
    ErrorSerializer,
    description="The token may not define this team's measures (a read-only token, another "
    "team, or its maker is not the team's lead or a QI admin).",
)

DEFINE_ERRORS = {400: ERROR_400, **ERRORS, 403: ERROR_403_DEFINE, 409: ERROR_409}


def _via(token) -> str:
    return f"API token “{token.name}”"


def _service_refused(error: ValidationError):
    """The model's own validation, in the API's 400 (never a 500 for what a person can fix)."""
    if hasattr(error, "message_dict"):
        raise Refused({k if k != "__all__" else "": v for k, v in error.message_dict.items()})
    raise Refused({"": error.messages})


def _key_free(organisation_id: int, key: str | None, *, measure: Measure | None = None) -> None:
    """A warehouse key names one measure of the trust: another's is a conflict (409)."""
    if not key:
        return
    taken = Measure.objects.filter(organisation_id=organisation_id, external_id=key)
    other = taken.exclude(pk=measure.pk).first() if measure else taken.first()
    if other is not None:
        raise Conflict(
            f"Measure {other.pk} (“{other.name}”) already has this external_id: change that "
            "measure, or choose another key.",
            [{"field": "external_id", "message": "Another measure of the trust has this key."}],
        )


def _may_define(request, thing) -> None:
    if not api_token_can_define(request.auth, thing):
        raise PermissionDenied(
            "This token may not define this team's measures: it needs to write the team, and "
            "its maker must be the team's lead or a QI admin."
        )


def _measures(request, pk=None):
    if pk is not None and not 0 < pk <= MAX_ID:
        raise Http404
    return (
        Measure.objects.filter(organisation_id=request.auth.organisation_id)
        .select_related("team")
        .order_by("pk")
    )


@extend_schema_view(
    get=extend_schema(
        parameters=[MeasureFilterSerializer],
        responses={200: MeasureSerializer(many=True), 400: ERROR_400, **ERRORS},
    ),
    post=extend_schema(
        request=MeasureWriteSerializer,
        responses={201: MeasureSerializer, **DEFINE_ERRORS},
    ),
)
class MeasureList(generics.ListAPIView):
    """The organisation's measures, a page at a time (GET); a new measure's definition (POST),
    for a team the token writes, or trust-wide for a QI admin's trust-wide token. Its chart
    starts empty; send its data to /api/data-points/."""

    serializer_class = MeasureSerializer
    permission_classes = [*APIView.permission_classes, TokenMayWrite]

    def post(self, request):
        token = request.auth
        given = MeasureWriteSerializer(
            data=request.data, context={"organisation_id": token.organisation_id}
        )
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        team = fields.pop("team")
        _may_define(request, Measure(team=team, organisation_id=token.organisation_id))
        _key_free(token.organisation_id, fields.get("external_id"))
        try:
            measure = measure_create(
                organisation=token.organisation, team=team, user=request.user,
                via=_via(token), **fields,
            )  # fmt: skip
        except ValidationError as error:
            _service_refused(error)
        location = reverse("api:measure", args=[measure.pk])
        return Response(
            MeasureSerializer(measure).data, status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )  # fmt: skip

    def get_queryset(self):
        given = self.request.query_params
        known = {*MeasureFilterSerializer().fields, "page", "page_size"}
        unknown = sorted(set(given) - known)
        if unknown:  # a mistyped filter must not quietly list every measure
            words = f"Unknown parameter: use {', '.join(sorted(known))}."
            raise Refused({unknown[0][:40]: [words]})
        # A plain dict: a QueryDict would let "external_id=" pass as if it were not given.
        filters = MeasureFilterSerializer(data=given.dict())
        filters.is_valid(raise_exception=True)
        measures = _measures(self.request)
        if "team" in filters.validated_data:
            measures = measures.filter(team_id=filters.validated_data["team"])
        if "external_id" in filters.validated_data:
            measures = measures.filter(external_id=filters.validated_data["external_id"])
        return measures


@extend_schema_view(
    get=extend_schema(responses={200: MeasureSerializer, **ERRORS}),
    patch=extend_schema(
        request=MeasureWriteSerializer(partial=True),
        responses={200: MeasureSerializer, **DEFINE_ERRORS},
    ),
)
class MeasureDetail(generics.RetrieveAPIView):
    """One measure's definition (GET); a change to it (PATCH: only the fields sent), recorded
    in the audit trail with the token's name. A change of chart type, frequency, direction or
    target recomputes the chart, as in the portal."""

    serializer_class = MeasureSerializer
    lookup_url_kwarg = "measure_id"
    permission_classes = [*APIView.permission_classes, TokenMayWrite]

    def get_queryset(self):
        return _measures(self.request, self.kwargs["measure_id"])

    def patch(self, request, measure_id: int):
        measure = self.get_object()
        _may_define(request, measure)
        token = request.auth
        given = MeasureWriteSerializer(
            measure, data=request.data, partial=True,
            context={"organisation_id": token.organisation_id},
        )  # fmt: skip
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        if "team" in fields and fields["team"] != measure.team:
            moved = Measure(team=fields["team"], organisation_id=token.organisation_id)
            _may_define(request, moved)  # the team it leaves and the team it joins
        _key_free(token.organisation_id, fields.get("external_id"), measure=measure)
        try:
            measure = measure_update(measure=measure, actor=request.user, via=_via(token), **fields)
        except ValidationError as error:
            _service_refused(error)
        measure.refresh_from_db()
        return Response(MeasureSerializer(measure).data)


def _etag(snapshot: ChartSnapshot) -> str:
    computed = snapshot.computed_at.isoformat() if snapshot.computed_at else "-"
    return f'"chart-{snapshot.measure_id}-{snapshot.data_version}-{snapshot.status}-{computed}"'


@extend_schema(responses={200: ChartSerializer, 304: NOT_MODIFIED, **ERRORS})
class MeasureChart(APIView):
    """The measure's latest chart, as the portal draws it. `status` is `stale` while the chart
    is being recomputed; send `If-None-Match` with the last ETag to ask only for a change."""

    def get(self, request, measure_id: int):
        measure = get_object_or_404(_measures(request, measure_id), pk=measure_id)
        snapshot, _ = ChartSnapshot.objects.get_or_create(measure=measure)
        return conditional(request, _etag(snapshot), lambda: ChartSerializer(snapshot).data)


@extend_schema(
    request=DataPointBatchSerializer,
    responses={
        200: BatchResultSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Rows with problems: nothing saved."),
        409: OpenApiResponse(
            ErrorSerializer,
            description="Figures far outside their measure's history, not marked confirmed: "
            "nothing saved (code `unconfirmed`, the rows named).",
        ),
        413: OpenApiResponse(ErrorSerializer, description="More rows than a batch may hold."),
        **ERRORS,
    },
)
class DataPointBatch(APIView):
    """Save a batch of data points for any of the token's measures: all rows or none.

    Sending the same batch again changes nothing; a period sent with other figures is corrected,
    its previous figures kept in its history. Each measure's chart is recomputed once."""

    permission_classes = [*APIView.permission_classes, TokenMayWrite]

    def post(self, request):
        body = request.data
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise BatchRefused(
                'Send {"rows": [...]}: a list of data points.',
                [{"field": "rows", "message": "This must be a list of rows."}],
            )
        if len(rows) > settings.API_MAX_BATCH_ROWS:
            raise TooLarge(
                f"A batch holds at most {settings.API_MAX_BATCH_ROWS:,} rows; this one has "
                f"{len(rows):,}. Send it in smaller batches."
            )
        token = request.auth
        batch = reading.batch_read(token.organisation_id, rows)
        refused = [
            {"row": i, "field": "measure", "message": f"This token may not write “{m.name}”."}
            for m, group in batch.groups.items()
            if not api_token_can_write(token, m)
            for i in sorted(batch.index_of[(m.pk, n)] for n in range(len(group)))
        ]
        if refused:
            return Response(
                {
                    "error": {
                        "status": 403,
                        "code": "out_of_scope",
                        "message": "Some rows are for measures this token may not write: "
                        "nothing was saved.",
                        "problems": refused,
                    }
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        reading.domain_problems(batch, batch_problems(batch.groups))
        if batch.problems:
            bad = len({p["row"] for p in batch.problems})
            raise BatchRefused(
                f"{bad:,} of {len(rows):,} rows have problems: nothing was saved.",
                batch.problems,
            )
        try:
            counts = data_points_save_batch(
                groups=batch.groups,
                user=request.user,
                via=_via(token),
                checked=True,
                confirmed=batch.confirmed,
            )
        except BatchUnusual as unusual:
            raise Unconfirmed(
                str(unusual) + ' Check them; send those that are right with "confirmed": true.',
                reading.unusual_problems(batch, unusual.questions),
            ) from None
        return Response({"rows": len(rows), "measures": len(batch.groups), "counts": counts})
