"""Precision as a scoped value, tolerances derived from it, and the one sanctioned conversion.

* :class:`Precision` -- requested decimal digits plus guard bits; ``with prec.scope():`` runs
  the enclosed work at ``prec.work_bits`` via ``mpmath.workprec`` (never a global assignment).
* :func:`tolerance` -- ``2**(-bits + slack_bits)``, in the spirit of mpmath's ``almosteq``
  (``2**(-prec+4)``); every comparison in the toolkit derives its tolerance here.
* :func:`to_mpf` -- the only door from exact numbers (``int``, ``Fraction``, sympy ``Rational``,
  decimal ``str``) into mpmath.  Python floats are refused unless ``allow_float=True`` is given,
  because a float literal carries 53 bits only (mpmath issue #347).

>>> from fractions import Fraction
>>> p = Precision(dps=30)
>>> with p.scope():
...     x = to_mpf(Fraction(1, 3))
>>> abs(x * 3 - 1) < tolerance(p.bits)
True
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from gfcheck.symbolic.errors import InvalidInput

__all__ = ["Precision", "as_precision", "PRINTED", "JUDGED", "tolerance", "to_mpf", "bits_for_dps", "dps_for_bits",
           "exact_to_float", "DPS_LIMITS"]

#: Guard bits added to the requested precision (as mpmath's quad/findroot add 20).
DEFAULT_GUARD_BITS = 24
#: the digits a Precision may request
DPS_LIMITS = (5, 100_000)


def _check_int(value, where: str, lo: int, hi: int | None, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        raise InvalidInput(f"{where}: expected {what}, found {value!r}")


def bits_for_dps(dps: int) -> int:
    """Binary digits that carry ``dps`` decimal digits: ``ceil(dps * log2(10))``."""
    return int(math.ceil(dps * math.log2(10)))


def dps_for_bits(bits: int) -> float:
    """Decimal digits carried by ``bits`` binary digits."""
    return bits * math.log10(2)


@dataclass(frozen=True)
class Precision:
    """``dps`` requested decimal digits; the work runs at ``dps`` digits plus ``guard_bits``."""

    dps: int
    guard_bits: int = DEFAULT_GUARD_BITS

    def __post_init__(self) -> None:
        lo, hi = DPS_LIMITS
        _check_int(self.dps, "dps", lo, hi, f"an integer between {lo} and {hi}")
        _check_int(self.guard_bits, "guard_bits", 0, None, "a non-negative integer")

    @classmethod
    def checked(cls, dps, *, where: str = "dps", limits=DPS_LIMITS, guard_bits=None) -> "Precision":
        """The precision of ``dps`` digits, refusing ``dps`` outside ``limits`` (a caller's narrower
        policy, such as the command line's) with a message naming ``where``: the one check.

        >>> Precision.checked(7, where="--dps", limits=(10, 5000))
        Traceback (most recent call last):
        ...
        gfcheck.errors.InvalidInput: --dps: expected an integer number of digits in [10, 5000], found 7
        """
        lo, hi = limits
        _check_int(dps, where, lo, hi, f"an integer number of digits in [{lo}, {hi}]")
        return cls(dps) if guard_bits is None else cls(dps, guard_bits)

    @classmethod
    def digits(cls, dps: int) -> "Precision":
        """``dps`` digits as mpmath counts them (``workdps(dps)``: ``round((dps + 1) log2 10)`` bits,
        the rounding's surplus over :func:`bits_for_dps` as guard bits): a fixed precision whose
        accuracy does not follow a run's (a report's printed digits, a rate's judgement).

        >>> with mpmath.workdps(30):
        ...     theirs = mpmath.mp.prec
        >>> with Precision.digits(30).scope():
        ...     mpmath.mp.prec == theirs == 103
        True
        """
        return cls(dps, mpmath.libmp.dps_to_prec(dps) - bits_for_dps(dps))

    @classmethod
    def of_bits(cls, bits: int) -> "Precision":
        """Exactly ``bits`` working bits (the most digits they carry, the rest as guard): a
        precision computed in bits (a prediction's own floor, a caller's precision plus guard).

        >>> Precision.of_bits(120).work_bits, Precision.of_bits(120).dps
        (120, 36)
        """
        _check_int(bits, "bits", bits_for_dps(DPS_LIMITS[0]), None, f"an integer >= {bits_for_dps(DPS_LIMITS[0])}")
        dps = int(bits * math.log10(2))
        while bits_for_dps(dps) > bits:
            dps -= 1
        return cls(dps, bits - bits_for_dps(dps))

    @property
    def bits(self) -> int:
        """Bits that carry the requested digits."""
        return bits_for_dps(self.dps)

    @property
    def work_bits(self) -> int:
        """Working precision in bits (requested plus guard)."""
        return self.bits + self.guard_bits

    def raised(self, extra_dps: int) -> "Precision":
        """The same precision with ``extra_dps`` more requested digits (for error estimates)."""
        return Precision(self.dps + extra_dps, self.guard_bits)

    @contextmanager
    def scope(self):
        """Run the enclosed block at ``work_bits`` (``mpmath.workprec``), restoring on exit."""
        with mpmath.workprec(self.work_bits):
            yield self

    def beyond(self, guard_bits: int):
        """A scope at the working bits plus a check's ``guard_bits`` (a quantity computed from a
        run's values, finer than the run itself).

        >>> with Precision(30).beyond(20):
        ...     mpmath.mp.prec == Precision(30).work_bits + 20
        True
        """
        return Precision.of_bits(self.work_bits + guard_bits).scope()

    @contextmanager
    def extra(self, guard_bits: int):
        """Run the enclosed block at the requested bits plus ``guard_bits`` (a check's own guard,
        in the style of mpmath's ``extraprec``; not the engine's ``guard_bits``), restoring on exit.

        >>> with Precision(30).extra(40) as prec:
        ...     mpmath.mp.prec == bits_for_dps(30) + 40 == prec.bits + 40
        True
        """
        _check_int(guard_bits, "guard_bits", 0, None, "a non-negative integer")
        with mpmath.workprec(self.bits + guard_bits):
            yield self


#: the digits of numbers that a report prints (at most 12 significant ones) and of a reason's witnesses
PRINTED = Precision.digits(20)
#: the digits of a rate's judgement (local exponents, their extrapolation and its band): the values'
#: own relative noise (their runs' rounding, ``2^-(bits - 4)`` and more, bits >= 100) lies above 1e-30
JUDGED = Precision.digits(30)


def as_precision(precision=None, dps=None, guard_bits=None, *, default_dps: int = 30) -> Precision:
    """``precision`` (a :class:`Precision`), or one built from the convenience ``dps`` /
    ``guard_bits`` (``default_dps`` when neither is given); both at once is an error.

    >>> as_precision(dps=20) == Precision(20)
    True
    >>> as_precision(Precision(40)).dps
    40
    """
    if precision is not None:
        if not isinstance(precision, Precision):
            raise InvalidInput(f"precision: expected a Precision, found {type(precision).__name__}; "
                               "pass dps=N for a number of digits")
        if dps is not None or guard_bits is not None:
            raise InvalidInput("give either precision= or dps= / guard_bits=, not both")
        return precision
    dps = default_dps if dps is None else dps
    return Precision(dps) if guard_bits is None else Precision(dps, guard_bits)


def tolerance(bits: int, slack_bits: int = 4):
    """``2**(-bits + slack_bits)`` as an exact mpf power of two (mpmath's ``almosteq`` rule).

    >>> tolerance(53) == mpmath.ldexp(1, -49)
    True
    """
    return mpmath.ldexp(mpmath.mpf(1), -int(bits) + int(slack_bits))


def _sympy_to_mpf(expr):
    """A closed, exact sympy expression (sqrt, log, exp of rationals) evaluated at the working
    precision plus guard bits.  Float atoms are refused: they carry a precision of their own
    (sympy issue #16464)."""
    import sympy

    if expr.free_symbols:
        raise InvalidInput(f"to_mpf: expression has free symbols {sorted(map(str, expr.free_symbols))}")
    if expr.atoms(sympy.Float):
        raise InvalidInput(f"to_mpf: expression {expr} contains inexact Float atoms; build it from Rationals")
    prec = mpmath.mp.prec
    dps = int(dps_for_bits(prec)) + 10
    value = expr.evalf(n=dps, strict=False)
    if not value.is_real or not value.is_Number:
        raise InvalidInput(f"to_mpf: {expr} does not evaluate to a real number")
    return mpmath.mpf(value._to_mpmath(prec + 10))


def to_mpf(value, *, allow_float: bool = False):
    """The one sanctioned conversion of an exact number into an mpf at the current precision.

    Rationals are divided at the working precision (``mpf(p)/mpf(q)``, as sympy's
    ``MpmathPrinter`` does), so no digit is lost on the way in.

    >>> with mpmath.workdps(40):
    ...     str(to_mpf(Fraction(2, 3)))
    '0.6666666666666666666666666666666666666667'
    >>> to_mpf(0.1)
    Traceback (most recent call last):
    ...
    gfcheck.errors.InvalidInput: to_mpf: refusing the Python float 0.1 (53 bits only); pass an exact ...
    """
    if isinstance(value, bool):
        raise InvalidInput(f"to_mpf: expected a number, found bool {value!r}")
    if isinstance(value, int):
        return mpmath.mpf(value)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return mpmath.mpf(value.numerator)
        return mpmath.mpf(value.numerator) / value.denominator
    if isinstance(value, float):
        if not allow_float:
            raise InvalidInput(
                f"to_mpf: refusing the Python float {value!r} (53 bits only); pass an exact "
                "Fraction, int or decimal string, or allow_float=True"
            )
        if not math.isfinite(value):
            raise InvalidInput(f"to_mpf: non-finite float {value!r}")
        return mpmath.mpf(value)
    if isinstance(value, mpmath.mpf):
        return +value
    if isinstance(value, str):
        from gfcheck.symbolic.problem import parse_number

        return to_mpf(parse_number(value, where="to_mpf"))
    # sympy Rational / Integer without importing sympy here
    p, q = getattr(value, "p", None), getattr(value, "q", None)
    if isinstance(p, int) and isinstance(q, int) and q > 0:
        return to_mpf(Fraction(p, q))
    if hasattr(value, "free_symbols") and hasattr(value, "evalf"):
        return _sympy_to_mpf(value)
    raise InvalidInput(f"to_mpf: expected int, Fraction, Rational, mpf or decimal str, found {type(value).__name__}")


def exact_to_float(dtype):
    """A converter ``conv(q, sqrt=False)``: a Fraction (or its square root) -> the NumPy float
    ``dtype``, through a decimal string of ample digits (correctly rounded for float64 and
    ``longdouble``; the float64 engine's reference run uses the latter)."""
    import numpy as np

    digits = int(np.finfo(dtype).precision) + 6

    def conv(q, sqrt=False):
        with mpmath.workdps(digits + 10):
            v = mpmath.mpf(q.numerator) / q.denominator
            if sqrt:
                v = mpmath.sqrt(v)
            return dtype(mpmath.nstr(v, digits, strip_zeros=False, min_fixed=-mpmath.inf,
                                     max_fixed=mpmath.inf) if v else 0)
    return conv
