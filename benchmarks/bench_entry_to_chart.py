"""Entry to fresh chart, through a real Celery worker and Redis (DESIGN §8: p95 under 0.5 s).

    python benchmarks/bench_entry_to_chart.py              # 200 entries
    python benchmarks/bench_entry_to_chart.py --smoke      # 5 entries (CI)
    python benchmarks/bench_entry_to_chart.py --entries 500 \\
        --database-url postgres://postgres@127.0.0.1:5432/qi_bench \\
        --redis-url redis://127.0.0.1:6379/2
    python benchmarks/bench_entry_to_chart.py --scale large  # the large trust (qi_bench_large)

What is timed, per entry: `data_point_record` saves one new period through the entry service
(one transaction: the point, the data version, the stale snapshot); on commit the recompute task
goes to Redis; a worker started by this script as its own process (`celery -A qi_portal worker
-Q charts,dashboards --concurrency=2`, as docker-compose runs it) computes the chart; the clock
stops when this process sees the snapshot `fresh` at that entry's data version (polled every
2 ms). Dashboard recomputes the worker is asked for go through the same worker meanwhile, as in
production. The measure starts with 104 weekly points, so each recompute is a two-year chart.

With --scale large the measure belongs to the large trust (`seed_demo --scale large`, seeded
into the database if missing): the team with most measures, so every entry also makes the worker
recompute that team's, its directorate's and the whole large trust's dashboards, as it would
in production.

The database given is created if missing and migrated; it must not be one the tests use (their
worker would take our tasks), so the defaults are a database `qi_bench` and Redis db 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import ensure_database, percentile  # the scripts run from benchmarks/

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qi_bench"
DEFAULT_LARGE_DB = "postgres://postgres@127.0.0.1:5432/qi_bench_large"
DEFAULT_REDIS = "redis://127.0.0.1:6379/2"
HISTORY = 104
POLL_SECONDS = 0.002
BENCH_MEASURE = "Bench length of stay"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="5 entries: a check that it runs")
    parser.add_argument("--scale", choices=("default", "large"), default="default")
    env = os.environ.get
    parser.add_argument("--database-url", default=env("QI_BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=env("QI_BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--timeout", type=float, default=30.0, help="per entry, seconds")
    args = parser.parse_args(argv)
    if args.smoke:
        args.entries = 5
    if args.database_url is None:
        args.database_url = DEFAULT_LARGE_DB if args.scale == "large" else DEFAULT_DB
    return args


def bench_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="qi_portal.settings",
        DEBUG="false",  # no query log in either process, as in production
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


def bench_team(scale: str):
    """The team the bench measure goes in, and one of its members."""
    from teams.models import Directorate, Membership, Organisation, Team, User

    if scale == "large":
        from django.db.models import Count

        from metrics.demo.large import seed_large

        started = time.perf_counter()
        report = seed_large()
        if report.created:
            print(f"# seeded the large trust in {time.perf_counter() - started:.0f} s")
        team = (
            Team.objects.filter(organisation=report.organisation)
            .annotate(n=Count("measures"))
            .order_by("-n", "pk")
            .first()
        )
        membership = Membership.objects.filter(team=team).order_by("pk").first()
        return team, membership.user
    org, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench Trust"})
    directorate, _ = Directorate.objects.get_or_create(organisation=org, name="Bench")
    team, _ = Team.objects.get_or_create(directorate=directorate, name="Bench Ward")
    user, _ = User.objects.get_or_create(username="bench.member", defaults={"organisation": org})
    Membership.objects.get_or_create(user=user, team=team, defaults={"role": "member"})
    return team, user


def make_measure(scale: str = "default"):
    """A fresh bench measure with two years of weekly history (earlier runs' one is removed)."""
    from metrics.entry.services import Row, data_points_save
    from metrics.measures.services import measure_create
    from metrics.models import Measure

    team, user = bench_team(scale)
    org = team.organisation
    Measure.objects.filter(team=team, name=BENCH_MEASURE).delete()
    measure = measure_create(
        organisation=org,
        team=team,
        name=BENCH_MEASURE,
        definition="Benchmark measure.",
        frequency="week",
        chart_type="xmr",
        improvement="decrease",
        target=30,
    )
    first = monday_weeks_ago(HISTORY + 1000)
    rows = [
        Row(period=first + dt.timedelta(weeks=i), value=30 + (i * 7) % 11) for i in range(HISTORY)
    ]
    data_points_save(measure=measure, rows=rows, user=user)
    return measure, user, first + dt.timedelta(weeks=HISTORY)


def monday_weeks_ago(weeks: int) -> dt.date:
    today = dt.date.today()
    return today - dt.timedelta(days=today.weekday(), weeks=weeks)


def start_worker(env: dict) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "qi_portal",
        "worker",
        "-Q",
        "charts,dashboards",
        "--concurrency=2",
        "--loglevel=WARNING",
        "--hostname=bench@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_fresh(measure_id: int, version: int, timeout: float) -> float | None:
    """Seconds until the snapshot is fresh at `version` (or newer), None on timeout."""
    from django.db import connection

    from metrics.models import ChartSnapshot

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        fresh = ChartSnapshot.objects.filter(
            measure_id=measure_id, status="fresh", data_version__gte=version
        ).exists()
        if fresh:
            return time.perf_counter()
        time.sleep(POLL_SECONDS)
        connection.close_if_unusable_or_obsolete()
    return None


def one_entry(measure, user, period, value, timeout) -> float:
    from metrics.entry.services import data_point_record
    from metrics.models import Measure

    started = time.perf_counter()
    data_point_record(measure=measure, period=period, value=value, user=user)
    version = Measure.objects.values_list("data_version", flat=True).get(pk=measure.pk)
    done = wait_fresh(measure.pk, version, timeout)
    if done is None:
        raise SystemExit(f"The chart was not fresh {timeout:.0f} s after entry at {period}.")
    return done - started


def trust_line(measure) -> str:
    from metrics.models import DataPoint, Measure
    from teams.models import Team

    org = measure.organisation_id
    return (
        f"teams={Team.objects.filter(organisation_id=org).count()} "
        f"measures={Measure.objects.filter(organisation_id=org).count()} "
        f"points={DataPoint.objects.filter(measure__organisation_id=org).count()} "
        f"bench team's measures={Measure.objects.filter(team_id=measure.team_id).count()}"
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    ensure_database(args.database_url)
    env = bench_env(args)
    setup_django(env)
    from qi_portal.celery import app

    app.control.purge()  # tasks left by an earlier, interrupted run
    measure, user, next_period = make_measure(args.scale)
    worker = start_worker(env)
    try:
        # Warm-up (not timed): the worker's start, its first connections, the first recompute.
        warm = one_entry(measure, user, next_period, 31, timeout=60)
        print(f"# warm-up entry (worker start included): {warm * 1000:.0f} ms")
        latencies = []
        for i in range(1, args.entries + 1):
            period = next_period + dt.timedelta(weeks=i)
            latencies.append(one_entry(measure, user, period, 28 + i % 9, args.timeout))
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    ms = [x * 1000 for x in latencies]
    print(f"# machine: nproc={os.cpu_count()} python={sys.version.split()[0]}")
    print(f"# database={args.database_url} redis={args.redis_url} scale={args.scale}")
    print(f"# trust: {trust_line(measure)}")
    print(
        "RESULT entry_to_fresh_chart "
        f"n={len(ms)} p50_ms={percentile(ms, 0.5):.1f} p95_ms={percentile(ms, 0.95):.1f} "
        f"max_ms={max(ms):.1f} mean_ms={statistics.fmean(ms):.1f}"
    )
    command = ["python", "benchmarks/bench_entry_to_chart.py"]
    command += ["--smoke"] if args.smoke else ["--entries", str(args.entries)]
    command += ["--scale", args.scale] if args.scale != "default" else []
    command += ["--database-url", args.database_url, "--redis-url", args.redis_url]
    print("# reproduce: " + shlex.join(command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
