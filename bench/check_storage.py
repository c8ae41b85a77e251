"""What a million re-checks of unchanged pages leave in the database and the
archive store, and what the retention policy (``sources/retention.py``)
leaves of them.

    python bench/check_storage.py [--sources 10000 --rechecks 100]

Every source gets a first check that archived its page whole (a WARC
``response`` record, about 6 KB of page) and ``--rechecks`` daily re-checks,
the oldest ``--rechecks`` days ago, that saw it unchanged: each a check row
as the checker writes it (the page's hash and stored text, carried over)
and an archive of its own, a ``revisit`` record made by the checker's own
``sources.archive`` code, dated as old as its check. The rows go in with ``bulk_create``, not through
fetches: the fetching is measured by ``bench/source_checks.py``; this is
about what stays. Prints the sources app's tables (rows, indexes, TOAST)
and the archive store (bytes and files): after the re-checks, then after
the retention pass (``prune_history``, ``SOURCE_HISTORY_DAYS`` 30) and a
VACUUM, with the pass's time.

Runs against DATABASE_URL (default: a ``tracker_bench_storage`` database,
created and migrated if missing, its check history emptied first).
"""

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.source_checks import archive_bytes, database_bytes, page_for, setup_django, vacuum

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_storage"
ROWS_AT_ONCE = 10_000


def fetched(url: str, body: bytes):
    from sources.fetch import Exchange, FetchResult

    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    exchange = Exchange(url=url, http_status=200, reason="OK", headers=headers, wire_body=body, ip_address="192.0.2.1")
    return FetchResult(outcome="ok", final_url=url, http_status=200, body=body, headers=headers, exchanges=[exchange])


def write_history(sources: int, rechecks: int) -> None:
    """Each source's first check and its unchanged re-checks, with their archives."""
    from django.conf import settings
    from django.utils import timezone

    from sources.archive import ARCHIVE_FOLDER, archive, original_response, warc_bytes
    from sources.blobs import store
    from sources.models import Source, SourceCheck, StoredText

    now = timezone.now()
    media = Path(settings.MEDIA_ROOT)
    urls = [f"https://news{number % 50}.example.org/report-{number}" for number in range(sources)]
    rows = Source.objects.bulk_create([Source(url=url) for url in urls], batch_size=ROWS_AT_ONCE)
    pending = []
    for number, source in enumerate(rows):
        body = page_for(f"/report-{number}")
        result = fetched(source.url, body)
        text = StoredText.objects.create(sha256=StoredText.digest(body.decode()), text=body.decode())
        first = archive(result)
        first_name, first_sha = first.name, first.sha256
        original = original_response(first_name)
        common = {"source": source, "outcome": "ok", "http_status": 200, "final_url": source.url, "bytes": len(body)}
        common |= {"sha256": hashlib.sha256(body).hexdigest(), "stored_text": text, "title": f"Report {number}"}
        for day in range(rechecks + 1):
            seen = now - timedelta(days=rechecks - day)
            name, digest = (
                (first_name, first_sha) if day == 0 else store(warc_bytes(result, original), ARCHIVE_FOLDER, ".warc.gz")
            )
            # As old as the check that wrote it: the pass leaves files written in the last minutes alone.
            os.utime(media / name, (seen.timestamp(), seen.timestamp()))
            check = SourceCheck(requested_at=seen, started_at=seen, finished_at=seen, warc=name, warc_sha256=digest)
            pending.append((check, common))
        if len(pending) >= ROWS_AT_ONCE or number == sources - 1:
            checks = [check for check, _ in pending]
            for check, fields in pending:
                for field, value in fields.items():
                    setattr(check, field, value)
            SourceCheck.objects.bulk_create(checks)
            latest = {check.source_id: check for check in checks}
            for source_row in rows:
                if source_row.pk in latest:
                    source_row.latest_check = latest[source_row.pk]
            Source.objects.bulk_update([r for r in rows if r.pk in latest], ["latest_check"])
            pending = []
            print(f"  {number + 1} sources, {(number + 1) * (rechecks + 1)} checks written", flush=True)


def report(label: str, media_root: str) -> None:
    from sources.models import SourceCheck

    files = sum(1 for path in (Path(media_root) / "warc").rglob("*.warc.gz"))
    print(
        f"{label}: {SourceCheck.objects.count():,} check rows, tables {database_bytes() / 2**20:,.0f} MiB; "
        f"archives {archive_bytes(media_root) / 2**20:,.0f} MiB in {files:,} files"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--rechecks", type=int, default=100, help="unchanged re-checks of each source, one a day")
    args = parser.parse_args()
    media_root = tempfile.mkdtemp(prefix="bench-storage-")
    try:
        setup_django(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), media_root, None)
        from django.conf import settings
        from django.db import connection

        from sources.retention import prune_history

        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE sources_sourcecheck, sources_source, sources_storedtext CASCADE")
        started = time.perf_counter()
        write_history(args.sources, args.rechecks)
        vacuum()
        print(f"written in {time.perf_counter() - started:.0f} s")
        report(f"after {args.sources * args.rechecks:,} re-checks", media_root)
        started = time.perf_counter()
        pruned, _ = prune_history()
        seconds = time.perf_counter() - started
        vacuum()
        print(
            f"retention pass (keep {settings.SOURCE_HISTORY_DAYS} days, the newest {settings.SOURCE_HISTORY_KEEP}, "
            f"each run's first and last): {seconds:.0f} s, {pruned.checks:,} checks and {pruned.archives:,} "
            f"archives ({pruned.archive_bytes / 2**20:,.0f} MiB) pruned"
        )
        report("after the retention pass", media_root)
    finally:
        shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
