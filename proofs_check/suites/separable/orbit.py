"""The kappa-free limit orbit of the separable two-direction model (reconstructed after Wang and
Ma 2023): an independent computation of the phase-II/III offsets, ``docs/suites/separable.md`` section 5.

As kappa -> 0 every positive survivor leaves phase I along ``g_hat`` with an ``O(kappa)``
misalignment and the negative mass stays ``O(kappa^(2 - 2 r_-/r_+))``, so from the saddle to the
deactivation the network is one balanced positive neuron ``a = rho``, ``w = rho (cos phi, sin phi)``
(``phi`` from the bisector of ``x_+-``; ``c_+-(phi) = cos(phi -+ Delta/2)``), active on both points:

    (log rho^2)' = 2 (P c_+ - M c_-),   phi' = P sin(Delta/2 - phi) + M sin(phi + Delta/2),

``P = p w(rho^2 c_+)``, ``M = (1 - p) w(-rho^2 c_-)``, ``w(z) = e^{-z}`` (exponential) or
``1/(1 + e^z)`` (logistic).  Started on ``g_hat`` at ``rho_0^2 = 10^-24`` (an ``O(rho_0^2)`` error),
integrated by scipy's DOP853 (rtol 1e-13) in float64: it shares no code with the engines.
Offsets are measured from ``T(f(x_+) = theta_0)`` on the orbit:

* ``delta``: ``T(theta_0) - log(theta_0 / (c_+ rho_0^2)) / (2 eta r_+)``, the nonlinear offset
  of the saddle escape (the linear phase gives the rest);
* ``rel``: ``Gamma_U = P - M cos Delta`` reaches 0 (the pinned negatives re-activate);
* ``deact``: ``v = 0``, i.e. ``phi = pi/2 - Delta/2`` (the cluster reaches ``e_-^perp``);
* ``probes``: the flattest point of the plateau (``min |dL/dt|`` on ``[T(theta_0), deact]``,
  ``|dL/dt| = rho^2 (2 (log rho)'^2 + phi'^2)``) with the loss there, ``L_flat``.

>>> o = limit_orbit(0.7, math.cos(0.1), "exponential", 0.01)
>>> round(o["deact"] - o["rel"], 1) > 0, 0.9 < o["L_flat"] < 0.92
(True, True)
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

__all__ = ["limit_orbit"]

RHO0_SQ = 1e-24
#: log of the squared norm at which an orbit that has not rotated is stopped (f ~ e^50)
Q_MAX = 50.0
#: |f(x_+-)| at which such an orbit is stopped (the loss is e^-200 of its start by then)
F_MAX = 200.0


def _exp(x):
    """``e^x`` capped at ``e^700`` (the solver's trial points may overshoot a stopping event)."""
    return math.exp(min(x, 700.0))


def _w(loss, z):
    return _exp(-z) if loss == "exponential" else 1.0 / (1.0 + _exp(z))


def _ell(loss, z):
    return _exp(-z) if loss == "exponential" else math.log1p(_exp(-z))


@lru_cache(maxsize=32)
def limit_orbit(p: float, cos_delta: float, loss: str, theta0: float) -> dict:
    """The offsets of the limit orbit (module docstring) as floats."""
    D = math.acos(cos_delta)
    h = D / 2
    eta = 1.0 if loss == "exponential" else 0.5
    g = (p * math.cos(h) - (1 - p) * math.cos(h), p * math.sin(h) + (1 - p) * math.sin(h))
    r_plus = math.hypot(*g)
    phi0 = math.atan2(g[1], g[0])

    def parts(y):
        q, phi = y
        rho2 = _exp(q)
        cp, cm = math.cos(phi - h), math.cos(phi + h)
        P, M = p * _w(loss, rho2 * cp), (1 - p) * _w(loss, -rho2 * cm)
        return rho2, cp, cm, P, M

    def rhs(t, y):
        rho2, cp, cm, P, M = parts(y)
        return [2 * (P * cp - M * cm), P * math.sin(h - y[1]) + M * math.sin(y[1] + h)]

    def ev_theta(t, y):
        rho2, cp, *_ = parts(y)
        return rho2 * cp - theta0
    ev_theta.terminal = False

    def ev_rel(t, y):
        _, _, _, P, M = parts(y)
        return P - M * cos_delta
    ev_rel.terminal = False

    def ev_deact(t, y):
        return math.cos(y[1] + h)
    ev_deact.terminal = True

    def ev_grown(t, y):  # f far beyond the plateaus without the rotation: stop before exp overflows
        rho2, cp, cm, *_ = parts(y)
        return max(y[0] - Q_MAX, rho2 * max(abs(cp), abs(cm)) - F_MAX)
    ev_grown.terminal = True

    T_end = 40 * (math.log(theta0 / RHO0_SQ) / (2 * eta * r_plus) + 20 / (eta * math.sin(D)))
    sol = solve_ivp(rhs, (0.0, T_end), [math.log(RHO0_SQ), phi0], method="DOP853", rtol=1e-13,
                    atol=1e-15, events=(ev_theta, ev_rel, ev_deact, ev_grown), dense_output=True)
    if not len(sol.t_events[0]):
        raise RuntimeError("limit orbit: the cluster did not reach f(x_+) = theta_0 "
                           f"by t = {T_end:.0f} (assumption (A1) or the rates)")
    t0 = float(sol.t_events[0][0])
    rel = [float(t) for t in sol.t_events[1] if t > 0]
    cp0 = math.cos(phi0 - h)
    delta = t0 - math.log(theta0 / (cp0 * RHO0_SQ)) / (2 * eta * r_plus)
    if not len(sol.t_events[2]):
        # the cluster grows without rotating onto e_-^perp: no deactivation, no plateau 1 minimum
        return {"delta": delta, "rel": (rel[0] - t0) if rel else None, "deact": None, "flat": None,
                "L_flat": None, "r_plus": r_plus, "phi_g": phi0, "probes": {},
                "why_no_deact": f"the limit orbit grows to f = e^{Q_MAX:g} without reaching e_-^perp "
                                f"(p = {p:.6g}, cos Delta = {cos_delta:.6g}, {loss} loss)"}
    t_deact = float(sol.t_events[2][0])

    def speed(t):
        y = sol.sol(t)
        rho2, cp, cm, P, M = parts(y)
        dq = 2 * (P * cp - M * cm)
        dphi = P * math.sin(h - y[1]) + M * math.sin(y[1] + h)
        return rho2 * (2 * (dq / 2) ** 2 + dphi ** 2)

    grid = np.linspace(t0, t_deact, 400)
    k = int(np.argmin([speed(t) for t in grid]))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    t_flat = float(minimize_scalar(speed, bounds=(lo, hi), method="bounded",
                                   options={"xatol": 1e-10}).x)
    y = sol.sol(t_flat)
    rho2, cp, cm, P, M = parts(y)
    L_flat = p * _ell(loss, rho2 * cp) + (1 - p) * _ell(loss, -rho2 * cm)
    return {"delta": delta, "rel": (rel[0] - t0) if rel else None, "deact": t_deact - t0,
            "flat": t_flat - t0, "L_flat": L_flat, "r_plus": r_plus, "phi_g": phi0,
            "probes": {"flat": t_flat - t0}}
