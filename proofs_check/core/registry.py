"""The registry: suites of claims, one suite per paper.

A :class:`~.suite.Suite` is a paper: a typed object (its model, the losses its claims accept, its
profiles, claims, context, default problem, derivations, report sections and figures, and its
theory notes in ``docs/``; ``docs/architecture.md``).  Suites are found through the
``gfcheck.suites`` entry points (``pyproject.toml``) or registered at run time with
:func:`register_suite`, so a new paper is one folder and one entry-point line and touches no file
of another suite (``tests/toy_suite/`` shows one that lives in the tests).  The registry imports
no suite (``tests/quality/test_imports.py``): a suite is
known by its entry point in the installed metadata, or once registered.

>>> [s.name for s in suites()][:1]
['orthogonal']
>>> c = claims("orthogonal")[0]
>>> (c.suite, c.number, c.id)
('orthogonal', 1, 'orthogonality')
"""

from __future__ import annotations

from gfcheck.symbolic.errors import InvalidInput, SchemaError

from .suite import Suite
from .verdicts import PROVENANCE_KINDS, VERDICTS, Claim, ClaimResult, Provenance, Verdict, run_claim

__all__ = ["VERDICTS", "PROVENANCE_KINDS", "Verdict", "Provenance", "Claim", "ClaimResult", "run_claim", "Suite",
           "REGISTRY",
           "register", "register_suite", "suites", "suite", "claims", "default_suite_name"]


#: every registered claim, keyed by ``(suite, id)``
REGISTRY: dict[tuple[str, str], Claim] = {}
_SUITES: dict[str, Suite] = {}
_DISCOVERED = False


def register(claim: Claim) -> Claim:
    """Declare ``claim`` (ids and numbers are unique within a suite); returns it."""
    key = (claim.suite, claim.id)
    if key in REGISTRY:
        raise InvalidInput(f"register: duplicate claim id {claim.id!r} in suite {claim.suite!r}")
    if any(c.suite == claim.suite and c.number == claim.number for c in REGISTRY.values()):
        raise InvalidInput(f"register: duplicate item number {claim.number} in suite {claim.suite!r}")
    REGISTRY[key] = claim
    return claim


def register_suite(s: Suite) -> Suite:
    """Make ``s`` known (a name already known is refused)."""
    if not isinstance(s, Suite):
        raise InvalidInput(f"register_suite: expected a Suite, found {type(s).__name__}")
    if s.name in _SUITES and _SUITES[s.name] != s:
        raise InvalidInput(f"register_suite: a different suite named {s.name!r} is registered")
    _SUITES[s.name] = s
    return s


def _discover() -> None:
    """The suites of the installed packages (entry-point group ``gfcheck.suites``)."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group="gfcheck.suites"), key=lambda e: e.name):
        register_suite(ep.load())
    _DISCOVERED = True


def default_suite_name() -> str:
    """The suite run when none is named: the installed one that says so (``Suite.default``), else
    the first by name; no suite's name is written here (a third paper is one folder)."""
    _discover()
    marked = sorted(s.name for s in _SUITES.values() if s.default)
    return (marked or sorted(_SUITES))[0]


def suites() -> list[Suite]:
    """Every known suite, the default first, then by name."""
    first = default_suite_name()
    return sorted(_SUITES.values(), key=lambda s: (s.name != first, s.name))


def suite(name: str | None = None) -> Suite:
    """The suite called ``name`` (default :func:`default_suite_name`); unknown names are refused
    with the list of known ones (``SchemaError``, exit 2)."""
    _discover()
    name = name or default_suite_name()
    if name not in _SUITES:
        raise SchemaError(f"--suite: unknown suite {name!r}; known: {', '.join(s.name for s in suites())} "
                          "(gfcheck verify --list shows them with their claims)")
    return _SUITES[name]


def claims(suite_name: str | None = None) -> list[Claim]:
    """The claims of one suite (default :func:`default_suite_name`), in item order: its
    :meth:`Suite.claims` (registered on first use) and any claim registered at run time."""
    s = suite(suite_name)
    for c in s.claims():
        if c.suite != s.name:
            raise InvalidInput(f"suite {s.name!r}: its claim {c.id!r} names the suite {c.suite!r}")
        if REGISTRY.get((c.suite, c.id)) is not c:
            register(c)
    return sorted((c for c in REGISTRY.values() if c.suite == s.name), key=lambda c: (c.number, c.id))
