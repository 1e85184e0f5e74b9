"""``gfcheck derive``, first theory: the orthogonal flow's derivations and certificates, deterministically.

:func:`write_orthogonal` writes into the folder it is given (``gfcheck derive --out OUT``:
``OUT/orthogonal/``; the command is :mod:`gfcheck.proofs_check.jobs.derive`, ``docs/derive.md``):

* ``tex/*.tex`` -- one LaTeX fragment per derivation (amsmath only; ``\\input`` them);
* ``derivations.md`` -- a Markdown rendering of all of them with the certificate table;
* ``certificates/*.json`` -- one ``gfcheck.certificate/1`` document per claim (and per twin);
* ``manifest.json`` -- every file with its SHA-256.

The separable two-direction model's files are :mod:`gfcheck.symbolic.separable_artifacts`.

Stale ``certificates/*.json`` and ``tex/*.tex`` of earlier runs (renamed claims) are removed.

Same inputs and library versions give byte-identical files (sorted JSON, no timestamps); every
file goes through :func:`gfcheck.symbolic.files.atomic_write`.  The exit status is 0 when every
claim is PROVED and every negative twin REFUTED, 1 otherwise (the files are written either way):
:func:`write_orthogonal` returns the stems that are not.
"""

from __future__ import annotations

from fractions import Fraction as F

import sympy as sp

from .files import derivations_markdown, write_theory
from .problem import Problem

__all__ = ["write_orthogonal", "example_problem", "example_problem_non_orthogonal", "all_certificates"]


def example_problem() -> Problem:
    """The built-in orthogonal example of the derivations (n = 4, d = 4, m = 3, exact)."""
    return Problem(
        inputs=((F(1), F(0), F(0), F(0)), (F(0), F(2), F(0), F(0)), (F(0), F(0), F(1, 2), F(0)),
                (F(0), F(0), F(0), F(3, 2))),
        labels=(F(1), F(-1, 2), F(3), F(-2)), width=3, scale=F(1, 1000),
        directions=((F(1), F(1), F(1), F(1)), (F(-1), F(1), F(2), F(1, 3)), (F(1), F(2), F(-1), F(1))),
        signs=(1, -1, 1))


def example_problem_non_orthogonal() -> Problem:
    """The negative twin of :func:`example_problem`: ``x_2`` tilted so ``<x_1, x_2> = 1/2``."""
    p = example_problem()
    X = list(p.inputs)
    X[1] = (F(1, 2), F(2), F(0), F(0))
    return Problem(inputs=tuple(X), labels=p.labels, width=p.width, scale=p.scale,
                   directions=p.directions, signs=p.signs)


def all_certificates():
    """``[(file_stem, certificate, expected_verdict)]`` for every claim and twin."""
    from .closed_form import (closed_form_certificate, coordinates_certificate, exit_root_certificate,
                              exits_certificate, linearisation_certificate, min_norm_certificate)
    from .predictions import indexed_predictions_certificate
    from .decoupling import (conservation_certificate, decoupling_certificate, decoupling_certificate_for,
                             inactive_frozen_certificate, perp_frozen_certificate, splitting_certificate)
    from .flow import gram_form_certificate, indexed_certificate

    P, R = "PROVED", "REFUTED"
    ex, bad = example_problem(), example_problem_non_orthogonal()
    out = []
    for m, n in ((1, 1), (2, 2), (2, 3)):
        c, twin = gram_form_certificate(m, n)
        out += [(c.claim, c, P), (twin.claim, twin, R)]
    for m, n in ((1, 1), (2, 3), (3, 4)):
        c = indexed_certificate(m, n)
        out.append((c.claim, c, P))
    for m, n in ((1, 1), (2, 2), (2, 3), (3, 4)):
        c = decoupling_certificate(m, n)
        out.append((c.claim, c, P))
    c = decoupling_certificate(2, 3, drop_cross=False)
    out.append((c.claim, c, R))
    out.append(("decoupling_on_data__example", decoupling_certificate_for(ex), P))
    out.append(("decoupling_on_data__example_non_orthogonal", decoupling_certificate_for(bad), R))
    for kw, exp in (({}, P), ({"drop_point": True}, R)):
        c = perp_frozen_certificate(2, 3, **kw)
        out.append((c.claim, c, exp))
    for kw, exp in (({}, P), ({"orthogonal": False}, R), ({"relu_prime_at_zero": 0}, P),
                    ({"relu_prime_at_zero": 1}, R)):
        c = inactive_frozen_certificate(2, 3, **kw)
        out.append((c.claim, c, exp))
    for kw, exp in (({}, P), ({"drop_term": True}, R)):
        c = conservation_certificate(2, 3, **kw)
        out.append((c.claim, c, exp))
    for kw, exp in (({}, P), ({"leak": True}, R), ({"orthogonal": False}, R)):
        c = splitting_certificate(3, 4, **kw)
        out.append((c.claim, c, exp))
    c = linearisation_certificate(2, 3)
    out.append((c.claim, c, P))
    for rf, exp in ((1, P), (2, R)):
        c = closed_form_certificate(rf)
        out.append((c.claim, c, exp))
        c = coordinates_certificate(3, rate_factor=rf)
        out.append((c.claim, c, exp))
    for ws, exp in ((False, P), (True, R)):
        c = exit_root_certificate(wrong_sign=ws)
        out.append((c.claim, c, exp))
    out.append(("indexed_predictions__example", indexed_predictions_certificate(ex), P))
    out.append(("indexed_predictions__example__twin_perturbed_D_plus",
                indexed_predictions_certificate(ex, perturb=F(1, 1000)), R))
    out.append(("early_exits__example", exits_certificate(ex), P))
    out.append(("early_exits__example__twin_perturbed_time", exits_certificate(ex, perturb=F(1, 1000)), R))
    out.append(("min_norm_identities__example", min_norm_certificate(ex), P))
    out.append(("min_norm_identities__example__twin_perturbed_beta",
                min_norm_certificate(ex, perturb_beta=F(1, 7)), R))
    out.append(("min_norm_identities__example_non_orthogonal", min_norm_certificate(bad), R))
    return out


def _L(e) -> str:
    names = {sym: "\\" + sym.name for sym in getattr(e, "free_symbols", ()) if sym.name.startswith("chi_")}
    return sp.latex(e, symbol_names=names)


def _fragments(certs):
    """``{name: (title, latex body)}`` of every derivation."""
    from .flow import derive_flow, indexed_flow
    from .predictions import data_predictions, early_phase, indexed_predictions, neuron_predictions

    frags = {}
    da, du, du_red = indexed_flow()
    j, k = sp.symbols("j k", integer=True, positive=True)
    frags["flow"] = ("Gradient flow on a fixed activation pattern (symbolic $m$, $n$)", "\n".join([
        r"% sigma(u_{jk}) = chi_{jk} u_{jk}, sigma'(u_{jk}) = chi_{jk}; G_{kl} = <x_k, x_l>",
        r"\begin{align}",
        rf"\dot a_j &= {_L(da)}, \\",
        rf"\dot u_{{jk}} &= {_L(du)}.",
        r"\end{align}"]))
    flow = derive_flow(2, 2)
    frags["flow_m2_n2"] = ("The same, derived by sympy for $m = n = 2$", "\n".join(
        [r"\begin{align}"] +
        [rf"\dot a_{{{jj + 1}}} &= {_L(flow.da[jj])}, \\" for jj in range(2)] +
        [rf"\dot u_{{{jj + 1},{kk + 1}}} &= {_L(flow.du[jj][kk])}" + (r", \\" if (jj, kk) != (1, 1) else ".")
         for jj in range(2) for kk in range(2)] + [r"\end{align}"]))
    frags["reduced"] = ("Reduced system under orthogonality ($G_{lk} = 0$, $l \\ne k$)", "\n".join([
        r"\begin{equation}", rf"\dot u_{{jk}} = {_L(du_red)}", r"\end{equation}"]))
    f23 = derive_flow(2, 3)
    rows = []
    for jj in range(2):
        for kk in range(3):
            for ll, coeff in f23.cross_terms(jj, kk).items():
                rows.append(rf"\dot u_{{{jj + 1},{kk + 1}}} & G_{{{min(ll, kk) + 1},{max(ll, kk) + 1}}} & "
                            rf"{_L(coeff)} \\")
    frags["cross_terms"] = ("Cross terms removed by orthogonality ($m = 2$, $n = 3$)", "\n".join(
        [r"\begin{align*}", r"&\text{equation} && \text{Gram entry} && \text{coefficient} \\"] +
        [r.replace(" & ", " && ") for r in rows] + [r"\end{align*}"]))
    a0, p0, D, n, t = sp.symbols("a_0 p_0 \\|D\\| n t", real=True)
    tau = D * t / n
    frags["early_closed_form"] = ("Early phase: linearised flow and its closed form", "\n".join([
        r"\begin{align}",
        r"\dot a_j &= \frac{\|D\|}{n} p_j, \qquad \dot p_j = \frac{\|D\|}{n} a_j, \\",
        rf"a_j(t) &= {_L(a0 * sp.cosh(tau) + p0 * sp.sinh(tau))}, \\",
        rf"p_j(t) &= {_L(p0 * sp.cosh(tau) + a0 * sp.sinh(tau))}, \\",
        r"T &= t_0 + \frac{n}{\|D\|}\log z, \quad z = \frac{a_j(T) + P^*_k}{a_j(t_0) + p_j(t_0)}, \quad "
        r"a_j(T)^2 = a_j(t_0)^2 - p_j(t_0)^2 + {P^*_k}^2 .",
        r"\end{align}"]))
    ex = example_problem()
    ep = early_phase(ex)
    lines = [r"\begin{align*}"]
    for jj, exits in enumerate(ep.exits):
        if not exits:
            lines.append(rf"&\text{{neuron {jj + 1}: no exit}} \\")
        for kk, T in exits:
            lines.append(rf"T_{{{jj + 1},{kk + 1}}} &= {_L(T)} \approx {sp.N(T, 12)} \\")
    lines[-1] = lines[-1].rstrip(" \\")
    lines.append(r"\end{align*}")
    frags["early_exits_example"] = ("Exit times of the built-in example ($\\lambda = 1$)", "\n".join(lines))
    ip = indexed_predictions()
    frags["predictions"] = ("Data predictions for symbolic $n$ ($\\pi_k = 1[y_k > 0]$, $\\mu_k = 1[y_k < 0]$, "
                            "$q_k = \\|x_k\\|^2$)", "\n".join(
        [r"\begin{align}"] +
        [rf"{lhs} &= {_L(ip[key])}" + (r", \\" if key != "escape_slope_minus" else ".")
         for lhs, key in ((r"\|D_+\|^2", "D_plus_sq"), (r"\|D_-\|^2", "D_minus_sq"),
                          (r"(\beta_+)_i", "beta_plus_i"), (r"(\beta_-)_i", "beta_minus_i"),
                          (r"N^*", "N_star"), (r"L_0", "L0"),
                          (r"n/\|D_+\|", "escape_slope_plus"), (r"n/\|D_-\|", "escape_slope_minus"))] +
        [r"\end{align}"]))
    dp, npred = data_predictions(ex), neuron_predictions(ex)
    vec = lambda v: r"\left(" + ", ".join(_L(x) for x in v) + r"\right)"  # noqa: E731
    frags["predictions_example"] = ("Predictions for the built-in example", "\n".join([
        r"\begin{align*}",
        rf"\|D_+\|^2 &= {_L(dp.D_plus_sq)}, & \|D_-\|^2 &= {_L(dp.D_minus_sq)}, \\",
        rf"n/\|D_+\| &= {_L(dp.escape_slope_plus)}, & n/\|D_-\| &= {_L(dp.escape_slope_minus)}, \\",
        rf"L_0 &= {_L(dp.L0)}, & L_{{\mathrm{{mid}}}} &= {_L(dp.L_mid) if dp.L_mid is not None else '-'}, \\",
        rf"\beta_+ &= {vec(dp.beta_plus)}, & \beta_- &= {vec(dp.beta_minus)}, \\",
        rf"N^* &= {_L(dp.N_star)}, & \gamma_\pm &\ge {_L(dp.gamma_bound_plus)},\ {_L(dp.gamma_bound_minus)}, \\",
        rf"\gamma_+ &= {_L(npred.gamma_plus)}, & \gamma_- &= {_L(npred.gamma_minus)}.",
        r"\end{align*}",
        "% neuron kinds: " + ", ".join(npred.kind)]))
    return frags


def _markdown(frags, certs) -> str:
    return derivations_markdown(
        "# gfcheck derivations",
        ["Generated by `gfcheck derive` (do not edit). Each section is also a LaTeX fragment in `tex/`;",
         "each claim has a certificate in `certificates/`."], frags, certs)


def write_orthogonal(out_dir) -> list:
    """Write the orthogonal theory's derivations and certificates into the folder ``out_dir``
    (``gfcheck derive --out OUT``: ``OUT/orthogonal/``, the suite's
    :meth:`~gfcheck.proofs_check.core.suite.Suite.derive`); returns the stems whose verdict is not
    the expected one (empty when all are).  A file-system failure while writing raises
    :class:`~gfcheck.symbolic.errors.OutputError`.
    """
    from pathlib import Path

    certs = all_certificates()
    frags = _fragments(certs)
    return write_theory(Path(out_dir), frags, certs, _markdown(frags, certs))
