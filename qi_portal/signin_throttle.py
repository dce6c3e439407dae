"""Sign-in throttling (django-axes): the page a locked-out person sees, and the client address
that a lockout is tied to."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def locked_out(request, original_response=None, credentials=None):
    """The friendly lockout page: what happened, and from when to try again (status 429)."""
    cool_off = settings.AXES_COOLOFF_TIME
    # Every attempt during a lockout restarts it, so it ends one cool-off from this attempt.
    attempt_time = getattr(request, "axes_attempt_time", None) or timezone.now()
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        "try_again_at": timezone.localtime(attempt_time + cool_off),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost of them saw (X-Forwarded-For entries further left can be made up by the client)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
