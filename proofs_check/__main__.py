import sys

from gfcheck.proofs_check.jobs.cli import run

sys.exit(run())
