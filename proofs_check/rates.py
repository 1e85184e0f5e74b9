"""Rates in the initialisation scale: fit ``err ~ K lambda^e`` on a ladder, judge it.

A prediction that is asymptotic in lambda is checked as a *rate*: the slope of
``log err`` against ``log lambda``.  The pass rule (:meth:`Rate.agrees`) compares the fitted
exponent with the predicted one within a bound that comes from the fit itself:

* ``3 * stderr`` of the least-squares slope (the scatter about a power law), plus
* the *drift* ``|e_lower - e_upper|`` between the exponents fitted on the two halves of the
  ladder: the size of the next-order term that is still visible on the ladder;

and it requires the local exponents (between consecutive rungs) to *settle*: the last change no
larger than the first (or 3 stderr).  A power law with a decaying correction settles; a floor of
rounding, a constant offset or a wrong constant makes the local exponents run away.

A ladder on which the next-order term has died out has a small drift, so the rule is strict
exactly where the asymptotics have been reached.  The exponent that is judged is the one fitted
on the *deeper* half of the ladder (closest to lambda -> 0); a sequence of errors that is not a
power law (a constant offset, say) has a deep-half exponent far from the prediction and fails
even when its drift is large.  Nothing else enters the tolerance.

>>> import mpmath
>>> lams = [mpmath.mpf(10) ** -e for e in (10, 20, 30, 40)]
>>> r = fit_rate(lams, [3 * l ** 0.5 for l in lams])
>>> mpmath.nstr(r.exponent, 6), mpmath.nstr(r.K, 6)
('0.5', '3.0')
>>> r.agrees(mpmath.mpf("0.5")), r.agrees(mpmath.mpf("0.6"))
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from gfcheck.symbolic.errors import DerivationUndecided, InvalidInput

__all__ = ["Rate", "fit_rate", "cauchy_limit"]


def _lsq(xs, ys):
    n = len(xs)
    mx, my = mpmath.fsum(xs) / n, mpmath.fsum(ys) / n
    sxx = mpmath.fsum((x - mx) ** 2 for x in xs)
    slope = mpmath.fsum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    icpt = my - slope * mx
    if n > 2:
        res = mpmath.fsum((y - icpt - slope * x) ** 2 for x, y in zip(xs, ys))
        stderr = mpmath.sqrt(res / (n - 2) / sxx)
    else:
        stderr = mpmath.mpf(0)
    return slope, icpt, stderr


@dataclass(frozen=True)
class Rate:
    """A fitted power law ``err = K lambda^exponent`` on a ladder, with its own uncertainty."""

    lambdas: tuple
    errors: tuple
    exponent: object  # fitted on the deeper half of the ladder
    K: object
    stderr: object
    drift: object
    exponent_all: object = None  # fitted on the whole ladder
    local: tuple = ()  # exponents between consecutive rungs, shallow to deep
    stderr_upper: object = 0  # scatter of the shallower half

    @property
    def contracting(self) -> bool:
        """The local exponents settle: the last change is at most twice the first one plus the
        scatter of the shallower half.  A floor of rounding or a constant offset makes them run away instead."""
        if len(self.local) < 3:
            return True
        first = abs(self.local[1] - self.local[0])
        last = abs(self.local[-1] - self.local[-2])
        return last <= 2 * first + 3 * self.stderr_upper

    @property
    def bound(self):
        """``3 stderr + drift``: how far the fitted exponent may be from the truth."""
        return 3 * self.stderr + self.drift

    def agrees(self, predicted) -> bool:
        return self.contracting and abs(self.exponent - predicted) <= self.bound

    def largest_lambda_within(self, tol):
        """Largest ladder lambda whose measured error is within ``tol`` (None if none)."""
        ok = [lam for lam, e in zip(self.lambdas, self.errors) if e <= tol]
        return max(ok) if ok else None

    def lambda_for(self, delta):
        """``(delta / K)^(1/e)``: the lambda the fitted law implies for accuracy ``delta``."""
        if self.exponent <= 0:
            return None
        return (mpmath.mpf(delta) / self.K) ** (1 / self.exponent)

    def to_details(self, predicted, tol=None) -> dict:
        s = lambda v: "-" if v is None else mpmath.nstr(v, 6)  # noqa: E731
        return {"exponent_fit": s(self.exponent), "exponent_pred": s(predicted),
                "exponent_whole_ladder": s(self.exponent_all),
                "local_exponents": [s(v) for v in self.local], "contracting": str(self.contracting),
                "stderr": s(self.stderr), "drift": s(self.drift), "bound": s(self.bound),
                "K": s(self.K), "lambdas": [s(v) for v in self.lambdas],
                "errors": [s(v) for v in self.errors],
                "largest_lambda_within_tol": s(self.largest_lambda_within(tol)) if tol else "-",
                "lambda_for_accuracy": {d: s(self.lambda_for(mpmath.mpf(d))) for d in ("1e-3", "1e-6")}}


def fit_rate(lambdas, errors) -> Rate:
    """Least-squares fit of ``log err`` on ``log lambda`` (at least 3 rungs, errors > 0)."""
    pts = [(mpmath.mpf(lam), mpmath.mpf(e)) for lam, e in zip(lambdas, errors)]
    if len(pts) < 3:
        raise DerivationUndecided(f"fit_rate: need at least 3 resolved ladder rungs, found {len(pts)}")
    if any(e <= 0 or lam <= 0 for lam, e in pts):
        raise InvalidInput("fit_rate: lambdas and errors must be positive (an exact zero error "
                           "has no rate; report it as exact)")
    pts.sort(key=lambda p: -p[0])
    xs = [mpmath.log(lam) for lam, _ in pts]
    ys = [mpmath.log(e) for _, e in pts]
    slope, icpt, stderr = _lsq(xs, ys)
    h = (len(pts) + 1) // 2
    upper = _lsq(xs[:h], ys[:h])
    deep = _lsq(xs[-h:], ys[-h:])
    drift = abs(upper[0] - deep[0])
    stderr = max(stderr, deep[2])
    local = tuple((ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1))
    return Rate(tuple(p[0] for p in pts), tuple(p[1] for p in pts), deep[0], mpmath.exp(deep[1]),
                stderr, drift, slope, local, upper[2])


def cauchy_limit(values):
    """``(last value, |last - previous|)``: a sequence converging geometrically with ratio
    at most 1/2 between rungs is within twice that difference of its limit."""
    if len(values) < 2:
        raise InvalidInput("cauchy_limit: need at least 2 values")
    return values[-1], 2 * abs(values[-1] - values[-2])
