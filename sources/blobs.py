"""Content-addressed files: each stored once, under the SHA-256 of its bytes.

A file's name is its hash (``<folder>/<first two hex digits>/<hash><suffix>``),
so storing bytes already stored writes nothing, and a name found in the
store always holds the whole of what it names: the bytes are written to a
temporary file beside it, flushed to disk, and only then renamed to their
name, which the filesystem does at once. A writer killed part-way leaves a
stray temporary file (``.partial-*``), never a short file under a real name,
and a check row is written with a name only after the file is in place.
"""

import hashlib
import os
import tempfile
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
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_then_rename(path, data)
    return name, digest


def _write_then_rename(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)  # another writer of the same bytes may have won: same content
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
