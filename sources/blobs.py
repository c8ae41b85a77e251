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

Files no row names any more are deleted by the history's retention
(``sources/retention.py``) through ``discard``, which a writer storing the
same bytes at that moment cannot lose: see ``discard``.
"""

import functools
import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
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
    if whole:
        try:
            # Marks the file as in use (``discard`` leaves it alone), and finds it gone if it was set aside.
            os.utime(path)
        except FileNotFoundError:
            whole = False
    if not whole:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_then_rename(path, data)
    return name, digest


def discard(names: Iterable[str], still_named: Callable[[set[str]], set[str]], grace: float) -> list[str]:
    """Delete the files ``names`` that no row names; returns those deleted.

    A check storing the same bytes meanwhile must not lose them: ``store``
    finds the file there, so writes nothing, and its row naming the file is
    committed later. So a file is first set aside under another name, at
    once; then it is kept (put back) if it was written or reused within
    ``grace`` seconds (``store`` touches a file it reuses) or if
    ``still_named`` (asked after setting aside, with the names set aside)
    says a row names it now; only then deleted. A writer that comes while
    the file is set aside finds no file, and writes it again. With ``grace``
    longer than a check may take from storing its files to committing its
    rows (its task's time limit), every row that names a deleted file was
    committed before ``still_named`` was asked, and is in its answer.

    In an object store nothing is deleted: it can neither set an object
    aside at once nor tell that a writer found one there, so the same
    guarantee cannot be given (a bucket's lifecycle rules may expire what
    no row names, read from the database)."""
    set_aside = {}
    for name in set(names):
        path = _local_path(name)
        if path is None:
            continue
        aside = path.with_name(f".discarding-{uuid.uuid4().hex}-{path.name}")
        try:
            if time.time() - path.stat().st_mtime < grace:
                continue  # stored or reused lately: its row may be on its way
            os.rename(path, aside)
        except FileNotFoundError:
            continue
        set_aside[name] = (path, aside)
    if not set_aside:
        return []
    named = still_named(set(set_aside))
    deleted = []
    for name, (path, aside) in set_aside.items():
        if name in named or time.time() - aside.stat().st_mtime < grace:
            os.replace(aside, path)  # a writer may have written it again meanwhile: the same bytes
        else:
            aside.unlink()
            deleted.append(name)
    return deleted


def make_durable(names) -> None:
    """Wait until the files ``names`` (and their folders' entries) are on
    disk, all at once: the filesystem's journal commits them together."""
    paths = {path for path in map(_local_path, filter(None, names)) if path is not None}
    if not paths:
        return
    targets = paths | {path.parent for path in paths}
    if len(paths) == 1:  # a batch's revisits: nothing to wait for at once
        for target in targets:
            _fsync(target)
    else:
        list(_fsync_threads().map(_fsync, targets))


@functools.cache
def _fsync_threads() -> ThreadPoolExecutor:
    """The threads that wait for the disk, kept by the process: starting a
    batch's anew cost it ten times the CPU of its fsyncs."""
    return ThreadPoolExecutor(max_workers=16, thread_name_prefix="fsync")


os.register_at_fork(after_in_child=_fsync_threads.cache_clear)  # a parent's threads do not come along


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
