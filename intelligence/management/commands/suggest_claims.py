"""``manage.py suggest_claims FILE [--language zh|en] [--json]``: the claims
an article suggests, read from a text file (``-`` for standard input).

Prints each candidate (kind, claimant, outlet, figures, presence, sentence),
or JSON lines with ``--json``; writes nothing to the database."""

import dataclasses
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from intelligence.extraction import LANGUAGES, MAX_ARTICLE_BYTES, ArticleError, suggest_claims


class Command(BaseCommand):
    help = "Print the claims an article (a UTF-8 text file, or - for standard input) suggests."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--language", choices=LANGUAGES, help="Detected from the script when omitted.")
        parser.add_argument("--json", action="store_true", help="One JSON object per candidate and line.")

    def handle(self, *args, file, language, json: bool, **options):
        text = self._read(file)
        try:
            candidates = suggest_claims(text, language)
        except ArticleError as error:
            raise CommandError(str(error)) from None
        for candidate in candidates:
            self.stdout.write(_as_json(candidate) if json else _as_text(candidate))

    def _read(self, file: str) -> bytes:
        """At most one byte more than the longest article may take, so that a
        huge file is refused without being read whole."""
        limit = MAX_ARTICLE_BYTES + 1
        if file == "-":
            return sys.stdin.buffer.read(limit)
        try:
            with open(file, "rb") as handle:
                return handle.read(limit)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None


def _as_json(candidate) -> str:
    return json.dumps(dataclasses.asdict(candidate), ensure_ascii=False, default=str)


def _as_text(candidate) -> str:
    lines = [
        f"[{candidate.kind}] {candidate.claimant or '(no claimant)'}"
        + (f" via {candidate.outlet}" if candidate.outlet else "")
    ]
    lines += [
        f"  {f.category} {f.population}: {f.qualifier} {f.low if f.low is not None else ''}"
        + (f"-{f.high}" if f.high is not None else "")
        for f in candidate.figures
    ]
    lines += [f"  {p.force} {p.presence} @ {p.place}" for p in candidate.presences]
    lines += [f"  count: {count:,}" for count in candidate.counts]
    lines.append(f"  “{candidate.sentence}”")
    return "\n".join(lines) + "\n"
