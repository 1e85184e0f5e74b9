"""What every claim check receives: the problem, the profile, shared (memoised) runs.

A :class:`Profile` fixes the ladder of initialisation scales and the working digits; a
:class:`Context` carries the problem (exact), its symbolic predictions (computed once) and
a cache of trajectories, so that claims which need the same run (say lambda = 1e-30 to
convergence) integrate it once.  Checks add plot data to ``ctx.figure_data`` (the schema is
that of :mod:`gfcheck.proofs_check.figures`).

The ladder: ``scales`` are exact powers of ten ``10^-e`` for ``e`` in ``exponents``.  The
digest (section 4.4) shows that lambda = 1e-8 can still be 4% off the limit when
gamma = 0.035, so the ladders reach 1e-100 (quick) and 1e-200 (full); the working digits
grow with the ladder where a check needs ``lambda^2`` resolved against O(1) numbers.

>>> Profile.named("quick").exponents[:3]
(10, 20, 30)
>>> Profile.named("slow")
Traceback (most recent call last):
...
gfcheck.symbolic.errors.SchemaError: profile: expected one of quick, full, found 'slow'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from gfcheck.symbolic.errors import SchemaError

__all__ = ["Profile", "Context", "with_scale"]


@dataclass(frozen=True)
class Profile:
    """A named budget: the lambda ladder (powers of ten) and the working digits."""

    name: str
    exponents: tuple[int, ...]  # lambda = 10^-e
    dps: int  # working digits of the trajectories
    hypothesis_examples: int = 0

    def __post_init__(self) -> None:
        if not self.exponents or any(e <= 0 for e in self.exponents):
            raise SchemaError(f"profile {self.name!r}: exponents must be positive")
        if list(self.exponents) != sorted(set(self.exponents)):
            raise SchemaError(f"profile {self.name!r}: exponents must increase strictly")
        if self.dps < 15:
            raise SchemaError(f"profile {self.name!r}: dps must be at least 15")

    @property
    def scales(self) -> tuple[Fraction, ...]:
        return tuple(Fraction(1, 10 ** e) for e in self.exponents)

    @staticmethod
    def named(name: str) -> "Profile":
        if name not in PROFILES:
            raise SchemaError(f"profile: expected one of {', '.join(PROFILES)}, found {name!r}")
        return PROFILES[name]


PROFILES = {
    "quick": Profile("quick", (10, 20, 30, 45, 60, 80, 100), dps=30),
    "full": Profile("full", (8, 10, 15, 20, 30, 40, 60, 80, 100, 130, 160, 200), dps=40),
}


def with_scale(problem, scale) -> "object":
    """``problem`` with the initialisation scale replaced (exact; re-validated)."""
    return dataclasses.replace(problem, scale=Fraction(scale))


@dataclass
class Context:
    """The problem, the profile, the shared runs and the figure data of one ``verify``."""

    problem: object
    profile: Profile
    figure_data: dict = field(default_factory=dict)
    _runs: dict = field(default_factory=dict, repr=False)

    @cached_property
    def data(self):
        """:class:`gfcheck.symbolic.predictions.DataPredictions` of the problem (exact)."""
        from gfcheck.symbolic.predictions import data_predictions

        return data_predictions(self.problem)

    @cached_property
    def neurons(self):
        """:class:`gfcheck.symbolic.predictions.NeuronPredictions` of the problem (exact)."""
        from gfcheck.symbolic.predictions import neuron_predictions

        return neuron_predictions(self.problem)

    def run(self, problem=None, **kwargs):
        """``gfcheck.numeric.integrate(problem, **kwargs)``, memoised on its arguments.

        ``problem`` defaults to the context's problem; keyword values must be hashable
        (use tuples for ``times`` and ``watches``).  ``dps`` defaults to the profile's.
        """
        from gfcheck.numeric import integrate

        problem = self.problem if problem is None else problem
        kwargs.setdefault("dps", self.profile.dps)
        key = (problem, tuple(sorted(kwargs.items())))
        if key not in self._runs:
            self._runs[key] = integrate(problem, **kwargs)
        return self._runs[key]

    def horizon(self, scale) -> Fraction:
        """Integer horizon past the fit at scale ``lambda``:

        ``T = ceil(5/4 s_max log(1/lambda)) + 60 s_max`` with ``s_max = n / min ||D_+-||``
        (the slower escape happens at ``s_max log(1/lambda) + O(1)``, digest 4.2; the 60
        time constants after it leave room for the lambda-independent convergence, 9.12).
        """
        import math

        from gfcheck.numeric.precision import to_mpf

        s_max = max(to_mpf(v) for v in (self.data.escape_slope_plus,
                                         self.data.escape_slope_minus) if v is not None)
        log_inv = math.log(Fraction(1) / Fraction(scale))  # exact Fraction -> float log: a bound only
        return Fraction(math.ceil(float(s_max) * (1.25 * log_inv + 60)))

    def ladder_run(self, scale, *, relu_prime_at_zero=None, grid: int = 240):
        """The canonical run at ``lambda = scale`` shared by the asymptotic claims.

        Integrates to :meth:`horizon`, samples ``grid + 1`` equally spaced exact times and
        watches the half-fit of each sign group (``LossWatch`` ``"half_+"``/``"half_-"``:
        first time ``L_+- <= L_+-(0)/2``).  ``relu_prime_at_zero`` overrides the problem's
        convention (claim 17 compares 0 with 1).
        """
        from gfcheck.numeric import LossWatch

        p = with_scale(self.problem, scale)
        if relu_prime_at_zero is not None:
            p = dataclasses.replace(p, relu_prime_at_zero=int(relu_prime_at_zero))
        T = self.horizon(scale)
        times = tuple(T * i / grid for i in range(grid + 1))
        y = self.problem.labels
        n = self.problem.n
        watches = []
        for name, S in (("half_+", self.data.S_plus), ("half_-", self.data.S_minus)):
            if S:
                L_S0 = sum(y[k] ** 2 for k in S) / (2 * n)
                watches.append(LossWatch(name, frozenset(S), L_S0 / 2))
        return self.run(p, t_end=T, times=times, watches=tuple(watches), engine="reduced",
                        error_estimate=False)
