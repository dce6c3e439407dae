"""The warehouse API under load (issue 14): the large trust's 250,000 points pushed through
`POST /api/data-points/` on PostgreSQL, served by gunicorn, with a real Celery worker on Redis.

    python benchmarks/bench_api.py --scale large     # 250 teams, 2,500 measures, 250,000 points
    python benchmarks/bench_api.py                   # 25 teams, 250 measures, 25,000 points
    python benchmarks/bench_api.py --smoke           # 3 teams: a check that it runs (CI)

What it does, in its own database (created fresh each run; never the tests' one):
1. Seeds a generated trust (`metrics.demo.large.seed_large`: teams x 10 measures x 100 weeks),
   gives every measure a warehouse key (`external_id`), reads every point as the extract the
   warehouse would send, and empties the trust of points (so the push creates them all).
2. Serves the app with gunicorn (`--workers 2`, DEBUG off) and starts a worker (`celery -A
   qi_portal worker -Q charts,dashboards --concurrency=2`, as docker-compose runs them).
3. Pushes the extract as a warehouse would: batches of 10,000 rows (whole measures in a batch),
   two at a time (one per web worker), with an admin's trust-wide writing token. Timed from
   the first request to the last answer: **points per second** (target >= 20,000/s).
4. Waits until every chart of the trust is fresh at its measure's data version: **time until
   every chart is fresh**, from the first request and from the last answer.
5. Then, with the worker idle, one measure at a time: a batch correcting its last 8 weeks,
   timed from the request until this process sees its chart fresh at the new data version
   (polled every 2 ms): **p95 of a single-measure batch to fresh chart** (target < 0.5 s).
6. **Peak memory** (VmHWM) of each gunicorn worker and each Celery process.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_common import children, ensure_database, percentile, vm_hwm_mb

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DEFAULT_REDIS = "redis://127.0.0.1:6379/4"
SLUG = "bench-api"
BATCH_ROWS = 10_000
POLL_SECONDS = 0.002
SCALES = {"smoke": 3, "default": 25, "large": 250}  # teams (10 measures, 100 weeks each)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("default", "large"), default="default")
    parser.add_argument("--smoke", action="store_true", help="3 teams, 3 probes (CI)")
    parser.add_argument("--probes", type=int, default=100, help="single-measure batches timed")
    parser.add_argument("--clients", type=int, default=2, help="batches sent at once")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8793)
    env = os.environ.get
    parser.add_argument("--database-url", default=env("QI_BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=env("QI_BENCH_REDIS_URL", DEFAULT_REDIS))
    args = parser.parse_args(argv)
    args.size = "smoke" if args.smoke else args.scale
    if args.smoke:
        args.probes = 3
    if args.database_url is None:
        args.database_url = f"postgres://postgres@127.0.0.1:5432/qi_bench_api_{args.size}"
    return args


def bench_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="qi_portal.settings",
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "benchmark-only-secret-key-not-for-production",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",  # plain HTTP on the loopback (TLS ends at the proxy)
        SECURE_HSTS_SECONDS="0",
        API_RATE="1000000/min",  # the rate limit is tested elsewhere; here it would only wait
    )
    return env


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# ---------------------------------------------------------------- the trust and its extract


def seed_and_extract(size: str):
    """Seed the trust, key its measures, and return (organisation, extract rows by measure);
    the trust is left with no points, so that the push creates every one of them."""
    from django.db import connection

    from metrics.demo.large import seed_large
    from metrics.models import DataPoint, DataPointRevision, Measure
    from teams.models import AuditEvent

    started = time.perf_counter()
    report = seed_large(teams=SCALES[size], slug=SLUG, name="Bench API Trust")
    organisation = report.organisation
    print(f"# seeded {SCALES[size]} teams in {time.perf_counter() - started:.0f} s")
    measures = Measure.objects.filter(organisation=organisation)
    with connection.cursor() as cursor:  # one statement: every measure its warehouse key
        cursor.execute(
            f"UPDATE {Measure._meta.db_table} SET external_id = 'WH-' || id "
            "WHERE organisation_id = %s",
            [organisation.pk],
        )
    points = DataPoint.objects.filter(measure__organisation=organisation)
    extract: dict[str, list[dict]] = {}
    for key, period, value, numerator, denominator in points.order_by(
        "measure_id", "period"
    ).values_list("measure__external_id", "period", "value", "numerator", "denominator"):
        # The trust's own figures replayed: "confirmed", so that the odd far-out value the
        # generator made is saved as it stands (the "is this right?" check still runs).
        row = {"external_id": key, "period": period.isoformat(), "confirmed": True}
        if value is not None:
            row["value"] = value
        else:
            row["numerator"], row["denominator"] = numerator, denominator
        extract.setdefault(key, []).append(row)
    DataPointRevision.objects.filter(point__measure__organisation=organisation).delete()
    points._raw_delete(points.db)
    AuditEvent.objects.filter(organisation_id=organisation.pk, object_type="data point").delete()
    print(f"# extract: {sum(map(len, extract.values())):,} points of {measures.count():,} measures")
    return organisation, extract


def batches(extract: dict[str, list[dict]]) -> list[list[dict]]:
    """Whole measures in each batch, up to BATCH_ROWS rows."""
    out, current = [], []
    for rows in extract.values():
        if current and len(current) + len(rows) > BATCH_ROWS:
            out.append(current)
            current = []
        current += rows
    if current:
        out.append(current)
    return out


def writing_token(organisation) -> str:
    from teams.models import OrganisationRole, Team
    from teams.tokens import api_token_create

    admin = (
        OrganisationRole.objects.filter(user__organisation=organisation, role="admin").first().user
    )
    _, key = api_token_create(
        user=admin,
        name=f"Bench warehouse {time.time():.0f}",
        teams=Team.objects.filter(organisation=organisation),
        write=True,
        trust_wide=True,
    )
    return key


# ---------------------------------------------------------------- the processes


def start_gunicorn(args, env) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "qi_portal.wsgi",
        "--bind", f"{HOST}:{args.port}", "--workers", str(args.web_workers),
        "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    import requests

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://{HOST}:{args.port}/healthz", timeout=2).ok:
                return proc
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def start_worker(env) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "qi_portal", "worker",
        "-Q", "charts,dashboards", "--concurrency=2", "--loglevel=WARNING",
        "--hostname=bench-api@%h", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


# ---------------------------------------------------------------- the client


def session(key: str):
    import requests

    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {key}"
    return s


def push(client, url: str, rows: list[dict]) -> dict:
    response = client.post(url, json={"rows": rows}, timeout=300)
    if response.status_code != 200:
        raise SystemExit(f"The API refused a batch: {response.status_code} {response.text[:500]}")
    return response.json()["counts"]


def stale_charts(organisation_id: int) -> int:
    """Charts of the trust not yet fresh at their measure's data version."""
    from django.db.models import F

    from metrics.models import ChartSnapshot

    return (
        ChartSnapshot.objects.filter(measure__organisation_id=organisation_id)
        .exclude(status="fresh", data_version=F("measure__data_version"))
        .count()
    )


def wait_all_fresh(organisation_id: int, timeout: float) -> float:
    deadline = time.perf_counter() + timeout
    while stale_charts(organisation_id):
        if time.perf_counter() > deadline:
            left = stale_charts(organisation_id)
            raise SystemExit(f"{left} charts still stale {timeout:.0f} s after the push.")
        time.sleep(0.05)
    return time.perf_counter()


def probe(client, url: str, measure, extract_rows: list[dict], bump: int) -> float:
    """One single-measure batch (its last 8 weeks corrected) until its chart is fresh."""
    from metrics.models import ChartSnapshot, Measure

    rows = []
    for row in extract_rows[-8:]:
        row = dict(row)
        if "value" in row:
            row["value"] = row["value"] + bump
        else:
            row["numerator"] = max(0, min(row["denominator"], row["numerator"] + bump % 2))
        rows.append(row)
    started = time.perf_counter()
    push(client, url, rows)
    version = Measure.objects.values_list("data_version", flat=True).get(pk=measure.pk)
    while not ChartSnapshot.objects.filter(
        measure_id=measure.pk, status="fresh", data_version__gte=version
    ).exists():
        if time.perf_counter() - started > 30:
            raise SystemExit(f"Measure {measure.pk}'s chart not fresh 30 s after its batch.")
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - started


def main(argv=None) -> int:
    args = parse_args(argv)
    ensure_database(args.database_url, fresh=True)
    env = bench_env(args)
    setup_django(env)
    from metrics.models import Measure
    from qi_portal.celery import app

    app.control.purge()
    organisation, extract = seed_and_extract(args.size)
    key = writing_token(organisation)
    work = batches(extract)
    points = sum(len(b) for b in work)
    url = f"http://{HOST}:{args.port}/api/data-points/"
    server = start_gunicorn(args, env)
    worker = start_worker(env)  # both stopped below, and on SIGTERM too (a timed-out run)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("# stopped (SIGTERM)"))
    try:
        clients = [session(key) for _ in range(args.clients)]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            counts = list(pool.map(lambda ib: push(clients[ib[0] % len(clients)], url, ib[1]),
                                   enumerate(work)))  # fmt: skip
        pushed = time.perf_counter()
        created = sum(c["created"] for c in counts)
        assert created == points, (created, points)
        fresh = wait_all_fresh(organisation.pk, timeout=120 if args.smoke else 1800)

        measures = list(Measure.objects.filter(organisation=organisation).order_by("pk"))
        step = max(1, len(measures) // args.probes)
        latencies = [
            probe(clients[0], url, m, extract[m.external_id], bump=1 + i)
            for i, m in enumerate(measures[::step][: args.probes])
        ]
        web = [vm_hwm_mb(pid) for pid in children(server.pid)]
        celery = [vm_hwm_mb(worker.pid)] + [vm_hwm_mb(pid) for pid in children(worker.pid)]
    finally:
        stop(server)
        stop(worker)

    seconds = pushed - started
    ms = [x * 1000 for x in latencies]
    load = os.getloadavg()
    print(f"# machine: nproc={os.cpu_count()} python={sys.version.split()[0]} "
          f"load={load[0]:.1f},{load[1]:.1f},{load[2]:.1f} (at the end)")  # fmt: skip
    print(f"# database={args.database_url} redis={args.redis_url} size={args.size}")
    print(f"# trust: teams={SCALES[args.size]} measures={len(measures)} points={points}")
    print(
        f"RESULT api_push points={points} batches={len(work)} clients={args.clients} "
        f"seconds={seconds:.2f} points_per_s={points / seconds:.0f}"
    )
    print(
        f"RESULT charts_fresh charts={len(measures)} after_first_request_s={fresh - started:.2f} "
        f"after_last_answer_s={fresh - pushed:.2f}"
    )
    print(
        f"RESULT single_measure_batch_to_fresh n={len(ms)} p50_ms={percentile(ms, 0.5):.1f} "
        f"p95_ms={percentile(ms, 0.95):.1f} max_ms={max(ms):.1f}"
    )
    print(
        f"RESULT memory web_workers_mb={max(web):.0f} celery_main_mb={celery[0]:.0f} "
        f"celery_pool_mb={max(celery[1:] or [float('nan')]):.0f}"
    )
    command = ["python", "benchmarks/bench_api.py"]
    command += ["--smoke"] if args.smoke else ["--scale", args.scale, "--probes", str(args.probes)]
    command += ["--database-url", args.database_url, "--redis-url", args.redis_url]
    print("# reproduce: " + shlex.join(command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
