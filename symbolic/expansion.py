"""Asymptotic predictions as expansions in the initialisation scale, with all their terms.

A quantity ``Q(lambda)`` that the theory predicts is an expansion

    Q(lambda) = sum_i c_i lambda^(e_i)        (lambda -> 0)

and the *judged* law is its leading term: the smallest order whose coefficient is not zero.
The other terms are the corrections, each relative to the leading one: ``e_i - e_lead > 0``,
never a negative order (a term that the leading one would not dominate is the leading one).
So a prediction that says ``lambda^p`` while a term ``lambda^2`` with ``2 < p`` is present
predicts ``lambda^2`` (``docs/verdicts.md``, "Predictions carry all their terms").

A coefficient is *known non-zero* (``True``), *known zero* (``False``: the term is dropped) or
*generic* (``None``: non-zero unless an exact cancellation happens, which the theory does not
predict; it may lead).

>>> from fractions import Fraction as F
>>> e = Expansion((Term(F(16, 7), "cosh transient"), Term(F(2), "linearisation lambda^2")))
>>> e.leading, e.corrections
(Fraction(2, 1), (Fraction(2, 7),))
>>> Expansion((Term(F(1, 2), "a"), Term(F(1), "b"), Term(F(3), "c", False))).corrections
(Fraction(1, 2),)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

from .errors import InvalidInput

__all__ = ["Term", "Expansion", "order_value", "power_text"]


def order_value(x):
    """An order (or a value) as an mpf at the caller's precision (Fraction, sympy number, int or mpf).

    >>> from fractions import Fraction
    >>> order_value(Fraction(1, 4))
    mpf('0.25')
    """
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    if hasattr(x, "evalf"):
        return mpmath.mpf(str(x.evalf(mpmath.mp.dps + 10)))
    return mpmath.mpf(x)


def power_text(variable: str, order) -> str:
    """``variable^order`` for reports, a compound variable in parentheses, 6 digits.

    >>> power_text("lambda", 2), power_text("1/qbar", Fraction(1, 2))
    ('lambda^2', '(1/qbar)^0.5')
    """
    text = mpmath.nstr(order_value(order), 6)
    text = text[:-2] if text.endswith(".0") else text
    base = f"({variable})" if any(c in variable for c in "/ ") else variable
    return f"{base}^{text}"


@dataclass(frozen=True)
class Term:
    """One term ``c lambda^order`` of an expansion: its order (exact or mpf), what it is, and
    whether its coefficient is known non-zero (True), known zero (False) or generic (None)."""

    order: object
    source: str
    nonzero: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise InvalidInput("Term: source must name where the term comes from")
        if order_value(self.order) <= 0:
            raise InvalidInput(f"Term {self.source!r}: order must be positive, found {self.order}")


@dataclass(frozen=True)
class Expansion:
    """``sum_i c_i lambda^(e_i)``: the judged exponent is the smallest order with a coefficient
    that is not known to vanish; the corrections are the other orders minus it (all positive)."""

    terms: tuple

    def __post_init__(self) -> None:
        if not self.terms or not all(isinstance(t, Term) for t in self.terms):
            raise InvalidInput("Expansion: expected a non-empty tuple of Term")
        if not self.live:
            raise InvalidInput("Expansion: every term is known to vanish; there is no law to judge")

    @property
    def live(self) -> tuple:
        """The terms whose coefficient is not known to vanish, by increasing order."""
        return tuple(sorted((t for t in self.terms if t.nonzero is not False), key=lambda t: order_value(t.order)))

    @property
    def leading_term(self) -> Term:
        return self.live[0]

    @property
    def leading(self):
        """The judged exponent: the smallest live order."""
        return self.leading_term.order

    @property
    def corrections(self) -> tuple:
        """The live orders above the leading one, relative to it (positive, increasing; equal
        orders merge into the leading term)."""
        lead = order_value(self.leading)
        out = []
        for t in self.live[1:]:
            exact = all(isinstance(x, (int, Fraction)) for x in (t.order, self.leading))
            c = t.order - self.leading if exact else order_value(t.order) - lead
            if order_value(t.order) > lead and c not in out:
                out.append(c)
        return tuple(out)

    def describe(self, variable: str = "lambda") -> str:
        """``lambda^e (source) + ...`` for reports (``variable``: the small scale's name); a term
        that two sources give alike (both groups' corrections of one claim) is said once.

        >>> Expansion((Term(2, "linearisation"), Term(1, "frozen part"), Term(2, "linearisation"))).describe()
        'lambda^1 (frozen part) + lambda^2 (linearisation)'
        """
        said = dict.fromkeys(f"{power_text(variable, t.order)} ({t.source})" for t in self.live)
        return " + ".join(said)
