"""The suite interface: one paper's claims and everything the jobs need from it, as one typed object.

A suite is a frozen subclass of :class:`Suite` defined in its own ``suites/<name>/suite.py`` and
found through its ``gfcheck.suites`` entry point (``docs/architecture.md``).  Its fields say what
the paper is (``name``, ``title``, ``model``, ``notes``, ``losses``, ``default``); its methods give
the jobs everything they take from it:

* ``profiles()``: the profiles it offers, by name (the ladders and digits; the first is the default);
* ``claims()``: its claims (:class:`~.verdicts.Claim`, each naming this suite);
* ``make_context(problem, profile)``: the context its checks run in (a
  :class:`~.context.SuiteContext`);
* ``default_problem()``: the built-in example;
* ``derive(out_dir)``: its sympy derivations and certificates, written into ``out_dir`` (``gfcheck
  derive`` gives it ``<out>/<name>/``); returns the stems whose verdict is not the expected one;
* ``report_sections(ctx, results)``, ``figure_captions()`` and ``figures(out_dir, ctx, results)``:
  what the report adds for this suite; by default taken from ``report()``, its report module
  (:class:`SuiteReport`: ``sections``, ``FIGURES``, ``draw``), or nothing when it has none;
* ``proves()`` and ``prove(ctx, results, deadline)``: proofs on one instance beside the verdicts
  (``verify --prove``; default: none, refused before any work);
* ``dataset(seed, sizes)``: a generated problem for a sweep (default: refused, ``SchemaError``);
* ``assumptions()``: the hypotheses its claims declare (:mod:`gfcheck.symbolic.assumptions`).

No job names a suite: they take the suite object from the registry (:mod:`.registry`) and ask it.

>>> from gfcheck.proofs_check.core.registry import suite
>>> s = suite()
>>> isinstance(s, Suite), list(s.profiles())
(True, ['quick', 'full'])
>>> class Half(Suite):
...     pass
>>> try:
...     Half(name="half", title="t", model="m", notes="docs/architecture.md")
... except TypeError as exc:
...     print(str(exc).split(" with ")[1])
abstract methods claims, default_problem, derive, make_context, profiles
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass
from typing import Protocol

from gfcheck.symbolic.errors import InvalidInput, SchemaError

__all__ = ["Suite", "SuiteReport"]

#: a suite's name: a folder name and a command-line word
_NAME = re.compile(r"[a-z][a-z0-9_-]*")


class SuiteReport(Protocol):
    """What a suite's report module provides (``suites/<name>/report.py``): ``FIGURES`` (``{file
    name: (figure-data key, caption)}``), ``sections(ctx, results) -> (report.json extras,
    Markdown)`` and ``draw(out_dir, ctx) -> (paths, {name: why not drawn})``."""

    FIGURES: dict

    def sections(self, ctx, results) -> tuple[dict, str]: ...

    def draw(self, out_dir, ctx) -> tuple[list, dict]: ...


@dataclass(frozen=True)
class Suite(abc.ABC):
    """One paper's suite of claims (see the module docstring); checks its fields on construction.

    ``notes`` is the theory note in ``docs/`` its reconstructed claims come from; ``losses`` the
    losses its claims are stated for (a problem with another loss is refused before any claim runs);
    ``default`` marks the suite ``gfcheck verify`` runs when none is named
    (:func:`~.registry.default_suite_name`).
    """

    name: str
    title: str
    model: str
    notes: str
    losses: tuple[str, ...] = ("square",)
    default: bool = False

    def __post_init__(self) -> None:
        for f in ("name", "title", "model", "notes"):
            if not isinstance(getattr(self, f), str) or not getattr(self, f).strip():
                raise InvalidInput(f"Suite: {f} must be a non-empty string")
        if not _NAME.fullmatch(self.name):
            raise InvalidInput(f"Suite: name must be lower-case letters, digits, '-' or '_' (a folder name), "
                               f"found {self.name!r}")
        if not isinstance(self.losses, tuple) or not self.losses or \
                not all(isinstance(loss, str) and loss for loss in self.losses):
            raise InvalidInput(f"Suite {self.name!r}: losses must be a non-empty tuple of loss names")
        if not isinstance(self.default, bool):
            raise InvalidInput(f"Suite {self.name!r}: default must be True or False")

    # -- what every suite provides ---------------------------------------------------------------
    @abc.abstractmethod
    def profiles(self) -> dict:
        """``{name: Profile}`` (:class:`~.context.Profile`), the default first."""

    @abc.abstractmethod
    def claims(self) -> tuple:
        """Its claims (:class:`~.verdicts.Claim`), each with ``suite == self.name``."""

    @abc.abstractmethod
    def make_context(self, problem, profile):
        """The context of its checks on ``problem`` at ``profile`` (a Profile)."""

    @abc.abstractmethod
    def default_problem(self):
        """The built-in example (a :class:`~gfcheck.symbolic.problem.Problem`)."""

    @abc.abstractmethod
    def derive(self, out_dir) -> list:
        """Write its derivations and certificates into ``out_dir``; the stems whose verdict is not
        the expected one (empty when all are)."""

    # -- what a suite may add ----------------------------------------------------------------------
    def profile(self, name: str | None = None):
        """The profile called ``name`` (default: the first); another name is refused (``SchemaError``,
        exit 2) with the ones it offers."""
        offered = self.profiles()
        if name is None:
            return next(iter(offered.values()))
        if name not in offered:
            raise SchemaError(f"--profile: suite {self.name!r} offers {', '.join(offered)}, found {name!r}")
        return offered[name]

    def report(self) -> SuiteReport | None:
        """Its report module (imported on first use), or None: the report adds nothing (default)."""
        return None

    def report_sections(self, ctx, results) -> tuple[dict, str]:
        """``(report.json extras, Markdown)`` the report adds after the claims (default: its
        :meth:`report`'s ``sections``, or none)."""
        r = self.report()
        return r.sections(ctx, results) if r is not None else ({}, "")

    def figure_captions(self) -> dict:
        """``{file name: (figure-data key, caption)}`` of the report's figures (default: its
        :meth:`report`'s ``FIGURES``, or none)."""
        r = self.report()
        return dict(r.FIGURES) if r is not None else {}

    def figures(self, out_dir, ctx, results) -> tuple[list, dict]:
        """Draw the figures into ``out_dir``: ``(paths, {name: why not drawn})`` (default: its
        :meth:`report`'s ``draw``, or none)."""
        r = self.report()
        return r.draw(out_dir, ctx) if r is not None else ([], {})

    def proves(self) -> bool:
        """Whether :meth:`prove` gives proofs on one instance (``verify --prove``; default: no)."""
        return False

    def prove(self, ctx, results, deadline=None) -> tuple[list, dict]:
        """``(parts, settings)``: :class:`~.proofs.ProofPart` s of its claims on ``ctx``'s problem,
        proved on validated enclosures before the monotonic ``deadline`` (default: this suite has none)."""
        raise InvalidInput(f"--prove: suite {self.name!r} has no validated enclosure yet (docs/enclose.md, "
                           "Not done yet); run without --prove")

    def dataset(self, seed: int, sizes: dict):
        """A generated problem for a sweep: ``sizes`` has ``n``, ``d``, ``m`` (ints) and ``scale`` (a
        number string); the same arguments give the same problem (default: this suite has none)."""
        raise SchemaError(f"suite {self.name!r} has no generated datasets (Suite.dataset)")

    def assumptions(self) -> tuple:
        """The distinct hypotheses its claims declare (by id, in claim order)."""
        seen = {}
        for c in self.claims():
            for a in c.assumptions:
                seen.setdefault(a.id, a)
        return tuple(seen.values())
