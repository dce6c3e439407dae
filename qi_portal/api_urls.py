"""/api/: the endpoints of the apps' APIs, the OpenAPI schema and its browsable docs (Swagger
UI from our own static files, drf-spectacular-sidecar: no CDN, and its start-up script is a
file of its own, so the Content Security Policy stays strict)."""

from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound

EVERY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@extend_schema(exclude=True)
@api_view(EVERY_METHOD)
@authentication_classes([])
@permission_classes([])
def not_found(request, rest=""):
    """Any other /api/ address: a 404 in the API's error shape for every caller and method,
    never an HTML page (nor the portal's CSRF refusal of a signed-in browser's POST: like every
    API view it takes no session, so there is nothing to forge)."""
    raise NotFound("No such API address.")


app_name = "api"
urlpatterns = [
    path("", include("metrics.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<rest>[\s\S]*)\Z", not_found, name="not-found"),  # any character, line breaks too
]
