"""Bounded history: what of a source's checks is kept, and for how long.

Most checks are re-checks of pages that have not changed. Each is a row and
a small archive (a WARC ``revisit`` record); kept for ever, a million a day
would grow the history without end while telling little: that the page was
the same on each of those days. So, of a run of checks that saw the same
page (the same body and text, none of them seeing a change), the first and
the last are kept for ever, and those in between are pruned once they are
``SOURCE_HISTORY_DAYS`` old. What is kept whatever its age:

- every check that saw a change, saw the page go away or come back, failed,
  or was deferred (each ends a run: the next good check starts a new one);
- each source's newest ``SOURCE_HISTORY_KEEP`` checks, and its latest check;
- every check another row rests on, as the other apps say when asked
  (``signals.history_pins``): the check a link's quote match was made on,
  and the check of each source that was current when a verdict was
  published, an evidence item added or a contradiction flag raised or
  explained on a claim citing it;
- every check whose archive holds a page's body (a ``response`` record),
  which later checks' revisit records point at.

The claim log, verdicts, evidence and the stored texts are never touched: a
pruned check's text is the text of the checks kept on either side of it.
An archive file is deleted once no check names it (``blobs.discard``, which
a check storing the same bytes meanwhile cannot lose).

Pruning runs from beat (``tasks.prune_check_history``), over the sources in
order of id, ``SOURCE_HISTORY_BATCH`` at a time, one transaction each.
A check row, an archive and the other rows of a pruned check take a few
hundred bytes; ``bench/check_storage.py`` measures them.
"""

import bisect
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from . import blobs
from .archive import is_revisit
from .choices import CheckOutcome
from .models import Source, SourceCheck
from .signals import HistoryPins, history_pins

logger = logging.getLogger(__name__)

CHECK_FIELDS = ["pk", "source_id", "outcome", "sha256", "stored_text_id", "content_changed", "finished_at", "warc"]
DELETE_CHUNK = 500  # ids in one DELETE: well inside SQLite's limit of bound parameters


@dataclass
class Pruned:
    """What one pass pruned: check rows, archive files and their bytes."""

    checks: int = 0
    archives: int = 0
    archive_bytes: int = 0

    def add(self, other: "Pruned") -> None:
        self.checks += other.checks
        self.archives += other.archives
        self.archive_bytes += other.archive_bytes


def prune_history(after_id: int = 0, *, now=None, seconds: float | None = None) -> tuple[Pruned, int | None]:
    """Prune the histories of the sources after ``after_id``, a batch at a
    time, for about ``seconds`` (all of them if ``None``); returns what was
    pruned and the id to go on after (``None`` once every source is done)."""
    now = now or timezone.now()
    started = time.monotonic()
    pruned = Pruned()
    while True:
        batch = list(
            Source.objects.filter(pk__gt=after_id)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.SOURCE_HISTORY_BATCH]
        )
        if not batch:
            return pruned, None
        pruned.add(prune_sources(batch, now=now))
        after_id = batch[-1]
        if seconds is not None and time.monotonic() - started >= seconds:
            return pruned, after_id


def prune_sources(source_ids, *, now=None, grace: float | None = None) -> Pruned:
    """Prune the check histories of ``source_ids`` as the policy says, then
    delete the archives no check names any more (those stored or reused in
    the last ``grace`` seconds are left to the next pass)."""
    now = now or timezone.now()
    with transaction.atomic():
        prunable = _prunable_checks(source_ids, now)
        names = {name for _pk, name in prunable if name}
        ids = [pk for pk, _name in prunable]
        for start in range(0, len(ids), DELETE_CHUNK):
            SourceCheck.objects.filter(pk__in=ids[start : start + DELETE_CHUNK]).delete()
    pruned = Pruned(checks=len(ids))
    if names:
        sizes = {name: _size(name) for name in names}
        grace = settings.CELERY_TASK_TIME_LIMIT + 60 if grace is None else grace  # a check's longest run
        deleted = blobs.discard(names, still_named, grace)
        pruned.archives, pruned.archive_bytes = len(deleted), sum(sizes[name] for name in deleted)
    return pruned


def still_named(names: set[str]) -> set[str]:
    """Those of the archive files ``names`` that a check names."""
    return set(SourceCheck.objects.filter(warc__in=names).values_list("warc", flat=True))


def _size(name: str) -> int:
    try:
        return default_storage.size(name)
    except OSError:
        return 0


def _prunable_checks(source_ids, now) -> list[tuple[int, str]]:
    """The ``(id, archive name)`` of each check of ``source_ids`` that the
    policy prunes now."""
    cutoff = now - timedelta(days=settings.SOURCE_HISTORY_DAYS)
    histories = {}
    for row in (
        SourceCheck.objects.filter(source_id__in=source_ids, finished_at__isnull=False)
        .order_by("source_id", "finished_at", "pk")
        .values_list(*CHECK_FIELDS)
    ):
        histories.setdefault(row[1], []).append(row)
    if not histories:
        return []
    kept = _pinned(histories)
    prunable = []
    for history in histories.values():
        newest_kept = len(history) - settings.SOURCE_HISTORY_KEEP
        for index in range(1, min(len(history) - 1, newest_kept)):
            row = history[index]
            if (
                row[6] < cutoff
                and row[0] not in kept
                and _same_page(history[index - 1], row)
                and _same_page(row, history[index + 1])
            ):
                prunable.append((row[0], row[7]))
    # Last, and only for the few left: reading an archive costs more than the rest.
    return [(pk, name) for pk, name in prunable if not name or is_revisit(name)]


def _same_page(before, after) -> bool:
    """Whether check ``after`` saw again, unchanged, the page ``before`` saw."""
    successes = CheckOutcome.successes()
    return (
        before[2] in successes
        and after[2] in successes
        and not after[5]
        and before[3] == after[3]
        and before[4] == after[4]
    )


def _pinned(histories) -> set[int]:
    """The checks of ``histories`` kept whatever their age: the sources'
    latest checks and what other rows rest on."""
    pins = HistoryPins()
    for _receiver, answer in history_pins.send(sender=SourceCheck, source_ids=list(histories)):
        pins.checks |= answer.checks
        pins.moments += answer.moments
    kept = set(pins.checks)
    latest = Source.objects.filter(pk__in=histories).exclude(latest_check=None)
    kept |= set(latest.values_list("latest_check", flat=True))
    finish_times = {source_id: [row[6] for row in history] for source_id, history in histories.items()}
    successes = CheckOutcome.successes()
    for source_id, moment in pins.moments:
        history = histories.get(source_id)
        if not history:
            continue
        index = bisect.bisect_right(finish_times[source_id], moment) - 1
        if index >= 0:
            kept.add(history[index][0])  # the last check by then
        while index >= 0 and history[index][2] not in successes:
            index -= 1
        if index >= 0:
            kept.add(history[index][0])  # and the last good one: the page as it was read then
    return kept
