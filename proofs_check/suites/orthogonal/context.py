"""The orthogonal suite's context: the problem, the profile, the shared lambda ladder of the
reduced engine, and the exact predictions of the first paper (:class:`gfcheck.symbolic.assumptions.Facts`).

The generic machinery (the memo of runs, the ladder's deepening, profiles) is
:class:`gfcheck.proofs_check.core.context.RunMemo`; the horizons and watches of the square-loss
flow are :mod:`gfcheck.numeric.horizons` (shared with the separable suite's square-loss companion).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import mpmath

from gfcheck.numeric.precision import Precision, to_mpf
from gfcheck.proofs_check.core.context import (Profile, RunMemo, log10_inverse, mpf_to_fraction, run_label,
                                               with_scale)
from gfcheck.symbolic.assumptions import Facts

__all__ = ["Context", "SETTLE_CLAIMS"]

#: the claims that read the limit (the end of a run through the settle, :meth:`Context.ladder_run`);
#: every other claim reads the saddle-to-saddle phase (:meth:`Context.escape_run`) or runs of its own
SETTLE_CLAIMS = frozenset({"convergence", "variation-norm", "limit-function", "relu-prime-convention"})


@dataclass
class Context(RunMemo, Facts):
    """The problem, the profile, the shared runs and the figure data of one ``verify``; its exact
    predictions ``data`` and ``neurons`` are those of :class:`gfcheck.symbolic.assumptions.Facts`
    (the context is what the claims' hypotheses are decided on)."""

    problem: object
    profile: Profile
    figure_data: dict = field(default_factory=dict)
    _runs: dict = field(default_factory=dict, repr=False)
    say: object = field(default=None, repr=False)  # progress callback: say(message)
    caps: dict = field(default_factory=dict)  # engine caps for every run (``max_events``), from the CLI
    #: where the time goes: one ``(label, seconds)`` per integration actually run (``timings.json``)
    timings: list = field(default_factory=list, repr=False)

    #: computed once before the claims are forked (:attr:`SuiteContext.shared_predictions`)
    shared_predictions = ("data", "neurons", "early_phase")
    #: run after the others, with the settle rungs prefetched for them (:attr:`SuiteContext.late_claims`)
    late_claims = SETTLE_CLAIMS
    #: started first in their stage: their own runs (claim 16's variants through the settle, the
    #: precise crossings, the middle plateau's digits) are the longest (census 0004, 0005)
    first_claims = ("assumption-violations", "refined-escape-time", "plateaus")
    #: claim 16 reads none of the shared runs and its own are the longest: with limit claims to run it
    #: overlaps them (census 0004: in the first stage it held the barrier for 150 s while the other
    #: worker idled, and the limit claims were cut by the budget); without, it runs alone with a
    #: spare process for its runs (census 0103)
    late_companions = frozenset({"assumption-violations"})

    @cached_property
    def early_phase(self):
        """:func:`gfcheck.symbolic.predictions.early_phase` of the problem (the closed form of the
        early phase at lambda = 1, exact)."""
        from gfcheck.symbolic.predictions import early_phase

        return early_phase(self.problem)

    def weights_at(self, scale, state):
        """``W`` (m rows of d mpf) of a reduced state at ``lambda = scale``: the state's own, or
        rebuilt from ``u`` and the frozen out-of-span part."""
        if state.W is not None:
            return [list(r) for r in state.W]
        from gfcheck.numeric import weights_from

        return [list(r) for r in weights_from(with_scale(self.problem, scale), state)]

    def prefetch_requests(self) -> list:
        """``[(problem, kwargs)]`` that :meth:`prefetch` integrates: the ladder's rungs without their
        settle (:meth:`escape_run`), the whole rungs (:meth:`ladder_run`) when a claim that reads
        the limit is to run (:data:`SETTLE_CLAIMS` in ``claims_to_run``, every claim when it is
        None), then the engine pair; each once.  Not the runs a claim declares (``Claim.runs``): put
        here, claim 16's variants through the settle, the longest runs, went first and held the
        limit claims back (census 0013: four of them cut by the budget instead of none)."""
        from .claims_exact import engines_pair_requests

        scales = self.profile.scales
        settle = self.claims_to_run is None or not SETTLE_CLAIMS.isdisjoint(self.claims_to_run)
        requests = ([self.escape_request(scale) for scale in scales]
                    + ([self.ladder_request(scale) for scale in scales] if settle else [])
                    + engines_pair_requests(self))
        return [r for i, r in enumerate(requests) if r not in requests[:i]]  # a shallow rung's two are one

    def prefetch(self, executor, seconds=None) -> float:
        """Integrate the shared runs on ``executor`` (a ``concurrent.futures.Executor``, e.g. a process
        pool on the other core) and memoise them: every rung of the ladder under the problem's ReLU'(0)
        convention, and the first rung's engine pair of claims 3, 4, 18 and 19
        (:func:`.claims_exact.engines_pair_requests`); the claims then find them done.  The runs are
        deterministic functions of their arguments, so the report is the same bytes with or without
        it.  The longest runs go first (:func:`_expected_cost`): the two cores then end together
        (census 0030: the deepest whole rung, 102 s, came last and ran alone for a minute).  It
        waits at most ``seconds`` (default ``profile.claim_seconds``): a run not done by then is left
        to the claims, which run under their own time bounds.  Returns the wall time it took."""

        t0 = time.perf_counter()
        if not self.problem.is_orthogonal():
            return 0.0  # the ladder is the reduced engine's: the claims say OUTSIDE_ASSUMPTIONS
        deadline = t0 + (self.profile.claim_seconds if seconds is None else seconds)
        whole = {}  # the whole rungs that continue their escape runs, by request
        for scale in self.profile.scales:
            problem, kwargs = self.ladder_request(scale)
            first = self.continued_from(scale, problem, 240)
            if first is not None:
                whole[self._key(problem, kwargs)] = first
        requests, continued = [], []
        for problem, kwargs in self.prefetch_requests():
            first = whole.get(self._key(problem, kwargs))
            (continued if first is not None else requests).append((problem, kwargs, first))
        # round 1: every run from t = 0 (the escape runs among them); round 2: the whole rungs, each
        # continuing its escape run (census 0012: 55 s of the 338 s of integrations were escape parts again)
        self._prefetch_round(executor, [(p, k) for p, k, _ in requests], deadline)
        second = []
        for problem, kwargs, first in continued:
            esc = self._runs.get(self._key(*self._request(*first)))
            if esc is not None:
                second.append(self.continuation_request(esc, problem, kwargs))
        self._prefetch_round(executor, second, deadline)
        return time.perf_counter() - t0

    def _prefetch_round(self, executor, requests, deadline) -> None:
        """Integrate ``requests`` (``(problem, kwargs)``) on ``executor``, the longest first
        (:func:`_expected_cost`), and memoise those done by ``deadline``."""
        from gfcheck.numeric import integrate

        jobs = {}
        for request in sorted(requests, key=_expected_cost, reverse=True):
            problem, kwargs = self._request(*request)
            key = self._key(problem, kwargs)
            if key in self._runs or key in jobs or self.from_cache(key, problem, kwargs):
                continue
            jobs[key] = (executor.submit(integrate, problem, **kwargs), problem, kwargs)
        for key, (future, problem, kwargs) in jobs.items():
            try:
                run = future.result(timeout=max(deadline - time.perf_counter(), 0.01))
            except Exception:  # noqa: BLE001 - a failed or late run is left to the claim that needs it
                continue
            self.keep(key, problem, kwargs, run,
                      (f"{run_label(problem, kwargs)} (prefetched)", run.stats.get("seconds") or 0.0))

    @cached_property
    def settle_rate(self) -> float:
        """The slowest local rate of the residuals at the predicted interpolator (one balanced neuron
        per sign group ``s``, ``a^2 = ||beta_s||``, ``w`` along ``beta_s = sum_{k in S_s} y_k x_k / ||x_k||^2``):
        the smallest eigenvalue of ``M_s = (D_s + v_s v_s^T) / n`` with ``D_s = diag(||beta_s|| ||x_k||^2)``
        (the output weights' gradient) and ``v_k = |y_k| / sqrt(||beta_s||)`` (the neuron's
        activations, through ``da/dt``), from ``dr_k/dt = -(1/n) sum_l (relu(u_k) relu(u_l) +
        a^2 ||x_k||^2 [k = l]) r_l`` (docs/suites/orthogonal.md 9.12).  It lies between ``rho_min = min_k
        D_kk / n`` (the former estimate) and twice it; a group of one point has ``2 |y_k| ||x_k|| / n``
        exactly (census 0001: the fit crossed at t = 972 of a horizon of 4049 built on ``rho_min``;
        the loss fell at 0.046 = 2 rho_min).  A float: a horizon is a bound only.

        >>> from gfcheck.proofs_check.suites.orthogonal.suite import default_problem
        >>> ctx = Context(default_problem(), Profile.named("quick"))
        >>> ctx.rho_min <= ctx.settle_rate <= 2 * ctx.rho_min
        True
        """
        from gfcheck.numeric.horizons import settle_rate

        return settle_rate(self)

    @cached_property
    def rho_min(self) -> float:
        """``min_k ||beta_s(k)|| ||x_k||^2 / n``: a lower bound of :attr:`settle_rate` (the diagonal of its
        matrices), the settle rate of the conservative horizon."""
        from gfcheck.numeric.horizons import rho_min

        return rho_min(self)

    def horizon(self, scale, s_max=None, *, settle: str = "conservative") -> Fraction:
        """Integer horizon past the fit at scale ``lambda``:

        ``T = ceil(5/4 s_max log(1/lambda) + max(60 s_max, (b log 2 + 10) / rho))`` with
        ``s_max = n / min ||D_+-||`` (the slower escape happens at ``s_max log(1/lambda) + O(1)``,
        digest 4.2) and ``rho`` the slowest local rate near the interpolator (digest 9.12): the
        residual must fall by ``2^(-b/2)`` after the fit (the fit level ``L(0) 2^-b``), with a factor 2
        for the rate's being an estimate.  ``settle``: ``"conservative"`` takes ``rho`` =
        :attr:`rho_min`; ``"predicted"`` the predicted interpolator's :attr:`settle_rate` (up to twice
        as fast; the ladder checks that its runs settled, :meth:`ladder_run`); ``"none"`` leaves the
        settle out, :meth:`escape_horizon` (what the claims on the saddle-to-saddle phase read,
        :meth:`escape_run`).  ``s_max`` overrides the slowest escape slope (claim 16: incremental
        learning without A3).
        """
        from gfcheck.numeric.horizons import square_horizon
        from gfcheck.numeric.precision import bits_for_dps

        if settle == "none":
            return self.escape_horizon(scale)
        rho = {"conservative": self.rho_min, "predicted": self.settle_rate}[settle]
        return square_horizon(self, scale, bits_for_dps(self.profile.dps), s_max=s_max, rho=rho)

    def probe_times(self, scale) -> dict:
        """Exact rational probe times at ``lambda = scale`` (``L = log(1/lambda)``):

        ``align``: ``(1/2) n L / max ||D_+-||`` (digest 9.8, eps = 1/2, the fastest group);
        ``plateau0``: ``s_1 L / 2``;
        ``plateau_mid``: ``(s_1 + s_2) L / 2`` with ``s_1 < s_2`` the escape slopes (9.11).
        The irrational times are rounded to rationals at 200 bits; predictions are evaluated
        at the rounded time itself.
        """
        import mpmath

        from gfcheck.numeric.precision import to_mpf

        with Precision.of_bits(200).scope():
            L = -mpmath.log(to_mpf(Fraction(scale)))
            slopes = sorted(to_mpf(v) for v in (self.data.escape_slope_plus,
                                                self.data.escape_slope_minus) if v is not None)
            # the alignment probe (digest 9.8 with eps = 1/2) is taken relative to the *fastest* group,
            # n L / (2 max ||D_+-||): the digest's n L / (2 ||D_+||) lies after the negative group's
            # escape when ||D_-|| > 2 ||D_+|| (docs/verdicts.md): the linear regime it assumes is over
            out = {"plateau0": slopes[0] * L / 2, "align": slopes[0] * L / 2}
            if len(slopes) == 2:
                out["plateau_mid"] = (slopes[0] + slopes[1]) * L / 2
            return {k: mpf_to_fraction(v) for k, v in out.items()}

    def ladder_run(self, scale, *, relu_prime_at_zero=None, grid: int = 240):
        """The canonical run at ``lambda = scale`` shared by the asymptotic claims.

        Integrates to :meth:`horizon`, samples ``grid + 1`` equally spaced exact times plus
        the :meth:`probe_times` (``run.samples`` in time order; ``ctx.sample_at(run, t)``), and
        watches the half-fit of each sign group (``LossWatch`` ``"half_+"``/``"half_-"``:
        first time ``L_+- <= L_+-(0)/2``), the fit (``"fit"``: ``L <= L(0) 2^-b`` with ``b``
        the requested bits: the residual at the square root of the working precision) and each
        group's fit at that level (``"fit_+"``/``"fit_-"``: ``L_+- <= L(0) 2^-b``).
        ``relu_prime_at_zero`` overrides the problem's convention (claim 17 compares 0 with 1).

        The horizon settles at the predicted interpolator's rate (``horizon(settle="predicted")``);
        a run whose loss still moves by more than ``L(0) 2^-2b`` over the last step of its grid (the
        residual not yet at the working precision: the limit is not the predicted one) is run again
        to the conservative horizon, which is what the claims then see.
        """
        run = self._whole_run(scale, relu_prime_at_zero, grid, "predicted")
        if not self.settled(run, scale):
            run = self._whole_run(scale, relu_prime_at_zero, grid, "conservative")
        return run

    def _whole_run(self, scale, relu_prime_at_zero, grid, settle):
        """The run of :meth:`ladder_request` (``settle``), made as the escape run followed by its
        continuation (:meth:`continuation_request`) where there is one, else from ``t = 0``;
        memoised under the whole request either way."""
        problem, kwargs = self.ladder_request(scale, relu_prime_at_zero=relu_prime_at_zero, grid=grid, settle=settle)
        first = self.continued_from(scale, problem, grid)
        filled = self._request(problem, kwargs)
        if first is None or filled[1].get("engine") != "reduced":  # the full engine's second route: from t = 0
            return self.run(problem, **kwargs)
        key = self._key(*filled)
        if key not in self._runs:
            esc = self.run(first[0], **first[1])
            then_problem, then_kwargs = self.continuation_request(esc, problem, kwargs)
            self._runs[key] = esc.joined(self.run(then_problem, **then_kwargs))
        return self._runs[key]

    def continued_from(self, scale, problem, grid):
        """``(problem, kwargs)`` of the escape run that the whole rung at ``lambda = scale`` (of
        ``problem``) continues, or None: when the escape horizon is the shorter and the convention
        is the escape run's and ReLU'(0) = 0 (a state does not record a coordinate active at 0).
        The escape part of a census-size rung is 30-50% of it (census 0012 at 1e-100: 7.8 s of
        14.7 s), and the claims on the saddle-to-saddle phase have made it already."""
        if problem.relu_prime_at_zero != 0 or not self._escape_is_shorter(scale):
            return None
        escape = self.escape_request(scale, grid=grid)
        return escape if escape[0] == problem else None

    @staticmethod
    def continuation_request(esc, problem, kwargs):
        """``(problem, kwargs)`` of the run that continues the escape run ``esc`` to the whole
        request ``kwargs``: from its final state at its horizon, the samples after it, the watches
        it did not cross (the crossing times are located on the continuation's own steps)."""
        from gfcheck.numeric import State

        t0 = mpf_to_fraction(esc.final.t)
        return problem, dict(kwargs, times=tuple(t for t in kwargs["times"] if t > t0),
                             watches=tuple(w for w in kwargs["watches"] if esc.crossings.get(w.name) is None),
                             start=State(t0, esc.final.a, esc.final.U))

    def escape_horizon(self, scale, sign=None) -> Fraction:
        """``ceil(5/4 s log(1/lambda) + 60 s)``: the ladder horizon without its settle term
        (:meth:`horizon`), past the half fit of the group ``sign`` (its slope ``s = n/||D||``), or of
        both (``s_max``, the default)."""
        from gfcheck.numeric.horizons import escape_horizon

        return escape_horizon(self, scale, sign)

    def escape_run(self, scale, *, grid: int = 240):
        """The run at ``lambda = scale`` of the claims on the saddle-to-saddle phase (growth, escapes,
        plateaus, their figures): :meth:`ladder_run` without its settle, to :meth:`escape_horizon`
        ``ceil(5/4 s_max log(1/lambda) + 60 s_max)``, the same grid of ``grid + 1`` times over its
        own horizon, the probe times and the watches.

        Falls back to the ladder run when a nonempty group's half-fit watch did not cross by then
        (the rule depends on this run alone, so a claim reads the same run whatever else ran).  The
        settle is most of a ladder run on census-size problems (census 0030, lambda = 1e-10: the
        half fit at t = 18.5, the horizon at 1359, a stiff settle at a steady 2.4 Taylor steps per
        unit of time), and only the claims on the limit read it (:data:`SETTLE_CLAIMS`).  The
        crossing times are the ladder run's own numbers: the steps before the last one do not
        depend on the horizon, the samples or the watches (``tests/proofs_check/core/test_context.py``).
        """
        if not self._escape_is_shorter(scale):
            return self.ladder_run(scale, grid=grid)
        problem, kwargs = self.ladder_request(scale, grid=grid, settle="none")
        run = self.run(problem, **kwargs)
        if any(run.crossings.get(w.name) is None for w in self.half_watches()):
            return self.ladder_run(scale, grid=grid)
        return run

    def _escape_is_shorter(self, scale) -> bool:
        """Does :meth:`escape_horizon` end before the ladder's (predicted) horizon at ``lambda = scale``?"""
        return self.escape_horizon(scale) < self.horizon(scale, settle="predicted")

    def escape_request(self, scale, *, grid: int = 240):
        """``(problem, kwargs)`` of :meth:`escape_run` (the ladder's when its horizon is the shorter)."""
        return self.ladder_request(scale, grid=grid, settle="none" if self._escape_is_shorter(scale) else "predicted")

    def settled(self, run, scale, problem=None) -> bool:
        """Whether the loss of ``run`` (at ``lambda = scale``) changed by at most ``L(0) 2^-2b`` between
        its last two samples (``b`` the profile's bits): past that the residual is below the working precision, so a
        longer run would not move what the claims read from its end.  ``problem``: a variant of the
        context's problem that ``run`` integrated (claim 16's), default the problem itself."""
        from gfcheck.numeric import weights_from
        from gfcheck.numeric.precision import bits_for_dps
        from gfcheck.proofs_check.core.measure import loss

        if len(run.samples) < 2:
            return False
        p = self.problem if problem is None else problem
        L0 = sum(v ** 2 for v in p.labels) / (2 * p.n)
        with run.precision.scope():
            last = [loss(p, self.weights_at(scale, st) if problem is None else weights_from(with_scale(p, scale), st),
                         st.a) for st in run.samples[-2:]]
            return abs(last[1] - last[0]) <= to_mpf(L0) / mpmath.mpf(2) ** (2 * bits_for_dps(self.profile.dps))

    def ladder_request(self, scale, *, relu_prime_at_zero=None, grid: int = 240, settle: str = "predicted"):
        """``(problem, kwargs)`` of :meth:`ladder_run` (what :meth:`prefetch` submits); with
        ``settle="none"``, of :meth:`escape_run`."""
        from gfcheck.numeric import LossWatch

        p = with_scale(self.problem, scale)
        if relu_prime_at_zero is not None:
            p = dataclasses.replace(p, relu_prime_at_zero=int(relu_prime_at_zero))
        from gfcheck.numeric.precision import bits_for_dps

        T = self.horizon(scale, settle=settle)
        probes = [t for t in self.probe_times(scale).values() if t < T]
        times = tuple(sorted(set([T * i / grid for i in range(grid + 1)] + probes)))
        y = self.problem.labels
        n = self.problem.n
        halves = self.half_watches()
        level = sum(v ** 2 for v in y) / (2 * n) / Fraction(2) ** bits_for_dps(self.profile.dps)
        watches = [*halves, LossWatch("fit", frozenset(range(n)), level)]
        # each group's own fit (claim 12: the groups settle independently, the whole at the later)
        watches += [LossWatch("fit_" + w.name[len("half_"):], w.points, level) for w in halves]
        return p, dict(t_end=T, times=times, watches=tuple(watches), engine="reduced",
                       error_estimate=False, dps=self.ladder_dps(scale))

    def half_watches(self) -> tuple:
        """``LossWatch`` ``"half_+"``/``"half_-"``: the first time ``L_+- <= L_+-(0)/2`` (the
        half fit of each nonempty sign group)."""
        from gfcheck.numeric.horizons import half_fit_watches

        return half_fit_watches(self)

    def ladder_dps(self, scale) -> int:
        """Digits for the run at ``lambda = scale``: the profile's plus ``log10(1/lambda)/5``.

        Measured: at 30 digits the reduced engine locates the half-fit crossing of the default
        problem to 1.7e-17 at lambda = 1e-100 (and to 4.6e-26 at 40 digits): about
        ``log10(1/lambda)/7`` digits are lost over the long plateau, so the ladder adds a fifth.
        """

        return self.profile.dps + math.ceil(log10_inverse(scale) / 5)

    def rung_dps(self, e: int, order) -> int:
        """Digits for a quantity of order ``lambda^order`` at ``lambda = 10^-e``: the profile's
        digits resolve it relative to ``lambda^order``, so the rung adds ``ceil(order e)``
        (the early phase's ``lambda^2`` adds ``2e``; the middle plateau's ``lambda^0.74``, ``0.74 e``)."""

        return self.profile.dps + math.ceil(float(order) * e)


def _expected_cost(request) -> float:
    """A run's cost relative to others of one problem, to order the prefetch: ``t_end dps^2`` (a
    Taylor step's cost grows like its order times its digits, both ``~ dps``; the steps per unit
    of time settle to a constant), three times that on the full engine (measured on census
    0030: 4.7 s against 1.7 s on the same horizon)."""
    _, kwargs = request
    dps = kwargs.get("dps") or 30
    return float(kwargs["t_end"]) * dps ** 2 * (3 if kwargs.get("engine") == "full" else 1)
