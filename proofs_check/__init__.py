"""gfcheck.proofs_check: claims of the papers as executable checks; the command line.

``__version__`` is the installed distribution's version (``importlib.metadata``), the one
``gfcheck --version`` prints and every provenance record carries.
"""

from importlib.metadata import PackageNotFoundError as _NotFound
from importlib.metadata import version as _version

try:
    __version__ = _version("gfcheck")
except _NotFound:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
