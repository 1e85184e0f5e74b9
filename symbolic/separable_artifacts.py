"""``gfcheck derive``, second theory: the separable two-direction model's derivations.

Written by :func:`write_separable` into the folder it is given (``gfcheck derive --out OUT``:
``OUT/separable/``, beside ``OUT/orthogonal/``, which it does not touch): ``tex/*.tex``,
``derivations.md``, ``certificates/*.json`` and ``manifest.json``, byte-identical for the same
library versions (sorted JSON, no timestamps, atomic writes). Every file says it is "the separable
two-direction model (reconstructed after Wang and Ma 2023)": the formulas are reconstructions of
``docs/suites/separable.md``, derived and checked here, not quotations of the paper.
"""

from __future__ import annotations

import sympy as sp

from .files import derivations_markdown, write_theory
from .separable import MODEL, as_exact, SEPARABLE_LOSSES, all_separable_certificates, derive_loss_flow, sliding, \
    two_point_flow

__all__ = ["write_separable", "separable_fragments"]

_COS, _SIN = sp.Symbol(r"\cos\Delta"), sp.Symbol(r"\sin\Delta")


def _L(e) -> str:
    names = {sym: "\\" + sym.name for sym in getattr(e, "free_symbols", ()) if sym.name.startswith("chi_")}
    return sp.latex(e, symbol_names=names)


def _trig(e):
    """``tau`` forms back to ``cos Delta``, ``sin Delta`` for display (``c`` -> ``cos Delta``)."""
    tau = sp.Symbol("tau", real=True)
    c = sp.Symbol("c", real=True)
    e = as_exact(e).subs(c, _COS)
    if tau in e.free_symbols:
        # c = (1 - tau^2)/(1 + tau^2), s = 2 tau/(1 + tau^2): rewrite through tau = s/(1 + c)
        e = sp.simplify(e.subs(tau, _SIN / (1 + _COS)))
        e = sp.simplify(e.subs(_SIN**2, 1 - _COS**2))
    return e


def separable_fragments():
    """``{name: (title, latex body)}`` of the separable model's derivations."""
    frags = {}
    j, k, l, n = sp.symbols("j k l n", integer=True, positive=True)
    for loss in SEPARABLE_LOSSES:
        S, L, h, da, du = derive_loss_flow(loss, 1, 2)
        rho = r"\frac{1}{n} y_k e^{-y_k h_k}" if loss == "exponential" else r"\frac{1}{n} \frac{y_k}{1 + e^{y_k h_k}}"
        ell = r"e^{-z}" if loss == "exponential" else r"\log(1 + e^{-z})"
        frags[f"flow_{loss}"] = (f"Flow of the {loss} loss, $n$ points (symbolic $m$, $n$)", "\n".join([
            f"% {MODEL}",
            r"% derived by sympy: da_j = -dL/da_j, du_jk = -sum_l dL/du_jl G_lk; certificate separable_flow_"
            f"{loss}_m2_n3",
            r"\begin{align}",
            rf"L &= \frac{{1}}{{n}}\sum_k \ell(y_k h_k), \quad \ell(z) = {ell}, \quad "
            r"h_k = \sum_j a_j \chi_{jk} u_{jk}, \\",
            rf"\rho_k &= -\frac{{\partial L}}{{\partial h_k}} = {rho}, \\",
            r"\dot a_j &= \sum_k \rho_k \chi_{jk} u_{jk}, \qquad "
            r"\dot u_{jk} = a_j \sum_l \rho_l \chi_{jl} G_{lk}.",
            r"\end{align}",
            "% sympy, m = 1, n = 2: " + sp.sstr(du[0][0])]))
        fl = two_point_flow(loss, 1)
        frags[f"two_point_{loss}"] = (f"Two directions, {loss} loss (copies: $p = n_+/n$)", "\n".join([
            f"% {MODEL}",
            "% certificates separable_two_point_flow_" + loss + ", separable_copies_" + loss + "_2_1",
            r"\begin{align}",
            rf"L &= {_L(_trig(fl['L']))}, \\",
            rf"P &= -\frac{{\partial L}}{{\partial f(x_+)}} = {_L(_trig(fl['P']))}, \qquad "
            rf"M = \frac{{\partial L}}{{\partial f(x_-)}} = {_L(_trig(fl['M']))}, \\",
            r"\dot a_j &= P \chi_{u,j} u_j - M \chi_{v,j} v_j, \\",
            r"\dot u_j &= a_j \left(P \chi_{u,j} - M \cos\Delta\, \chi_{v,j}\right), \qquad "
            r"\dot v_j = a_j \left(P \cos\Delta\, \chi_{u,j} - M \chi_{v,j}\right).",
            r"\end{align}"]))
    frags["cross_terms"] = ("Surviving cross terms (coefficients of $\\cos\\Delta$)", "\n".join([
        f"% {MODEL}",
        "% certificates separable_decoupled_two_point_* (REFUTED) and *_at_Delta_pi_2 (PROVED)",
        r"\begin{align*}",
        r"\dot u_j &\ni -a_j M \chi_{v,j} \cos\Delta, \qquad \dot v_j \ni +a_j P \chi_{u,j} \cos\Delta, \\",
        r"&\text{n points: } \dot u_{jk} \ni a_j \rho_l \chi_{jl} G_{lk}\ (l \ne k).",
        r"\end{align*}"]))
    rows = []
    for b in ("u", "v"):
        sl = sliding(b)
        rows.append(rf"\text{{on }} {b} = 0:\ & \alpha = {_L(_trig(sl['alpha']))}, \quad "
                    rf"\Gamma_{b.upper()} = {_L(_trig(sl['Gamma']))}, \quad "
                    rf"\dot a = {_L(sl['da'])}, \\")
    frags["sliding"] = ("Filippov sliding on the activation boundaries", "\n".join([
        f"% {MODEL}",
        "% alpha solved by sympy from <dw(alpha), normal> = 0; certificates separable_sliding_u, _v",
        r"\begin{align*}"] + rows + [
        r"&\dot w = |a| M \sin\Delta\, e_+^\perp \ (u = 0,\ a < 0), \qquad "
        r"\dot w = a P \sin\Delta\, e_-^\perp \ (v = 0,\ a > 0), \\",
        r"&e_+^\perp = \frac{x_- - \cos\Delta\, x_+}{\sin\Delta}, \quad "
        r"e_-^\perp = \frac{x_+ - \cos\Delta\, x_-}{\sin\Delta}; \quad "
        r"\text{sliding iff } \Gamma > 0 \text{ (both sides push onto the boundary).}",
        r"\end{align*}"]))
    frags["constants"] = ("Constants", "\n".join([
        f"% {MODEL}",
        "% certificates separable_rates, separable_A1_identity, separable_max_margin (part argued)",
        r"\begin{align*}",
        r"r_+^2 &= \|p x_+ - (1-p) x_-\|^2 = p^2 + (1-p)^2 - 2p(1-p)\cos\Delta, \qquad "
        r"r_- = (1-p)\sin\Delta, \\",
        r"r_+^2 - r_-^2 &= (p - (1-p)\cos\Delta)^2, \qquad "
        r"\text{(A1)}: \langle g, x_-\rangle = p\cos\Delta - (1-p) > 0, \\",
        r"\gamma^* &= \max_\theta \min_i \frac{y_i f(x_i)}{\|\theta\|^2} = \frac{\sin\Delta}{4} "
        r"\quad \text{(attained: proved; upper bound: argued, see the certificate).}",
        r"\end{align*}"]))
    return frags


def write_separable(out) -> list:
    """Write the separable model's files into the folder ``out`` (``gfcheck derive`` gives it
    ``<out>/separable/``, the suite's :meth:`~gfcheck.proofs_check.core.suite.Suite.derive`); returns
    the stems whose verdict is not the expected one (empty when all are as expected)."""
    from pathlib import Path

    certs = all_separable_certificates()
    frags = separable_fragments()
    markdown = derivations_markdown(
        f"# gfcheck derivations: {MODEL}",
        ["Generated by `gfcheck derive` (do not edit). The model is a reconstruction "
         "(`docs/suites/separable.md`): nothing here is quoted from the paper. Each section is a "
         "LaTeX fragment in `tex/`; each claim has a certificate in `certificates/`."], frags, certs)
    return write_theory(Path(out), frags, certs, markdown, model=MODEL)
