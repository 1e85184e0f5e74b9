"""The loss as a parameter of the full engine: Taylor series of the residual weights.

The flow of every loss ``L = (1/n) sum_l ell_l(h(x_l))`` is driven by the residual weights
``rho_l = -dL/dh(x_l)`` (``da_j = sum_l rho_l relu(u_jl)``, ``dw_j = a_j sum_l rho_l chi_jl x_l``):

* square       ``ell = (h - y)^2 / 2``:        ``rho_l = (y_l - h_l) / n``;
* exponential  ``ell = exp(-y h)``:            ``rho_l = (1/n) y_l exp(-y_l h_l)``;
* logistic     ``ell = log(1 + exp(-y h))``:   ``rho_l = (1/n) y_l / (1 + exp(y_l h_l))``.

Inputs that are positive multiples of one another (``x_l = c_l x_g``, ``c_l > 0``; in particular
copies) switch together (``u_jl = c_l u_jg``), so the engine works on *groups* ``g`` of such
inputs with the representative ``x_g`` and the aggregated weight ``rho_g = sum_{l in g} c_l rho_l``;
this makes the Filippov weights unique when a neuron slides on a boundary shared by copies.
The engine's residual is ``R_g = -n rho_g`` (for the square loss on a singleton group
``R_g = h_g - y_g``, exactly the first theory's residual, so that path is unchanged).
Copies with the same ``(c, y)`` are one *atom* with a multiplicity.

Taylor series (``z = y c h_g`` the margin of an atom, known to order ``i`` from ``h_g``):

* exponential: ``E = exp(-z)`` by ``E' = -z' E``, i.e. ``i E_i = -sum_{q=1}^{i} q z_q E_{i-q}``;
* logistic: ``e = exp(z)`` by ``e' = z' e`` and ``s = 1/(1 + e)`` by ``s (1 + e) = 1``, i.e.
  ``s_i = -(sum_{q=1}^{i} e_q s_{i-q}) / (1 + e_0)``; the loss ``ell = log(1 + exp(-z))`` by
  ``ell' = -z' s``.

>>> import mpmath
>>> with mpmath.workdps(30):
...     atoms = make_atoms("exponential", [[(0, mpmath.mpf(1))]], [mpmath.mpf(1)])
...     ls = LossSeries("exponential", atoms, 1, [mpmath.mpf(1)])
...     ls.start()
...     h = [mpmath.mpf(0), mpmath.mpf(1)]          # h(t) = t
...     R = [ls.coef(0, 0, h), ls.coef(0, 1, h)]   # R = -exp(-t)
...     mpmath.nstr(R[0], 5), mpmath.nstr(R[1], 5)
('-1.0', '1.0')
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import fdot, mpf

__all__ = ["group_inputs", "make_atoms", "LossSeries", "SERIES_LOSSES"]

SERIES_LOSSES = ("square", "exponential", "logistic")


def _direction_key(x):
    """Exact key shared by the positive multiples of ``x`` (``x`` over its first nonzero |entry|)."""
    first = next(v for v in x if v != 0)
    s = abs(first)
    return tuple(v / s for v in x)


def group_inputs(inputs):
    """Groups of positively parallel inputs: ``[(rep, [(l, c_l), ...])]`` with ``x_l = c_l x_rep``.

    Exact (Fractions); groups are ordered by their first member, members by index.

    >>> F = Fraction
    >>> group_inputs([(F(1), F(0)), (F(0), F(1)), (F(2), F(0)), (F(-1), F(0))])
    [(0, [(0, Fraction(1, 1)), (2, Fraction(2, 1))]), (1, [(1, Fraction(1, 1))]), (3, [(3, Fraction(1, 1))])]
    """
    by_key = {}
    out = []
    for l, x in enumerate(inputs):
        key = _direction_key(x)
        if key in by_key:
            rep, members = out[by_key[key]]
            i = next(i for i, v in enumerate(inputs[rep]) if v != 0)
            members.append((l, Fraction(x[i]) / Fraction(inputs[rep][i])))
        else:
            by_key[key] = len(out)
            out.append((l, [(l, Fraction(1))]))
    return out


def make_atoms(loss, members_by_group, labels):
    """``[(g, count, c, y, points)]``: members of a group with equal ``(c_l, y_l)`` merged."""
    atoms = []
    for g, members in enumerate(members_by_group):
        seen = {}
        for l, c in members:
            key = (c, labels[l])
            if key in seen:
                seen[key][1].append(l)
            else:
                seen[key] = [len(atoms), [l]]
                atoms.append(None)
        for (c, y), (idx, pts) in seen.items():
            atoms[idx] = (g, len(pts), c, y, tuple(pts))
    return atoms


class LossSeries:
    """Residual weights ``R_g = -n rho_g`` of one loss: pointwise and as Taylor series.

    ``atoms`` from :func:`make_atoms` (``c`` and ``y`` as mpf), ``ng`` groups, ``n`` the number
    of data points.  Between :meth:`start` and the next :meth:`start` the series of one step are
    built coefficient by coefficient with :meth:`coef` (call with ``i = 0, 1, ...`` in order for
    every group); :meth:`loss_series` then gives the partial loss on a set of points.
    """

    def __init__(self, loss, atoms, ng, n):
        if loss not in SERIES_LOSSES:
            raise ValueError(f"LossSeries: loss must be one of {SERIES_LOSSES}, found {loss!r}")
        self.loss = loss
        self.atoms = atoms
        self.n = n
        self.by_group = [[i for i, a in enumerate(atoms) if a[0] == g] for g in range(ng)]
        # R_g = sum_atoms wR * phi(z): square phi = c h - y, wR = count c; exp/logistic wR = -count c y
        self.count = [mpf(a[1]) for a in atoms]
        self.c = [a[2] for a in atoms]
        self.y = [a[3] for a in atoms]
        self.yc = [a[3] * a[2] for a in atoms]
        if loss == "square":
            self.wR = [mpf(a[1]) * a[2] for a in atoms]
        else:
            self.wR = [-mpf(a[1]) * a[2] * a[3] for a in atoms]
        self.point_atom = {}
        for i, a in enumerate(atoms):
            for l in a[4]:
                self.point_atom[l] = i
        # scale of R_g (the size of the initial residual)
        self.scale = [sum((abs(self.wR[i]) * (abs(self.y[i]) if loss == "square" else 1)
                           for i in self.by_group[g]), mpf(0)) for g in range(ng)]
        self.start()

    # -- pointwise ----------------------------------------------------------------------
    def phi(self, i, h):
        """The atom's factor at ``h_g = h``: square ``c h - y``; exp ``exp(-z)``; logistic ``s(z)``."""
        if self.loss == "square":
            return self.c[i] * h - self.y[i]
        z = self.yc[i] * h
        if self.loss == "exponential":
            return mpmath.exp(-z)
        return 1 / (1 + mpmath.exp(z))

    def value(self, g, h):
        """``R_g`` at ``h_g = h``."""
        return fdot([(self.wR[i], self.phi(i, h)) for i in self.by_group[g]])

    def point_loss(self, i, h):
        """``ell`` of one point of atom ``i`` at ``h_g = h`` (without the 1/n)."""
        if self.loss == "square":
            r = self.c[i] * h - self.y[i]
            return r * r / 2
        z = self.yc[i] * h
        if self.loss == "exponential":
            return mpmath.exp(-z)
        return mpmath.log1p(mpmath.exp(-z))

    def loss_value(self, hg, points=None):
        """``(1/n) sum_{l in points} ell_l`` with ``hg`` the outputs of the groups."""
        counts = self._counts(points)
        return fdot([(cnt, self.point_loss(i, hg[self.atoms[i][0]])) for i, cnt in counts]) / self.n

    def _counts(self, points):
        if points is None:
            return [(i, self.count[i]) for i in range(len(self.atoms))]
        tally = {}
        for l in points:
            i = self.point_atom[l]
            tally[i] = tally.get(i, 0) + 1
        return [(i, mpf(c)) for i, c in sorted(tally.items())]

    # -- series -------------------------------------------------------------------------
    def start(self):
        """Forget the series of the previous step."""
        na = len(self.atoms)
        self.Z = [[] for _ in range(na)]   # z = y c h (square: c h)
        self.S = [[] for _ in range(na)]   # the factor phi: exp(-z) or s(z) or c h - y
        self.Ez = [[] for _ in range(na)]  # logistic: exp(z)

    def coef(self, g, i, hser):
        """``R_g[i]`` from the coefficients ``hser[0..i]`` of ``h_g`` (in order of ``i``)."""
        total = []
        for a in self.by_group[g]:
            Z, S = self.Z[a], self.S[a]
            if self.loss == "square":
                z = self.c[a] * hser[i]
                Z.append(z)
                S.append(z - self.y[a] if i == 0 else z)
            else:
                Z.append(self.yc[a] * hser[i])
                if self.loss == "exponential":
                    if i == 0:
                        S.append(mpmath.exp(-Z[0]))
                    else:
                        S.append(-fdot([(q * Z[q], S[i - q]) for q in range(1, i + 1)]) / i)
                else:
                    E = self.Ez[a]
                    if i == 0:
                        E.append(mpmath.exp(Z[0]))
                        S.append(1 / (1 + E[0]))
                    else:
                        E.append(fdot([(q * Z[q], E[i - q]) for q in range(1, i + 1)]) / i)
                        S.append(-fdot([(E[q], S[i - q]) for q in range(1, i + 1)]) / (1 + E[0]))
            total.append((self.wR[a], S[i]))
        return fdot(total)

    def loss_series(self, points, order):
        """Taylor coefficients ``0..order`` of ``(1/n) sum_{l in points} ell_l`` on this step."""
        out = [mpf(0)] * (order + 1)
        for a, cnt in self._counts(points):
            Z, S = self.Z[a], self.S[a]
            w = cnt / self.n
            if self.loss == "square":
                ser = [fdot(S[: i + 1], reversed(S[: i + 1])) / 2 for i in range(order + 1)]
            elif self.loss == "exponential":
                ser = S[: order + 1]
            else:
                ser = [self.point_loss(a, Z[0] / self.yc[a])]
                for i in range(1, order + 1):
                    ser.append(-fdot([(q * Z[q], S[i - q]) for q in range(1, i + 1)]) / i)
            for i in range(order + 1):
                out[i] += w * ser[i]
        return out
