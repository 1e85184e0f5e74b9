"""``python -m gfcheck``: the ``gfcheck`` command."""

import sys

from gfcheck.cli import run

sys.exit(run())
