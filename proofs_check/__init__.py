"""gfcheck.proofs_check: claims about the papers' models (each stated by its paper or reconstructed in
``docs/``, see ``Claim.provenance``) as executable checks, the report and the jobs (the command line
is the facade's, ``gfcheck.cli``).

Public API (loaded on first use, so ``import gfcheck.proofs_check`` stays light)::

    verify(problem, profile, *, suite=None, only=None)  -> (results, ctx)
    run_verify(*, suite=None, profile=None, problem=None, out=..., only=None)  -> exit status
    Profile, Context                   the lambda ladder / digits, and the orthogonal suite's context
    Suite, suite(name), register_suite(suite), claims(suite_name)
    Claim, Provenance, Verdict, ClaimResult, register(claim), run_claim(claim, ctx)
    judge_limit, judge_rate, Limit     the rate rule (docs/verdicts.md)
    Law                                a claim's asymptotic law: text, value and orders as one object

The package's three subpackages are ``core`` (what every suite and job stands on), ``suites``
(one subpackage per paper; every known suite is ``gfcheck.suites()``) and ``jobs``.

A claim's ``source`` "digest N.M" (and "digest N.M" in the docstrings) is section N.M of its
suite's theory note, ``docs/suites/orthogonal.md`` for ``orthogonal``; item N of section 9 is claim N.

>>> from gfcheck.proofs_check import claims
>>> len(claims("orthogonal"))
19
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError as _NotFound
from importlib.metadata import version as _version

from gfcheck.symbolic.lazy import lazy_getattr

try:
    __version__ = _version("gfcheck")  # the installed distribution's, as ``gfcheck --version`` prints
except _NotFound:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "verify", "run_verify", "Profile", "Context", "Suite", "suite", "register_suite",
           "claims", "Claim", "Provenance", "Verdict", "ClaimResult", "register", "run_claim", "judge_limit",
           "judge_rate", "Limit", "Law"]

_LAZY = {
    "verify": "jobs.verify", "run_verify": "jobs.verify",
    "Profile": "core.context", "Context": "suites.orthogonal.context",
    "Suite": "core.registry", "suite": "core.registry", "register_suite": "core.registry",
    "claims": "core.registry", "register": "core.registry",
    "Claim": "core.verdicts", "Provenance": "core.verdicts", "Verdict": "core.verdicts", "ClaimResult": "core.verdicts",
    "run_claim": "core.verdicts",
    "judge_limit": "core.rates", "judge_rate": "core.rates", "Limit": "core.rates", "Law": "core.laws",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


def __dir__():
    return sorted(__all__)
