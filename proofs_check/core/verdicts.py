"""Claims as value objects, their verdicts, and the runner.

A claim is a value object: an id, the statement in words, its source, the symbolic
prediction, the numeric measurement, the tolerance rule with its justification, the
negative twin, and a ``check`` function.  ``check(ctx)`` returns a :class:`Verdict` for the
claim *and* one for its twin (a perturbed prediction, a dropped term, a non-orthogonal
dataset, a too-large initialisation ...).  The runner (:func:`run_claim`) turns the pair
into a :class:`ClaimResult`; a claim whose twin is *not* refuted cannot fail, so its
verdict is downgraded to ``UNDECIDED`` (the check proved nothing).

Verdicts (sympy's ``checkodesol`` style: a verdict travels with the residual behind it):

* ``VERIFIED``  the measurement agrees with the prediction within the tolerance;
* ``REFUTED``   it does not (the residual says by how much);
* ``OUTSIDE_ASSUMPTIONS`` the problem breaks the claim's assumptions (e.g. non-orthogonal
  inputs, with the largest off-diagonal cosine in ``details``); never counted as verified;
* ``UNDECIDED`` the check could not decide (too few ladder rungs, twin not refuted ...).

All numbers in a result are decimal *strings* (``mpmath.nstr``), so JSON output is exact
and deterministic.

>>> v = Verdict("VERIFIED", prediction="2", measurement="2.0001", residual="1e-4",
...             tolerance="1e-3")
>>> v.passed
True
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from gfcheck.numeric.precision import JUDGED
from gfcheck.symbolic.errors import GfcheckError, InvalidInput

__all__ = ["VERDICTS", "PROVENANCE_KINDS", "Verdict", "Provenance", "Claim", "ClaimResult",
           "run_claim", "outside_assumptions", "provenance_counts", "provenance_tally", "stopped_result",
           "stop_reason", "collapse_verdict", "law_disagreements", "declared_laws", "with_figures"]

VERDICTS = ("VERIFIED", "REFUTED", "OUTSIDE_ASSUMPTIONS", "UNDECIDED")
#: where a claim comes from: stated in the paper, or our statement after it (see :class:`Provenance`)
PROVENANCE_KINDS = ("paper", "reconstructed")


def _is_str_dict(d) -> bool:
    return isinstance(d, dict) and all(isinstance(k, str) for k in d)


@dataclass(frozen=True)
class Verdict:
    """One side of a check: the verdict and the numbers behind it (all decimal strings).

    ``details`` holds JSON-ready extras (strings, lists and dicts of strings, ints, bools):
    the ladder of scales, fitted constants, per-group values, the reproduction hint ...
    """

    verdict: str
    prediction: str
    measurement: str
    residual: str
    tolerance: str
    details: dict = field(default_factory=dict)
    #: plot data for the report's figures, by figure-data key (floats; not part of the verdict, not
    #: in report.json): what a check measured along the way, returned with its verdict
    #: (:func:`with_figures`) instead of written into the context
    figures: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise InvalidInput(f"Verdict: expected one of {VERDICTS}, found {self.verdict!r}")
        if not _is_str_dict(self.figures):
            raise InvalidInput("Verdict.figures: expected a dict with string keys")
        for name in ("prediction", "measurement", "residual", "tolerance"):
            if not isinstance(getattr(self, name), str):
                raise InvalidInput(f"Verdict.{name}: expected a decimal string, found "
                                   f"{type(getattr(self, name)).__name__}")
        if not _is_str_dict(self.details):
            raise InvalidInput("Verdict.details: expected a dict with string keys")

    @property
    def passed(self) -> bool:
        return self.verdict == "VERIFIED"


def with_figures(pair, figures: dict) -> tuple:
    """``(result, twin)`` with ``figures`` (figure-data key -> plot data) attached to the result: a
    check returns what it measured for the figures with its verdict (:attr:`Verdict.figures`).

    >>> v = Verdict("VERIFIED", "1", "1", "0", "0")
    >>> r, t = with_figures((v, v), {"escape": {"slope": 2.0}})
    >>> r.figures, t.figures, r == v
    ({'escape': {'slope': 2.0}}, {}, True)
    """
    result, twin = pair
    return dataclasses.replace(result, figures={**result.figures, **figures}), twin


@dataclass(frozen=True)
class Provenance:
    """Where a claim comes from: ``kind`` is ``"paper"`` (the paper states it; ``where`` says where:
    theorem, proposition, section or abstract, as far as known) or ``"reconstructed"`` (our statement
    after the paper; ``where`` names the section of the theory note in ``docs/`` that derives it).

    >>> Provenance("reconstructed", "docs/suites/orthogonal.md section 9.8").label
    'reconstructed: docs/suites/orthogonal.md section 9.8'
    >>> Provenance("stated", "somewhere")
    Traceback (most recent call last):
    ...
    gfcheck.errors.InvalidInput: Provenance.kind: expected one of ('paper', 'reconstructed'), found 'stated'
    """

    kind: str
    where: str

    def __post_init__(self) -> None:
        if self.kind not in PROVENANCE_KINDS:
            raise InvalidInput(f"Provenance.kind: expected one of {PROVENANCE_KINDS}, found {self.kind!r}")
        if not isinstance(self.where, str) or not self.where.strip():
            raise InvalidInput(f"Provenance.where: expected a non-empty string saying where the {self.kind} "
                               f"claim is stated, found {self.where!r}")

    @property
    def label(self) -> str:
        """``"kind: where"``, as the report and ``gfcheck verify --list`` show it."""
        return f"{self.kind}: {self.where}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "where": self.where}


def provenance_tally(claims) -> dict[str, int]:
    """``{kind: number of claims}`` for every kind of :data:`PROVENANCE_KINDS`, over a list of
    claims (or of :class:`ClaimResult`)."""
    kinds = [getattr(c, "claim", c).provenance.kind for c in claims]
    return {kind: kinds.count(kind) for kind in PROVENANCE_KINDS}


def provenance_counts(claims, notes: str) -> str:
    """``"k claims stated in the paper, r reconstructed (notes)"`` for a list of claims (or of
    :class:`ClaimResult`); ``notes`` is the theory note the reconstructed ones come from.

    >>> from types import SimpleNamespace as NS
    >>> ours = NS(provenance=Provenance("reconstructed", "docs/suites/orthogonal.md section 9.2"))
    >>> provenance_counts([NS(provenance=Provenance("paper", "abstract")), ours, ours], "docs/suites/orthogonal.md")
    '1 claim stated in the paper, 2 reconstructed (docs/suites/orthogonal.md)'
    """
    tally = provenance_tally(claims)
    k, r = tally["paper"], tally["reconstructed"]
    return f"{k} claim{'' if k == 1 else 's'} stated in the paper, {r} reconstructed ({notes})"


@dataclass(frozen=True)
class Claim:
    """A claim about a paper's model, stated by the paper or reconstructed in our theory note on it
    (``docs/``), as an executable check.

    ``suite`` names the paper's suite (:mod:`.registry`); ``number`` is the item in that suite
    (for ``orthogonal``: the item of digest section 9, ``docs/suites/orthogonal.md``); ``id`` a short
    slug, unique in its suite; ``check(ctx) -> (claim_verdict, twin_verdict)``; ``provenance``
    (keyword, required) says whether the paper states it or we reconstructed it, and where.
    """

    id: str
    number: int
    title: str
    statement: str
    source: str
    prediction: str
    measurement: str
    tolerance_rule: str
    twin: str
    check: Callable[[Any], tuple]
    #: the suite the claim belongs to (its :class:`~.suite.Suite`'s name; no default: a claim says it)
    suite: str
    #: the theorem's hypotheses (:class:`gfcheck.symbolic.assumptions.Assumption`), checked on the
    #: problem before the check runs: a failing one gives OUTSIDE_ASSUMPTIONS with its witness
    assumptions: tuple = ()
    provenance: Provenance = field(kw_only=True)
    #: the check's subject is a comparison of engines (reduced against full, float64 against mpf):
    #: its second route keeps its engines and adds digits; every other check's second route runs
    #: on the other engine (``Context.second_route(other_engine=True)``)
    compares_engines: bool = field(default=False, kw_only=True)
    #: False: the check reads the data alone (exact), never an integration; verify runs it before
    #: the shared ladder, so a small whole-run budget still gets its verdict (a test over the
    #: registry runs every such claim with the engines refusing to start)
    integrates: bool = field(default=True, kw_only=True)
    #: the asymptotic laws the check judges (:class:`.laws.Law`): ``laws(ctx) -> tuple of Law`` on the
    #: problem of ``ctx``, from the same functions the check takes them from; every limit a verdict
    #: shows must come from one of them (:func:`law_disagreements`); ``None`` for a claim that judges none
    laws: Callable[[Any], tuple] | None = field(default=None, kw_only=True)
    #: the runs the check reads first: ``runs(ctx) -> list of (problem, kwargs)``, as ``ctx.run`` takes
    #: them; when the claim runs alone in its stage, verify integrates them on the spare processes
    #: meanwhile (``ctx.ahead``); None for a claim whose runs are the shared ones or cheap.  The runs
    #: are deterministic: the report is the same bytes either way
    runs: Callable[[Any], list] | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            raise InvalidInput(f"Claim {self.id!r}: number must be a positive integer (the item in its suite)")
        for name in ("id", "title", "statement", "source", "prediction", "measurement",
                     "tolerance_rule", "twin", "suite"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise InvalidInput(f"Claim {self.id!r}: {name} must be a non-empty string")
        if not callable(self.check):
            raise InvalidInput(f"Claim {self.id!r}: check must be callable")
        from gfcheck.symbolic.assumptions import Assumption

        if not isinstance(self.assumptions, tuple) or not all(isinstance(a, Assumption) for a in self.assumptions):
            raise InvalidInput(f"Claim {self.id!r}: assumptions must be a tuple of Assumption")
        if self.laws is not None and not callable(self.laws):
            raise InvalidInput(f"Claim {self.id!r}: laws must be a callable ctx -> tuple of Law, or None")
        if self.runs is not None and not callable(self.runs):
            raise InvalidInput(f"Claim {self.id!r}: runs must be a callable ctx -> list of (problem, kwargs), or None")
        if not isinstance(self.provenance, Provenance):
            raise InvalidInput(f"Claim {self.id!r}: provenance must be a Provenance (paper or reconstructed, "
                               f"and where), found {type(self.provenance).__name__}")


@dataclass(frozen=True)
class ClaimResult:
    """What the report shows for one claim: the claim, its verdict, its twin's verdict, and the
    figure data its check returned (:attr:`Verdict.figures` of its first route)."""

    claim: Claim
    result: Verdict
    twin: Verdict
    seconds: float
    figures: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def verdict(self) -> str:
        return self.result.verdict

    def to_json(self) -> dict:
        c = self.claim
        return {
            "id": c.id, "suite": c.suite, "number": c.number, "title": c.title, "statement": c.statement,
            "source": c.source, "provenance": c.provenance.to_json(), "prediction_rule": c.prediction,
            "measurement_rule": c.measurement,
            "tolerance_rule": c.tolerance_rule, "twin_description": c.twin,
            "assumptions": [a.to_json() for a in c.assumptions],
            "verdict": self.result.verdict, "prediction": self.result.prediction,
            "measurement": self.result.measurement, "residual": self.result.residual,
            "tolerance": self.result.tolerance, "details": self.result.details,
            "twin": {"verdict": self.twin.verdict, "prediction": self.twin.prediction,
                     "measurement": self.twin.measurement, "residual": self.twin.residual,
                     "tolerance": self.twin.tolerance, "details": self.twin.details},
        }


def stop_reason(claim_id: str, stop) -> str:
    """Why a claim did not finish: ``stop`` is the whole-run budget
    (:class:`~gfcheck.symbolic.budget.Budget`) or the signal
    (:class:`~gfcheck.symbolic.budget.Interrupted`).

    >>> from gfcheck.symbolic.budget import Budget, Interrupted
    >>> stop_reason("plateaus", Budget.of(300)).split("; ")
    ['the whole-run budget of 300 s (--max-time) was spent before this claim finished',
     'rerun with --only plateaus or a larger --max-time']
    >>> stop_reason("plateaus", Interrupted(15))
    'the run was ended by SIGTERM before this claim finished; rerun with --only plateaus'
    """
    if hasattr(stop, "signum"):
        return f"the run was ended by {stop.name} before this claim finished; rerun with --only {claim_id}"
    return (f"{stop.describe()} was spent before this claim finished; rerun with --only {claim_id} "
            f"or a larger {stop.where}")


def _stop_kind(stop) -> str:
    return stop.name if hasattr(stop, "signum") else "budget"


def stopped_result(claim: Claim, stop, at: str = "") -> "ClaimResult":
    """``UNDECIDED`` for a claim that a spent budget or a signal (``stop``) kept from finishing;
    ``details`` has the ``reason`` (:func:`stop_reason`, followed by ``at``: where the claim was when
    it was cut, its last progress lines) and ``stopped`` (``budget``, ``SIGINT``, ``SIGTERM``).
    Census 0138: plateaus was cut in its second route, and nothing said that its first had refuted.

    >>> from gfcheck.symbolic.budget import Budget
    >>> c = Claim("x", 1, "t", "s", "src", "p", "m", "r", "tw", lambda ctx: None, "toy",
    ...           provenance=Provenance("reconstructed", "a doctest"))
    >>> stopped_result(c, Budget.of(300), "adding 1e-45").result.details["reason"].endswith("cut: adding 1e-45")
    True
    """
    reason = stop_reason(claim.id, stop) + (f"; where it was when cut: {at}" if at else "")
    v = Verdict("UNDECIDED", "-", "-", "-", "-", {"reason": reason, "stopped": _stop_kind(stop)})
    return ClaimResult(claim, v, v, 0.0)


def _bound(claim: Claim, ctx):
    """``(seconds, message, stopped)``: the claim's wall-clock bound, twice ``profile.claim_seconds``
    or what is left of the whole-run budget (``ctx.budget`` less ``ctx.budget_reserve``), whichever
    is less, and what running past it means."""
    seconds = getattr(getattr(ctx, "profile", None), "claim_seconds", None)
    bound = 2 * seconds if seconds else None
    message = (f"the claim ran past its time budget of {bound:.0f} s "
               "(twice Profile.claim_seconds): rerun it alone with --only, or with --profile full") if bound else ""
    from gfcheck.symbolic.budget import time_left

    left = time_left(ctx.budget, ctx.budget_reserve)  # what the whole run leaves the claims
    if left is not None and (bound is None or left < bound):
        return left, stop_reason(claim.id, ctx.budget), "budget"
    return bound, message, None


def outside_assumptions(claim: Claim, facts) -> Verdict | None:
    """``OUTSIDE_ASSUMPTIONS`` with every failing hypothesis of ``claim`` (its witness and source)
    on ``facts`` (the context: ``problem``, ``data``, ``neurons``), or ``None`` when all hold.
    Exact and cheap: decided before any integration."""
    from gfcheck.symbolic.assumptions import failing

    bad = failing(claim.assumptions, facts)
    if not bad:
        return None
    reason = "; ".join(f"assumption {a.id} fails: {w} ({a.source})" for a, w in bad)
    return Verdict("OUTSIDE_ASSUMPTIONS", "-", "-", "-", "-",
                   {"reason": reason, "assumptions_failed": [{"id": a.id, "statement": a.statement,
                                                              "witness": w, "source": a.source} for a, w in bad]})


def _no_evidence(v: Verdict) -> bool:
    """A REFUTED verdict with nothing measured behind it (an empty measurement)."""
    return v.measurement.strip() in ("", "-") or v.measurement.startswith("0 samples")


#: how the line that begins a claim's second route starts (the progress keeps it: :func:`_second_route`)
SECOND_ROUTE = "REFUTED on the first route"


def _short(text, most: int = 60) -> str:
    """``text`` cut to ``most`` characters (a progress line's excerpt of a verdict's field)."""
    text = str(text)
    return text if len(text) <= most else text[:most - 3] + "..."


def _second_route(claim: Claim, ctx, result: Verdict, twin: Verdict, notes=None):
    """A REFUTED must survive a second route (issue 19 item 4, docs/verdicts.md): it needs a
    measurement, and the check rerun on ``ctx.second_route()`` (every integration at more digits,
    nothing memoised) must refute again; the report says what both routes measured.  Otherwise
    the claim is UNDECIDED with the reason.  A context without a second route keeps the verdict.
    ``notes`` (a list) receives the line that says the second route began, for a claim cut in it."""
    if _no_evidence(result):
        det = {**result.details, "reason": "REFUTED on no evidence (empty measurement): not a verdict"}
        return Verdict("UNDECIDED", result.prediction, result.measurement, "-", result.tolerance, det), twin
    other = ctx.second_route(other_engine=not claim.compares_engines)
    if other is None:
        return result, twin
    first, used = other.route_engines()
    swapped = used != first
    engines = f"{used} (in place of {first})" if swapped else used
    began = (f"{SECOND_ROUTE} ({_short(result.measurement)} against {_short(result.prediction)}); "
             f"the second route ({engines} engine, {other.profile.dps} digits) must refute it again")
    if notes is not None:  # a cut in the second route then says what the first one found
        notes.append(began)
    say = getattr(ctx, "say", None)
    if say is not None:
        say(began)
    again, _ = claim.check(other)
    second = {"dps": str(other.profile.dps), "engine": engines, "verdict": again.verdict,
              "measurement": again.measurement, "residual": again.residual, "tolerance": again.tolerance}
    if again.verdict == "REFUTED":
        return Verdict("REFUTED", result.prediction, result.measurement, result.residual, result.tolerance,
                       {**result.details, "second_route": second}), twin
    det = {**result.details, "second_route": second,
           "reason": f"REFUTED at {ctx.profile.dps} digits but {again.verdict} with "
                     f"{other.profile.dps - ctx.profile.dps} more digits"
                     + (f" on the {used} engine" if swapped else "")
                     + ": the refutation does not survive a second route, so it is not reported ("
                     + ("the engines disagree: see the claim comparing them, reduced-vs-full" if swapped
                        else "rerun with --profile full") + ")"}
    return Verdict("UNDECIDED", result.prediction, result.measurement, result.residual, result.tolerance, det), twin


def collapse_verdict(claim: Claim, ctx, exc) -> tuple:
    """A stall as a verdict (issue 20 item 3): the claim's ``(result, twin)`` when its check ended
    in :class:`~gfcheck.symbolic.errors.StepCollapse`.

    REFUTED only where the flow's own mathematics excludes the collapse (``exc.proven``: a step
    below the analyticity floor, or chatter where the flow has at most ``m n`` kinks) *and* the
    check collapses again on the second route (more digits, nothing memoised); the measurement
    is the collapse (where, the step against the floor), the details carry its structured fields.
    Otherwise UNDECIDED with the reason.  The twin was not run (the check stopped).
    """
    from gfcheck.symbolic.errors import StepCollapse

    info = exc.fields()
    measured = (f"{exc.kind} collapse in the {exc.engine} engine at t = {exc.t:.12g}: "
                f"{exc.step:.3g} against the floor {exc.floor:.3g}")
    prediction = "no collapse: the step stays above the floor the problem's scales guarantee"
    det = {"collapse": info, "error": f"StepCollapse: {exc}"[:2000]}
    twin = Verdict("UNDECIDED", "-", "-", "-", "-", {"reason": "not run: the check stopped at a StepCollapse"})
    if not exc.proven:
        return Verdict("UNDECIDED", prediction, measured, "-", "floor", {**det, "reason": exc.why}), twin
    other, again = ctx.second_route(), None
    if other is not None:
        try:
            claim.check(other)
        except StepCollapse as second:
            again = second
        if again is None or not again.proven:
            reason = ("the collapse does not recur on the second route (more digits): not a verdict"
                      if again is None else again.why)
            return Verdict("UNDECIDED", prediction, measured, "-", "floor", {**det, "reason": reason}), twin
        det["second_route"] = again.fields()
    return Verdict("REFUTED", prediction, measured, f"{exc.step:.3g}", f"floor {exc.floor:.3g}", det), twin


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _half_ulp(text: str) -> Fraction:
    """Half a unit in the last printed digit of the decimal ``text`` (``"2.75"`` -> ``1/200``); a
    plain integer (``"2"``: "exponent 2") is exact."""
    if "." not in text and "e" not in text.lower():
        return Fraction(0)
    mantissa, _, exp = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return Fraction(1, 2) * Fraction(10) ** (int(exp or 0) - decimals)


def _states(value: str, text: str) -> bool:
    """Does ``text`` print the number ``value`` (each as rounded: equal within both half ulps)?"""
    v = Fraction(value)
    return any(abs(Fraction(t) - v) <= _half_ulp(t) + _half_ulp(value) for t in _NUMBER.findall(text))


#: the digits a limit's predicted value and a declared law's are printed with (``Limit.to_details``)
LAW_DIGITS = 10


def _same_value(a: str, b: str) -> bool:
    """Are the decimals ``a`` and ``b``, each rounded to :data:`LAW_DIGITS` significant digits, the
    same number?  Each rounding is at most half a unit of the last digit, ``5 10^-LAW_DIGITS``
    relative, so two roundings of one number differ by at most ``10^(1 - LAW_DIGITS)`` relative.

    >>> _same_value("0.75", "0.7500000001"), _same_value("0.7", "0.75"), _same_value("0", "0.0")
    (True, False, True)
    """
    x, y = Fraction(a), Fraction(b)
    return abs(x - y) <= Fraction(1, 10 ** (LAW_DIGITS - 1)) * max(abs(x), abs(y))


def law_disagreements(verdict: Verdict, declared: dict | None = None) -> list:
    """Where a verdict's stated prediction and the law it judged disagree (issue 19 item 2): every
    limit it judged (a :meth:`.rates.Limit.to_details` dict anywhere in its details, per part or
    per neuron) must have its predicted value printed in the prediction text (its part's, or the
    verdict's), and only positive correction orders.  With ``declared`` (``{name: predicted value}``,
    the claim's laws on this problem, :attr:`Claim.laws`) every limit must also carry a law
    (:class:`.laws.Law`) of that name, judged at its value.  ``[]`` when they agree.

    The :class:`.laws.Law` makes the first two hold by construction (text, value and orders come
    from one object); this runtime guard stays as defence in depth for the text a check composes
    around it and for limits that did not come from a declared law.

    >>> law_disagreements(Verdict("VERIFIED", "exponent 2", "2.0", "0", "1e-3",
    ...                           {"limit": {"predicted": "2.0", "correction_orders": ["1.0"]}}))
    []
    >>> law_disagreements(Verdict("VERIFIED", "exponent 2", "1.5", "0", "1e-3",
    ...                           {"limit": {"predicted": "1.5", "correction_orders": ["-0.5"]}}))
    ['limit: judged 1.5, not in the prediction "exponent 2"', 'limit: correction order -0.5 is not positive']
    >>> law_disagreements(Verdict("VERIFIED", "exponent 2", "2.0", "0", "1e-3",
    ...                           {"limit": {"predicted": "2.0", "correction_orders": ["1.0"]}}), {"rate": "2"})
    ['limit: judged without a law (declared: rate)']
    """
    out = []

    def law_of(node, where):
        law = node.get("law")
        name = law.get("name") if isinstance(law, dict) else None
        if name is None:
            out.append(f"{where}: judged without a law (declared: {', '.join(sorted(declared)) or 'none'})")
        elif name not in declared:
            out.append(f"{where}: law {name!r} is not among the claim's declared laws "
                       f"({', '.join(sorted(declared)) or 'none'})")
        elif not _same_value(str(node["predicted"]), str(declared[name])):
            out.append(f"{where}: judged {node['predicted']}, not the declared law {name!r} ({declared[name]})")

    def walk(node, where, text):
        if not isinstance(node, dict):
            return
        text = node.get("prediction", text) if isinstance(node.get("prediction"), str) else text
        if "predicted" in node and "correction_orders" in node:
            value = str(node["predicted"])
            if _NUMBER.fullmatch(value) and not _states(value, text) and not _states(value, verdict.prediction):
                out.append(f'{where}: judged {value}, not in the prediction "{text}"')
            for o in node.get("correction_orders") or ():
                if _NUMBER.fullmatch(str(o)) and not Fraction(str(o)) > 0:
                    out.append(f"{where}: correction order {o} is not positive")
            if declared is not None:
                law_of(node, where)
        for k, v in sorted(node.items()):
            if isinstance(v, dict) and k != "law":
                walk(v, f"{where}.{k}" if where else k, text)

    walk(verdict.details, "", verdict.prediction)
    return out


def declared_laws(claim: Claim, ctx) -> dict:
    """``{name: predicted value (decimal string)}`` of the laws ``claim`` declares on the problem of
    ``ctx`` (:attr:`Claim.laws`; ``{}`` for a claim that declares none).

    >>> declared_laws(Claim("x", 1, "t", "s", "src", "p", "m", "r", "tw", lambda ctx: None, "orthogonal",
    ...                     provenance=Provenance("paper", "abstract")), None)
    {}
    """
    import mpmath

    if claim.laws is None:
        return {}
    with JUDGED.scope():
        laws = claim.laws(ctx)
        names = [law.name for law in laws]
        if len(set(names)) != len(names):
            raise InvalidInput(f"claim {claim.id!r}: law names repeat: {sorted(names)}")
        return {law.name: mpmath.nstr(law.predicted, LAW_DIGITS) for law in laws}


def _law_guard(claim: Claim, ctx, result: Verdict) -> Verdict:
    """``result``, or UNDECIDED with the disagreements when the stated prediction is not the law
    judged (a defect of this tool, never a verdict)."""
    if result.verdict not in ("VERIFIED", "REFUTED"):
        return result
    try:
        disagree = law_disagreements(result, declared_laws(claim, ctx))
    except Exception as exc:  # noqa: BLE001 - a law that cannot be built is reported as the defect
        disagree = [f"the claim's laws could not be built: {type(exc).__name__}: {exc}"]
    if not disagree:
        return result
    return Verdict("UNDECIDED", result.prediction, result.measurement, result.residual, result.tolerance,
                   {**result.details, "law_disagreements": disagree,
                    "error": "internal inconsistency: the stated prediction is not the law the check "
                             "judged (" + "; ".join(disagree)[:300] + ")"})


def _error_verdict(exc) -> Verdict:
    """A failure inside a check as UNDECIDED with its message (a crash proves nothing either way)."""
    kind = type(exc).__name__
    msg = f"{kind}: {exc}" if isinstance(exc, GfcheckError) else f"internal error {kind}: {exc}"
    return Verdict("UNDECIDED", "-", "-", "-", "-", {"error": msg})


def _set_claim_start(ctx, t0) -> None:
    """``ctx.claim_started``: when the running claim began (None between claims), so that the several
    ladders of one claim (one per sign group, say) share its budget instead of taking one each
    (census 0135: refined-escape-time's two groups spent 300 s each, and the whole run's budget
    with them); a context that takes no attribute is left alone."""
    try:
        ctx.claim_started = t0
    except (AttributeError, TypeError):
        pass


def run_claim(claim: Claim, ctx) -> ClaimResult:
    """Run ``claim`` on ``ctx``; a twin that is not refuted makes the claim ``UNDECIDED``.

    The claim runs under a wall-clock bound of twice ``ctx.profile.claim_seconds`` (the ladder
    extension stops itself at one), or what is left of the whole run's budget if that is less
    (``ctx.budget``); running past it is ``UNDECIDED`` with the budget as the reason.  Every
    other failure inside a check (integration failures, and any exception: a check that crashes
    proves nothing either way) is ``UNDECIDED`` with the message; bad input was refused before
    the claims ran.  A stall (:class:`~gfcheck.symbolic.errors.StepCollapse`) is judged by
    :func:`collapse_verdict`.
    """
    from gfcheck.symbolic.budget import time_limit
    from gfcheck.symbolic.errors import StepCollapse, TimeBudgetSpent

    from gfcheck.symbolic.budget import checkpoint

    checkpoint()  # a signal dropped in a finalizer is raised here, before the claim starts
    t0 = time.perf_counter()
    bound, message, stopped = _bound(claim, ctx)
    _set_claim_start(ctx, t0)  # the ladders of one claim share its budget (RunMemo.decide)
    figures, notes = {}, []
    try:
        outside = outside_assumptions(claim, ctx)
        if outside is not None:
            return ClaimResult(claim, outside, outside, time.perf_counter() - t0)
        with time_limit(bound, message):
            result, twin = claim.check(ctx)
            figures = result.figures if isinstance(result, Verdict) else {}
            if result.verdict == "REFUTED":
                result, twin = _second_route(claim, ctx, result, twin, notes)
    except KeyboardInterrupt:
        raise
    except TimeBudgetSpent as exc:  # the claim's own bound or the whole run's budget
        whole_run = stopped is not None and str(exc) == message
        reason = (str(exc) if whole_run else f"TimeBudgetSpent: {exc}") + "".join(
            f"; where it was when cut: {n}" for n in notes[-1:])
        details = {"reason": reason, "stopped": stopped} if whole_run else {"reason": reason}
        result = twin = Verdict("UNDECIDED", "-", "-", "-", "-", details)
    except StepCollapse as exc:
        try:  # the collapse's second route runs the check again: a failure there is a verdict too
            result, twin = collapse_verdict(claim, ctx, exc)
        except KeyboardInterrupt:
            raise
        except Exception as again:  # noqa: BLE001 - reported as UNDECIDED with the message
            result = twin = _error_verdict(again)
    except Exception as exc:  # noqa: BLE001 - reported as UNDECIDED with the message
        result = twin = _error_verdict(exc)
    finally:
        _set_claim_start(ctx, None)
    if not isinstance(result, Verdict) or not isinstance(twin, Verdict):
        raise TypeError(f"claim {claim.id!r}: check must return (Verdict, Verdict)")
    result = _law_guard(claim, ctx, result)
    if result.verdict == "VERIFIED" and twin.verdict != "REFUTED":
        details = dict(result.details)
        details["downgraded"] = (f"the negative twin ({claim.twin}) was {twin.verdict}, not "
                                 "REFUTED: this check could not have failed")
        result = Verdict("UNDECIDED", result.prediction, result.measurement, result.residual,
                         result.tolerance, details)
    return ClaimResult(claim, result, twin, time.perf_counter() - t0, figures)
