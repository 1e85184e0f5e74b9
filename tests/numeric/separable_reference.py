"""An independent Filippov integrator of the separable two-direction model (tests only).

The reduced system of ``shared/math/wangma2023.md`` section 1 on ``(a_j, u_j, v_j)``
(``u_j = <w_j, x_+>``, ``v_j = <w_j, x_->``, unit inputs, ``<x_+, x_-> = c``)::

    da = P sigma(u) - M sigma(v),  du = a (P i_u - M c i_v),  dv = a (P c i_u - M i_v),

``P = p w(f_+)``, ``M = (1 - p) w(-f_-)`` with ``w(z) = e^{-z}`` (exponential) or
``1/(1 + e^z)`` (logistic).  Written from the digest, not from the engine: float64, scipy's
DOP853 region by region, one terminal event per switching; a coordinate at 0 takes the mode of
its one-sided pushes (inactive if the inactive side does not push up, active if the active side
does not push down, sliding if both push onto the boundary), with the Filippov indicator
``i_u = M c i_v / P`` on ``u = 0`` (``i_v = P c i_u / M`` on ``v = 0``).  A neuron with both
coordinates at 0 at once is not handled (:class:`Unsupported`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

INA, ACT, SLI = 0, 1, 2


class Unsupported(Exception):
    """A configuration the reference does not integrate (both coordinates of a neuron sliding)."""


def two_point_data(problem):
    """``(p, c, plus, minus, a0, u0, v0)`` of a problem made of copies of two unit inputs."""
    from fractions import Fraction

    plus = [k for k, y in enumerate(problem.labels) if y > 0]
    minus = [k for k, y in enumerate(problem.labels) if y < 0]
    xp, xm = problem.inputs[plus[0]], problem.inputs[minus[0]]
    c = float(sum(a * b for a, b in zip(xp, xm)))
    lam = problem.scale
    a0, u0, v0 = [], [], []
    for s, g in zip(problem.signs, problem.directions):
        a0.append(s * math.sqrt(float(lam * lam * sum((v * v for v in g), Fraction(0)))))
        u0.append(float(lam * sum((v * x for v, x in zip(g, xp)), Fraction(0))))
        v0.append(float(lam * sum((v * x for v, x in zip(g, xm)), Fraction(0))))
    return len(plus) / problem.n, c, plus, minus, np.array(a0), np.array(u0), np.array(v0)


def weight(loss, z):
    if loss == "exponential":
        return math.exp(-z)
    if loss == "logistic":
        return 1.0 / (1.0 + math.exp(z))
    if loss == "square-weight":  # a planted wrong loss derivative (twin): y - h at y = 1
        return 1.0 - z
    raise ValueError(loss)


class Reference:
    def __init__(self, problem, *, loss=None, cross=True, rtol=1e-12):
        self.p, c, *_ , self.a0, self.u0, self.v0 = two_point_data(problem)
        self.c = c if cross else 0.0
        self.loss = loss or problem.loss
        self.rtol = rtol
        self.m = problem.m

    def PM(self, a, u, v, mu, mv):
        fp = float(np.sum(np.where(mu == ACT, a * u, 0.0)))
        fm = float(np.sum(np.where(mv == ACT, a * v, 0.0)))
        return self.p * weight(self.loss, fp), (1 - self.p) * weight(self.loss, -fm)

    def indicators(self, P, M, mu, mv):
        iu = (mu == ACT).astype(float)
        iv = (mv == ACT).astype(float)
        for j in range(self.m):
            if mu[j] == SLI and mv[j] == SLI:
                raise Unsupported(f"neuron {j} slides on both boundaries")
            if mu[j] == SLI:
                iu[j] = M * self.c * iv[j] / P
            if mv[j] == SLI:
                iv[j] = P * self.c * iu[j] / M
        return iu, iv

    def field(self, y, mu, mv):
        m = self.m
        a, u, v = y[:m], y[m:2 * m], y[2 * m:]
        P, M = self.PM(a, u, v, mu, mv)
        iu, iv = self.indicators(P, M, mu, mv)
        da = P * np.where(mu == ACT, u, 0.0) - M * np.where(mv == ACT, v, 0.0)
        du = np.where(mu == SLI, 0.0, a * (P * iu - M * self.c * iv))
        dv = np.where(mv == SLI, 0.0, a * (P * self.c * iu - M * iv))
        return np.concatenate([da, du, dv])

    def decide(self, y, mu, mv, j, which):
        """Mode of coordinate ``which`` of neuron ``j`` sitting at 0, from its one-sided pushes."""
        m = self.m
        pushes = []
        for trial in (INA, ACT):
            mu2, mv2 = mu.copy(), mv.copy()
            (mu2 if which == "u" else mv2)[j] = trial
            f = self.field(y, mu2, mv2)
            pushes.append(f[(m if which == "u" else 2 * m) + j])
        p0, p1 = pushes
        if p0 <= 0:
            return INA
        if p1 >= 0:
            return ACT
        return SLI

    def run(self, t_end, times):
        m = self.m
        y = np.concatenate([self.a0, self.u0, self.v0])
        mu = np.where(self.u0 > 0, ACT, INA)
        mv = np.where(self.v0 > 0, ACT, INA)
        t = 0.0
        out = {}
        events = []
        times = sorted(times)
        for _ in range(10000):
            if t >= t_end:
                break
            evs, meta = [], []
            f0 = self.field(y, mu, mv)
            for j in range(m):
                for which, modes, off in (("u", mu, m), ("v", mv, 2 * m)):
                    if modes[j] == INA and y[off + j] == 0 and f0[off + j] == 0:
                        continue  # frozen at 0 (a dead neuron): scipy would see 0 -> 0 as a crossing
                    if modes[j] == ACT:
                        f = (lambda tt, yy, k=off + j: yy[k])
                        f.direction = -1
                    elif modes[j] == INA:
                        f = (lambda tt, yy, k=off + j: yy[k])
                        f.direction = 1
                    else:  # sliding: leave when the Filippov indicator reaches 1 (or 0)
                        def f(tt, yy, j=j, which=which):
                            aa, uu, vv = yy[:m], yy[m:2 * m], yy[2 * m:]
                            P, M = self.PM(aa, uu, vv, mu, mv)
                            iu, iv = self.indicators(P, M, mu, mv)
                            al = iu[j] if which == "u" else iv[j]
                            return (1 - al) * al
                        f.direction = -1
                    f.terminal = True
                    evs.append(f)
                    meta.append((j, which))
            t_eval = [s for s in times if s >= t and s not in out]
            sol = solve_ivp(lambda tt, yy: self.field(yy, mu, mv), (t, t_end), y, method="DOP853",
                            rtol=self.rtol, atol=self.rtol * 1e-6, events=evs, t_eval=t_eval or None)
            Y = np.asarray(sol.y, dtype=float).reshape(len(y), -1)
            for s_t, s_y in zip(sol.t, Y.T):
                if s_t in times and s_t not in out:
                    out[s_t] = s_y.copy()
            if sol.status != 1:
                break
            hit = [(te[0], i) for i, te in enumerate(sol.t_events) if len(te)]
            te, i = min(hit)
            y = sol.y_events[i][0].copy()
            t = float(te)
            j, which = meta[i]
            k = (m if which == "u" else 2 * m) + j
            modes = mu if which == "u" else mv
            old = modes[j]
            y[k] = 0.0
            if old == SLI:  # alpha reached 1 (leave upwards) or 0 (leave downwards)
                P, M = self.PM(y[:m], y[m:2 * m], y[2 * m:], mu, mv)
                iu, iv = self.indicators(P, M, mu, mv)
                al = iu[j] if which == "u" else iv[j]
                new = ACT if al > 0.5 else INA
            else:
                new = self.decide(y, mu, mv, j, which)
            modes[j] = new
            events.append((t, j, which, old, new))
            # Gamma_U (Gamma_V) is shared by every neuron sliding on u = 0 (v = 0): the others
            # whose Filippov weight reached an end of [0, 1] at this instant leave with it
            P, M = self.PM(y[:m], y[m:2 * m], y[2 * m:], mu, mv)
            iu, iv = self.indicators(P, M, mu, mv)
            for jj in range(m):
                for w2, modes2, ind in (("u", mu, iu), ("v", mv, iv)):
                    if modes2[jj] == SLI and not 1e-9 < ind[jj] < 1 - 1e-9:
                        modes2[jj] = ACT if ind[jj] > 0.5 else INA
                        events.append((t, jj, w2, SLI, modes2[jj]))
        else:
            raise Unsupported("more than 10000 switchings")
        return out, events
