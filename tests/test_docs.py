"""Every docstring example in the installed package runs (the docs are part of the suite)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import gfcheck.numeric
import gfcheck.proofs_check
import gfcheck.symbolic


def _modules():
    for pkg in (gfcheck.symbolic, gfcheck.numeric, gfcheck.proofs_check):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            if not info.name.endswith("__main__"):
                yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
