"""The API's endpoints. Thin: read the request, ask the token's scope, call the entry service or
read a snapshot, answer. Every read is scoped to the token's organisation (a foreign id is 404);
every write to the token's teams (403 names the rows out of scope)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.api import reading
from metrics.api.serializers import (
    BatchResultSerializer,
    ChartSerializer,
    DataPointBatchSerializer,
    ErrorSerializer,
    MeasureFilterSerializer,
    MeasureSerializer,
)
from metrics.entry.batch import batch_problems, data_points_save_batch
from metrics.models import ChartSnapshot, Measure
from teams.api.errors import BatchRefused, TooLarge
from teams.api.permissions import TokenMayWrite
from teams.tokens import api_token_can_write

ERRORS = {
    code: OpenApiResponse(ErrorSerializer, description=text)
    for code, text in {
        401: "No token, or one that is unknown, revoked or expired.",
        403: "The token may not do this.",
        404: "Not found in the token's organisation.",
        429: "Too many requests for this token: wait for Retry-After seconds.",
    }.items()
}


ERROR_400 = OpenApiResponse(ErrorSerializer, description="A parameter or the body is not valid.")


# Ids above this are no row's (and would overflow the database's integers): not found.
MAX_ID = 2**63 - 1


def _measures(request, pk=None):
    if pk is not None and not 0 < pk <= MAX_ID:
        raise Http404
    return (
        Measure.objects.filter(organisation_id=request.auth.organisation_id)
        .select_related("team")
        .order_by("pk")
    )


@extend_schema(
    parameters=[MeasureFilterSerializer],
    responses={200: MeasureSerializer(many=True), 400: ERROR_400, **ERRORS},
)
class MeasureList(generics.ListAPIView):
    """The organisation's measures, a page at a time."""

    serializer_class = MeasureSerializer

    def get_queryset(self):
        # A plain dict: a QueryDict would let "external_id=" pass as if it were not given.
        filters = MeasureFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        measures = _measures(self.request)
        if "team" in filters.validated_data:
            measures = measures.filter(team_id=filters.validated_data["team"])
        if "external_id" in filters.validated_data:
            measures = measures.filter(external_id=filters.validated_data["external_id"])
        return measures


@extend_schema(responses={200: MeasureSerializer, **ERRORS})
class MeasureDetail(generics.RetrieveAPIView):
    """One measure's definition."""

    serializer_class = MeasureSerializer
    lookup_url_kwarg = "measure_id"

    def get_queryset(self):
        return _measures(self.request, self.kwargs["measure_id"])


def _etag(snapshot: ChartSnapshot) -> str:
    computed = snapshot.computed_at.isoformat() if snapshot.computed_at else "-"
    return f'"chart-{snapshot.measure_id}-{snapshot.data_version}-{snapshot.status}-{computed}"'


@extend_schema(
    responses={200: ChartSerializer, 304: OpenApiResponse(description="Not modified"), **ERRORS}
)
class MeasureChart(APIView):
    """The measure's latest chart, as the portal draws it. `status` is `stale` while the chart
    is being recomputed; send `If-None-Match` with the last ETag to ask only for a change."""

    def get(self, request, measure_id: int):
        measure = get_object_or_404(_measures(request, measure_id), pk=measure_id)
        snapshot, _ = ChartSnapshot.objects.get_or_create(measure=measure)
        etag = _etag(snapshot)
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(ChartSerializer(snapshot).data, headers={"ETag": etag})


@extend_schema(
    request=DataPointBatchSerializer,
    responses={
        200: BatchResultSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Rows with problems: nothing saved."),
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
                "Send {\"rows\": [...]}: a list of data points.",
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
        counts = data_points_save_batch(
            groups=batch.groups, user=request.user, via=f"API token “{token.name}”"
        )
        return Response({"rows": len(rows), "measures": len(batch.groups), "counts": counts})
