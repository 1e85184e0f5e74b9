"""The facade ``gfcheck`` (folder ``gfcheck_main/``): its version, its public API loaded on first
use, and an import that stays light (issue 26 item 1)."""

from __future__ import annotations

import doctest
import subprocess
import sys
from importlib.metadata import version

import pytest

import gfcheck


def test_the_version_is_the_installed_distributions():
    assert gfcheck.__version__ == version("gfcheck")


@pytest.mark.parametrize("name", [n for n in gfcheck.__all__ if n != "__version__"])
def test_every_public_name_resolves(name):
    assert getattr(gfcheck, name) is not None and name in dir(gfcheck)


def test_a_name_outside_the_api_is_an_attribute_error_that_lists_the_api():
    with pytest.raises(AttributeError, match="the public API is"):
        gfcheck.Context  # noqa: B018 - the attribute access is the test


def test_import_gfcheck_loads_no_layer():
    code = ("import sys, gfcheck; print(sorted(m for m in sys.modules if m.startswith(('gfcheck.', 'sympy', "
            "'mpmath', 'matplotlib')) and m.count('.') < 2))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # the twin: asking for a name loads its layer
    code = code.replace("import sys, gfcheck;", "import sys, gfcheck; gfcheck.integrate;")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "gfcheck.numeric" in out


def test_the_docstring_example_runs():
    failed, attempted = doctest.testmod(gfcheck, optionflags=doctest.ELLIPSIS)[:2]
    assert attempted > 0 and failed == 0
