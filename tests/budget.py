"""How many examples a property test runs: every count follows the hypothesis profile
(``HYPOTHESIS_PROFILE``: dev, ci, thorough; ``tests/conftest.py``), none is pinned."""

from __future__ import annotations

from hypothesis import settings

#: the ``ci`` profile's ``max_examples``: the counts below are stated at this level
CI_EXAMPLES = 40


def examples(at_ci: int) -> int:
    """``at_ci`` examples under the ci profile, scaled by the active profile's ``max_examples``
    (dev runs fewer, thorough ten times as many); at least 1.

    >>> examples(40) == settings().max_examples
    True
    """
    return max(1, round(at_ci * settings().max_examples / CI_EXAMPLES))
