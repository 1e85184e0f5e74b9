"""``gfcheck.errors``: one exception hierarchy for the whole toolkit.

Every error that gfcheck raises on purpose derives from :class:`GfcheckError` and
also from the closest builtin, so ``except ValueError`` keeps working for callers
that do not know gfcheck.  Messages say what was expected, what was found, and
what to do next; structured fields (``where``, ``expected``, ``found``, ``hint``, or a class's
own, :meth:`GfcheckError.fields`) carry the same for a program.  A verdict is not an
exception: a claim outside its hypotheses is OUTSIDE_ASSUMPTIONS and a failed prediction
REFUTED, both in the report (``docs/verdicts.md``); the classes and what each command does
with them are in ``docs/errors.md``.

This module is a leaf: it imports nothing of gfcheck, so every layer imports it (symbolic,
numeric, proofs_check and the facade) without a circle (``tests/quality/test_imports.py``);
``gfcheck.symbolic.errors`` is the same classes under the symbolic layer's name.

>>> from gfcheck.errors import InvalidInput, GfcheckError
>>> issubclass(InvalidInput, GfcheckError) and issubclass(InvalidInput, ValueError)
True
>>> e = InvalidInput("inputs[1]: expected 3 entries, found 2", where="inputs[1]", expected=3, found=2)
>>> e.fields()["where"], e.fields()["error"], e.exit_status
('inputs[1]', 'InvalidInput', 2)
"""

from __future__ import annotations

__all__ = [
    "GfcheckError",
    "InvalidInput",
    "UnreadableFile",
    "SchemaError",
    "NonFiniteValue",
    "ShapeError",
    "ZeroVector",
    "NotOrthogonal",
    "ResourceLimit",
    "UnsupportedLoss",
    "OutputError",
    "DerivationUndecided",
    "IntegrationFailed",
    "StepCollapse",
    "StepSizeCollapse",
    "TooManyEvents",
    "PrecisionExhausted",
    "TimeBudgetSpent",
]


class GfcheckError(Exception):
    """Root of every error gfcheck raises on purpose: ``GfcheckError(message, **fields)``.

    ``fields`` (keywords: ``where``, ``expected``, ``found``, ``hint``, ...) are kept as
    attributes, so they survive pickling to and from worker processes, and :meth:`fields` returns
    them with the class, the exit status and the message."""

    #: exit status of the command line for this kind of error
    exit_status = 1

    def __init__(self, message="", **fields):
        super().__init__(message)
        for name, value in fields.items():
            setattr(self, name, value)
        self._field_names = tuple(fields)

    def fields(self) -> dict:
        """``{"error", "exit_status", "message", **fields}``, JSON-ready where the fields are."""
        names = getattr(self, "_field_names", ())
        return {"error": type(self).__name__, "exit_status": self.exit_status,
                "message": str(self.args[0]) if self.args else "", **{n: getattr(self, n) for n in names}}


class InvalidInput(GfcheckError, ValueError):
    """Input that gfcheck refuses before doing any work.  Fix the input and rerun."""

    exit_status = 2


class UnreadableFile(InvalidInput):
    """A file that cannot be opened, decoded or parsed as JSON."""


class SchemaError(InvalidInput):
    """A document that is JSON but not of the expected schema (keys, types, version)."""


class NonFiniteValue(InvalidInput):
    """A NaN, an infinity, or a string that is not a finite number."""


class ShapeError(InvalidInput):
    """Ragged, empty or mismatched rows, or counts that do not agree."""


class ZeroVector(InvalidInput):
    """An input vector (or direction) that is exactly zero."""


class NotOrthogonal(InvalidInput):
    """Inputs that are not pairwise orthogonal where orthogonality is assumed."""


class ResourceLimit(InvalidInput):
    """A request too large for this machine (memory, digits, exponent range)."""


class UnsupportedLoss(InvalidInput):
    """A loss the engine or command asked for does not handle (the reduced and float64 engines
    integrate the square loss only; a suite's claims are stated for its own losses); refused up
    front so that no run silently integrates a different loss than the problem asks for."""


class OutputError(InvalidInput):
    """An output path that cannot be written: a file where a folder is needed (or the
    reverse), a path under a regular file, a read-only or full file system.  Checked before
    the long work where possible; a failure of the final write is reported the same way."""


class DerivationUndecided(GfcheckError):
    """sympy could not decide a zero test: the certificate is UNDECIDED, never PROVED."""


class IntegrationFailed(GfcheckError, RuntimeError):
    """The integrator stopped before the horizon; no result file is written."""


class StepCollapse(IntegrationFailed):
    """The run stopped making progress: a stall is a verdict, in seconds (the progress watchdog,
    :class:`gfcheck.numeric._common.Watchdog`).

    ``kind`` is ``"step"`` (the step the series allow fell below the floor that the problem's
    scales guarantee for the exact flow) or ``"events"`` (more event-cut steps than the rule
    allows while the time advanced by less than that floor: Zeno-like chatter).  Structured
    fields: ``engine``, ``t`` (where), ``step`` (the step, or the time advanced in the window),
    ``floor``, ``state`` (a short summary: norm, active pairs), ``events`` (the last events,
    ``(t, neuron, point, kind)``), ``proven`` (does the flow's own mathematics exclude this
    collapse, so that it contradicts the flow rather than the engine's reach; the claims report
    REFUTED then, else UNDECIDED) and ``why`` (the rule behind ``proven``).

    >>> e = StepCollapse("stalled", kind="step", engine="reduced", t=1.5, step=1e-31, floor=2e-3)
    >>> (e.kind, e.t, e.step < e.floor, isinstance(e, IntegrationFailed))
    ('step', 1.5, True, True)
    """

    def __init__(self, message, *, kind="step", engine=None, t=None, step=None, floor=None, state=None,
                 events=(), proven=False, why=""):
        super().__init__(message, kind=kind, engine=engine, t=t, step=step, floor=floor, state=state,
                         events=tuple(events), proven=bool(proven), why=why)

    def fields(self) -> dict:
        """The structured fields, JSON-ready (floats and strings)."""
        return {"kind": self.kind, "engine": self.engine, "t": self.t, "step": self.step, "floor": self.floor,
                "state": self.state, "events": [list(e) for e in self.events], "proven": self.proven,
                "why": self.why}


class StepSizeCollapse(StepCollapse):
    """The step size fell below what the working precision can resolve."""


class TooManyEvents(IntegrationFailed):
    """More activation events than the stated limit (chattering or a runaway)."""


class PrecisionExhausted(IntegrationFailed):
    """The working precision cannot carry the requested digits at this scale."""


class TimeBudgetSpent(GfcheckError):
    """A claim ran past its stated wall-clock budget (``Profile.claim_seconds``, or what is left of
    the whole run's ``--max-time``); it is reported UNDECIDED with the budget, never as a verdict on
    the mathematics.  A command whose whole-run budget is spent exits 3 (undecided, ``docs/cli.md``)."""

    exit_status = 3
