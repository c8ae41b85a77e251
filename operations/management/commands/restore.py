"""``manage.py restore FOLDER``: put back what ``backup`` wrote (``operations/backups.py``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database and the stored files with a backup's. Stop the web and worker processes first."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a folder that backup wrote")

    def handle(self, *args, folder, **options):
        try:
            manifest = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the database and {len(manifest['files'])} files from {folder}.")
