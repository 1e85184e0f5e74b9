"""The exception hierarchy under the symbolic layer's name: the same classes as :mod:`gfcheck.errors`
(the facade's leaf module, which imports nothing of gfcheck; ``docs/errors.md``).

>>> from gfcheck.symbolic.errors import InvalidInput
>>> import gfcheck.errors
>>> InvalidInput is gfcheck.errors.InvalidInput
True
"""

from __future__ import annotations

from gfcheck.errors import *  # noqa: F401,F403 - the one hierarchy, re-exported
from gfcheck.errors import __all__  # noqa: F401
