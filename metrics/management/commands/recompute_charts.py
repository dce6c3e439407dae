import time

from django.core.management.base import BaseCommand, CommandError

from metrics.charts.bulk import recompute_all
from teams.models import Organisation


class Command(BaseCommand):
    help = (
        "Recompute every chart (vectorised, in chunks) and then every dashboard of an "
        "organisation. With --workers N the chunks go to the `charts` queue for N workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--workers", type=int, default=0, help="0: here and now (default)")
        parser.add_argument("--chunk-size", type=int, default=None)
        parser.add_argument(
            "--force", action="store_true", help="also recompute charts that are already fresh"
        )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['organisation']!r}.")
        started = time.perf_counter()
        counts = recompute_all(
            organisation.pk,
            workers=options["workers"],
            chunk_size=options["chunk_size"],
            force=options["force"],
        )
        seconds = time.perf_counter() - started
        summary = ", ".join(f"{n:,} {what}" for what, n in sorted(counts.items()))
        verb = "enqueued" if options["workers"] else "recomputed"
        self.stdout.write(
            self.style.SUCCESS(f"{organisation}: {verb} {summary} in {seconds:.1f} s.")
        )
