"""Backups that restore: the database and every stored file (check archives,
evidence), with a manifest of their SHA-256 hashes.

A backup is a folder:

- ``database.dump``: PostgreSQL's ``pg_dump`` in its custom format (schema,
  rows, the log's append-only trigger), or ``database.sqlite3``, a copy made
  with SQLite's online backup API; both are consistent while the site runs;
- ``files/``: each file of the media storage (the local folder or the object
  store, ``tracker/storage.py``) under its name there;
- ``manifest.json``: the database file's and each stored file's hash and
  size, the engine, and when the backup was made.

``restore`` checks every hash against the manifest before it touches
anything, then replaces the whole database (``pg_restore --clean`` in one
transaction, or SQLite's backup API the other way) and writes back every
file whose bytes differ. Stop the web and worker processes while it runs.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections

MANIFEST = "manifest.json"
FILES = "files"
POSTGRESQL_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why."""


def backup(destination: Path, *, alias: str = "default") -> dict:
    """Write a backup of the database ``alias`` and the media storage into
    ``destination`` (a new or empty folder); returns the manifest."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: give a new folder for each backup.")
    settings = connections[alias].settings_dict
    if _is_postgresql(settings):
        database_file = destination / POSTGRESQL_DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={database_file}"], settings)
    else:
        database_file = destination / SQLITE_COPY
        with _sqlite(settings["NAME"]) as live, _sqlite(database_file) as copy:
            live.backup(copy)
    files = {}
    for name in stored_names():
        target = destination / FILES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as stored, target.open("wb") as copied:
            shutil.copyfileobj(stored, copied, CHUNK)
        files[name] = _describe(target)
    manifest = {
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": "postgresql" if _is_postgresql(settings) else "sqlite",
        "database": {"file": database_file.name, **_describe(database_file)},
        "files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def restore(source: Path, *, alias: str = "default") -> dict:
    """Put the database ``alias`` and the media storage back as the backup in
    ``source`` holds them; returns the manifest. Refuses a backup whose files
    do not match its manifest, or of the other database engine."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {error}") from error
    damaged = [
        name
        for name, path, expected in [
            (manifest["database"]["file"], source / manifest["database"]["file"], manifest["database"]),
            *((name, source / FILES / name, described) for name, described in manifest["files"].items()),
        ]
        if not path.is_file() or _describe(path) != {key: expected[key] for key in ("sha256", "size")}
    ]
    if damaged:
        raise BackupError(
            f"The backup does not match its manifest; nothing was restored. Damaged or missing: {damaged}"
        )
    settings = connections[alias].settings_dict
    engine = "postgresql" if _is_postgresql(settings) else "sqlite"
    if manifest["engine"] != engine:
        raise BackupError(f"This is a backup of a {manifest['engine']} database; the site runs on {engine}.")
    connections[alias].close()
    database_file = source / manifest["database"]["file"]
    if engine == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={settings['NAME']}",
                str(database_file),
            ],
            settings,
        )
    else:
        with _sqlite(database_file) as copy, _sqlite(settings["NAME"]) as live:
            copy.backup(live)
    for name, described in manifest["files"].items():
        if default_storage.exists(name):
            if _stored_sha256(name) == described["sha256"]:
                continue
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile((source / FILES / name).read_bytes()))
        if saved != name:
            raise BackupError(f"{name} was written back as {saved}.")
    return manifest


def stored_names(folder: str = ""):
    """Every file's name in the media storage, folder by folder."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        if not name.startswith(".partial-"):  # a writer's unfinished file (sources/blobs.py)
            yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(f"{folder}/{sub}" if folder else sub)


def _describe(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "size": path.stat().st_size}


def _stored_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_postgresql(settings) -> bool:
    return settings["ENGINE"] == "django.db.backends.postgresql"


def _sqlite(path):
    return contextlib.closing(sqlite3.connect(str(path)))  # ``sqlite3``'s own block only commits


def _run(command: list[str], settings) -> None:
    """Run a PostgreSQL client tool against the database ``settings`` name, through libpq's variables."""
    environment = {**os.environ, "PGDATABASE": settings["NAME"]}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings.get(key):
            environment[variable] = str(settings[key])
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed: PostgreSQL's client tools are needed.") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error
