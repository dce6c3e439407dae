"""Full recompute of every chart and dashboard of the large trust with 2 worker processes
(issue 7, DESIGN §8: under 60 s).

    python benchmarks/bench_recompute.py                  # the large trust (seeded if missing)
    python benchmarks/bench_recompute.py --fresh          # new database: the seed is timed too
    python benchmarks/bench_recompute.py --smoke          # 5 teams, 50 measures (CI)

Steps: the database is created if missing (dropped first with --fresh) and migrated; the large
trust is seeded with `seed_large` (timed; `manage.py seed_demo --scale large` does the same) or,
if it exists, reused. Every chart is then marked stale, as a bulk import leaves it. A real Celery
worker is started as its own process (`celery -A qi_portal worker -Q charts,dashboards
--concurrency=2`, as docker-compose runs it) and, once it answers a ping, the clock starts:
`recompute_all(organisation, workers=2)` enqueues the measures in chunks to the `charts` queue
(each chunk is one `analyse_many` batch and one bulk write); each chunk asks for its dashboards,
coalesced, on the `dashboards` queue. The clock stops when no chart of the trust is stale and
every dashboard of the trust was computed after the start and is not waiting.

The defaults are a database `qi_large` and Redis db 6, so the script never meets the tests'
worker; --smoke seeds its own small organisation (slug `large-smoke`), rebuilt on every run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from bench_common import children, ensure_database, vm_hwm_mb  # the scripts run from benchmarks/

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qi_large"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
POLL_SECONDS = 0.05


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="5 teams, 50 measures, 20 weeks")
    parser.add_argument("--teams", type=int, default=250)
    parser.add_argument("--weeks", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (concurrency)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    env = os.environ.get
    parser.add_argument("--database-url", default=env("QI_BENCH_LARGE_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=env("QI_BENCH_LARGE_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds")
    args = parser.parse_args(argv)
    if args.smoke:
        args.teams, args.weeks, args.timeout = 5, 20, min(args.timeout, 60.0)
    return args


def bench_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="qi_portal.settings",
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "benchmark-only-secret-key-not-for-production",
    )
    return env


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def delete_organisation(slug: str) -> None:
    from teams.models import Organisation, User

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is not None:
        User.objects.filter(organisation=organisation).delete()  # users PROTECT their trust
        organisation.delete()


def seed(args):
    """The organisation and the seconds its seed took (None if it existed already)."""
    from metrics.demo.large import seed_large

    slug = "large-smoke" if args.smoke else "large"
    if args.smoke:
        delete_organisation(slug)
    started = time.perf_counter()
    report = seed_large(teams=args.teams, weeks=args.weeks, slug=slug,
                        name="Large Trust (smoke)" if args.smoke else "Large Trust")  # fmt: skip
    seconds = time.perf_counter() - started
    return report.organisation, (seconds if report.created else None)


def start_worker(env: dict, workers: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "qi_portal", "worker", "-Q", "charts,dashboards", f"--concurrency={workers}",
        "--loglevel=WARNING", "--hostname=bench-recompute@%h", "--without-gossip",
        "--without-mingle",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for_worker(app, worker, timeout=60.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if worker.poll() is not None:
            raise SystemExit("The worker exited before it was ready.")
        if app.control.ping(timeout=0.5):
            return
    raise SystemExit("The worker did not answer a ping within a minute.")


def worker_memory(pid: int) -> dict:
    """Peak memory of the worker's main process and of each pool process."""
    return {"main": vm_hwm_mb(pid), "pool": [vm_hwm_mb(c) for c in children(pid)]}


def main(argv=None) -> int:
    args = parse_args(argv)
    ensure_database(args.database_url, fresh=args.fresh)
    env = bench_env(args)
    setup_django(env)
    from django.db import connection
    from django.utils import timezone

    from metrics.charts.bulk import recompute_all
    from metrics.models import ChartSnapshot, DashboardSnapshot, Measure
    from qi_portal.celery import app

    organisation, seed_seconds = seed(args)
    n_measures = Measure.objects.filter(organisation=organisation).count()
    # As a bulk import leaves them: every chart stale.
    charts = ChartSnapshot.objects.filter(measure__organisation=organisation)
    charts.update(status=ChartSnapshot.Status.STALE, stale_since=timezone.now())
    app.control.purge()  # tasks left by an earlier, interrupted run
    worker = start_worker(env, args.workers)
    try:
        wait_for_worker(app, worker)
        started_at = timezone.now()
        started = time.perf_counter()
        enqueued = recompute_all(organisation.pk, workers=args.workers)
        charts_done = None
        deadline = started + args.timeout
        while True:
            if time.perf_counter() > deadline:
                stale = charts.filter(status="stale").count()
                raise SystemExit(f"Not done after {args.timeout:.0f} s: {stale} charts stale.")
            if charts_done is None and not charts.filter(status="stale").exists():
                charts_done = time.perf_counter()
            if charts_done is not None:
                dashboards = DashboardSnapshot.objects.filter(organisation=organisation)
                waiting = dashboards.exclude(computed_at__gte=started_at, dirty_since=None)
                if dashboards.exists() and not waiting.exists():
                    break
            time.sleep(POLL_SECONDS)
            connection.close_if_unusable_or_obsolete()
        done = time.perf_counter()
        memory = worker_memory(worker.pid)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    n_dashboards = DashboardSnapshot.objects.filter(organisation=organisation).count()
    computes = sum(
        DashboardSnapshot.objects.filter(organisation=organisation).values_list(
            "compute_count", flat=True
        )
    )
    wall, chart_wall = done - started, charts_done - started
    print(f"# machine: nproc={os.cpu_count()} python={sys.version.split()[0]}")
    print(f"# database={args.database_url} redis={args.redis_url}")
    seeded = f"{seed_seconds:.1f}" if seed_seconds is not None else "existing"
    print(f"RESULT seed organisation={organisation.slug} measures={n_measures} seconds={seeded}")
    print(
        f"RESULT recompute workers={args.workers} chunks={enqueued['chunks']} "
        f"measures={n_measures} dashboards={n_dashboards} charts_s={chart_wall:.2f} "
        f"wall_s={wall:.2f} measures_per_s={n_measures / wall:.0f}"
    )
    print(
        f"RESULT memory celery_main_peak_mb={memory['main']:.0f} "
        f"celery_pool_peak_mb={','.join(f'{mb:.0f}' for mb in memory['pool'])}"
    )
    print(f"# dashboard computes (all time, coalesced requests): {computes}")
    command = ["python", "benchmarks/bench_recompute.py"]
    command += ["--smoke"] if args.smoke else []
    command += ["--database-url", args.database_url, "--redis-url", args.redis_url]
    print("# reproduce: " + shlex.join(command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
