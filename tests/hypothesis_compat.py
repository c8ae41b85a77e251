"""Lets hypothesis-jsonschema 0.23 (which schemathesis generates bodies with)
run on the Hypothesis the test requirements install.

hypothesis-jsonschema draws an object's properties with ``many(...).more()``;
newer Hypothesis dropped ``more()`` for iterating inside ``with many(...)``.
``more()`` is rebuilt here on that iteration.
"""

from hypothesis.internal.conjecture.utils import many


def _more(self) -> bool:
    """Whether to draw one more element: enter on the first call, step the
    iteration, exit when it stops."""
    if self._depth is None:
        self.__enter__()
        self._elements = iter(self)
    try:
        next(self._elements)
    except StopIteration:
        self.__exit__(None)
        return False
    return True


def restore_many_more() -> None:
    if not hasattr(many, "more"):
        many.more = _more
