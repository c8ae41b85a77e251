"""``manage.py generate_data --claims N [--seed S]``: a large data set for
benchmarks, load tests and demos (``claims/generation.py``)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.generation import generate


class Command(BaseCommand):
    help = "Write N generated claims with their parties, places, events, figures and checked sources."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=10_000, help="How many claims (default 10,000).")
        parser.add_argument("--seed", type=int, default=17, help="The same seed gives the same data.")

    def handle(self, *args, claims, seed, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Generated data is for benchmarks and demos: set DEMO_DATA_ALLOWED=true to write it.")
        if claims < 1:
            raise CommandError(f"--claims must be at least 1, not {claims}.")
        started = time.monotonic()
        made = generate(claims, seed=seed)
        self.stdout.write(
            f"Generated {made.claims} claims, {made.sources} sources with {made.checks} checks, "
            f"{made.figures} figures, {made.parties} parties, {made.places} places and {made.events} events "
            f"in {time.monotonic() - started:.1f} s."
        )
