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
"""

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

from django.core.files.storage import default_storage

# Readable by whoever reads the media folder, as the storage's own files are.
FILE_MODE = 0o644


def store(data: bytes, folder: str, suffix: str = "") -> tuple[str, str]:
    """Store ``data`` under its hash in ``folder`` of the media storage;
    returns its name there and its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest}{suffix}"
    path = Path(default_storage.path(name))
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
    paths = {Path(default_storage.path(name)) for name in names if name}
    if not paths:
        return
    with ThreadPoolExecutor(max_workers=min(len(paths), 16), thread_name_prefix="fsync") as pool:
        list(pool.map(_fsync, paths | {path.parent for path in paths}))


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
