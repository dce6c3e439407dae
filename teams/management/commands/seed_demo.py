import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teams import extensions
from teams.demo import seed_structure


class Command(BaseCommand):
    help = "Build the demo trust (deterministic; running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["default", "large"],
            default="default",
            help="large: a separate 'Large Trust' of ~250 teams, 2,500 measures and 250,000 "
            "data points for performance work (DESIGN §8), generated in bulk.",
        )
        parser.add_argument("--teams", type=int, default=250, help="--scale large: teams")
        parser.add_argument(
            "--weeks", type=int, default=100, help="--scale large: weekly points per measure"
        )

    def handle(self, *args, **options):
        if options["scale"] == "large":
            return self._large(options)
        report = seed_structure()
        # The apps built on teams add their part (projects and cycles, measures and data).
        for seeder in extensions.demo_seeders():
            seeder(report.organisation, report)
        verb = f"created {report.created} rows" if report.created else "already up to date"
        self.stdout.write(self.style.SUCCESS(f"Demo trust {report.organisation}: {verb}."))
        self.stdout.write("")
        self.stdout.write("Sign in at /accounts/login/ with any of these names:")
        width = max(len(u) for u, _, _ in report.sign_ins)
        for username, name, role in report.sign_ins:
            self.stdout.write(f"  {username.ljust(width)}  {name} — {role}")
        self.stdout.write("")
        self.stdout.write(f"Demo password for every user: {settings.DEMO_PASSWORD}")

    def _large(self, options):
        seeder = extensions.large_demo_seeder()
        if seeder is None:
            raise CommandError("No app provides the large demo trust (is metrics installed?).")
        started = time.perf_counter()
        report = seeder(teams=options["teams"], weeks=options["weeks"])
        seconds = time.perf_counter() - started
        if not report.created:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.organisation} already exists (slug '{report.organisation.slug}'): "
                    "left as it is. Seed into a fresh database to rebuild it."
                )
            )
            return
        counts = ", ".join(f"{n:,} {what}" for what, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"{report.organisation}: {counts}."))
        self.stdout.write(
            f"Seeded in {seconds:.1f} s. Charts are stale: run "
            f"`manage.py recompute_charts --organisation {report.organisation.slug}`."
        )
        self.stdout.write(
            f"Sign in as e.g. {report.organisation.slug}.board.1, "
            f"{report.organisation.slug}.coach.01 or "
            f"{report.organisation.slug}.lead.001; password {settings.DEMO_PASSWORD}"
        )
