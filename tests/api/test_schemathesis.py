"""Schemathesis over the whole OpenAPI schema, against the app served for real (pytest-django's
live server), with every check it has: no server error, status codes, content types, headers
and bodies as documented, bad input refused, good input accepted, auth really enforced. Once
with a writing token (every operation), once with a read-only token (the reads).

The seed is fixed so that CI is repeatable; `SCHEMATHESIS_SEED=random` (or another number)
explores further on a developer's machine."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

HERE = Path(__file__).resolve().parent
CLI = Path(sys.executable).with_name("schemathesis")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261207")


@pytest.fixture
def served(live_server, measures, make_token, org_world, monkeypatch):
    """The live server with a measure holding data, the tokens, and no rate limit in the way."""
    from rest_framework.throttling import SimpleRateThrottle

    from metrics.charts.recompute import chart_snapshot_compute
    from metrics.entry.services import Row, data_points_save

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "1000000/min"})
    start = dt.date(2025, 1, 6)
    rows = [Row(period=start + dt.timedelta(weeks=i), value=30 + i % 6) for i in range(20)]
    data_points_save(measure=measures["own"], rows=rows, user=org_world["users"]["lead"])
    chart_snapshot_compute(measure_id=measures["own"].pk)
    _, writer = make_token("lead", name="Schemathesis writer", teams=["own"], write=True)
    _, reader = make_token("member", name="Schemathesis reader")
    return live_server.url, writer, reader


def run(url: str, key: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [
            str(CLI), "--config-file", str(HERE / "schemathesis.toml"), "run",
            f"{url}/api/schema/", "--checks", "all", "-H", f"Authorization: Bearer {key}",
            "--max-examples", "40", "--seed", SEED, "--workers", "1", "--no-color", *extra,
        ],
        capture_output=True, text=True, timeout=600, cwd=HERE,
    )  # fmt: skip


def operations() -> dict[str, int]:
    """How many operations the schema offers, in all and reading (GET)."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    methods = [m for item in paths.values() for m in item if m in {"get", "post", "patch"}]
    return {"all": len(methods), "get": methods.count("get")}


def test_every_operation_conforms_with_a_writing_token(served):
    url, writer, _ = served
    done = run(url, writer)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    n = operations()
    assert f"{n['all']} selected / {n['all']} total" in done.stdout
    assert n["all"] >= 9


def test_every_read_conforms_with_a_read_only_token(served):
    url, _, reader = served
    done = run(url, reader, "--include-method", "GET")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    n = operations()
    assert f"{n['get']} selected / {n['all']} total" in done.stdout
