"""Liveness for load balancers and container health checks: the app answers and its database
does too. No authentication, no data."""

from django.db import connection
from django.http import HttpResponse


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
