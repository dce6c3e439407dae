from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from qi_portal.health import healthz
from teams import views as team_views

admin.site.site_header = "QI Portal administration"
admin.site.site_title = "QI Portal admin"

urlpatterns = [
    path("", team_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("teams.urls")),
    path("", include("cycles.urls")),
    path("", include("metrics.urls")),
    path("api/", include("qi_portal.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
