"""One shape for every API error, so that a client handles them all alike:

    {"error": {"status": 400, "code": "invalid", "message": "...", "problems": [...]}}

`problems` lists what is wrong where: {"row": 3, "field": "period", "message": "..."} for a
batch of data points, {"field": "name", "message": "..."} for a form-like body. Anything not
foreseen is still a JSON 500 with no detail (the log has it), never an HTML page."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


class BatchRefused(exceptions.APIException):
    """A batch that cannot be saved: every problem of every row, nothing saved."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, problems: list[dict]):
        super().__init__(message)
        self.problems = problems


class Conflict(BatchRefused):
    """The request is valid but clashes with what is stored (e.g. a key another measure has)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Unconfirmed(BatchRefused):
    """Figures far outside what the measure holds, to be sent again marked as confirmed."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "unconfirmed"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request is too large."


def error_body(status_code: int, code: str, message: str, problems=()) -> dict:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message": message,
            "problems": list(problems),
        }
    }


def _field_problems(detail, prefix="") -> list[dict]:
    """DRF's nested validation errors as a flat list of {field, message}."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out += _field_problems(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": prefix, "message": str(item)} for item in detail]
        out = []
        for i, item in enumerate(detail):
            out += _field_problems(item, f"{prefix}[{i}]")
        return out
    return [{"field": prefix, "message": str(detail)}]


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found in your organisation.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unexpected error in the API", exc_info=exc)
        return Response(
            error_body(500, "server_error", "Something went wrong on our side; nothing was saved."),
            status=500,
        )
    if isinstance(exc, BatchRefused):
        problems = exc.problems
        message = str(exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        problems = _field_problems(exc.detail)
        message = "The request is not valid: see problems."
    else:
        problems = []
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc.detail, exceptions.ErrorDetail):
        code = exc.detail.code or code
    response.data = error_body(response.status_code, code, message, problems)
    return response
