"""What every claim check receives: the problem, the profile, shared (memoised) runs.

A :class:`Profile` fixes the ladder of initialisation scales and the working digits; a
:class:`Context` carries the problem (exact), its symbolic predictions (computed once) and
a cache of trajectories, so that claims which need the same run (say lambda = 1e-30 to
convergence) integrate it once.  Checks return plot data with their verdicts
(:func:`.verdicts.with_figures`); verify gathers it into ``ctx.figure_data`` for the report (the schema
is that of :mod:`gfcheck.proofs_check.suites.orthogonal.figures`).

The ladder: ``scales`` are exact powers of ten ``10^-e`` for ``e`` in ``exponents``.  The
digest (section 4.4) shows that lambda = 1e-8 can still be 4% off the limit when
gamma = 0.035, so the ladders reach 1e-100 (quick) and 1e-200 (full); the working digits
grow with the ladder where a check needs ``lambda^2`` resolved against O(1) numbers.

>>> Profile.named("quick").exponents[:3]
(10, 20, 30)
>>> Profile.named("slow")
Traceback (most recent call last):
...
gfcheck.errors.SchemaError: profile: expected one of quick, full, found 'slow'
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from gfcheck.numeric.precision import Precision, to_mpf
from gfcheck.symbolic.errors import SchemaError

__all__ = ["Profile", "RunMemo", "SuiteContext", "with_scale", "mpf_to_fraction", "sample_at", "run_label"]


def mpf_to_fraction(x) -> Fraction:
    """The exact value of an mpf as a Fraction (mpf are dyadic rationals), whatever the current
    precision (an mpf is not re-rounded on the way).

    >>> from gfcheck.numeric.precision import Precision
    >>> with Precision.of_bits(200).scope():
    ...     x = mpmath.mpf(1) / 3
    >>> mpf_to_fraction(x) == Fraction(int(x.man), 2 ** -int(x.exp))
    True
    >>> mpf_to_fraction(mpmath.mpf(-0.75))   # mpmath's man_exp is the unsigned mantissa
    Fraction(-3, 4)
    >>> import sympy
    >>> mpf_to_fraction(sympy.Rational(123, 400))   # a sympy Rational exactly, not rounded
    Fraction(123, 400)
    """

    from gfcheck.symbolic.errors import IntegrationFailed

    if x is None or not mpmath.isfinite(x):
        # a value a run did not report (a watch not crossed, an event not seen) or a non-finite one:
        # no exact number to measure with (mpmath gives nan and inf a zero mantissa, read as 0)
        raise IntegrationFailed(f"no finite value to take exactly: {x!r} (a run reported nothing, or a NaN or "
                                "an infinity, where the check needs a number)")
    # ``_mpf_`` is (sign, mantissa, exponent, bitcount): ``man_exp`` leaves the sign out, and a
    # negative a_j or w_jk taken with it was taken as its absolute value (census 0071)
    if hasattr(x, "p") and hasattr(x, "q"):  # a sympy Rational: exact (through mpf it was rounded to the
        return Fraction(int(x.p), int(x.q))   # current precision: L0 = 123/400 off by 4e-18 in verify --prove)
    sign, man, exp, _ = (x if isinstance(x, mpmath.mpf) else mpmath.mpf(x))._mpf_
    value = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -value if sign else value


def sample_at(run, t):
    """The sample of ``run`` at exact time ``t`` (one of the run's sample times); a run without it
    raises :class:`~gfcheck.symbolic.errors.IntegrationFailed` (the claim is UNDECIDED with the reason)."""

    from gfcheck.symbolic.errors import IntegrationFailed


    with run.precision.scope():
        tt = to_mpf(Fraction(t))
        best = min(run.samples, key=lambda s: abs(s.t - tt), default=None)
        if best is None or abs(best.t - tt) > mpmath.ldexp(abs(tt) + 1, -run.work_bits + 8):
            raise IntegrationFailed(f"the run has no sample at t = {float(t)} ({len(run.samples)} samples): "
                                    "nothing to measure there")
    return best


@dataclass(frozen=True)
class Profile:
    """A named budget: the lambda ladder (powers of ten) and the working digits."""

    name: str
    exponents: tuple[int, ...]  # lambda = 10^-e
    dps: int  # working digits of the trajectories
    hypothesis_examples: int = 0
    max_exponent: int = 200  # the deepest rung a claim may add: lambda = 10^-max_exponent
    # wall-clock guard of one claim's ladder extension: a safety net (the ladder's depth is the
    # budget that decides; hitting this one makes the report machine-dependent, and says so)
    claim_seconds: float = 300.0
    resolution_bits: int = 10  # limits and exponents are resolved to 2^-resolution_bits relative
    # the default whole-run budget of ``gfcheck verify`` (``--max-time``; None: no bound): what a
    # problem of ordinary size (n 4..7, m 12..30) needs at this profile on two cores, with room
    run_seconds: float | None = 300.0

    def __post_init__(self) -> None:
        if not self.exponents or any(e <= 0 for e in self.exponents):
            raise SchemaError(f"profile {self.name!r}: exponents must be positive")
        if list(self.exponents) != sorted(set(self.exponents)):
            raise SchemaError(f"profile {self.name!r}: exponents must increase strictly")
        if self.dps < 15:
            raise SchemaError(f"profile {self.name!r}: dps must be at least 15")
        if self.run_seconds is not None and not self.run_seconds > 0:
            raise SchemaError(f"profile {self.name!r}: run_seconds must be positive (or None: no bound)")

    @property
    def scales(self) -> tuple[Fraction, ...]:
        return tuple(Fraction(1, 10 ** e) for e in self.exponents)

    @staticmethod
    def named(name: str) -> "Profile":
        if name not in PROFILES:
            raise SchemaError(f"profile: expected one of {', '.join(PROFILES)}, found {name!r}")
        return PROFILES[name]


#: what :meth:`RunMemo.decide` says of a decision that no profile's ladder reaches (the report's next
#: step then names no profile)
UNREACHABLE = "deepening cannot decide it"

PROFILES = {
    "quick": Profile("quick", (10, 20, 30, 45, 60, 80, 100), dps=30, claim_seconds=300.0, run_seconds=300.0),
    "full": Profile("full", (8, 10, 15, 20, 30, 40, 60, 80, 100, 130, 160, 200), dps=40,
                    max_exponent=400, claim_seconds=1200.0, resolution_bits=14, run_seconds=3600.0),
}


def log10_inverse(scale) -> float:
    """``log10(1/lambda)`` of an exact positive rational as a float, for any lambda (a Fraction
    converted to float first overflows below 1e-308: the full profile's 1e-400 rung).

    >>> round(log10_inverse(Fraction(1, 10 ** 400)), 9)
    400.0
    """

    scale = Fraction(scale)
    return math.log10(scale.denominator) - math.log10(scale.numerator)


def with_scale(problem, scale) -> "object":
    """``problem`` with the initialisation scale replaced (exact; re-validated)."""
    return dataclasses.replace(problem, scale=Fraction(scale))


def run_label(problem, kwargs) -> str:
    """A short description of a run for ``timings.json``."""

    e = log10_inverse(problem.scale)
    start = kwargs.get("start")
    return (f"{kwargs.get('engine', 'auto')} lambda=1e-{e:.4g} dps={kwargs.get('dps')} "
            + (f"from t={float(Fraction(start.t)):.6g} " if start is not None else "")
            + f"t_end={float(Fraction(kwargs['t_end'])):.6g} relu'(0)={problem.relu_prime_at_zero}")


class SuiteContext:
    """The contract between a suite's context and the jobs (``verify``, its report, the verdicts):
    the fields they set and read, with their defaults, and the hooks a suite overrides.  Every
    suite's context derives from it, through :class:`RunMemo` when it integrates; a context also
    provides ``problem``, ``profile``, ``figure_data`` (a dict), ``caps`` and ``say``.

    >>> ctx = SuiteContext()
    >>> ctx.prefetch_requests(), ctx.second_route() is None, ctx.timings, ctx.budget is None
    ([], True, (), True)
    """

    #: the whole-run budget (:class:`gfcheck.symbolic.budget.Budget`, or None: unbounded) and the
    #: seconds of it kept for writing the report, set by verify
    budget = None
    budget_reserve: float = 0.0
    #: why the claims stopped before all ran (None; the budget; the interrupting exception), set by verify
    stopped = None
    #: the prefetch's wall seconds (``timings.json``), set by verify
    prefetch_seconds: float = 0.0
    #: the ids of the claims this ``verify`` runs, set before the prefetch (``None``: any claim; a
    #: context's ``prefetch`` leaves out the runs that none of them reads)
    claims_to_run: tuple | None = None
    #: spare worker processes (:class:`.workers.Workers`) that integrate the runs a claim says it
    #: needs next (:meth:`RunMemo.ahead`) while it works on others; set by verify while a stage runs
    #: one claim with more than one job (census 0114: claim 17 alone, its rungs one after the other
    #: on one core of two), else None
    spare = None
    #: when the running claim began (None between claims), set by :func:`.verdicts.run_claim`
    claim_started: float | None = None
    #: one ``(label, seconds)`` per integration actually run (``timings.json``); verify rebinds it
    timings: tuple | list = ()
    #: the names of the exact predictions every claim reads, computed once before the claims are
    #: forked to workers (each inherits them)
    shared_predictions: tuple = ()
    #: the claims verify runs after the others, with their own shared runs: those that read the
    #: costliest runs, so that a whole-run budget spent on them leaves the others decided
    late_claims: frozenset = frozenset()
    #: the claims started first within their stage (those with long runs of their own), in this order
    first_claims: tuple = ()
    #: claims with long runs of their own that run in the late stage (they overlap the late claims
    #: instead of holding the first stage's barrier; alone there, the other jobs integrate their runs)
    late_companions: frozenset = frozenset()
    #: a :class:`~gfcheck.numeric.cache.RunCache` the runs are read from and stored in across commands
    #: (``verify --cache DIR``), or None
    run_cache: object = None

    def time_left(self, cap=None):
        """Seconds left of the whole-run budget for the claims (``--max-time`` less the report's
        reserve), at most ``cap``; None when neither bounds it.

        >>> from types import SimpleNamespace as N
        >>> ctx = SuiteContext(); ctx.time_left(), ctx.time_left(0.5)
        (None, 0.5)
        >>> ctx.budget = N(remaining=lambda reserve: 40.0 - reserve); ctx.budget_reserve = 5.0
        >>> ctx.time_left(), ctx.time_left(0.5)
        (35.0, 0.5)
        """
        from gfcheck.symbolic.budget import time_left

        return time_left(self.budget, self.budget_reserve, cap)

    @property
    def precision(self):
        """The profile's digits as a :class:`~gfcheck.numeric.precision.Precision`: a check widens it
        by name (``with ctx.precision.extra(40):``) instead of opening a bare mpmath scope of its own."""
        return Precision(self.profile.dps)

    def prefetch_requests(self) -> list:
        """``[(problem, kwargs)]`` of the runs the claims share (none by default)."""
        return []

    def prefetch(self, executor, seconds=None) -> float:
        """Integrate :meth:`prefetch_requests` on ``executor``; returns its wall seconds (nothing
        to do by default)."""
        return 0.0

    def ahead(self, requests) -> None:
        """Begin the runs ``requests`` on :attr:`spare` (nothing by default: a context that does not
        integrate has none; :meth:`RunMemo.ahead`)."""

    def second_route(self, other_engine: bool = False):
        """The independent rerun a REFUTED must survive (:meth:`RunMemo.second_route`), or None:
        a context without one keeps its verdicts."""
        return None

    def route_engines(self, problem=None, requested: str = "auto") -> tuple[str, str]:
        """``(engine the first route uses, engine this context uses)`` (``"-"``: no engine)."""
        return "-", "-"


class RunMemo(SuiteContext):
    """The memoised integrations of one ``verify``, shared by a suite's claims (every suite's
    context that integrates is one): :meth:`run` integrates once per distinct argument set and
    records where the time goes (``timings``, written to ``timings.json``).  A context provides
    ``problem``, ``profile``, ``caps``, ``_runs`` and ``timings``, and may add defaults in
    :meth:`run_defaults`."""

    #: digits the second route adds: a REFUTED is reported only when the check, rerun with every
    #: integration at this many more digits (and a fresh memo), refutes again (issue 19 item 4)
    SECOND_ROUTE_DPS = 20

    #: the profiles of this context's suite (what :meth:`deeper_advice` names)
    profiles = PROFILES
    def decide(self, judge, exponents, *, shallowest: int = 2, rung_runs=None):
        """Extend a ladder until ``judge`` decides or the budget is spent.

        ``judge(exponents) -> (limit, payload)`` measures on ``lambda = 10^-e`` (runs are
        memoised) and returns a :class:`.rates.Limit`.  While it is UNDECIDED: too few
        resolved values add a shallower rung (down to ``10^-shallowest``) or a mid-point
        rung; otherwise a deeper rung (the last spacing again, up to
        ``10^-profile.max_exponent``), within ``profile.claim_seconds`` counted from the claim's start
        (``claim_started``, set by :func:`.verdicts.run_claim`: a claim's ladders share it).  Returns
        ``(limit, payload, exponents, budget_note)``.  A VERIFIED limit whose near-miss twin
        (:func:`.measure.edge_twin`) is not yet refuted also extends the ladder: the check must
        be shown able to fail.  ``rung_runs(e)``: the run requests of the rung ``10^-e`` (as
        :meth:`ahead` takes them); with it, the two rungs after the one a round adds are begun on
        the :attr:`spare` processes while the round runs (:meth:`_rungs_after`; without spare
        processes, nothing changes).
        """
        import time

        from .measure import edge_twin

        t0 = time.perf_counter()
        t0 = min(t0, self.claim_started or t0)  # the claim's budget, shared by its ladders
        exps = sorted(set(exponents))
        rounds = []  # seconds of each judgement (its new rungs' runs: the others are memoised)
        while True:
            t_round = time.perf_counter()
            limit, payload = judge(tuple(exps))
            if limit.verdict == "REFUTED" or (limit.verdict == "VERIFIED"
                                              and edge_twin(limit).verdict == "REFUTED"):
                return limit, payload, tuple(exps), ""
            rounds.append(time.perf_counter() - t_round)
            spent = time.perf_counter() - t0
            new = None if self._hopeless(limit) else self._next_rung(limit, exps, shallowest)
            ahead = self._next_round(rounds, self._rung_growth(exps, new))
            if new is None or new in exps or spent + ahead > self.profile.claim_seconds \
                    or self.passes_whole_run(ahead):
                return limit, payload, tuple(exps), self._ladder_note(limit, exps, spent, ahead)
            if self.say is not None:
                self.say(f"not decided on lambda = 1e-{exps[0]} .. 1e-{exps[-1]} ({limit.reason}); "
                         f"adding 1e-{new} (ladder budget 1e-{self.profile.max_exponent})")
            exps = sorted(set(exps) | {new})
            if rung_runs is not None:
                self.ahead([r for e in self._rungs_after(limit, exps, shallowest) for r in rung_runs(e)])

    def _next_rung(self, limit, exps, shallowest):
        """The rung :meth:`decide` adds: with too few resolved values a shallower one (down to
        ``10^-shallowest``), or the mid-point of the shallowest gap that begins where the quantity
        is resolved (the deep rungs sit at the precision floor, the shallow ones still resolve it);
        else deeper (a deeper rung has more digits) by the last spacing and at least a quarter of the
        depth, up to the profile's ``max_exponent``; None when none is left.  Census 0145 (alignment,
        resolved only on its shallow rungs): the mid-points went on into the unresolved rungs, filled
        1e-2 .. 1e-145 one decade at a time and spent the whole-run budget.

        >>> from types import SimpleNamespace as N
        >>> ctx = RunMemo.__new__(RunMemo); ctx.profile = N(max_exponent=200)
        >>> few = N(values=(1, 2), mus=(mpmath.mpf("1e-3"), mpmath.mpf("1e-5")))  # resolved to about 1e-6
        >>> ctx._next_rung(few, [2, 3, 4, 5, 6, 10, 14], 2)
        8
        >>> ctx._next_rung(few, [2, 3, 4, 5, 6, 7, 8, 10, 14], 2)  # no gap where it is resolved: deeper
        18
        >>> enough = N(values=(1, 2, 3, 4), mus=())
        >>> ctx._next_rung(enough, [4, 6, 8, 10, 12], 2), ctx._next_rung(enough, [10, 20, 30, 45, 60, 80, 100], 2)
        (15, 125)
        """
        if len(limit.values) < 4:
            if exps[0] > shallowest:
                return max(shallowest, exps[0] - max(exps[1] - exps[0], 2) if len(exps) > 1 else exps[0] // 2)
            # the deepest scale a value was measured at (a rate's value sits between its two rungs)
            reach = max((-mpmath.log10(mu) for mu in limit.mus if mu > 0), default=None)
            gaps = [(a, b) for a, b in zip(exps, exps[1:]) if b - a >= 2 and reach is not None and a <= reach + 1]
            if gaps:
                a, b = gaps[0]
                return a + (b - a) // 2
        if exps[-1] < self.profile.max_exponent:
            # the last spacing, and at least a quarter of the depth: a ladder of fine shallow rungs (the
            # first plateau's 1e-4 .. 1e-12 by 2) reaches the lambda a decision needs in few rounds
            # (census 0009: 24 rounds of 2 decades to 1e-60 held a worker while 16 claims waited)
            step = max(exps[-1] - exps[-2] if len(exps) > 1 else exps[-1], math.ceil(exps[-1] / 4))
            return min(exps[-1] + step, self.profile.max_exponent)
        return None

    def _rungs_after(self, limit, exps, shallowest, count: int = 2) -> list:
        """The ``count`` rungs :meth:`decide` would add after ``exps`` were ``limit`` to stay
        undecided: what :meth:`ahead` begins while a round runs (two, so that a round whose rung was
        made ahead leaves the spare process one to work on).

        >>> from types import SimpleNamespace as N
        >>> ctx = RunMemo.__new__(RunMemo); ctx.profile = N(max_exponent=100)
        >>> ctx._rungs_after(N(values=(1, 2, 3, 4)), [10, 20, 30, 45], 2)
        [60, 75]
        """
        out, exps = [], list(exps)
        for _ in range(count):
            e = self._next_rung(limit, exps, shallowest)
            if e is None or e in exps:
                break
            out.append(e)
            exps = sorted(exps + [e])
        return out

    @staticmethod
    def _next_round(rounds, cap: float = math.inf) -> float:
        """The predicted seconds of the next judgement: the costlier of the last two, times the last
        one's growth over the one before, at least 1 and at most ``cap`` (:meth:`_rung_growth`: a
        round whose runs were all memoised costs nothing, and the growth over it is no prediction:
        census 0012's escape-slope predicted 5604 s for a rung after 20 s in all).  The costlier of
        two, because a round whose rung was made ahead (:meth:`ahead`) or a mid-point rung costs
        little and says nothing of the next deep one (census 0114: rounds of 50 s and 0 s
        alternated, and a prediction of 0 s started a rung 215 s into a 300-s budget).  With one
        round or none, 0: the ladder's first rungs are not predicted away.

        >>> RunMemo._next_round([10.0]), RunMemo._next_round([10.0, 40.0]), RunMemo._next_round([40.0, 0.01])
        (0.0, 160.0, 40.0)
        >>> RunMemo._next_round([0.05, 19.0], cap=(140 / 120) ** 3)
        30.17...
        """
        if len(rounds) < 2:
            return 0.0
        growth = rounds[-1] / rounds[-2] if rounds[-2] > 0 else math.inf
        return max(rounds[-2:]) * min(max(1.0, growth), cap)

    @staticmethod
    def _rung_growth(exps, new) -> float:
        """The most a judgement can grow by adding the rung ``10^-new`` to ``exps``: ``(new / e)^3`` over the
        deepest ``e`` (a rung's horizon grows like ``log(1/lambda)`` and its digits at most like it, a
        step's cost like their square), 1 for a shallower or a mid-point rung.

        >>> RunMemo._rung_growth((10, 20, 30), 45), RunMemo._rung_growth((10, 20, 30), 5)
        (3.375, 1.0)
        """
        if new is None or not exps or new <= exps[-1]:
            return 1.0
        return (new / exps[-1]) ** 3

    def passes_whole_run(self, ahead: float) -> bool:
        """Would a judgement of ``ahead`` predicted seconds pass what is left of the whole-run budget
        (``--max-time``, less the report's reserve)?  Then :meth:`decide` stops with its own note
        (what a decision needs) instead of being cut by the budget with none (census 0114: claim 17
        alone, its ladder deepened to 1e-135 with 247 s of 300 spent and was cut, its 10 rungs lost).

        >>> from types import SimpleNamespace as N
        >>> ctx = RunMemo.__new__(RunMemo)
        >>> ctx.budget = N(remaining=lambda reserve: 40.0 - reserve); ctx.budget_reserve = 5.0
        >>> ctx.passes_whole_run(30.0), ctx.passes_whole_run(36.0)
        (False, True)
        """
        left = self.time_left()
        return left is not None and ahead > left

    def _ladder_note(self, limit, exps, spent, ahead=0.0) -> str:
        """Why :meth:`decide` stopped undecided, what a decision needs, and what to do next
        (``ahead``: the next round's predicted seconds, :meth:`_next_round`)."""
        from .measure import s

        why = (f"time budget of {self.profile.claim_seconds:.0f} s spent" if spent > self.profile.claim_seconds
               else f"time budget of {self.profile.claim_seconds:.0f} s: the next rung, predicted {ahead:.0f} s "
                    f"after {spent:.0f} s, would pass it" if spent + ahead > self.profile.claim_seconds
               else f"{self.budget.describe()}: the next rung, predicted {ahead:.0f} s after {spent:.0f} s of "
                    f"this claim, would pass it" if self.passes_whole_run(ahead)
               else "not deepened (the lambda a decision needs is beyond the square of every profile's "
                    "deepest rung)" if self._hopeless(limit)
               else f"deepest rung 1e-{self.profile.max_exponent} reached (ladder budget)")
        floor = (f"only {len(limit.values)} values resolved above the working precision's floor "
                 f"({self.profile.dps} digits); more digits resolve deeper rungs")
        if limit.lambda_needed is None:
            need = floor
        elif mpmath.mpf(10) ** -exps[-1] <= limit.lambda_needed:
            # the ladder went past the lambda a decision needs: the rungs there sit at the floor
            need = f"a decision needs lambda <= {s(limit.lambda_needed, 3)} resolved, but {floor}"
        else:
            need = f"a decision needs lambda <= {s(limit.lambda_needed, 3)}"
        return f"{why} on lambda = 1e-{exps[0]} .. 1e-{exps[-1]}; {need}: {self.deeper_advice(limit)}"

    def resolution(self, predicted):
        """The band of a limit judgement: ``2^-resolution_bits`` of the profile relative to the
        prediction (at least ``2^-30``), fixed before any measurement (:mod:`.rates`).

        >>> from types import SimpleNamespace as N
        >>> ctx = RunMemo.__new__(RunMemo); ctx.profile = N(resolution_bits=10)
        >>> ctx.resolution(2) == mpmath.mpf(2) / 1024
        True
        """
        return mpmath.ldexp(max(abs(mpmath.mpf(predicted)), mpmath.mpf(2) ** -30), -self.profile.resolution_bits)

    def _hopeless(self, limit) -> bool:
        """Whether no rung of any profile can decide ``limit``: the lambda a decision needs
        (``limit.lambda_needed``, from the correction orders and their fitted coefficients) lies
        below ``10^-(2 E)``, ``E`` the deepest rung of any profile.  The factor 2 in the exponent
        leaves the estimate room to move as rungs are added; past it a deeper rung only spends the
        budget (census 0030: escape-slope needed 1e-12489 and spent its 300 s on 1e-120 .. 1e-160).

        >>> from types import SimpleNamespace as N
        >>> ctx = RunMemo.__new__(RunMemo)
        >>> ctx.profiles = {"q": N(max_exponent=200), "f": N(max_exponent=400)}
        >>> ctx._hopeless(N(lambda_needed=mpmath.mpf("1e-12489"))), ctx._hopeless(N(lambda_needed=mpmath.mpf("1e-700")))
        (True, False)
        """

        need = getattr(limit, "lambda_needed", None)
        deepest = max(p.max_exponent for p in self.profiles.values())
        return need is not None and need < mpmath.mpf(10) ** (-2 * deepest)

    def deeper_advice(self, limit=None) -> str:
        """What a ladder that ran out of budget asks for: a profile with a deeper ladder, or (at the
        deepest) says that none is left (the full profile told its user to rerun with --profile full);
        none either when the lambda a decision needs (``limit.lambda_needed``) lies beyond every
        profile's deepest rung (census 0112: 1e-5116, from a correction order 5e-4, was sent to the
        full profile, whose ladder ends at 1e-400)."""

        deeper = sorted((p for p in self.profiles.values() if p.max_exponent > self.profile.max_exponent),
                        key=lambda p: p.max_exponent)
        need = getattr(limit, "lambda_needed", None)
        if need is not None and deeper and need < mpmath.mpf(10) ** -deeper[-1].max_exponent:
            return (f"no profile reaches it (the deepest rung of any is 1e-{deeper[-1].max_exponent}, "
                    f"--profile {deeper[-1].name}): {UNREACHABLE}")
        if deeper:
            return f"rerun with --profile {deeper[0].name}"
        return f"no deeper profile than {self.profile.name} (its ladder budget is the tool's)"

    def run_defaults(self) -> dict:
        """Keyword defaults of every run: the profile's digits."""
        return {"dps": self.profile.dps}

    #: the second route's engine for runs the first route gives to the key: the full ``(a, W)``
    #: engine is the independent implementation of the reduced one (on separable data the full
    #: engine is the only one; its second route is another Taylor order, which the added digits set)
    OTHER_ENGINE = {"reduced": "full"}
    #: engines the runs of this context are swapped to (``second_route(other_engine=True)``)
    _engine_swap: dict = {}

    def second_route(self, other_engine: bool = False):
        """This context with ``SECOND_ROUTE_DPS`` more working digits in the profile (every run's
        digits follow it) and nothing memoised: the independent rerun that a REFUTED must survive.
        ``other_engine``: every run the first route gave to the reduced engine goes to the full
        engine (:data:`OTHER_ENGINE`); a check whose subject is an engine comparison keeps its
        engines (``Claim.compares_engines``).

        >>> from gfcheck.proofs_check.suites.orthogonal.context import Context
        >>> from gfcheck.proofs_check.suites.orthogonal.suite import default_problem
        >>> ctx = Context(default_problem(), Profile.named("quick"))
        >>> other = ctx.second_route(other_engine=True)
        >>> other.profile.dps - ctx.profile.dps, other._request(None, {"t_end": 1})[1]["engine"]
        (20, 'full')
        """
        prof = dataclasses.replace(self.profile, dps=self.profile.dps + self.SECOND_ROUTE_DPS)
        fresh = {"profile": prof, "_runs": {}, "figure_data": {}, "timings": []}
        other = dataclasses.replace(self, **fresh)
        for name, value in self.__dict__.items():  # the suite, the budget, the exact predictions (same problem)
            if name not in fresh and name not in other.__dict__:
                other.__dict__[name] = value
        other.__dict__.pop("_begun", None)  # the first route's runs begun ahead are not the second's
        other._engine_swap = dict(self.OTHER_ENGINE) if other_engine else {}
        return other

    def route_engines(self, problem=None, requested: str = "auto") -> tuple[str, str]:
        """``(first, used)``: the engine the first route gives a run that asks for ``requested``,
        and the one this context's runs use (the other engine on a swapped second route)."""
        from gfcheck.numeric.integrate import choose_engine

        first = choose_engine(self.problem if problem is None else problem, requested)
        return first, self._engine_swap.get(first, first)

    def ahead(self, requests) -> None:
        """Begin the runs ``requests`` (``(problem, kwargs)`` pairs, as :meth:`run` takes them) on the
        :attr:`spare` processes, in this order; :meth:`run` then waits for one that is running (or
        done) instead of integrating it again, and takes back one still queued to integrate it
        itself (the two processes share the work whatever its order).  Nothing without spare
        processes, nor for a run memoised, cached or begun already.  The runs are deterministic
        functions of their arguments: the report is the same bytes with or without them."""
        if self.spare is None:
            return
        from gfcheck.numeric import integrate

        begun = self.__dict__.setdefault("_begun", {})
        for problem, kwargs in requests:
            problem, kwargs = self._request(problem, kwargs)
            key = self._key(problem, kwargs)
            if key not in self._runs and key not in begun and not self.from_cache(key, problem, kwargs):
                begun[key] = (self.spare.submit(integrate, problem, **kwargs), problem, kwargs)

    def _begun_run(self, key, label):
        """The run under ``key`` that :meth:`ahead` began, or None: none was begun, it was still
        queued (taken back), or it failed (the caller integrates it, and meets the failure itself if
        it is the run's own).  While it runs, the runs still queued are taken back one by one and
        integrated here (both processes work until it is done); then it is waited for."""
        begun = self.__dict__.get("_begun", {})
        future = begun.pop(key, (None,))[0]
        if future is None or self.spare is None or self.spare.withdraw(future):
            return None
        while not future.done() and self._integrate_queued(begun):
            pass
        say = getattr(self, "say", None)
        if say is not None and not future.done():
            say(f"waiting for {label} (begun ahead)")
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - integrated again here, where a real failure is met
            return None

    def _integrate_queued(self, begun) -> bool:
        """Take back the first run of ``begun`` still queued on the spare processes and integrate it
        here; False when none is queued."""
        for key, (future, problem, kwargs) in list(begun.items()):
            if self.spare.withdraw(future):
                del begun[key]
                self._integrate_here(key, problem, kwargs, run_label(problem, kwargs))
                return True
        return False

    def _integrate_here(self, key, problem, kwargs, label) -> None:
        """Integrate ``(problem, kwargs)`` in this process and :meth:`keep` it under ``key``, timed."""
        from gfcheck.numeric import integrate

        t0 = time.perf_counter()
        self.keep(key, problem, kwargs, integrate(problem, **kwargs), (label, time.perf_counter() - t0))

    def run(self, problem=None, **kwargs):
        """``gfcheck.numeric.integrate(problem, **kwargs)``, memoised on its arguments.

        ``problem`` defaults to the context's problem; keyword values must be hashable
        (use tuples for ``times`` and ``watches``); :meth:`run_defaults` and the engine caps
        fill what is not given.  Each integration it starts is told to the progress callback
        ``say`` (when the context has one): the heartbeat then names the rung that runs (lambda,
        digits), not the last ladder message.
        """
        problem, kwargs = self._request(problem, kwargs)
        key = self._key(problem, kwargs)
        if key not in self._runs and not self.from_cache(key, problem, kwargs):
            label = run_label(problem, kwargs)
            say = getattr(self, "say", None)
            if say is not None:
                say(f"integrating {label}")
            begun = self._begun_run(key, label)
            if begun is not None:
                self.keep(key, problem, kwargs, begun, (f"{label} (ahead)", begun.stats.get("seconds") or 0.0))
            else:
                self._integrate_here(key, problem, kwargs, label)
        return self._runs[key]

    def from_cache(self, key, problem, kwargs) -> bool:
        """Memoise the run of ``(problem, kwargs)`` from :attr:`run_cache` (``verify --cache``) under
        ``key``, its timing marked ``(cached)``; False when there is none."""
        stored = self.run_cache.get(problem, kwargs) if self.run_cache is not None else None
        if stored is not None:
            self._runs[key] = stored
            self.timings.append((f"{run_label(problem, kwargs)} (cached)", 0.0))
        return stored is not None

    def keep(self, key, problem, kwargs, run, timing) -> None:
        """Memoise a run just made under ``key``, with its ``(label, seconds)``, and store it in
        :attr:`run_cache` when there is one."""
        self._runs[key] = run
        self.timings.append(timing)
        if self.run_cache is not None:
            self.run_cache.put(problem, kwargs, run)

    def run_to_last(self, problem, times, t_end):
        """The reduced engine's run of ``problem`` sampled at the exact sorted ``times`` (event times, say),
        ending at the last of them rather than at ``t_end`` when that is earlier: the events come before
        the fit, and the rest of a horizon is the settle (census 0030: the last event at t = 50 of 1359).
        Claim 3's event-time tolerances and the float64 path's states at events read it."""
        end = times[-1] if 0 < times[-1] < t_end else t_end
        return self.run(problem, t_end=end, times=tuple(times), engine="reduced", error_estimate=False)

    def made(self, problem=None, **kwargs) -> bool:
        """Whether :meth:`run` holds this request already (no integration needed to answer it)."""
        problem, kwargs = self._request(problem, kwargs)
        return self._key(problem, kwargs) in self._runs

    @staticmethod
    def _key(problem, kwargs) -> tuple:
        """The memo key of a run request (its arguments filled in by :meth:`_request`)."""
        return problem, tuple(sorted(kwargs.items()))

    def _request(self, problem, kwargs):
        """The problem and keyword arguments of a run, with the context's defaults filled in."""
        problem = self.problem if problem is None else problem
        kwargs = dict(kwargs)
        for k, v in {**self.run_defaults(), **self.caps}.items():
            kwargs.setdefault(k, v)
        if self._engine_swap:  # the second route on the other engine
            kwargs["engine"] = self.route_engines(problem, kwargs.get("engine", "auto"))[1]
        return problem, kwargs
