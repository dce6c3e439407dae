"""Conditional reads: a result sent with an `ETag`, and a request whose `If-None-Match` holds
that tag answered 304 with no body (nothing read beyond what the tag is made of)."""

from rest_framework import status
from rest_framework.response import Response


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def conditional(request, etag: str, body):
    """304 if the client holds this tag (or any, `*`); else 200 with body() and the tag."""
    held = _tags(request.headers.get("If-None-Match", ""))
    if etag in held or "*" in held:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    return Response(body(), headers={"ETag": etag})
