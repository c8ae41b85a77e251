"""What the sources app tells the rest of the tracker. It imports no other
app of ours: an app that cares subscribes here (the claims app matches its
links' quotes and figures, ``claims.receivers``)."""

from django.dispatch import Signal

# Sent by ``sources.checking`` with ``checks``, a finished batch's completed
# ``SourceCheck`` rows (each with its ``source_id``, ``outcome`` and the page's
# text, ``stored_text``, shared by every check that saw the same text:
# ``SourceCheck.load_texts`` reads those not in memory at once), inside the
# transaction that records them: whatever a receiver
# writes commits, or not, with the batch, and a batch is one call, so that a
# receiver can do its work for all of it in bulk.
checks_finished = Signal()
