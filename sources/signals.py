"""What the sources app tells the rest of the tracker. It imports no other
app of ours: an app that cares subscribes here (the claims app matches its
links' quotes and figures, ``claims.receivers``; intelligence regrades the
claims citing an outlet that was rated), and asks what of the
check history other rows rest on before pruning it (``history_pins``)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.dispatch import Signal

# Sent by ``sources.checking`` with ``checks``, a finished batch's completed
# ``SourceCheck`` rows (each with its ``source_id``, ``outcome`` and the page's
# text, ``stored_text``, shared by every check that saw the same text:
# ``SourceCheck.load_texts`` reads those not in memory at once), inside the
# transaction that records them: whatever a receiver
# writes commits, or not, with the batch, and a batch is one call, so that a
# receiver can do its work for all of it in bulk.
checks_finished = Signal()

# Sent by ``sources.services.rate_outlet`` with ``outlet`` inside the
# transaction that rates it: its sources not rated on their own now carry
# another reliability, so the claims citing them are graded anew
# (``intelligence.receivers``).
outlet_rated = Signal()


@dataclass
class HistoryPins:
    """What rows of another app rest on in the check history of some
    sources, so that the retention (``sources.retention``) keeps it:
    ``checks``, ids of checks named outright, and ``moments``,
    ``(source_id, when)`` pairs, each keeping the check of that source that
    was current then (its last check, and its last good check, finished by then)."""

    checks: set[int] = field(default_factory=set)
    moments: list[tuple[int, datetime]] = field(default_factory=list)


# Sent by ``sources.retention`` with ``source_ids`` before it prunes their
# check history; each receiver returns the ``HistoryPins`` of its rows (the
# claims: quote matches, verdicts, evidence; intelligence: contradiction flags).
history_pins = Signal()
