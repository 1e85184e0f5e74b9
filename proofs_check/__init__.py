"""gfcheck.proofs_check: claims of the papers as executable checks; the command line."""
