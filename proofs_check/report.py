"""The report of ``gfcheck verify``: verdict table, Markdown, JSON, figures, provenance.

``report.json`` and ``report.md`` carry no timings and no dates, so the same problem, profile
and library versions give the same bytes; seconds go to ``timings.json``.  Every file is
written atomically, ``report.json`` last; a file-system failure while writing raises
:class:`~gfcheck.symbolic.errors.OutputError`.

The summary (terminal and ``report.md``) counts each verdict and gives every claim that is not
VERIFIED one line: ``id: VERDICT: reason; next: what to do`` (:func:`attention_lines`).  The
reason comes from the result's details (``reason``, ``error``, ``downgraded``; for REFUTED the
prediction, measurement, residual and tolerance), the next step from the verdict: the
reproduce command for REFUTED, the assumption to satisfy for OUTSIDE_ASSUMPTIONS, ``--profile
full`` for an UNDECIDED that ran out of ladder or digits.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mpmath

from gfcheck.symbolic._io import (
    atomic_write,
    atomic_write_json,
    canonical_json,
    os_errors_as_output_errors,
)
from gfcheck.symbolic.problem import problem_to_json

from .registry import VERDICTS

__all__ = ["print_table", "render_table", "write_report", "neuron_figure_data", "verdict_counts",
           "counts_line", "attention_line", "attention_lines", "reproduce_path", "REPORT_FILES"]

_COLS = ("claim", "prediction", "measurement", "tolerance", "verdict", "seconds")

#: files ``write_report`` writes into the report folder (besides figures and ``reproduce/``)
REPORT_FILES = ("problem.json", "report.md", "timings.json", "report.json")
#: the folder of the per-claim reproduction problems
REPRODUCE_DIR = "reproduce"
#: the profile with the deepest ladder and the most digits (the next step for a budget UNDECIDED)
FULL_PROFILE = "full"
#: characters of a reason kept on a summary line
REASON_WIDTH = 200
#: detail keys that carry the reason of a verdict, in the order they are shown
_REASON_KEYS = ("reason", "error", "downgraded")
#: detail keys shown beside an OUTSIDE_ASSUMPTIONS reason (the measured breach)
_BREACH_KEYS = ("largest_off_diagonal_cosine",)
#: words of a reason that mean the ladder, the digits or the step budget ran out
_BUDGET_MARKERS = ("ladder", "rung", "digits", "dps", "precision", "horizon", "step", "events",
                   "resolved", "PrecisionExhausted", "StepSizeCollapse", "TooManyEvents",
                   "IntegrationFailed", "DerivationUndecided")
#: (word of the reason, what to do) for OUTSIDE_ASSUMPTIONS; the first match wins
_ASSUMPTION_STEPS = (
    ("orthogonal", "to check it, make the inputs pairwise orthogonal (<x_k, x_l> = 0 for k != l)"),
    ("A3", "to check it, give each label sign a main neuron (assumption A3, see claim 16)"),
)
_ASSUMPTION_DEFAULT = "to check it, rerun on data that satisfy the claim's assumptions (see report.md)"


def _clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "~"


def render_table(results, *, seconds=True) -> str:
    rows = [[f"{r.claim.number:>2} {r.claim.id}", _clip(r.result.prediction, 38),
             _clip(r.result.measurement, 38), _clip(r.result.tolerance, 24), r.verdict,
             f"{r.seconds:.1f}"] for r in results]
    cols = list(_COLS)
    if not seconds:
        cols = cols[:-1]
        rows = [row[:-1] for row in rows]
    widths = [max(len(c), *(len(row[i]) for row in rows)) if rows else len(c) for i, c in enumerate(cols)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(cols), line(["-" * w for w in widths])] + [line(row) for row in rows]) + "\n"


def print_table(results, stream=None) -> None:
    (stream or sys.stdout).write(render_table(results))


def verdict_counts(results) -> dict[str, int]:
    """``{verdict: number of claims}`` for every verdict of :data:`VERDICTS` (zeros included)."""
    return {v: sum(r.verdict == v for r in results) for v in VERDICTS}


def counts_line(results) -> str:
    """``"N claims: a VERIFIED, b REFUTED, c OUTSIDE_ASSUMPTIONS, d UNDECIDED"``."""
    counts = verdict_counts(results)
    return f"{len(results)} claims: " + ", ".join(f"{counts[v]} {v}" for v in VERDICTS)


def reproduce_path(out_dir, claim_id: str) -> Path:
    """``out_dir/reproduce/<id>.problem.json``: the problem that reruns a refuted claim."""
    return Path(out_dir) / REPRODUCE_DIR / f"{claim_id}.problem.json"


def _reason(r) -> str:
    """Why ``r`` is not VERIFIED, from its numbers and details (one line, clipped)."""
    v, details = r.result, r.result.details
    parts = []
    if r.verdict == "REFUTED" or not any(k in details for k in _REASON_KEYS):
        parts.append(f"prediction {v.prediction} vs measurement {v.measurement} "
                     f"(residual {v.residual}, tolerance {v.tolerance})")
    parts += [str(details[k]) for k in _REASON_KEYS if k in details]
    if r.verdict == "OUTSIDE_ASSUMPTIONS":
        parts += [f"{k.replace('_', ' ')} {details[k]}" for k in _BREACH_KEYS if k in details]
    return _clip("; ".join(parts), REASON_WIDTH)


def _next_step(r, profile: str, reproduce_dir) -> str:
    """What to do about ``r`` (see the module docstring)."""
    details = r.result.details
    cid = r.claim.id
    if r.verdict == "REFUTED":
        repro = Path(reproduce_dir) / f"{cid}.problem.json"
        return f"reproduce with  gfcheck verify --profile {profile} --problem {repro} --only {cid}"
    text = " ".join(str(details.get(k, "")) for k in _REASON_KEYS)
    if r.verdict == "OUTSIDE_ASSUMPTIONS":
        return next((step for word, step in _ASSUMPTION_STEPS if word in text), _ASSUMPTION_DEFAULT)
    downgraded = "downgraded" in details
    budget = downgraded or any(word in text for word in _BUDGET_MARKERS)
    if budget and profile != FULL_PROFILE:
        return (f"rerun with --profile {FULL_PROFILE} (a deeper lambda ladder and more digits)"
                + ("; if it stays UNDECIDED, compare the claim and its negative twin in report.md"
                   if downgraded else ""))
    if downgraded:
        return ("compare the claim and its negative twin in report.md: on these data the check "
                "could not have failed")
    if budget:
        return "the full profile's ladder and digits did not decide it; see the claim's details in report.md"
    if "error" in details:
        return "see the error in the claim's details in report.md"
    return "these data do not exercise the claim; rerun on data that do (see the reason)"


def attention_line(r, *, profile: str, reproduce_dir=REPRODUCE_DIR) -> str:
    """One line for a claim that is not VERIFIED: ``id: VERDICT: reason; next: step``.

    >>> from gfcheck.proofs_check.registry import Claim, ClaimResult, Verdict
    >>> c = Claim(id="x", number=1, title="t", statement="s", source="s", prediction="p",
    ...           measurement="m", tolerance_rule="r", twin="w", check=lambda ctx: None)
    >>> u = Verdict("UNDECIDED", "-", "-", "-", "-", {"reason": "too few ladder rungs"})
    >>> attention_line(ClaimResult(c, u, u, 0.0), profile="quick")
    'x: UNDECIDED: too few ladder rungs; next: rerun with --profile full (a deeper lambda ladder and more digits)'
    """
    step = " ".join(_next_step(r, profile, reproduce_dir).splitlines())
    return f"{r.claim.id}: {r.verdict}: {_reason(r)}; next: {step}"


def attention_lines(results, *, profile: str, reproduce_dir=REPRODUCE_DIR) -> list[str]:
    """:func:`attention_line` for every result that is not VERIFIED, in the order given."""
    return [attention_line(r, profile=profile, reproduce_dir=reproduce_dir)
            for r in results if r.verdict != "VERIFIED"]


def _provenance(ctx, command) -> dict:
    from gfcheck.numeric.result import provenance

    return {"versions": provenance(), "profile": ctx.profile.name, "dps": ctx.profile.dps,
            "ladder": [f"1e-{e}" for e in ctx.profile.exponents], "problem_sha256": ctx.problem.sha256(),
            "command": " ".join(command)}


def neuron_figure_data(ctx) -> dict | None:
    """Norms |a_j| and misalignment 1 - cos(w_j, limit direction) over time at lambda = the ladder's
    second rung (deep enough to show the phases, shallow enough for 1 - cos to be resolved)."""
    from gfcheck.numeric.precision import to_mpf

    from ._measure import mp_data
    from .claims_asymptotic import _W, _one_minus_cos

    lam = ctx.profile.scales[min(1, len(ctx.profile.scales) - 1)]
    run = ctx.ladder_run(lam)
    P = ctx.problem
    with mpmath.workprec(run.work_bits):
        X, y = mp_data(P)
        # the limit direction: beta_+- for main neurons (digest 5.1), D_j for the others
        Ds = []
        for j in range(P.m):
            if ctx.neurons.kind[j] == "main":
                beta = ctx.data.beta_plus if P.signs[j] > 0 else ctx.data.beta_minus
                Ds.append([to_mpf(v) for v in beta])
                continue
            S = ctx.neurons.A_inf[j] or ctx.neurons.active0[j]
            Ds.append([mpmath.fsum(abs(y[k]) * X[k][i] for k in S) for i in range(P.d)])
        t, norms, omc = [], [[] for _ in range(P.m)], [[] for _ in range(P.m)]
        for st in run.samples[1:]:
            W = _W(ctx, lam, st)
            t.append(float(st.t))
            for j in range(P.m):
                norms[j].append(float(abs(st.a[j])))
                omc[j].append(float(_one_minus_cos(W[j], Ds[j])) if any(Ds[j]) else float("nan"))
    return {"t": t, "norms": norms, "one_minus_cos": omc, "kind": list(ctx.neurons.kind),
            "sign": list(P.signs), "lambda": mpmath.nstr(to_mpf(lam), 3)}


def _markdown(results, ctx, cond, figures, skipped, command) -> str:
    from .figures import FIGURES
    from .lambda_condition import markdown as cond_md

    n_ok = sum(r.verdict == "VERIFIED" for r in results)
    P = ctx.problem
    out = ["# gfcheck verify report", "",
           "Claims of Boursier, Pillaud-Vivien, Flammarion, *Gradient flow dynamics of shallow ReLU "
           "networks for square loss and orthogonal inputs* (NeurIPS 2022), as numbered in section 9 of "
           "the digest `math/boursier2022.md`, checked against high-precision trajectories.", "",
           f"**{n_ok} of {len(results)} claims verified.** Problem: n = {P.n}, d = {P.d}, m = {P.m}, "
           f"sha256 `{P.sha256()}`; profile `{ctx.profile.name}` ({ctx.profile.dps} digits, lambda ladder "
           f"{', '.join(f'1e-{e}' for e in ctx.profile.exponents)}).", "",
           f"Verdicts: {counts_line(results)}.", "",
           f"Rerun: `{' '.join(command)}`", "", "## Verdicts", "", "```",
           render_table(results, seconds=False).rstrip(), "```", ""]
    attention = attention_lines(results, profile=ctx.profile.name)
    if attention:
        out += ["## Needs attention", "",
                "Every claim that is not VERIFIED, why, and what to do next (paths relative to this "
                "folder):", ""]
        out += [f"- {line}" for line in attention] + [""]
    out += ["Every claim has a negative twin that must be REFUTED; a claim whose twin is not refuted "
            "is reported UNDECIDED.", "", "## Claims", ""]
    for r in results:
        c = r.claim
        out += [f"### {c.number}. {c.title} (`{c.id}`): {r.verdict}", "",
                f"- statement: {c.statement}", f"- source: {c.source}",
                f"- prediction: {c.prediction} -> **{r.result.prediction}**",
                f"- measurement: {c.measurement} -> **{r.result.measurement}**",
                f"- residual: {r.result.residual}; tolerance: {r.result.tolerance}",
                f"- tolerance rule: {c.tolerance_rule}",
                f"- negative twin: {c.twin} -> **{r.twin.verdict}** (measured {r.twin.measurement})", ""]
        if r.verdict != "VERIFIED":
            out += [f"- details: `{canonical_json(r.result.details).strip()[:2000]}`", ""]
    out.append(cond_md(cond))
    out += ["## Figures", ""]
    for name, (key, caption) in FIGURES.items():
        if name in figures:
            out += [f"![{name}]({name})", "", caption, ""]
        else:
            out += [f"- `{name}` not drawn: {skipped.get(name, 'no data')}", ""]
    prov = _provenance(ctx, command)
    out += ["## Provenance", "", "```", canonical_json(prov).rstrip(), "```", ""]
    return "\n".join(out)


def write_report(out_dir: Path, results, ctx, *, command, figures=True):
    """Write the report; returns ``[(claim id, reproduce problem path)]`` for refuted claims.

    A file-system failure (``OSError``) becomes :class:`~gfcheck.symbolic.errors.OutputError`.
    """
    with os_errors_as_output_errors("report folder"):
        return _write_report(Path(out_dir), results, ctx, command=command, figures=figures)


def _write_report(out_dir: Path, results, ctx, *, command, figures):
    from .figures import draw_figures
    from .lambda_condition import lambda_condition

    out_dir.mkdir(parents=True, exist_ok=True)
    cond = lambda_condition(ctx, results)
    fig_paths, skipped = [], {}
    if figures:
        try:
            ctx.figure_data.setdefault("neurons", neuron_figure_data(ctx))
        except Exception as exc:  # noqa: BLE001 - a figure must never stop the report
            skipped["neurons.png"] = f"{type(exc).__name__}: {exc}"
        fig_paths, sk = draw_figures(out_dir, ctx.figure_data)
        skipped.update(sk)
    names = {p.name for p in fig_paths}
    refuted = []
    for stale in sorted((out_dir / REPRODUCE_DIR).glob("*.problem.json")):
        if not any(r.verdict == "REFUTED" and stale.name == f"{r.claim.id}.problem.json" for r in results):
            stale.unlink()  # a reproduce file of an earlier run must not survive
    for r in results:
        if r.verdict == "REFUTED":
            path = reproduce_path(out_dir, r.claim.id)
            path.parent.mkdir(exist_ok=True)
            atomic_write_json(path, problem_to_json(ctx.problem))
            refuted.append((r.claim.id, path))
    atomic_write_json(out_dir / "problem.json", problem_to_json(ctx.problem))
    atomic_write(out_dir / "report.md", _markdown(results, ctx, cond, names, skipped, command))
    atomic_write_json(out_dir / "timings.json", {r.claim.id: f"{r.seconds:.2f}" for r in results})
    doc = {"schema": "gfcheck.report/1", "claims": [r.to_json() for r in results],
           "lambda_condition": cond, "figures": sorted(names), "figures_skipped": skipped,
           "provenance": _provenance(ctx, command),
           "summary": {v: str(k) for v, k in verdict_counts(results).items()}}
    atomic_write_json(out_dir / "report.json", doc)  # last: its presence means the report is whole
    return refuted
