"""Shared test configuration.

* Hypothesis profiles ``dev`` (few examples), ``ci`` (derandomised, no database, the CI
  default) and ``thorough`` (many examples), chosen by ``HYPOTHESIS_PROFILE``; when unset,
  ``ci`` under ``CI`` and ``dev`` otherwise.
* mpmath's global state is reset around every test (as mpmath's own conftest does), so a
  leak of precision from one test cannot carry into the next -- and a test fails if the
  code under test changed the global precision.
"""

from __future__ import annotations

import os
import sys

import mpmath
import pytest
from hypothesis import HealthCheck, settings

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=_SLOW)
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=_SLOW,
)
settings.register_profile(
    "thorough", max_examples=400, deadline=None, print_blob=True, suppress_health_check=_SLOW
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_report_header(config):
    import gmpy2
    import hypothesis
    import sympy

    return (
        f"gfcheck: sympy {sympy.__version__}, mpmath {mpmath.__version__} "
        f"(backend {mpmath.libmp.BACKEND}), gmpy2 {gmpy2.version()}, hypothesis {hypothesis.__version__}, "
        f"profile {settings._current_profile}, python {sys.version.split()[0]}"
    )


@pytest.fixture(autouse=True)
def reset_mp_globals():
    mpmath.mp.prec = 53
    mpmath.mp.pretty = False
    yield
    leaked = mpmath.mp.prec
    mpmath.mp.prec = 53
    mpmath.mp.pretty = False
    assert leaked == 53, f"the code under test left mpmath's global precision at {leaked} bits"


@pytest.fixture
def stub_claims(monkeypatch):
    """``stub_claims([Claim, ...])``: make these claims the default suite's for one test (a suite
    ``stub`` on the orthogonal model, registered and removed again by ``monkeypatch``)."""
    import dataclasses

    from gfcheck.proofs_check.core import registry

    def install(claims):
        registry.suites()  # the installed suites first
        class Stub(type(registry.suite("orthogonal"))):  # the orthogonal model, no claims of its own
            def claims(self):
                return ()

        stub = Stub(name="stub", title="stub claims of a test", model="the orthogonal model",
                    notes="docs/suites/orthogonal.md")
        monkeypatch.setitem(registry._SUITES, "stub", stub)
        monkeypatch.setattr(registry, "default_suite_name", lambda: "stub")
        for c in claims:
            monkeypatch.setitem(registry.REGISTRY, ("stub", c.id), dataclasses.replace(c, suite="stub"))

    return install


@pytest.fixture(autouse=True)
def _normal_verbosity():
    """``gfcheck -q``/``-v`` set the progress verbosity of the process; every test starts normal."""
    from gfcheck.symbolic import progress as _progress

    _progress.set_verbosity(_progress.NORMAL)
    yield
    _progress.set_verbosity(_progress.NORMAL)
