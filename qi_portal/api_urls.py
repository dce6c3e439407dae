"""/api/: the endpoints of the apps' APIs, the OpenAPI schema and its browsable docs (Swagger
UI from our own static files, drf-spectacular-sidecar: no CDN, and its start-up script is a
file of its own, so the Content Security Policy stays strict)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

app_name = "api"
urlpatterns = [
    path("", include("metrics.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
