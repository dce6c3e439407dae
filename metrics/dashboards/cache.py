"""Rendered dashboard fragments, kept in Django's cache once per snapshot (DESIGN §8, issue 7).

The figures of a dashboard change only when a worker recomputes its snapshot, which sets a
new `computed_at` and bumps `compute_count`; building every measure's sparkline and icons and
rendering a row per measure on each request was most of a dashboard page's time. So the parts
of a page that depend on the snapshot alone (the measures table, icon counts, children,
activity, progress, projects, learning) are rendered once, without the request, and kept under
a key made of the snapshot's id, `computed_at`, `compute_count` and a version of the templates
and of this code. A recompute therefore changes the key; nothing has to be deleted.

What is cached must be the same for every viewer: the fragments are rendered without the
request (no user, no CSRF token, no context processors), and anything that depends on who is
looking (forms, "add" buttons, the coach's new signals) stays outside them. Escaping is
Django's as usual: a fragment is the output of an autoescaped template.

The cache is locmem without REDIS_URL and Redis with it; if the cache fails, the page is
rendered as before (and the failure logged), never an error.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# Bump when what the fragments show changes without a template changing (pages.py).
FRAGMENT_VERSION = 1
# Entries are never stale (the key moves with the snapshot); the timeout only frees memory.
FRAGMENT_TIMEOUT = 24 * 60 * 60
# Tests set a fresh salt per test: their databases reuse ids and fixed timestamps.
KEY_SALT = ""
TEMPLATES = (
    "metrics/_dashboard_figures.html",
    "metrics/_dashboard_team_figures.html",
    "metrics/_dashboard_measures.html",
    "metrics/_dashboard_icon_counts.html",
    "metrics/_dashboard_children.html",
    "metrics/_dashboard_activity.html",
    "metrics/_dashboard_progress.html",
    "metrics/_dashboard_projects.html",
    "metrics/_dashboard_learning.html",
    "metrics/_coach_team_projects.html",
)


@functools.cache
def template_version() -> str:
    """A short digest of the fragments' templates and of the code that fills them, so that a
    deploy that changes either never serves fragments rendered by the old one."""
    digest = hashlib.sha256(str(FRAGMENT_VERSION).encode())
    for name in TEMPLATES:
        origin = get_template(name).origin.name
        digest.update(Path(origin).read_bytes())
    digest.update(Path(__file__).with_name("pages.py").read_bytes())
    return digest.hexdigest()[:12]


def fragment_key(snapshot, name: str) -> str | None:
    """None when the snapshot has no figures yet (nothing worth keeping)."""
    if snapshot is None or snapshot.pk is None or snapshot.computed_at is None:
        return None
    stamp = snapshot.computed_at.isoformat()
    return (
        f"dashboard-fragment:{template_version()}{KEY_SALT}:{name}:{snapshot.pk}:{stamp}:"
        f"{snapshot.compute_count}"
    )


def _cache_get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:  # a cache outage must not break the page
        logger.warning("dashboard fragment cache unavailable (read)", exc_info=True)
        return {}


def _cache_set_many(values: dict) -> None:
    try:
        cache.set_many(values, FRAGMENT_TIMEOUT)
    except Exception:
        logger.warning("dashboard fragment cache unavailable (write)", exc_info=True)


def _cached_or_rendered(keys: list[str | None], render: Callable[[int], str]) -> list:
    """For each key, its cached HTML, or `render(i)` (then kept under the key, if there is
    one); every lookup in one round trip."""
    wanted = [k for k in keys if k]
    found = _cache_get_many(wanted) if wanted else {}
    rendered: list[SafeString] = []
    missing: dict[str, str] = {}
    for i, key in enumerate(keys):
        html = found.get(key) if key else None
        if not isinstance(html, str):
            html = render(i)
            if key:
                missing[key] = str(html)
        # Either just rendered by an autoescaped template, or that same output from the cache.
        rendered.append(mark_safe(html))  # noqa: S308
    if missing:
        _cache_set_many(missing)
    return rendered


def fragments(
    snapshot, templates: dict[str, str], context: Callable[[], dict]
) -> dict[str, SafeString]:
    """Each named fragment (name -> template) rendered with `context()`, from the cache when
    this snapshot's version of it is there. `context` is called only on a miss, once."""
    names = list(templates)
    made = []

    def render(i):
        if not made:
            made.append(context())
        return render_to_string(templates[names[i]], made[0])

    keys = [fragment_key(snapshot, name) for name in names]
    return dict(zip(names, _cached_or_rendered(keys, render), strict=True))


def fragment_per_snapshot(
    snapshots: list, name: str, template: str, context: Callable[[int], dict]
) -> list[SafeString]:
    """One fragment per snapshot (e.g. each coached team's projects), all read from the cache
    in one round trip; `context(i)` builds the i-th one's context, for the misses only."""
    keys = [fragment_key(s, name) for s in snapshots]
    return _cached_or_rendered(keys, lambda i: render_to_string(template, context(i)))
