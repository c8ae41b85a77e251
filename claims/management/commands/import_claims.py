"""``manage.py import_claims FILE --as USERNAME``: bulk import from CSV or JSON."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from claims.importing import ImportFileError, import_claims, parse_file


class Command(BaseCommand):
    help = (
        "Import claims from a CSV or JSON file (by its extension) on behalf of an editor; prints a row-by-row report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="The editor the claims are submitted as.")
        parser.add_argument(
            "--keep-duplicates",
            action="store_true",
            help="Import rows that may repeat an existing claim instead of refusing them (to restore an export).",
        )

    def handle(self, *args, file, username, keep_duplicates, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user named {username!r}.") from None
        try:
            with open(file, "rb") as handle:
                rows = parse_file(file, handle)
            report = import_claims(user, rows, keep_duplicates=keep_duplicates)
        except (OSError, ImportFileError, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.failed:
            # A script running the import learns that rows were left out.
            raise CommandError(f"{len(report.failed)} row(s) were not imported; see above.")
