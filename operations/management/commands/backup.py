"""``manage.py backup FOLDER``: the database and every stored file, with their hashes (``operations/backups.py``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the stored files (archives, evidence) into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new or empty folder")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {manifest['engine']} database and {len(manifest['files'])} files to {folder}."
        )
