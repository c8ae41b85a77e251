"""Backups that restore: ``bin/backup`` writes the database and every stored
file with a manifest of hashes; after the database is wiped (its tables, the
log's append-only trigger) and the files are deleted, ``bin/restore`` gives
back every row of every table, every archive's and evidence file's bytes, and
the trigger that keeps the claim log append-only. A backup whose bytes no
longer match its manifest is refused before anything is touched."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection

from claims.choices import ClaimKind, Language, Stance
from claims.models import Claim, ClaimLogEntry
from claims.services import SourceLinkData, add_evidence
from sources.checking import run_checks
from sources.models import Source
from tests import celery_worker

BIN = Path(__file__).resolve().parent.parent / "bin"
PAGE = "<html><body><p>至少27人死亡，200人受伤。</p></body></html>".encode()


def run(command, folder, media_root):
    env = {
        **os.environ,
        "DATABASE_URL": celery_worker.test_database_url(),
        "MEDIA_ROOT": str(media_root),
        "DEBUG": "true",
    }
    return subprocess.run(
        [str(BIN / command), str(folder)], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def every_row():
    """Each table's rows in full, by model."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def stored_files(media_root: Path):
    return {str(path.relative_to(media_root)): path.read_bytes() for path in media_root.rglob("*") if path.is_file()}


def wipe_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            tables = connection.introspection.table_names(cursor)
            for table in tables:
                cursor.execute(f'DROP TABLE "{table}"')
    assert connection.introspection.table_names() == []


@pytest.fixture
def site_with_data(transactional_db, claim_factory, reviewer, loopback_server, allow_loopback, settings, tmp_path):
    """Claims with figures, a source checked and archived, an evidence file, their log."""
    settings.MEDIA_ROOT = tmp_path / "media"
    loopback_server.route("/report", body=PAGE)
    claim = claim_factory(
        text="至少27人死亡，200人受伤",
        language=Language.ZH,
        kind=ClaimKind.CASUALTY_FIGURE,
        figures=[{"category": "killed", "low": 27, "qualifier": "at_least"}],
        sources=[SourceLinkData(url=loopback_server.url("/report"), quoted_passage="至少27人死亡")],
    )
    claim_factory(text="A second claim")
    add_evidence(claim, reviewer, stance=Stance.SUPPORTS, file=SimpleUploadedFile("list.pdf", b"%PDF-1.4 list"))
    source = Source.objects.get()
    run_checks([(source.pk, source.check_requested_at)])
    assert source.checks.get().warc
    return settings.MEDIA_ROOT


def test_a_wiped_site_comes_back_from_its_backup(site_with_data, tmp_path):
    media_root = site_with_data
    rows, files = every_row(), stored_files(media_root)
    assert Claim.objects.count() == 2 and ClaimLogEntry.objects.count() >= 3 and len(files) == 2
    backed_up = run("backup", tmp_path / "backup", media_root)
    assert backed_up.returncode == 0, backed_up.stderr
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert set(manifest["files"]) == set(files)

    wipe_database()
    shutil.rmtree(media_root)
    restored = run("restore", tmp_path / "backup", media_root)

    assert restored.returncode == 0, restored.stderr
    assert every_row() == rows
    assert stored_files(media_root) == files
    with pytest.raises(DatabaseError), connection.cursor() as cursor:  # the log is append-only again
        cursor.execute("UPDATE claims_claimlogentry SET action = action")


def test_a_backup_that_does_not_match_its_manifest_is_refused_and_nothing_changes(site_with_data, tmp_path):
    media_root = site_with_data
    assert run("backup", tmp_path / "backup", media_root).returncode == 0
    rows = every_row()
    [evidence_copy] = (tmp_path / "backup" / "files").rglob("*.pdf")
    evidence_copy.write_bytes(b"%PDF-1.4 altered")
    (media_root / "evidence").rename(media_root / "evidence-moved-away")

    restored = run("restore", tmp_path / "backup", media_root)

    assert restored.returncode != 0
    assert "does not match its manifest" in restored.stderr
    assert every_row() == rows
    assert not (media_root / "evidence").exists()
