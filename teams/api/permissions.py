"""Every API call needs a usable token; writing needs a writing token (its scope is checked
against each measure by the endpoint, through teams.tokens.api_token_can_write)."""

from rest_framework import permissions

from teams.models import ApiToken


class HasApiToken(permissions.BasePermission):
    message = "This needs an API token: send it as 'Authorization: Bearer <token>'."

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


class TokenMayWrite(permissions.BasePermission):
    message = "This token is read-only: ask a QI admin for a token that writes."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return isinstance(request.auth, ApiToken) and request.auth.can_write
