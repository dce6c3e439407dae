"""Settings come only from the environment: check what each variable does, in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
from django.conf import settings
import django
django.setup()
from qi_portal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "tz": settings.TIME_ZONE, "lang": settings.LANGUAGE_CODE, "use_tz": settings.USE_TZ,
    "auto_field": settings.DEFAULT_AUTO_FIELD,
    "serializer": app.conf.task_serializer, "accept": list(app.conf.accept_content),
    "acks_late": app.conf.task_acks_late, "reject": app.conf.task_reject_on_worker_lost,
    "time_limit": app.conf.task_time_limit,
}))
"""

BASE_ENV = {
    key: value
    for key, value in os.environ.items()
    if key
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "DEBUG",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by conftest for Playwright; never in deployment
    }
}


def probe(**env):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "qi_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_without_database_url_the_embedded_sqlite_file_is_used():
    result = probe(DEBUG="true")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"].endswith("var/db.sqlite3")


def test_database_url_selects_postgres():
    result = probe(DEBUG="true", DATABASE_URL="postgres://someone@db.example:5432/qi")
    config = json.loads(result.stdout)
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "qi"


def test_without_redis_url_tasks_run_in_process_and_cache_is_local():
    config = json.loads(probe(DEBUG="true").stdout)
    assert config["eager"] is True
    assert config["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_makes_redis_the_broker_and_the_cache():
    config = json.loads(probe(DEBUG="true", REDIS_URL="redis://cache.example:6379/2").stdout)
    assert config["eager"] is False
    assert config["broker"] == "redis://cache.example:6379/2"
    assert config["cache"] == "qi_portal.cache.FailFastRedisCache"  # Django's, failing fast
    assert config["cache_options"]["socket_timeout"] <= 5, "a dead cache must not hang pages"


def test_celery_is_json_only_and_idempotent_by_default():
    config = json.loads(probe(DEBUG="true").stdout)
    assert config["serializer"] == "json" and config["accept"] == ["json"]
    assert config["acks_late"] is True and config["reject"] is True
    assert config["time_limit"] > 0


def test_locale_and_time():
    config = json.loads(probe(DEBUG="true").stdout)
    assert (config["tz"], config["lang"], config["use_tz"]) == ("Europe/London", "en-gb", True)
    assert config["auto_field"] == "django.db.models.BigAutoField"


def test_with_debug_off_a_secret_key_is_required():
    result = probe()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_with_debug_off_security_is_on_and_ssl_redirect_can_be_turned_off():
    config = json.loads(probe(SECRET_KEY="x" * 60).stdout)
    assert config["debug"] is False
    assert config["ssl_redirect"] is True and config["session_secure"] is True
    assert config["hsts"] >= 31_536_000
    behind_proxy = json.loads(probe(SECRET_KEY="x" * 60, SECURE_SSL_REDIRECT="false").stdout)
    assert behind_proxy["ssl_redirect"] is False


def test_a_malformed_boolean_is_refused_in_plain_words():
    result = probe(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_in_production_shape():
    env = {
        **BASE_ENV,
        "SECRET_KEY": "a-long-random-looking-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0zyxwvu",
        "ALLOWED_HOSTS": "qi.example.nhs.uk",
        "DATABASE_URL": "postgres://someone@db.example:5432/qi",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
