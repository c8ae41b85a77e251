"""Content-addressed files: each stored once, under the SHA-256 of its bytes.

A file's name is its hash (``<folder>/<first two hex digits>/<hash><suffix>``),
so storing bytes already stored writes nothing, and a name found in the
store holds the whole of what it names: the bytes are written to a
temporary file beside it, which is then renamed to their name, which the
filesystem does at once. A writer killed part-way leaves a stray temporary
file (``.partial-*``), never a short file under a real name.

Writing does not wait for the disk, which took 17 ms a file, one file after
another in a batch's thread; ``make_durable`` waits for a whole batch's files
at once, and is called before the rows that name them are committed. Should
the machine lose power between the two, a file may be short under its
name with no row naming it: ``store`` finds it by its size and writes it again.

In an object store (``tracker/storage.py``) an object appears whole when its
upload ends or not at all, and is durable when the store says it is stored:
there ``store`` writes through the storage and ``make_durable`` has nothing
to wait for.
"""

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

# Readable by whoever reads the media folder, as the storage's own files are.
FILE_MODE = 0o644


def store(data: bytes, folder: str, suffix: str = "") -> tuple[str, str]:
    """Store ``data`` under its hash in ``folder`` of the media storage;
    returns its name there and its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest}{suffix}"
    path = _local_path(name)
    if path is None:
        _store_in_object_store(name, data)
        return name, digest
    try:
        whole = path.stat().st_size == len(data)
    except FileNotFoundError:
        whole = False
    if not whole:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_then_rename(path, data)
    return name, digest


def make_durable(names) -> None:
    """Wait until the files ``names`` (and their folders' entries) are on
    disk, all at once: the filesystem's journal commits them together."""
    paths = {path for path in map(_local_path, filter(None, names)) if path is not None}
    if not paths:
        return
    with ThreadPoolExecutor(max_workers=min(len(paths), 16), thread_name_prefix="fsync") as pool:
        list(pool.map(_fsync, paths | {path.parent for path in paths}))


def _local_path(name: str) -> Path | None:
    """Where ``name`` lives on this machine's disk; ``None`` in an object store."""
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:
        return None


def _store_in_object_store(name: str, data: bytes) -> None:
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        # Another writer stored the same bytes in between: the storage kept both under two names.
        default_storage.delete(saved)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_then_rename(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)  # another writer of the same bytes may have won: same content
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
