"""Measurements on states of the flow, in the caller's (scoped) mpmath precision.

Everything here is an independent evaluation of the network, ``h(x) = sum_j a_j relu(<w_j, x>)``,
from the weights: it never reuses the engines' right-hand sides.
"""

from __future__ import annotations

import mpmath

from gfcheck.numeric.precision import PRINTED, to_mpf

__all__ = ["first_nonfinite", "initial_balance", "mp_data", "outputs",
           "loss", "partial_loss", "variation_norm", "one_minus_cos", "max_cos2", "verdict_of",
           "s", "outside_if_not_orthogonal", "limit_verdicts", "EDGE"]


def s(x, digits: int = 8) -> str:
    """A decimal string of ``x`` (mpf, int, Fraction or None)."""
    if x is None:
        return "-"
    return mpmath.nstr(to_mpf(x) if not isinstance(x, mpmath.mpf) else x, digits)


def mp_data(problem):
    """``(X, y)`` as mpf lists (X: n rows of d)."""
    X = [[to_mpf(v) for v in x] for x in problem.inputs]
    y = [to_mpf(v) for v in problem.labels]
    return X, y


def _dot(u, v):
    return mpmath.fsum(a * b for a, b in zip(u, v))


def first_nonfinite(states):
    """``"t = ...: a NaN or an infinity in a, U or W"`` for the first state of ``states`` that holds
    one, else ``None``: a max over residuals passes a NaN by (every comparison with it is false), so
    a check looks first.

    >>> from gfcheck.numeric.trajectory import State
    >>> first_nonfinite([State(mpmath.mpf(1), (mpmath.nan,), ((mpmath.mpf(0),),))])
    't = 1.0: a NaN or an infinity in a, U or W'
    """
    for st in states:
        rows = tuple(st.U) + (tuple(st.W) if st.W is not None else ())
        if not all(mpmath.isfinite(v) for v in tuple(st.a) + tuple(x for r in rows for x in r)):
            return f"t = {mpmath.nstr(st.t, 12)}: a NaN or an infinity in a, U or W"
    return None


def initial_balance(problem) -> list:
    """``delta_j = a_j(0)^2 - ||w_j(0)||^2`` exactly (Fractions), from the problem alone: ``a_j(0)``
    is ``output_weights[j]`` when given, else the balanced ``s_j lambda ||g_j||`` (``delta_j = 0``);
    ``w_j(0) = lambda g_j``.  The conserved value every invariant check compares with (never an
    engine's first sample: an engine that starts unbalanced would carry its own wrong value).

    >>> from fractions import Fraction
    >>> from gfcheck.numeric.examples import separable_problem
    >>> set(initial_balance(separable_problem()))
    {Fraction(0, 1)}
    """
    from fractions import Fraction

    lam = problem.scale
    g2 = [lam * lam * sum((v * v for v in g), Fraction(0)) for g in problem.directions]
    if problem.output_weights is None:
        return [Fraction(0)] * len(g2)
    return [a * a - q for a, q in zip(problem.output_weights, g2)]


def outputs(W, a, points):
    """``h(x)`` for each ``x`` in ``points`` from the weights (W: m rows of d)."""
    return [mpmath.fsum(aj * max(_dot(wj, x), 0) for aj, wj in zip(a, W)) for x in points]


def partial_loss(problem, W, a, S):
    X, y = mp_data(problem)
    h = outputs(W, a, [X[k] for k in S])
    return mpmath.fsum((hk - y[k]) ** 2 for hk, k in zip(h, S)) / (2 * problem.n)


def loss(problem, W, a):
    return partial_loss(problem, W, a, range(problem.n))


def variation_norm(W, a):
    """``N(theta) = sum_j |a_j| ||w_j||`` (digest 5.2)."""
    return mpmath.fsum(abs(aj) * mpmath.sqrt(_dot(wj, wj)) for aj, wj in zip(a, W))


def one_minus_cos(w, v):
    """``1 - cos(w, v)`` without cancellation (Lagrange's identity:
    ``||w||^2 ||v||^2 - <w, v>^2 = sum_{i<k} (w_i v_k - w_k v_i)^2``).

    >>> from gfcheck.numeric.precision import Precision
    >>> with Precision.of_bits(60).scope():
    ...     mpmath.nstr(one_minus_cos([1, 0], [1, 1]), 6)
    '0.292893'
    """
    ww = mpmath.fsum(x * x for x in w)
    vv = mpmath.fsum(x * x for x in v)
    wv = mpmath.fsum(x * z for x, z in zip(w, v))
    cross = mpmath.fsum((w[i] * v[k] - w[k] * v[i]) ** 2 for i in range(len(w)) for k in range(i + 1, len(w)))
    nw = mpmath.sqrt(ww * vv)
    return cross / (nw * (nw + wv))


def max_cos2(problem):
    """Exact ``max_{k != l} <x_k, x_l>^2 / (||x_k||^2 ||x_l||^2)`` (0 for one input)."""
    from fractions import Fraction

    G = problem.gram()
    return max((G[k][l] ** 2 / (G[k][k] * G[l][l]) for k in range(problem.n) for l in range(k)),
               default=Fraction(0))


def verdict_of(ok: bool) -> str:
    return "VERIFIED" if ok else "REFUTED"


def outside_if_not_orthogonal(ctx):
    """``None`` on orthogonal data, else a (claim, twin) pair of OUTSIDE_ASSUMPTIONS verdicts."""
    from .verdicts import Verdict

    if ctx.problem.is_orthogonal():
        return None
    with PRINTED.scope():
        cos = s(mpmath.sqrt(to_mpf(max_cos2(ctx.problem))), 6)  # exact cos^2, one square root
    v = Verdict("OUTSIDE_ASSUMPTIONS", "-", "-", "-", "-",
                {"reason": "the inputs are not pairwise orthogonal",
                 "largest_off_diagonal_cosine": cos})
    return v, v


#: the twin of a limit judgement sits this many resolutions away from the prediction: a near
#: miss that the same measurements must refute (so the report shows how fine the check is)
EDGE = 4


def edge_twin(limit):
    """The limit judged against ``predicted + EDGE * resolution`` (see :func:`limit_verdicts`).

    One-sided (``limit >= predicted``): the lower bound raised to ``EDGE`` resolutions above what
    the data show, ``max(predicted, limit) + EDGE * resolution``; a bound at the prediction's edge
    would be met by any limit far above it (an exponent 2 against ``>= 1``) and could not fail."""
    from .rates import rejudge

    base = limit.predicted
    if limit.one_sided and limit.limit is not None:
        base = max(base, limit.limit)
    return rejudge(limit, base + EDGE * limit.resolution)


def wrong_theory_twins(limit, wrong: dict):
    """The same measurements judged against each prediction of a plausible wrong theory
    ``{name: predicted}`` (a dropped factor 2, the other normalisation, a square forgotten): each
    must be REFUTED by the data that verify the claim (issue 25 item 6).  Returns ``{name:
    (verdict, predicted, limit)}``; a wrong theory within :func:`.rates.separation_needed` of the
    prediction (``7r/3``: closer, data that verify the claim need not refute it) is no rival on
    these data: ``"n/a"``, left out of the twin's verdict."""
    from .rates import rejudge, separation_needed

    out = {}
    for name, value in wrong.items():
        value = mpmath.mpf(value)
        if abs(value - limit.predicted) <= separation_needed(limit.resolution):
            out[name] = ("n/a", value, "coincides with the prediction on these data: not a rival here")
            continue
        tw = rejudge(limit, value)
        out[name] = (tw.verdict, value, tw.limit)
    return out


def _all_refuted(verdicts) -> str:
    """The verdict of a twin made of several: REFUTED when every one is, else VERIFIED when one is,
    else UNDECIDED."""
    return "REFUTED" if all(v == "REFUTED" for v in verdicts) else \
        ("VERIFIED" if "VERIFIED" in verdicts else "UNDECIDED")


def _limit_claim(limit, *, note, prediction, details, ok):
    """The claim's Verdict of :func:`limit_verdicts`: the limit's verdict (REFUTED for a VERIFIED
    one when ``ok`` is false), its measured limit, distance and band, and the details (the limit's,
    and ``note`` or an UNDECIDED limit's reason)."""
    from .verdicts import Verdict

    verdict = limit.verdict if ok or limit.verdict != "VERIFIED" else "REFUTED"
    det = dict(details or {})
    det["limit"] = limit.to_details()
    if note:
        det["reason"] = note
    elif verdict == "UNDECIDED":
        det["reason"] = limit.reason
    if prediction is None:  # the law's own text (the judged value, the competing terms)
        prediction = limit.law.prediction() if limit.law is not None else s(limit.predicted, 8)
    return Verdict(verdict, prediction, s(limit.limit, 10),
                   s(limit.distance, 3) if limit.limit is not None else "-", s(limit.resolution, 3), det)


def _limit_twin(limit, wrong):
    """The twin's Verdict of :func:`limit_verdicts`: the edge twin (:func:`edge_twin`) and, with
    ``wrong``, the wrong theories (:func:`wrong_theory_twins`), REFUTED only if all are."""
    from .verdicts import Verdict

    tw = edge_twin(limit)
    edge = tw.predicted
    where = "measured limit" if limit.one_sided and edge != limit.predicted + EDGE * limit.resolution else "prediction"
    bound = ">= " if limit.one_sided else ""
    twin_verdict, twin_det = tw.verdict, {}
    if wrong:
        # beside the near miss, the plausible wrong theories: the twin is REFUTED only if all are
        others = wrong_theory_twins(limit, wrong)
        twin_det["wrong_theories"] = {k: {"verdict": v, "predicted": s(p, 8), "limit": s(lim, 8)
                                          if not isinstance(lim, str) else lim} for k, (v, p, lim) in others.items()}
        twin_verdict = _all_refuted([tw.verdict] + [v for v, _, _ in others.values() if v != "n/a"])
    return Verdict(twin_verdict, f"{bound}{s(edge, 10)} ({where} + {EDGE} resolutions)"
                   + "".join(f"; {k}: {s(mpmath.mpf(v), 8)}" for k, v in (wrong or {}).items()), s(tw.limit, 10),
                   s(tw.distance, 3) if tw.limit is not None else "-", s(tw.resolution, 3), twin_det)


def limit_verdicts(limit, *, note="", prediction=None, details=None, ok=True, wrong=None):
    """``(claim, twin)`` Verdicts of a :class:`.rates.Limit`; the twin is the same data judged
    against ``predicted + EDGE * resolution`` (one-sided: ``max(predicted, limit) + EDGE *
    resolution`` as the lower bound, :func:`edge_twin`).  ``ok=False`` (another part of the claim
    failed) makes a VERIFIED limit
    REFUTED; ``note`` (the ladder's budget note) goes into the details; the claim's prediction text is
    ``prediction``, by default the limit's law's (:meth:`.laws.Law.prediction`)."""
    claim = _limit_claim(limit, note=note, prediction=prediction, details=details, ok=ok)
    return claim, _limit_twin(limit, wrong)


_ORDER = {"REFUTED": 0, "UNDECIDED": 1, "OUTSIDE_ASSUMPTIONS": 2, "VERIFIED": 3}


def _named(name: str, text: str) -> str:
    """``"name text"``, without saying a word twice where they meet.

    >>> _named("neuron 0 (-) exponent", "exponent 0.596781")
    'neuron 0 (-) exponent 0.596781'
    >>> _named("plus", "exponent 2")
    'plus exponent 2'
    >>> _named("t_rel", "t_rel -> 10.4 as kappa -> 0")
    't_rel -> 10.4 as kappa -> 0'
    """
    if text.startswith(name + " "):  # the text already names the part (a law whose symbol is the name)
        return text
    last, first = name.rsplit(" ", 1)[-1], text.split(" ", 1)[0]
    return f"{name} {text[len(first):].lstrip()}" if last and last == first and text != first else f"{name} {text}"


def _combined_twin(parts: dict) -> str:
    """The twin verdict of :func:`combine_verdicts`: over the parts that hold, REFUTED when every
    one's twin is (:func:`_all_refuted`); when none holds, the worst of the twins."""
    # every part that holds must have a twin that fails: one refuted twin does not vouch for a
    # part whose own twin could not fail
    held = [t.verdict for c, t in parts.values() if c.verdict == "VERIFIED"]
    if held:
        return _all_refuted(held)
    # nothing holds: the claim is not VERIFIED whatever its twin says
    tv = [t.verdict for _, t in parts.values()]
    return "REFUTED" if "REFUTED" in tv else ("UNDECIDED" if "UNDECIDED" in tv else "VERIFIED")


def combine_verdicts(parts: dict, *, details=None):
    """One ``(claim, twin)`` from named parts ``{name: (claim, twin)}``: the claim is the worst
    part (REFUTED < UNDECIDED < VERIFIED), the twin is REFUTED when the twin of every part that
    holds is (each part's twin verdict is kept in the twin's details, ``{"parts": {name: verdict}}``)."""
    from .verdicts import Verdict

    worst = min((c.verdict for c, _ in parts.values()), key=_ORDER.__getitem__, default="UNDECIDED")
    det = dict(details or {})
    det["parts"] = {k: {"verdict": c.verdict, "prediction": c.prediction, "measurement": c.measurement,
                        "residual": c.residual, "tolerance": c.tolerance, **c.details}
                    for k, (c, _) in parts.items()}
    reasons = [f"{k}: {c.details['reason']}" for k, (c, _) in parts.items()
               if c.verdict != "VERIFIED" and "reason" in c.details]
    if reasons:
        det["reason"] = "; ".join(reasons)
    claim = Verdict(worst, "; ".join(_named(k, c.prediction) for k, (c, _) in parts.items()),
                    "; ".join(_named(k, c.measurement) for k, (c, _) in parts.items()),
                    "; ".join(c.residual for c, _ in parts.values()),
                    "; ".join(c.tolerance for c, _ in parts.values()), det)
    twin = Verdict(_combined_twin(parts), "; ".join(_named(k, t.prediction) for k, (_, t) in parts.items()),
                   "; ".join(_named(k, t.measurement) for k, (_, t) in parts.items()), "-", "-",
                   {"parts": {k: t.verdict for k, (_, t) in parts.items()}})
    return claim, twin
