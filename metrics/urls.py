from django.urls import path

from metrics.views import workers

app_name = "metrics"
urlpatterns = [
    path("system/workers/", workers.worker_status, name="worker_status"),
    path("system/workers/check/", workers.worker_check, name="worker_check"),
]
