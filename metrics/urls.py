from django.urls import path

from metrics import views

app_name = "metrics"
urlpatterns = [
    path("system/workers/", views.worker_status, name="worker_status"),
    path("system/workers/check/", views.worker_check, name="worker_check"),
]
