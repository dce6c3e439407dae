"""A rate per token (API_RATE, e.g. "600/min"): a warehouse that loops too fast gets a 429 with
Retry-After rather than slowing everyone's pages."""

from rest_framework.throttling import SimpleRateThrottle

from teams.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # refused before it costs anything: by authentication
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
