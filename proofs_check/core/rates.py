"""Limits and rates in the initialisation scale lambda, judged with the theory's correction orders.

A prediction that is asymptotic in lambda is a statement about a *limit*: a sequence ``v_i``
measured at scales ``mu_1 > mu_2 > ...`` (lambda, or the geometric mid-point of two rungs)
converges, as ``mu -> 0``, to the predicted value, and the theory also says *how*:

    v(mu) = v_inf + C_1 mu^delta_1 + C_2 mu^delta_2 + ...      (0 < delta_1 < delta_2 < ...)

with the correction orders ``delta_c`` known (``docs/suites/orthogonal.md``, sections 3-5; the rule:
``docs/verdicts.md``).  A rate
``err ~ K lambda^e`` is the special case where ``v_i`` are the *local exponents* between
consecutive rungs, ``(log err_{i+1} - log err_i) / (log lambda_{i+1} - log lambda_i)``: a
relative correction ``lambda^delta`` of the error is a correction ``mu^delta`` of the local
exponent.

:func:`judge_limit` removes the known corrections by Richardson extrapolation (the deepest
``K + 1`` values solve ``v_i = v_inf + sum_{c <= K} C_c mu_i^delta_c`` exactly) and measures
the uncertainty ``u`` of the extrapolated limit as the change when the same extrapolation is
made one rung shallower, plus the rounding of the measurements carried through the
extrapolation weights.  The *resolution* ``r`` is fixed before looking at the data (by the
claim, from the profile), and the verdict is:

* ``VERIFIED``  ``|v_inf - predicted| <= r`` and ``u <= r/3``: the limit is resolved and agrees;
* ``REFUTED``   ``|v_inf - predicted| > max(r + u, 3u)`` on at least three extrapolation windows,
  with the first correction left out below the band at the deepest scale (``mu^delta <= r``:
  the expansion controls the limit), and no other resolved extrapolation agrees with the
  prediction: the limit is resolved well enough to be somewhere else;
* one-sided claims (``limit >= predicted``) are also VERIFIED when the last three values rise
  beyond their rounding and the last is at or above ``predicted - r`` (a rising sequence ends
  above its last value; an exponent can approach its limit like ``1/log(1/lambda)``);
* ``UNDECIDED`` otherwise, with the scale ``lambda_needed`` at which ``u`` would reach ``r/3``
  if the first unmodelled correction decays as the theory says: the ladder has to go deeper.

A poorer fit (a sequence that does not follow the stated corrections) makes ``u`` larger and
therefore the verdict UNDECIDED, never the acceptance band wider: ``r`` does not depend on the
data.

>>> import mpmath
>>> from gfcheck.numeric.precision import JUDGED
>>> with JUDGED.scope():
...     lams = [mpmath.mpf(10) ** -e for e in (10, 20, 30, 40, 50)]
...     errs = [3 * l ** mpmath.mpf("0.5") * (1 + l ** mpmath.mpf("0.1")) for l in lams]
...     j = judge_rate(lams, errs, mpmath.mpf("0.5"), corrections=(mpmath.mpf("0.1"),),
...                    resolution=mpmath.mpf("1e-3"))
...     j.verdict, judge_rate(lams, errs, mpmath.mpf("0.51"), corrections=(mpmath.mpf("0.1"),),
...                           resolution=mpmath.mpf("1e-3")).verdict
('VERIFIED', 'REFUTED')
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from gfcheck.numeric.precision import Precision
from gfcheck.symbolic.errors import InvalidInput

__all__ = ["Limit", "judge_limit", "rejudge", "judge_rate", "local_exponents", "fit_power_law",
           "correction_orders", "generated_orders", "MULTIPLES"]


#: sums of at most MULTIPLES correction orders (a multiple ``k delta`` or a cross term ``delta_a +
#: delta_b``) are corrections too: relative corrections ``(1 + c_a mu^a + c_b mu^b)`` give
#: ``log(1 + ...) = c_a mu^a + c_b mu^b - (c_a mu^a + c_b mu^b)^2 / 2 + ...`` in a local exponent,
#: and a quantity that depends on two corrections nonlinearly carries their products
MULTIPLES = 4


def _s(v, digits: int = 6) -> str:
    return "-" if v is None else mpmath.nstr(v, digits)


@dataclass(frozen=True)
class Limit:
    """The judgement of a sequence that converges to a predicted limit (see the module doc).

    ``values``/``mus`` shallow to deep; ``limit`` the extrapolated value and ``uncertainty`` its
    error; ``resolution`` the band fixed in advance; ``lambda_needed`` (UNDECIDED only) the
    scale at which the uncertainty would reach ``resolution / 3``.
    """

    verdict: str
    predicted: object
    limit: object
    uncertainty: object
    resolution: object
    values: tuple
    mus: tuple
    corrections: tuple  # the orders removed by the extrapolation
    one_sided: bool = False
    lambda_needed: object = None
    reason: str = ""
    noise: tuple = ()
    orders: tuple = ()  # the base orders the theory gave (``corrections``: those removed)
    #: the :class:`.laws.Law` that produced this judgement (``None``: a twin judged at another value)
    law: object = None

    def __post_init__(self) -> None:
        if self.verdict not in ("VERIFIED", "REFUTED", "UNDECIDED"):
            raise InvalidInput(f"Limit: unknown verdict {self.verdict!r}")
        if self.law is not None:
            # the judgement is the law's, by construction: its value, its orders, its sidedness
            lp = mpmath.mpf(self.law.predicted)
            # both are the law's value rounded at this precision (a law built at more digits is
            # rounded once more here): they agree to a few units of the last place, 2^4 ulps
            if abs(mpmath.mpf(self.predicted) - lp) > mpmath.ldexp(abs(lp) + 1, -mpmath.mp.prec + 4):
                raise InvalidInput(f"Limit: judged at {_s(self.predicted, 10)}, not at its law's "
                                   f"{_s(lp, 10)} ({self.law.name})")
            if self.orders != correction_orders(self.law.corrections) or self.one_sided != self.law.one_sided:
                raise InvalidInput(f"Limit: correction orders {[_s(c) for c in self.orders]} or one_sided "
                                   f"{self.one_sided} are not those of its law {self.law.name!r}")

    @property
    def distance(self):
        """``|limit - predicted|`` (one-sided: how far below the prediction, else 0)."""
        if self.limit is None:
            return None
        if self.one_sided:
            return max(self.predicted - self.limit, 0)
        return abs(self.limit - self.predicted)

    def to_details(self) -> dict:
        return {"rule": "Richardson extrapolation with the theory's correction orders; "
                        "VERIFIED if |limit - pred| <= r and u <= r/3, REFUTED if "
                        "|limit - pred| > max(r + u, 3u), else UNDECIDED"
                        + (" (one-sided: limit >= pred - r)" if self.one_sided else ""),
                "predicted": _s(self.predicted, 10), "limit": _s(self.limit, 10),
                "uncertainty": _s(self.uncertainty, 3), "resolution": _s(self.resolution, 3),
                "values": [_s(v, 10) for v in self.values], "scales": [_s(m, 3) for m in self.mus],
                "correction_orders": [_s(c, 5) for c in self.corrections],
                "lambda_needed": _s(self.lambda_needed, 3), "reason": self.reason,
                "verdict": self.verdict, **({"law": self.law.to_details()} if self.law is not None else {})}


def correction_orders(orders) -> tuple:
    """The positive orders (above 2^-20: an order that is 0 up to rounding is the leading term
    itself, not a correction), sorted and without near-duplicates (relative 2^-20)."""
    out = []
    for c in sorted(mpmath.mpf(v) for v in orders if v is not None and mpmath.mpf(v) > mpmath.ldexp(1, -20)):
        if not out or c - out[-1] > mpmath.ldexp(out[-1], -20):
            out.append(c)
    return tuple(out)


def generated_orders(base, most: int = MULTIPLES) -> tuple:
    """The correction orders generated by ``base`` (sorted, positive): every sum of at most ``most``
    of them, repetitions allowed, below ``(most + 1) min(base)`` (the first multiple left out; a sum of
    more terms lies above it).  Census 0138 (plateaus' first plateau): base orders 0.0411 and 0.0684
    gave the multiples 0.0822, 0.1233 and 0.1367 but not their cross term 0.1095, so a fit with five
    corrections modelled the wrong terms, took the first one left out (0.164) for controlled at 1e-19
    and refuted the exponent on a limit 0.998 +- 0.0001 that still moved like lambda^0.0411.

    >>> [float(v) for v in generated_orders([mpmath.mpf(2), mpmath.mpf(3)], 2)]
    [2.0, 3.0, 4.0, 5.0]
    """
    base = correction_orders(base)
    if not base:
        return ()
    cap = (most + 1) * base[0]
    out = []

    def walk(start, total, depth):
        for i in range(start, len(base)):
            t = total + base[i]
            if t >= cap:
                break
            out.append(t)
            if depth + 1 < most:
                walk(i, t, depth + 1)

    walk(0, mpmath.mpf(0), 0)
    return correction_orders(out)


def _extrapolate(mus, values, orders, noise):
    """``(v_inf, |weights| . noise)`` from ``len(orders) + 1`` points, exactly determined.

    Each correction column is scaled to its largest entry (the weight of the constant column,
    which gives ``v_inf``, does not change), and the solve carries 30 guard bits over the
    caller's precision; orders too close to separate on these scales are dropped, last first.
    The noise includes the values' own rounding at the caller's precision (2^-(prec - 4)).
    """
    prec0 = mpmath.mp.prec  # the precision the values were computed at: their own rounding
    with Precision.of_bits(max(mpmath.mp.prec, 113) + 30).scope():
        while True:
            cols = [[mu ** c for mu in mus] for c in orders]
            cols = [[v / max(abs(x) for x in col) for v in col] for col in cols]
            M = mpmath.matrix([[1] + [col[i] for col in cols] for i in range(len(mus))])
            try:
                Minv = M ** -1
                break
            except ZeroDivisionError:
                orders, mus, values, noise = orders[:-1], mus[1:], values[1:], noise[1:]
        w = [Minv[0, i] for i in range(len(mus))]
        rounding = mpmath.ldexp(mpmath.fsum(abs(wi * v) for wi, v in zip(w, values)), -prec0 + 4)
        return (+mpmath.fsum(wi * v for wi, v in zip(w, values)),
                +mpmath.fsum(abs(wi) * e for wi, e in zip(w, noise)) + rounding)


def _candidate(mus, values, noise, orders, K, pred, r, beyond, one_sided, require_control):
    """The extrapolation with the first ``K`` correction orders removed, as ``(u, K, E, dist,
    settled and controlled, nxt)``.

    ``E`` is the deepest window's extrapolated limit; ``u = step + en + en2`` its uncertainty, with
    ``step = |E - E2|`` the change from the window before (``en``, ``en2`` their rounding bounds),
    extended by the geometric tail ``q/(1 - q)`` (``q`` the ratio of the last two changes; no
    contraction, ``u = inf``) when a third window settles it; ``dist = max(pred - E, 0)``
    (one-sided) or ``|E - pred|``; ``nxt`` the first correction order left out (``None`` when the
    theory gives none), which must satisfy ``mus[-1]^nxt <= r`` for the truncated expansion to
    control the limit (unless ``require_control`` is false).
    """
    N = len(values)
    used = orders[:K]
    ext = [_extrapolate(mus[i - K - 1:i], values[i - K - 1:i], used, noise[i - K - 1:i])
           for i in range(N, K, -1)][:3]
    (E, en), (E2, en2) = ext[0], ext[1]
    step = abs(E - E2)
    settled = len(ext) == 3
    if settled and step > en + en2:  # above the rounding: extend by the geometric tail
        prev = abs(E2 - ext[2][0])
        q = step / prev if prev else mpmath.inf
        step = step * max(1, q / (1 - q)) if q < 1 else mpmath.inf
    dist = max(pred - E, 0) if one_sided else abs(E - pred)
    # the first correction left out must be below the band at the deepest scale, or the
    # truncated expansion does not control the limit (a pre-asymptotic ladder)
    nxt = min(v for v in (orders[K] if K < len(orders) else None, beyond) if v is not None) \
        if orders else None
    controlled = nxt is None or not require_control or mus[-1] ** nxt <= r
    return (step + en + en2, K, E, dist, settled and controlled, nxt)


def _rising(values, noise, pred, r) -> bool:
    """Whether the last three values rise beyond their noise, ``v_i - e_i >= v_(i-1) + e_(i-1)``,
    and the last is at or above the bound, ``v - e >= pred - r``."""
    N = len(values)
    return (N >= 3 and all(values[i] - noise[i] >= values[i - 1] + noise[i - 1] for i in (N - 2, N - 1))
            and values[-1] - noise[-1] >= pred - r)


def _limit_verdict(candidates, best, values, noise, pred, r, one_sided):
    """``(verdict, why)`` from the candidates of :func:`_candidate` and the most stable one
    ``best`` (smallest ``u``).

    VERIFIED when, one-sided, the last three values rise (beyond their noise) with the last at or
    above ``pred - r``; REFUTED when the most stable settled candidate lies ``> max(r + u_s, 3 u_s)``
    from the prediction and no resolved candidate (``u <= r``) is within ``r + u`` of it; VERIFIED
    when ``u <= r/3`` and ``dist <= r``; one-sided, VERIFIED when a settled candidate's
    ``E - u >= pred - r``; UNDECIDED else.
    """
    u, _, _, dist, _, _ = best
    consistent = [c for c in candidates if c[0] <= r and c[3] <= r + c[0]]
    resolved_settled = [c for c in candidates if c[4]]
    us, _, _, ds, _, _ = min(resolved_settled, key=lambda c: c[0]) if resolved_settled else (None,) * 6
    if one_sided and _rising(values, noise, pred, r):
        return "VERIFIED", ("one-sided: the last three values rise and the last is at or above the bound, "
                            "so the limit is too")
    if resolved_settled and ds > max(r + us, 3 * us) and not consistent:
        return "REFUTED", ("the limit is resolved outside the band, and no resolved extrapolation "
                           "(u <= r) is consistent with the prediction")
    if u <= r / 3 and dist <= r:
        return "VERIFIED", "the limit is resolved and lies inside the band"
    if one_sided and any(c[0] < mpmath.inf and c[2] - c[0] >= pred - r for c in resolved_settled):
        # a bound, not a value: a settled extrapolation's whole interval [E - u, E + u] is at or
        # above pred - r (the band's third is for placing a value, not for clearing a bound)
        return "VERIFIED", "one-sided: a settled limit minus its uncertainty is at or above the bound"
    return "UNDECIDED", "the limit is not resolved to a third of the band yet"


def _scale_needed(u, r, nxt, mu_last):
    """Where an UNDECIDED limit would be decided: ``min(r^(1/nxt), mu * (r / 3u)^(1/nxt))`` (the
    first neglected correction at the band, and the uncertainty at ``r/3``; ``mu`` itself when
    ``u`` is 0 or infinite)."""
    return min(r ** (1 / nxt), mu_last * (r / (3 * u)) ** (1 / nxt) if 0 < u < mpmath.inf else mu_last)


def judge_limit(mus, values, predicted, *, corrections, resolution, noise=None,
                one_sided=False, require_control=True, law=None) -> Limit:
    """Judge ``values`` (at scales ``mus``, shallow to deep) against the limit ``predicted``.

    ``corrections``: the correction orders the theory gives; ``resolution``: the band ``r``
    (fixed in advance); ``noise``: per-value rounding bounds (default 0); ``one_sided``: the
    claim is ``limit >= predicted`` (an ``O(.)`` statement); ``require_control=False`` drops the
    condition that the first correction left out be below the band (for a near-miss twin, whose
    refutation shows the resolution of the data, not a failure of the mathematics); ``law``: the
    :class:`.laws.Law` these arguments come from (claims call :meth:`.laws.Law.judge`), recorded in
    the :class:`Limit`, which refuses a predicted value or orders that are not the law's.
    """
    mus = tuple(mpmath.mpf(m) for m in mus)
    values = tuple(mpmath.mpf(v) for v in values)
    noise = tuple(mpmath.mpf(e) for e in (noise or [0] * len(values)))
    pred, r = mpmath.mpf(predicted), mpmath.mpf(resolution)
    base = correction_orders(corrections)
    orders = generated_orders(base)
    beyond = (MULTIPLES + 1) * base[0] if base else None  # the first multiple left out
    N = len(values)
    if N < 2:
        return Limit("UNDECIDED", pred, None, None, r, values, mus, (), one_sided,
                     reason=f"{N} resolved value(s): at least 2 are needed", noise=noise, orders=base, law=law)
    # K corrections removed: every K from 1 (0 when the theory gives no correction) to
    # min(#orders, N - 2) is a candidate.  The verdict is judged on the most stable candidate
    # (smallest u); REFUTED also needs that no other resolved candidate (u <= r) is consistent
    # with the prediction.  With a
    # third window the change between windows is extended by its geometric tail q/(1 - q) (q the
    # ratio of the last two changes; no contraction, no bound); REFUTED needs that third window.
    candidates = [_candidate(mus, values, noise, orders, K, pred, r, beyond, one_sided, require_control)
                  for K in range(1 if orders else 0, min(len(orders), N - 2) + 1)]
    if not candidates:
        return Limit("UNDECIDED", pred, values[-1], None, r, values, mus, (), one_sided,
                     reason=f"{N} resolved values: the theory's correction needs at least 3", noise=noise,
                     orders=base, law=law)
    best = min(candidates, key=lambda c: c[0])
    u, K, E, _, _, nxt = best
    verdict, why = _limit_verdict(candidates, best, values, noise, pred, r, one_sided)
    need = None
    if verdict == "UNDECIDED" and nxt is not None:
        # where the uncertainty would reach r/3, and the first neglected correction the band
        need = _scale_needed(u, r, nxt, mus[-1])
    return Limit(verdict, pred, E, u, r, values, mus, orders[:K], one_sided, need, why, noise, base, law)


def separation_needed(resolution):
    """The distance from the prediction beyond which every measurement that VERIFIES the claim
    REFUTES a rival prediction: ``7r/3``.

    VERIFIED means ``|E - pred| <= r`` and ``u <= r/3``; a rival ``q`` is REFUTED when
    ``|E - q| > max(r + u, 3u) = r + u``; with ``|E - q| >= |q - pred| - r`` that holds for every
    such ``E`` and ``u`` once ``|q - pred| > 2r + r/3``.  Closer rivals may survive data that verify
    the claim: they are not told apart from it at this resolution.

    >>> separation_needed(3)
    mpf('7.0')
    """
    r = mpmath.mpf(resolution)
    return 2 * r + r / 3


def rejudge(limit: Limit, predicted) -> Limit:
    """The same measurements judged against another prediction (a twin at the edge), without the
    control condition on the neglected corrections (see :func:`judge_limit`)."""
    return judge_limit(limit.mus, limit.values, predicted, corrections=limit.orders,
                       resolution=limit.resolution, noise=limit.noise or None,
                       one_sided=limit.one_sided, require_control=False)


def local_exponents(lambdas, errors, rel_noise=None):
    """``(mids, exponents, noise)``: local exponents between consecutive rungs (shallow to deep),
    at the geometric mid-points, with the rounding bound ``(eps_i + eps_{i+1}) / |log ratio|``."""
    pts = sorted(((mpmath.mpf(lam), mpmath.mpf(e), mpmath.mpf(n))
                  for lam, e, n in zip(lambdas, errors, rel_noise or [0] * len(errors))),
                 key=lambda p: -p[0])
    if any(e <= 0 or lam <= 0 for lam, e, _ in pts):
        raise InvalidInput("local_exponents: lambdas and errors must be positive (an exact zero "
                           "error has no rate; report it as exact)")
    mids, exps, noise = [], [], []
    for (l1, e1, n1), (l2, e2, n2) in zip(pts, pts[1:]):
        dx = mpmath.log(l2) - mpmath.log(l1)
        mids.append(mpmath.sqrt(l1 * l2))
        exps.append((mpmath.log(e2) - mpmath.log(e1)) / dx)
        noise.append((n1 + n2) / abs(dx))
    return mids, exps, noise


def judge_rate(lambdas, errors, predicted, *, corrections, resolution, rel_noise=None,
               one_sided=False, law=None) -> Limit:
    """Judge ``err ~ K lambda^predicted`` from errors on a ladder (see the module doc).

    ``rel_noise``: per-rung relative rounding bound of the errors.  A relative correction
    ``(1 + c lambda^delta)`` of the error enters the local exponents through
    ``log(1 + c mu^delta) = c mu^delta - c^2 mu^(2 delta) / 2 + ...``: every multiple ``k delta``
    (``k <= RATE_MULTIPLES``) is a correction order of the local exponents.
    """
    mids, exps, noise = local_exponents(lambdas, errors, rel_noise)
    return judge_limit(mids, exps, predicted, corrections=corrections, resolution=resolution,
                       noise=noise, one_sided=one_sided, law=law)


def fit_power_law(lambdas, errors):
    """``(K, e)`` of ``err = K lambda^e`` through the two deepest rungs (for reports: the
    lambda a given accuracy needs, ``(delta / K)^(1/e)``)."""
    pts = sorted(((mpmath.mpf(lam), mpmath.mpf(e)) for lam, e in zip(lambdas, errors)),
                 key=lambda p: p[0])[:2]
    if len(pts) < 2:
        return None, None
    (l1, e1), (l2, e2) = pts
    e = (mpmath.log(e2) - mpmath.log(e1)) / (mpmath.log(l2) - mpmath.log(l1))
    return e1 / l1 ** e, e
