"""What the claims app tells the apps above it, which it does not know
(``intelligence`` grades a claim's sourcing and flags contradictions from it; ``notifications``
watches claims through it). It imports no app above ``claims``. Each signal
is sent by the service that wrote, inside its transaction and after the
write: what a receiver writes commits, or not, with it.
"""

from django.dispatch import Signal

# Sent with ``claim_ids``, ``user`` (whose write it was) and
# ``statement_changed`` by ``claims.services`` once a write changed a claim
# (what it says, its claimant, its figures and presences, its sources or its
# evidence) and by ``claims.workflow.change_status``. ``statement_changed`` is
# false when only the claim's sources or evidence changed, which leaves what
# depends on its statement alone (the contradiction flags) as it was.
claim_changed = Signal()

# Sent by ``services.submit_claim`` with ``claim`` and ``user``, its submitter.
claim_submitted = Signal()

# Sent by ``workflow.change_status`` with ``claim`` (its new status and
# version), ``user``, who moved it, and ``from_status``, the status it left.
status_changed = Signal()

# Sent with ``claim``, ``user`` (whose write raised it, or ``None`` for a
# check) and ``reason`` (in words) when something about ``claim`` needs a
# reviewer's eyes: ``kind``, a ``choices.ReviewFlag``.
claim_flagged = Signal()
