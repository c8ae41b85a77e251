"""``manage.py load_demo``: load the sample article's claims and demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo claims of the Nagorno-Karabakh sample article, and a demo reviewer and editor."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even though DEBUG is off (the demo accounts have published passwords).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEMO_DATA_ALLOWED and not allow_production:
            raise CommandError(
                "DEBUG is off and DEMO_DATA_ALLOWED is not set: the demo accounts have published passwords. "
                "Pass --allow-production to load anyway."
            )
        result = load_demo()
        self.stdout.write(
            f"Demo data: {result.claims_created} claims created, {result.claims_existing} already present."
        )
        for username, role, password in result.users:
            self.stdout.write(f"  {role:<9} log in as {username!r} with password {password!r}")
