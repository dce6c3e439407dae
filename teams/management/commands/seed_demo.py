from django.conf import settings
from django.core.management.base import BaseCommand

from teams import extensions
from teams.demo import seed_structure


class Command(BaseCommand):
    help = "Build the demo trust (deterministic; running it again changes nothing)."

    def handle(self, *args, **options):
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
