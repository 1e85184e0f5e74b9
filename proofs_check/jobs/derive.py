"""``gfcheck derive --out DIR [--suite NAME ...]``: every suite's derivations, one folder each.

Each suite writes its sympy derivations and certificates into ``DIR/<suite>/``
(:meth:`~gfcheck.proofs_check.core.suite.Suite.derive`: ``tex/*.tex``, ``derivations.md``,
``certificates/*.json``, ``manifest.json``); ``--suite`` (repeatable) keeps some of them, in the
order given.  ``DIR`` is checked before any derivation runs; same inputs and library versions give
the same bytes.  The exit status is 0 when every claim is PROVED and every twin REFUTED, 1 otherwise
(the files are written either way; ``docs/derive.md``).

>>> from gfcheck.proofs_check.core.registry import suites
>>> [s.name for s in chosen(None)] == [s.name for s in suites()]
True
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

__all__ = ["write_derivations", "chosen"]

_PREFIX = "gfcheck derive:"


def chosen(names):
    """The suites named (each once, in the order given), or every installed suite (unknown names
    are refused, ``SchemaError``, exit 2)."""
    from gfcheck.proofs_check.core.registry import suite, suites

    return [suite(n) for n in dict.fromkeys(names)] if names else suites()


def write_derivations(out="derivations", *, suites=None) -> int:
    """Write each suite's derivations into ``out/<suite>/`` (``suites``: names, default all); 0 when
    every verdict is the expected one, 1 otherwise.  A file-system failure raises
    :class:`~gfcheck.symbolic.errors.OutputError`."""
    from gfcheck.symbolic.files import THEORY_FILES, THEORY_FOLDERS, check_output_dir
    from gfcheck.symbolic.progress import heartbeat, note

    todo = chosen(suites)
    root = check_output_dir(out, "--out", folders=tuple(s.name for s in todo))
    for s in todo:  # the entries a theory's folder holds (symbolic.files.write_theory), of the right kind
        check_output_dir(Path(root) / s.name, "--out", files=THEORY_FILES, folders=THEORY_FOLDERS)
    t0, stage = time.monotonic(), [""]
    note(f"{_PREFIX} derivations and certificates -> {root}")
    wrong = []
    with heartbeat(_PREFIX, lambda: f"{stage[0]} ({time.monotonic() - t0:.0f} s elapsed)"):
        for s in todo:
            stage[0] = f"the {s.name} derivations (sympy)"
            wrong += [f"{s.name}/{stem}" for stem in s.derive(Path(root) / s.name)]
    if wrong:
        print(f"{_PREFIX} {len(wrong)} verdict(s) not as expected: {', '.join(wrong)}", file=sys.stderr)
        return 1
    note(f"{_PREFIX} every verdict as expected ({time.monotonic() - t0:.0f} s) -> {root}")
    return 0
