"""The Content-Security-Policy header, and the rules that let pages live under it: no inline
script, no inline event handler, no javascript: URL, no style attribute in our templates. (That
the pages really work under it is shown in Chromium: tests/browser/test_csp_journey.py.)"""

import base64
import hashlib
import re
from pathlib import Path

import plotly
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/admin/login/"])
def test_every_response_carries_the_policy(client, url):
    response = client.get(url, secure=True)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["style-src"][0] == "'self'"
    # Styles: hashes of two exact stylesheets, never 'unsafe-inline' or 'unsafe-eval'.
    assert all(v.startswith("'sha256-") for v in policy["style-src"][1:])
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_signed_in_pages_carry_it_too(client, org_world):
    client.force_login(org_world["users"]["lead"])
    response = client.get(f"/teams/{org_world['own'].pk}/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_plotly_stylesheet_hash_matches_the_installed_plotly():
    source = PLOTLY_JS.read_text()
    # plotly.min.js injects its map library's stylesheet as one fixed string.
    match = re.search(r"\.textContent='(\.maplibregl-map\{[^']*)'", source)
    assert match, "plotly.min.js no longer injects the maplibre stylesheet this way: re-check CSP"
    digest = base64.b64encode(hashlib.sha256(match.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.PLOTLY_MAP_STYLE
    empty = base64.b64encode(hashlib.sha256(b"").digest()).decode()
    assert f"'sha256-{empty}'" == settings.EMPTY_INLINE_STYLE


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_hold_nothing_the_policy_would_block(template):
    text = re.sub(r"\{#.*?#\}", "", template.read_text())  # template comments say anything
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text.lower()
    assert "hx-on" not in text
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert "<style" not in text


def test_report_only_mode_sends_the_same_policy_without_enforcing_it():
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CONTENT_SECURITY_POLICY, "
        "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY]))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "qi_portal.settings",
        "DEBUG": "true",
        "CSP_REPORT_ONLY": "true",
        "CSP_REPORT_URI": "/csp-reports/",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    enforced, report_only = json.loads(result.stdout.strip().splitlines()[-1])
    assert enforced is None
    assert report_only["DIRECTIVES"]["script-src"] == ["'self'"]
    assert report_only["DIRECTIVES"]["report-uri"] == ["/csp-reports/"]
