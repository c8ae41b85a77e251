"""What the claims app tells the apps above it (``intelligence`` grades a
claim's sourcing from it). It imports no app above ``claims``.
"""

from django.dispatch import Signal

# Sent by ``claims.services`` with ``claim_ids`` once a write changed what a
# claim rests on (its claimant, its sources or its evidence), inside the
# write's transaction: what a receiver writes commits, or not, with it.
claim_changed = Signal()
