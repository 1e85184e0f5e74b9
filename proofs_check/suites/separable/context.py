"""What the ``separable`` suite's checks receive: the problem, its two-direction data, a ladder
in the initialisation scale kappa, shared (memoised) runs of the full engine, and the kappa-free
limit orbit.

The model is the separable two-direction model (reconstructed after Wang and Ma 2023),
``docs/suites/separable.md``: copies of two unit inputs ``x_+`` (label +1, class weight ``p``) and
``x_-`` (label -1) at the angle ``Delta``, exponential or logistic loss, balanced initialisation
at scale kappa (the problem's ``scale``).  :func:`two_direction_data` decides whether a problem
has that form; claims that need it, or assumption (A1) ``p cos Delta > 1 - p``, are
OUTSIDE_ASSUMPTIONS otherwise, with the reason and the witness (:meth:`SepContext.outside`).

The ladder: ``kappa = 10^-e`` for ``e`` in the profile's ``exponents`` (quick: 4..16 in steps of
2; full: 4..24).  Every rung integrates the full engine once, past the predicted escape time,
with the probes every claim needs at *predicted* times (never times read off the run judged):

* ``T_pred(theta_0) + tau`` for the offsets ``tau`` of the limit orbit
  (:mod:`.orbit`), with ``T_pred`` the closed form of ``docs/suites/separable.md`` section 5
  (``S_+`` from the initial condition) plus the orbit's nonlinear offset ``delta(theta_0)``;
* ``t_kappa +- 1`` with ``t_kappa = log(1/kappa) / (2 eta r_+)`` for the growth rates (the middle of
  the linear phase, where the transient and the nonlinearity are both ``O(kappa)``);
* ``T_I``, the kappa-free condensation time of the positive survivors
  (:meth:`SepContext.condensation_times`, from the initial condition);
* the angular-speed stencils ``c +- h`` (``h`` in :data:`SPEED_STEPS`) around three predicted
  times ``c`` between the re-activation and the deactivation (:meth:`SepContext.speed_centres`);
* watches ``"f+"`` (``f(x_+) = theta_0``) and ``"f-"`` (``f(x_-) = -theta_0``).

>>> from gfcheck.numeric.examples import separable_problem
>>> d = two_direction_data(separable_problem())
>>> d.p, d.cos_delta, d.n_plus
(Fraction(7, 10), Fraction(2550401, 2563201), 7)
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import mpmath

from gfcheck.numeric.precision import JUDGED, PRINTED, Precision
from gfcheck.proofs_check.core.context import Profile, RunMemo, mpf_to_fraction, with_scale

__all__ = ["SepContext", "SepData", "two_direction_data", "PROFILES", "THETA0", "T_I_DELTA", "SPEED_STEPS",
           "SPEED_AT", "loss_factor", "half_angle_tan"]

#: the output level that marks an escape: ``f(x_+) = theta_0`` (saddle escape, digest check 5),
#: ``f(x_-) = -theta_0`` (plateau escape, digest check 9)
THETA0 = Fraction(1, 100)

#: the angular tolerance of the condensation time ``T_I(delta)`` (digest check 3: 0.02 rad)
T_I_DELTA = Fraction(1, 50)

#: the finite-difference steps of the angular-speed identity (claim 7), coarse to fine
SPEED_STEPS = tuple(Fraction(1, 2 ** k) for k in range(4, 9))

#: where the identity is sampled: these fractions of the way from the re-activation to the
#: deactivation on the limit orbit (the positive cluster active on both points, no event near)
SPEED_AT = (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))

#: the kappa ladders (kappa = 10^-e): exponents, digits
PROFILES = {
    "quick": Profile("quick", (4, 6, 8, 10, 12, 14, 16), dps=30, max_exponent=20, claim_seconds=300.0,
                     run_seconds=300.0),
    "full": Profile("full", (4, 5, 6, 8, 10, 12, 14, 16, 20, 24), dps=40, max_exponent=24,
                    claim_seconds=1200.0, resolution_bits=14, run_seconds=3600.0),
}


def loss_factor(loss: str) -> Fraction:
    """``eta = -ell'(0)``: 1 (exponential), 1/2 (logistic); every early rate carries it."""
    return Fraction(1) if loss == "exponential" else Fraction(1, 2)


@dataclass(frozen=True)
class SepData:
    """The two-direction form of a problem (exact where the data are).

    ``plus``/``minus``: the indices of the copies of ``x_+``/``x_-``; ``p = n_+/n``;
    ``cos_delta = <x_+, x_->``; ``a1``: (A1) ``p cos Delta > 1 - p``.
    """

    x_plus: tuple
    x_minus: tuple
    plus: tuple
    minus: tuple
    p: Fraction
    cos_delta: Fraction

    @property
    def n_plus(self) -> int:
        return len(self.plus)

    @property
    def a1(self) -> bool:
        return self.p * self.cos_delta > 1 - self.p


def _unit(x) -> bool:
    return sum((v * v for v in x), Fraction(0)) == 1


def _distinct_inputs(X) -> list:
    """The index of the first point of each distinct input, in order."""
    dirs = []
    for k, x in enumerate(X):
        if not any(x == X[i] for i in dirs):
            dirs.append(k)
    return dirs


def _label_refusal(X, y, i0, i1):
    """``(reason, witness)`` when the two directions (first at points ``i0``, ``i1``) do not carry
    one label each, +1 and -1; None else."""
    for k, x in enumerate(X):
        ref = i0 if x == X[i0] else i1
        if y[k] != y[ref]:
            return "each direction must carry one label", f"points {ref} and {k} coincide with labels {y[ref]}, {y[k]}"
    if y[i0] == y[i1]:
        return "the two directions must carry the labels +1 and -1", f"both directions are labelled {y[i0]}"
    return None


def _balance_refusal(problem):
    """``(reason, witness)`` when a given output weight is not the balanced ``a_j(0) = s_j lambda
    ||g_j||``; None else."""
    if problem.output_weights is not None:
        for j, (s, g, a) in enumerate(zip(problem.signs, problem.directions, problem.output_weights)):
            if a * a != problem.scale ** 2 * sum((v * v for v in g), Fraction(0)) or a * s < 0:
                return ("the survivor rule and the rates assume a balanced start a_j(0) = s_j ||w_j(0)||",
                        f"neuron {j}: a_j(0) = {a}")
    return None


def two_direction_data(problem):
    """:class:`SepData`, or ``(reason, witness)`` when the problem is not of the two-direction
    form: a classification loss, labels +1/-1, exactly two directions up to positive multiples
    (one per label), unit inputs, balanced initialisation, ReLU'(0) = 0."""
    if problem.loss not in ("exponential", "logistic"):
        return ("the separable model is stated for the exponential and logistic losses",
                f"loss {problem.loss!r}")
    if problem.relu_prime_at_zero != 0:
        return "the sliding rule of the model is stated for ReLU'(0) = 0", "relu_prime_at_zero = 1"
    X, y = problem.inputs, problem.labels
    for k, x in enumerate(X):
        if not _unit(x):
            return ("the model is stated for copies of two unit inputs",
                    f"||x_{k}||^2 = {sum((v * v for v in x), Fraction(0))}")
    dirs = _distinct_inputs(X)
    if len(dirs) != 2:
        return ("the model needs exactly two input directions (up to positive multiples)",
                f"{len(dirs)} distinct directions, first at points {dirs[:3]}")
    i0, i1 = dirs
    refused = _label_refusal(X, y, i0, i1) or _balance_refusal(problem)
    if refused:
        return refused
    ip, im = (i0, i1) if y[i0] > 0 else (i1, i0)
    plus = tuple(k for k in range(len(X)) if X[k] == X[ip])
    minus = tuple(k for k in range(len(X)) if X[k] == X[im])
    cos = sum((a * b for a, b in zip(X[ip], X[im])), Fraction(0))
    if cos < 0:
        return ("the model needs 0 < Delta <= pi/2 (a nonnegative cosine)", f"<x_+, x_-> = {cos}")
    return SepData(X[ip], X[im], plus, minus, Fraction(len(plus), len(X)), cos)


@dataclass
class SepContext(RunMemo):
    """The problem, the kappa ladder and the shared runs of one ``verify --suite separable``."""

    #: computed once before the claims are forked (:attr:`SuiteContext.shared_predictions`)
    shared_predictions = ("data",)

    problem: object
    profile: Profile
    figure_data: dict = field(default_factory=dict)
    _runs: dict = field(default_factory=dict, repr=False)
    say: object = field(default=None, repr=False)
    caps: dict = field(default_factory=dict)
    timings: list = field(default_factory=list, repr=False)

    profiles = PROFILES

    def __post_init__(self) -> None:
        name = getattr(self.profile, "name", self.profile)
        if name in PROFILES:  # the orthogonal profile of the same name -> the kappa ladder
            self.profile = PROFILES[name]

    # -- the data and the exact constants --------------------------------------------------------
    @cached_property
    def data(self):
        return two_direction_data(self.problem)

    def outside(self, *, need_a1: bool = True, need_escape: bool = True):
        """``None`` when the claim applies, else a pair of OUTSIDE_ASSUMPTIONS verdicts: the data are
        not two directions, (A1) fails (``need_a1``), or no positive neuron is active on ``x_+`` at
        ``t = 0`` (``need_escape``, :meth:`no_escape`)."""
        from gfcheck.proofs_check.core.verdicts import Verdict

        d = self.data
        stuck = need_escape and self.no_escape()
        if isinstance(d, tuple):
            reason, witness = d
        elif stuck:
            return stuck
        elif need_a1 and not d.a1:
            reason = "assumption (A1) p cos Delta > 1 - p fails: no linear phase and no plateau"
            with PRINTED.scope():
                cos = _q(d.cos_delta)
                witness = (f"p = {d.p}, cos Delta = {mpmath.nstr(cos, 12)}"
                           f", p cos Delta - (1 - p) = {mpmath.nstr(_q(d.p * d.cos_delta - 1 + d.p), 6)}")
        else:
            return None
        v = Verdict("OUTSIDE_ASSUMPTIONS", "-", "-", "-", "-", {"reason": reason, "witness": witness})
        return v, v

    def no_escape(self):
        """A pair of OUTSIDE_ASSUMPTIONS verdicts when no positive neuron is active on ``x_+`` at
        ``t = 0``, else ``None``.  Then ``S_+ = 0``: a positive neuron with ``u_j <= 0`` only moves
        along ``-x_-`` (``u_j' = -M a_j cos Delta <= 0``), so none ever activates on ``x_+``,
        ``f(x_+) <= 0`` for all time, and no phase of the flow happens (every horizon of the ladder is
        the escape time ``T(f(x_+) = theta_0)``, which does not exist).  A generated problem of the
        suite's own ``dataset`` (n = 4, m = 8, seeded directions) crashed ten claims on ``S_+ = 0``
        and refuted claim 10 on predictions of 0.

        >>> from gfcheck.numeric.examples import separable_problem
        >>> SepContext(separable_problem(), PROFILES["quick"]).no_escape() is None
        True
        """
        from gfcheck.proofs_check.core.verdicts import Verdict

        d = self.data
        if isinstance(d, tuple):
            return None
        pos = positive_preactivations(self.problem, self.problem.inputs[d.plus[0]])
        if any(u > 0 for _, u in pos):
            return None
        listed = ", ".join(f"u_{j}(0) = {u}" for j, u in pos[:6])
        listed += f" and {len(pos) - 6} more" if len(pos) > 6 else ""
        v = Verdict("OUTSIDE_ASSUMPTIONS", "-", "-", "-", "-", {
            "reason": "no positive neuron is active on x_+ at t = 0 (S_+ = 0): f(x_+) never grows, so no phase of "
                      "the flow happens and the ladder's horizon T(f(x_+) = theta_0) does not exist",
            "witness": f"the positive neurons' u_j(0) = <g_j, x_+>: {listed or 'there is no positive neuron'}"})
        return v, v

    @property
    def eta(self) -> Fraction:
        return loss_factor(self.problem.loss)

    @cached_property
    def constants(self) -> dict:
        """``symbolic.separable.constants`` evaluated at 50 digits (mpf): r_+, r_-, gamma*,
        the angles (from the bisector), with ``eta`` and ``Delta``."""
        import sympy as sp

        from gfcheck.symbolic.separable import constants

        d = self.data
        Delta = sp.acos(sp.Rational(d.cos_delta.numerator, d.cos_delta.denominator))
        k = constants(sp.Rational(d.p.numerator, d.p.denominator), Delta)
        with Precision.digits(50).scope():
            out = {name: mpmath.mpf(str(sp.N(v, 50))) for name, v in k.items() if name != "A1"}
            out["Delta"] = mpmath.mpf(str(sp.N(Delta, 50)))
        return out

    def const(self, name):
        return +self.constants[name]

    @cached_property
    def frame(self):
        """Unit vectors ``(e_1, e_2)``: the bisector of ``x_+, x_-`` and the direction towards
        ``x_+`` (``x_+ = cos(Delta/2) e_1 + sin(Delta/2) e_2``), as mpf lists at 50 digits."""
        d = self.data
        with Precision.digits(50).scope():
            xp = [mpmath.mpf(v.numerator) / v.denominator for v in d.x_plus]
            xm = [mpmath.mpf(v.numerator) / v.denominator for v in d.x_minus]
            s = [a + b for a, b in zip(xp, xm)]
            t = [a - b for a, b in zip(xp, xm)]
            ns, nt = mpmath.sqrt(mpmath.fsum(v * v for v in s)), mpmath.sqrt(mpmath.fsum(v * v for v in t))
            return [v / ns for v in s], [v / nt for v in t]

    def angle(self, w):
        """The in-plane angle of ``w`` from the bisector (``x_+`` at ``+Delta/2``)."""
        e1, e2 = self.frame
        return mpmath.atan2(mpmath.fsum(a * b for a, b in zip(w, e2)), mpmath.fsum(a * b for a, b in zip(w, e1)))

    @cached_property
    def orbit(self):
        """The kappa-free limit orbit (:func:`.orbit.limit_orbit`)."""
        from .orbit import limit_orbit

        d = self.data
        return limit_orbit(float(d.p), float(d.cos_delta), self.problem.loss, float(THETA0))

    # -- the initial condition: survivors and S_+ (exact, kappa = 1) ----------------------------
    def initial_uv(self, scale=1):
        """``(a_j, u_j, v_j, w_j)`` at ``t = 0`` for ``kappa = scale`` (mpf, current precision)."""
        from gfcheck.numeric.precision import to_mpf

        d, P = self.data, self.problem
        out = []
        for s, g in zip(P.signs, P.directions):
            w = [to_mpf(Fraction(scale) * v) for v in g]
            nw = mpmath.sqrt(mpmath.fsum(v * v for v in w))
            u = mpmath.fsum(a * to_mpf(b) for a, b in zip(w, d.x_plus))
            v = mpmath.fsum(a * to_mpf(b) for a, b in zip(w, d.x_minus))
            out.append((s * nw, u, v, w))
        return out

    def survivor_rule(self, *, decoupled: bool = False):
        """The neurons alive after phase I (digest section 2, phase I), from the initial condition:
        positive neurons with ``u_j(0) > 0``; negative neurons with ``u_j(0) <= 0 < v_j(0)``, or in
        ``(+,+)`` with ``u_j(0) c_- < v_j(0) c_+`` (``u`` reaches 0 first moving along ``-g``).
        ``decoupled``: the twin, a neuron survives iff it is active on its own label's point."""
        with Precision.digits(50).scope():
            cp, cm = self.c_pm()
            alive = set()
            for j, (a, u, v, _w) in enumerate(self.initial_uv()):
                if a > 0:
                    ok = u > 0
                elif decoupled:
                    ok = v > 0
                else:
                    ok = v > 0 and (u <= 0 or u * cm < v * cp)
                if ok:
                    alive.add(j)
            return frozenset(alive)

    def c_pm(self):
        """``c_+- = <g_hat, x_+->`` at the current precision."""
        phi, D = self.const("g_hat_angle"), self.const("Delta")
        return mpmath.cos(phi - D / 2), mpmath.cos(phi + D / 2)

    def entering_both(self, scale=1):
        """``{j: (a^1, w^1, t^1)}`` for the positive survivors at kappa = scale (mpf, current
        precision): where and when each enters ``(+,+)`` in the kappa-free phase I; a neuron
        starting in ``(+,0)`` moves along ``x_+`` at rate ``eta p`` until ``v = 0``
        (``(a +- u) ~ e^(+-eta p t)``), one starting in ``(+,+)`` is there at ``t^1 = 0``."""
        from gfcheck.numeric.precision import to_mpf

        d = self.data
        eta, p, c = to_mpf(self.eta), to_mpf(d.p), to_mpf(d.cos_delta)
        xp = [to_mpf(v) for v in d.x_plus]
        out = {}
        for j, (a0, u0, v0, w0) in enumerate(self.initial_uv(scale)):
            if not (a0 > 0 and u0 > 0):
                continue
            if v0 > 0:
                out[j] = (a0, w0, mpmath.mpf(0))
                continue
            u1 = u0 - v0 / c
            a1 = mpmath.sqrt(u1 * u1 + a0 * a0 - u0 * u0)
            out[j] = (a1, [wi + (u1 - u0) * xi for wi, xi in zip(w0, xp)],
                      mpmath.log((a1 + u1) / (a0 + u0)) / (eta * p))
        return out

    def S_plus(self, scale):
        """The closed form ``S_+`` (digest phase I) of ``A_+ ~ S_+ e^(2 eta r_+ t)`` at kappa = scale:
        ``sum ((a^1 + z^1)/2)^2 e^(-2 eta r_+ t^1)`` over positive survivors, ``z = <w, g_hat>``
        (:meth:`entering_both`)."""
        from gfcheck.numeric.precision import to_mpf

        r = to_mpf(self.eta) * self.const("r_plus")
        ghat = self.g_hat()
        total = mpmath.mpf(0)
        for a1, w1, t1 in self.entering_both(scale).values():
            z1 = mpmath.fsum(a * b for a, b in zip(w1, ghat))
            total += ((a1 + z1) / 2) ** 2 * mpmath.exp(-2 * r * t1)
        return total

    def condensation_times(self, delta=T_I_DELTA):
        """``{j: T_j(delta)}`` for the positive survivors in the kappa-free phase I (mpf, current
        precision): the first time after which ``w_j`` lies within ``delta`` of ``g_hat``.

        With ``P = eta p``, ``M = eta (1-p)`` the flow is 1-homogeneous; a balanced positive neuron
        active on both points has ``w' = a eta r_+ g_hat``, so the part of ``w`` across ``g_hat``,
        ``q``, is constant while ``a + z`` (``z = <w, g_hat>``, ``a = ||w||``) grows like
        ``e^(eta r_+ t)``; as ``tan(psi/2) = q/(||w|| + z)`` (``psi`` the angle to ``g_hat``),
        ``tan(psi_j(t)/2) = tan(psi_j(t^1)/2) e^(-eta r_+ (t - t^1))`` exactly, and

            T_j = t^1 + max(log(tan(psi_j(t^1)/2) / tan(delta/2)) / (eta r_+), 0),

        with ``t^1 = 0`` for a start in ``(+,+)`` and, for one in ``(+,0)``, the time it enters
        ``(+,+)`` moving along ``x_+`` (as in :meth:`S_plus`).  ``T_I = max_j T_j``.
        """
        from gfcheck.numeric.precision import to_mpf

        r = to_mpf(self.eta) * self.const("r_plus")
        ghat = self.g_hat()
        td = mpmath.tan(to_mpf(delta) / 2)
        return {j: t1 + max(mpmath.log(half_angle_tan(w1, ghat) / td) / r, 0)
                for j, (_a1, w1, t1) in self.entering_both().items()}

    def g_hat(self):
        """``g_hat = g/r_+`` as an mpf list at the current precision."""
        e1, e2 = self.frame
        phi = self.const("g_hat_angle")
        return [mpmath.cos(phi) * a + mpmath.sin(phi) * b for a, b in zip(e1, e2)]

    def speed_centres(self, e: int) -> list:
        """The exact centres of the angular-speed stencils at kappa = 10^-e: ``T_pred + tau_i``,
        ``tau_i = rel + f_i (deact - rel)`` on the limit orbit (``f_i`` in :data:`SPEED_AT`; ``rel``
        0 when nothing re-activates); empty when the orbit does not rotate onto ``e_-^perp``."""
        o = self.orbit
        if o.get("deact") is None:
            return []
        r0 = o["rel"] or 0.0
        with Precision.digits(40).scope():
            T = self.T_pred(self.scale(e))
            return [mpf_to_fraction(T + mpmath.mpf(r0) + mpmath.mpf(float(f)) * (mpmath.mpf(o["deact"]) - r0))
                    for f in SPEED_AT]

    def T_pred(self, scale):
        """``T(f(x_+) = theta_0) = log(theta_0 / (c_+ S_+)) / (2 eta r_+) + delta(theta_0)`` (mpf)."""
        from gfcheck.numeric.precision import to_mpf

        cp, _ = self.c_pm()
        r = to_mpf(self.eta) * self.const("r_plus")
        return mpmath.log(to_mpf(THETA0) / (cp * self.S_plus(scale))) / (2 * r) + self.orbit["delta"]

    def escape_slope(self):
        """``[1/(1-p) + (1 - sin Delta)/r_+] / eta`` (digest phase III, leading order)."""
        from gfcheck.numeric.precision import to_mpf

        p = to_mpf(self.data.p)
        return (1 / (1 - p) + (1 - mpmath.sin(self.const("Delta"))) / self.const("r_plus")) / to_mpf(self.eta)

    # -- runs ------------------------------------------------------------------------------------
    def scale(self, e: int) -> Fraction:
        return Fraction(1, 10 ** e)

    def horizon(self, e: int) -> Fraction:
        """``ceil(5/4 s_esc log(1/kappa) + 60/eta)``: past the plateau escape at ``s_esc log(1/kappa)``."""
        with JUDGED.scope():
            L = e * math.log(10)
            return Fraction(math.ceil(1.25 * float(self.escape_slope()) * L + 60 / float(self.eta)))

    def probes(self, e: int) -> dict:
        """Exact rational probe times at kappa = 10^-e (see the module docstring)."""
        from gfcheck.numeric.precision import to_mpf

        with Precision.digits(40).scope():
            kappa = self.scale(e)
            T = self.T_pred(kappa)
            r = to_mpf(self.eta) * self.const("r_plus")
            tk = e * mpmath.log(10) / (2 * r)
            out = {f"orbit_{k}": T + mpmath.mpf(v) for k, v in self.orbit["probes"].items()}
            out.update({"grow_lo": tk - 1, "grow_hi": tk + 1, "T_pred": T})
            t_i = self.condensation_times()
            if t_i:
                out["T_I"] = max(t_i.values())
            out = {k: mpf_to_fraction(v) for k, v in out.items()}
        for i, c in enumerate(self.speed_centres(e)):  # exact stencils: c +- h
            out[f"speed_{i}"] = c
            for h in SPEED_STEPS:
                out[f"speed_{i}_{h}_+"], out[f"speed_{i}_{h}_-"] = c + h, c - h
        return out

    def watches(self):
        from gfcheck.numeric import LossWatch

        d, n = self.data, self.problem.n
        with Precision.digits(60).scope():
            ell = _ell(self.problem.loss, mpmath.mpf(THETA0.numerator) / THETA0.denominator)
            return (LossWatch("f+", frozenset(d.plus), mpf_to_fraction(ell * len(d.plus) / n)),
                    LossWatch("f-", frozenset(d.minus), mpf_to_fraction(ell * len(d.minus) / n)))

    def run_defaults(self) -> dict:
        """Every run of the suite: the full engine, the profile's digits, no estimate (the
        ladder's claims measure their own precision)."""
        return {"dps": self.profile.dps, "engine": "full", "error_estimate": False}

    def ladder_run(self, e: int, *, grid: int = 200):
        """The shared run at kappa = 10^-e: to :meth:`horizon`, ``grid + 1`` equally spaced samples
        plus the :meth:`probes`, the watches ``f+`` and ``f-``."""
        T = self.horizon(e)
        probes = [t for t in self.probes(e).values() if 0 < t < T]
        times = tuple(sorted(set([T * i / grid for i in range(grid + 1)] + probes)))
        if self.say is not None:
            self.say(f"kappa = 1e-{e}: integrating to t = {T}")
        return self.run(with_scale(self.problem, self.scale(e)), t_end=T, times=times, watches=self.watches())

    def sample(self, run, t):
        """The sample of ``run`` at the exact time ``t``."""
        from gfcheck.proofs_check.core.context import sample_at

        return sample_at(run, t)

    @property
    def exponents(self):
        return self.profile.exponents


def _q(x: Fraction):
    return mpmath.mpf(x.numerator) / x.denominator


def _ell(loss, z):
    return mpmath.exp(-z) if loss == "exponential" else mpmath.log1p(mpmath.exp(-z))


def measure(ctx, state):
    """Outputs, the two partial losses, the norm and the margin of a state (mpf, current precision):
    ``{"f+", "f-", "L+", "L-", "L", "norm2", "q_min", "gamma"}``."""
    d, P = ctx.data, ctx.problem
    from gfcheck.numeric.precision import to_mpf

    xp = [to_mpf(v) for v in d.x_plus]
    xm = [to_mpf(v) for v in d.x_minus]
    fp = mpmath.fsum(a * max(mpmath.fsum(w * x for w, x in zip(W, xp)), 0) for a, W in zip(state.a, state.W))
    fm = mpmath.fsum(a * max(mpmath.fsum(w * x for w, x in zip(W, xm)), 0) for a, W in zip(state.a, state.W))
    p = to_mpf(d.p)
    Lp, Lm = p * _ell(P.loss, fp), (1 - p) * _ell(P.loss, -fm)
    norm2 = mpmath.fsum(a * a for a in state.a) + mpmath.fsum(w * w for W in state.W for w in W)
    q = min(fp, -fm)
    return {"f+": fp, "f-": fm, "L+": Lp, "L-": Lm, "L": Lp + Lm, "norm2": norm2, "q_min": q, "gamma": q / norm2}


def half_angle_tan(w, u):
    """``tan(psi/2) = ||w - <w, u> u|| / (||w|| + <w, u>)`` for the angle ``psi`` between ``w``
    and the unit vector ``u`` (no cancellation for small ``psi``)."""
    z = mpmath.fsum(a * b for a, b in zip(w, u))
    q = mpmath.sqrt(mpmath.fsum((a - z * b) ** 2 for a, b in zip(w, u)))
    return q / (mpmath.sqrt(mpmath.fsum(a * a for a in w)) + z)


def positive_preactivations(problem, x):
    """``[(j, <g_j, x>)]`` (exact) for the positive neurons ``j`` of ``problem``: a start escapes along
    ``x_+`` iff one of them is positive there (:meth:`SepContext.no_escape`, ``dataset.escapes``).

    >>> from gfcheck.numeric.examples import separable_problem
    >>> P = separable_problem(); len(positive_preactivations(P, P.inputs[0])) == sum(s > 0 for s in P.signs)
    True
    """
    return [(j, sum((g * v for g, v in zip(problem.directions[j], x)), Fraction(0)))
            for j in range(problem.width) if problem.signs[j] > 0]


def at_right_angle(problem, data):
    """The same problem with ``x_-`` turned orthogonal to ``x_+`` (``Delta = pi/2``), exact, every
    neuron carried into the new frame so that it keeps its pre-activations.

    The inputs become ``e_+ = (1, 0, ...)`` and ``e_- = (0, 1, 0, ...)``; a direction ``g`` with
    ``alpha = <g, x_+>``, ``beta = <g, x_->`` becomes ``g' = (alpha, beta, g_perp)``, where
    ``g_perp = g - a x_+ - b x_-`` (``[1 c; c 1] [a, b] = [alpha, beta]``, ``c = cos Delta``) is the
    part of ``g`` orthogonal to the plane of the data, kept as it is (``d`` becomes ``d + 2``; for
    ``d = 2`` it is 0 and ``d`` stays 2).  So ``<g', e_+> = <g, x_+>`` and ``<g', e_-> = <g, x_->``:
    every neuron is active on the same points at ``t = 0`` (the survivors at ``pi/2`` are the
    decoupled rule's), and the out-of-plane part, frozen by the flow, is the problem's.  The in-plane
    norm is not kept (it cannot be: the pre-activations fix it, ``(alpha^2 + beta^2 - 2 c alpha beta)/
    (1 - c^2)`` before, ``alpha^2 + beta^2`` after), so the start is the balanced one of the new
    directions (``output_weights`` None), as the model needs (docs/suites/separable.md section 5).

    >>> from gfcheck.numeric.examples import separable_problem
    >>> P = separable_problem()
    >>> q = at_right_angle(P, two_direction_data(P))
    >>> q.inputs[0], q.directions[0] == (P.directions[0][0] * P.inputs[0][0] + P.directions[0][1] * P.inputs[0][1],
    ...                                  P.directions[0][0] * P.inputs[-1][0] + P.directions[0][1] * P.inputs[-1][1])
    ((Fraction(1, 1), Fraction(0, 1)), True)
    """
    c = data.cos_delta
    xp, xm = data.x_plus, data.x_minus
    dirs = []
    for g in problem.directions:
        alpha = sum((u * v for u, v in zip(g, xp)), Fraction(0))
        beta = sum((u * v for u, v in zip(g, xm)), Fraction(0))
        a, b = (alpha - c * beta) / (1 - c * c), (beta - c * alpha) / (1 - c * c)
        dirs.append((alpha, beta, tuple(v - a * u - b * w for v, u, w in zip(g, xp, xm))))
    extra = problem.d > 2  # d = 2: the plane is the whole space, g_perp = 0
    d_ = 2 + (problem.d if extra else 0)
    ep = tuple(Fraction(int(i == 0)) for i in range(d_))
    em = tuple(Fraction(int(i == 1)) for i in range(d_))
    X = tuple(ep if k in data.plus else em for k in range(problem.n))
    G = tuple((alpha, beta) + (perp if extra else ()) for alpha, beta, perp in dirs)
    return dataclasses.replace(problem, inputs=X, directions=G, output_weights=None)
