"""A claim's asymptotic law: statement, prediction and judged limit as one value object.

A :class:`Law` says what is measured (``quantity``, its ``symbol``), in which small scale
(``scale``: lambda, kappa, h, 1/log(1/kappa) ...), with all the terms the mathematics gives (an
:class:`~gfcheck.symbolic.expansion.Expansion`), where it is stated (``source``: a theorem or a
section of ``docs/``) and under which of the claim's hypotheses (``hypotheses``: assumption ids).
It is one of two kinds:

* a *rate* (``value is None``): ``Q(lambda) = sum_i c_i lambda^(e_i)``; the judged exponent is the
  expansion's leading order ``e_lead`` and the corrections of the local exponents are the other
  orders relative to it, ``e_i - e_lead > 0``;
* a *limit* (``value`` given): ``v(mu) = value + sum_i C_i mu^(e_i)``; the judged value is
  ``value`` and every live order ``e_i`` is a correction.

Everything a check states and judges comes from this one object: the prediction text
(:meth:`Law.prediction`: the judged value printed, and every competing term named), the predicted
value and correction orders given to :func:`.rates.judge_limit` (:meth:`Law.judge`,
:meth:`Law.judge_rate`, :meth:`Law.judge_rungs`; the returned :class:`.rates.Limit` records the
law, and refuses a predicted value that is not the law's), and the details (:meth:`Law.to_details`,
with ``expansion.describe()``).  So the text and the judgement cannot disagree.

>>> from fractions import Fraction as F
>>> from gfcheck.symbolic.expansion import Expansion, Term
>>> law = Law("exponent", "1 - cos(w_j, D_j) at the probe", "1 - cos",
...           Expansion((Term(F(16, 7), "cosh transient"), Term(F(2), "linearisation"))),
...           "docs/suites/orthogonal.md 3.4")
>>> law.prediction()
'exponent 2 (linearisation): 1 - cos ~ lambda^2; competing: lambda^2.28571 (cosh transient)'
>>> [mpmath.nstr(c, 5) for c in law.corrections]
['0.28571']
>>> from gfcheck.numeric.precision import JUDGED
>>> with JUDGED.scope():
...     lams = [mpmath.mpf(10) ** -e for e in (4, 8, 12, 16, 20)]
...     lim = law.judge_rate(lams, [3 * x ** 2 * (1 + x ** (F(2, 7))) for x in lams], resolution=mpmath.mpf("1e-3"))
>>> lim.verdict, lim.law is law, lim.to_details()["law"]["name"]
('VERIFIED', True, 'exponent')
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from gfcheck.symbolic.errors import InvalidInput
from gfcheck.symbolic.expansion import Expansion, Term, order_value, power_text

from .rates import judge_limit, judge_rate

__all__ = ["Law", "Term", "Expansion", "rate_law", "limit_law", "RUNG_SLACK"]

#: a rung carries a rate only when its error is resolved to 2^-RUNG_SLACK relative (see :meth:`Law.judge_rungs`)
RUNG_SLACK = 12


def _s(x, digits: int = 10) -> str:
    """``x`` to ``digits`` significant digits, an integer without its ``.0`` (``lambda^2``)."""
    text = mpmath.nstr(order_value(x), digits)
    return text[:-2] if text.endswith(".0") else text


def _text(name: str, value) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"Law: {name} must be a non-empty string, found {value!r}")


@dataclass(frozen=True)
class Law:
    """One asymptotic law of a claim (see the module doc): ``name`` (unique within its claim),
    ``quantity`` (what is measured), ``symbol`` (how the text writes it), ``expansion`` (all its
    terms), ``source`` (where it is stated), ``hypotheses`` (the claim's assumption ids it needs),
    ``value`` (``None``: a rate, judged at the leading order; else the predicted limit),
    ``scale`` (the small parameter) and ``one_sided`` (``limit >= predicted``: an ``O(.)`` bound)."""

    name: str
    quantity: str
    symbol: str
    expansion: Expansion
    source: str
    hypotheses: tuple = ()
    value: object = None
    scale: str = "lambda"
    one_sided: bool = False

    def __post_init__(self) -> None:
        for f in ("name", "quantity", "symbol", "source", "scale"):
            _text(f, getattr(self, f))
        if not isinstance(self.expansion, Expansion):
            raise InvalidInput(f"Law {self.name!r}: expansion must be an Expansion, found "
                               f"{type(self.expansion).__name__}")
        if not isinstance(self.hypotheses, tuple) or not all(isinstance(h, str) and h for h in self.hypotheses):
            raise InvalidInput(f"Law {self.name!r}: hypotheses must be a tuple of assumption ids")
        if self.value is not None and not mpmath.isfinite(order_value(self.value)):
            raise InvalidInput(f"Law {self.name!r}: the predicted limit must be a finite number, found {self.value}")
        if not isinstance(self.one_sided, bool):
            raise InvalidInput(f"Law {self.name!r}: one_sided must be a bool")

    @property
    def kind(self) -> str:
        """``"rate"`` (judged at the leading order) or ``"limit"`` (judged at ``value``)."""
        return "rate" if self.value is None else "limit"

    @property
    def predicted(self):
        """The judged value (an mpf at the caller's precision): the leading order of a rate, the
        value of a limit."""
        return order_value(self.expansion.leading if self.value is None else self.value)

    @property
    def corrections(self) -> tuple:
        """The correction orders given to :func:`.rates.judge_limit` (all positive): a rate's
        other orders relative to the leading one, a limit's live orders."""
        if self.value is None:
            return tuple(order_value(c) for c in self.expansion.corrections)
        out = []
        for t in self.expansion.live:
            o = order_value(t.order)
            if o not in out:
                out.append(o)
        return tuple(out)

    def _competing(self) -> list:
        terms = self.expansion.live[1:] if self.value is None else self.expansion.live
        return [f"{power_text(self.scale, t.order)} ({t.source})" for t in terms]

    def prediction(self) -> str:
        """The prediction as the report prints it: the judged value, then every competing term.

        A rate: ``"exponent e (source): Q ~ lambda^e; competing: lambda^e2 (source), ..."``
        (``"exponent >= e"`` when one-sided); a limit: ``"Q -> v as mu -> 0; corrections: ..."``."""
        competing = self._competing()
        if self.value is None:
            lead = self.expansion.leading_term
            bound = ">= " if self.one_sided else ""
            rel = "= O" if self.one_sided else "~ "
            head = (f"exponent {bound}{_s(lead.order, 10)} ({lead.source}): {self.symbol} "
                    f"{rel}{'(' if self.one_sided else ''}{power_text(self.scale, lead.order)}"
                    f"{')' if self.one_sided else ''}")
            return head + (f"; competing: {', '.join(competing)}" if competing else "")
        bound = ">= " if self.one_sided else ""
        return (f"{self.symbol} -> {bound}{_s(self.value, 10)} as {self.scale} -> 0; corrections: "
                + ", ".join(competing))

    def judge(self, mus, values, *, resolution, noise=None, require_control=True):
        """``values`` at the scales ``mus`` (shallow to deep) judged against this law
        (:func:`.rates.judge_limit` with its predicted value and correction orders); the
        :class:`.rates.Limit` records the law.  For a rate, ``values`` are local exponents."""
        return judge_limit(mus, values, self.predicted, corrections=self.corrections, resolution=resolution,
                           noise=noise, one_sided=self.one_sided, require_control=require_control, law=self)

    def judge_rate(self, lambdas, errors, *, resolution, rel_noise=None):
        """A rate law judged from errors on a ladder (:func:`.rates.judge_rate`)."""
        self._rate_only("judge_rate")
        return judge_rate(lambdas, errors, self.predicted, corrections=self.corrections, resolution=resolution,
                          rel_noise=rel_noise, one_sided=self.one_sided, law=self)

    def judge_rungs(self, rows, *, resolution, slack=RUNG_SLACK):
        """A rate law judged from ladder rows ``(lambda, err, floor)``: a rung carries the rate only
        when its error is resolved, ``err > floor 2^slack`` (below that the ladder measures
        rounding); its relative noise is ``floor / err``.  Fewer than two resolved rungs: an
        UNDECIDED :class:`.rates.Limit` (the ladder then adds rungs)."""
        self._rate_only("judge_rungs")
        keep = [(lam, err, floor) for lam, err, floor in rows if err > floor * 2 ** slack]
        if len(keep) < 2:
            return self.judge([], [], resolution=resolution)
        return self.judge_rate([r[0] for r in keep], [r[1] for r in keep], resolution=resolution,
                               rel_noise=[r[2] / r[1] for r in keep])

    def _rate_only(self, what: str) -> None:
        if self.value is not None:
            raise InvalidInput(f"Law {self.name!r}: {what} judges a rate; this law is a limit (value {self.value})")

    def to_details(self) -> dict:
        """The law as the report shows it beside the limit it produced (JSON-ready strings)."""
        lead = f"{_s(self.value, 10)} + " if self.value is not None else ""
        return {"name": self.name, "quantity": self.quantity, "kind": self.kind, "scale": self.scale,
                "expansion": lead + self.expansion.describe(self.scale), "source": self.source,
                "hypotheses": list(self.hypotheses), "one_sided": str(self.one_sided)}


def rate_law(name, quantity, symbol, terms, source, hypotheses=(), **kw) -> Law:
    """A rate law from ``terms``: ``(order, source)`` or ``(order, source, nonzero)`` tuples, or :class:`Term`."""
    return Law(name, quantity, symbol, Expansion(tuple(t if isinstance(t, Term) else Term(*t) for t in terms)),
               source, tuple(hypotheses), **kw)


def limit_law(name, quantity, symbol, value, corrections, source, hypotheses=(), **kw) -> Law:
    """A limit law: ``value`` and its correction terms (as for :func:`rate_law`)."""
    return Law(name, quantity, symbol, Expansion(tuple(t if isinstance(t, Term) else Term(*t) for t in corrections)),
               source, tuple(hypotheses), value=value, **kw)
