"""``python -m gfcheck``: the ``gfcheck`` command (``gfcheck`` itself is a namespace package)."""

import sys

from gfcheck.proofs_check.cli import run

sys.exit(run())
