"""The API's documented error answers, shared by its endpoints (drf-spectacular reads them)."""

from drf_spectacular.utils import OpenApiResponse

from metrics.api.serializers import ErrorSerializer

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
NOT_MODIFIED = OpenApiResponse(description="Not modified: the ETag sent is still the latest.")
