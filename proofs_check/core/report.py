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

from gfcheck.symbolic.files import (
    atomic_write,
    atomic_write_json,
    canonical_json,
    os_errors_as_output_errors,
)
from gfcheck.symbolic.problem import problem_to_json

from .context import UNREACHABLE
from .proofs import proofs_document, proofs_markdown
from .registry import VERDICTS
from .verdicts import provenance_counts, provenance_tally

__all__ = ["print_table", "render_table", "write_report", "verdict_counts", "claim_sources",
           "counts_line", "attention_line", "attention_lines", "reproduce_path", "REPORT_FILES"]

_COLS = ("claim", "from", "prediction", "measurement", "tolerance", "verdict", "seconds")

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
_BUDGET_MARKERS = ("budget", "ladder", "rung", "digits", "dps", "precision", "horizon", "step", "events",
                   "resolved", "PrecisionExhausted", "StepSizeCollapse", "TooManyEvents",
                   "IntegrationFailed", "DerivationUndecided")
#: (word of the reason, what to do) for OUTSIDE_ASSUMPTIONS; the first match wins
_ASSUMPTION_STEPS = (
    ("orthogonal", "to check it, make the inputs pairwise orthogonal (<x_k, x_l> = 0 for k != l)"),
    ("A3", "to check it, give each label sign a main neuron (assumption A3, see claim 16)"),
)
_ASSUMPTION_DEFAULT = "to check it, rerun on data that satisfy the claim's assumptions (see report.md)"
#: what to do, by the id of a declared hypothesis that failed (gfcheck.symbolic.assumptions)
_HYPOTHESIS_STEPS = {
    "orthogonal-inputs": _ASSUMPTION_STEPS[0][1],
    "A3": _ASSUMPTION_STEPS[1][1],
    "relu-prime-zero": "to check it, set relu_prime_at_zero to \"0\" (the paper's flow; claim 17 compares both)",
    "balanced": "to check it, start balanced (drop output_weights: a_j(0) = s_j ||w_j(0)||)",
}


def _clip(text: str, width: int) -> str:
    """``text`` on one line, at most about ``width`` characters, cut only between words (a number is
    never cut: a word longer than ``width`` is kept whole); ``~`` marks a cut.

    >>> _clip("slopes 2.75862069; 4.622501635", 20)
    'slopes 2.75862069; ~'
    """
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if text[width - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return (head.rstrip() or text.split(" ", 1)[0]) + " ~"


#: the widest a table cell gets before it wraps onto the next line; a longer word widens it
_WRAP = {"prediction": 38, "measurement": 38, "tolerance": 24}


def _cell_lines(text: str, width: int | None) -> list[str]:
    """``text`` wrapped between words into lines of at most ``width`` (a number is never cut)."""
    import textwrap

    if width is None:
        return [str(text)]
    text = " ".join(str(text).split())
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def render_table(results, *, seconds=True) -> str:
    """The verdict table: one row per claim (continued on more lines where a cell wraps), with
    where the claim comes from (``paper`` or ``reconstructed``, :class:`~.verdicts.Provenance`).
    Nothing is cut: a cell wraps between words, and a word longer than its column widens it."""
    cols = [c for c in _COLS if seconds or c != "seconds"]
    rows = []
    for r in results:
        cells = {"claim": f"{r.claim.number:>2} {r.claim.id}", "from": r.claim.provenance.kind,
                 "prediction": r.result.prediction, "measurement": r.result.measurement,
                 "tolerance": r.result.tolerance, "verdict": r.verdict, "seconds": f"{r.seconds:.1f}"}
        wrapped = [_cell_lines(cells[c], _WRAP.get(c)) for c in cols]
        height = max(len(w) for w in wrapped)
        rows += [[w[i] if i < len(w) else "" for w in wrapped] for i in range(height)]
    widths = [max(len(c), *(len(row[i]) for row in rows)) if rows else len(c) for i, c in enumerate(cols)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(cols), line(["-" * w for w in widths])] + [line(row) for row in rows]) + "\n"


def claim_sources(results, notes: str) -> dict[str, str]:
    """``{"paper": k, "reconstructed": r, "notes": notes}`` (counts as strings) over the claims of
    ``results`` (results or claims): how many the paper states and how many we reconstructed."""
    return {**{kind: str(k) for kind, k in provenance_tally(results).items()}, "notes": notes}


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
    parts += [str(details[k]).split("; rerun with --only")[0] if "stopped" in details else str(details[k])
              for k in _REASON_KEYS if k in details]
    if r.verdict == "OUTSIDE_ASSUMPTIONS":
        parts += [f"{k.replace('_', ' ')} {details[k]}" for k in _BREACH_KEYS if k in details]
    return _clip("; ".join(parts), REASON_WIDTH)


def _outside_step(details, text) -> str:
    """What to do about an OUTSIDE_ASSUMPTIONS: by the id of each declared hypothesis that failed,
    else by the words of the reason."""
    failed = details.get("assumptions_failed") or []
    if failed:
        return "; ".join(_HYPOTHESIS_STEPS.get(f["id"], _ASSUMPTION_DEFAULT) for f in failed)
    return next((step for word, step in _ASSUMPTION_STEPS if word in text), _ASSUMPTION_DEFAULT)


def _own_step(details, parts):
    """The check's own next step when it knows a deeper ladder cannot decide it (``details["next"]``,
    or the ``next`` of every undecided part, each said once); None otherwise."""
    undecided = [p for p in parts if p.get("verdict") == "UNDECIDED"]
    own = [details["next"]] if details.get("next") else [p.get("next") for p in undecided]
    return "; ".join(dict.fromkeys(map(str, own))) if own and all(own) else None


def _undecided_step(details, text, profile: str) -> str:
    """What to do about an UNDECIDED that names no step of its own: a deeper profile where the
    reason is the budget, ladder or digits (or the twin could not fail), else the data."""
    downgraded = "downgraded" in details
    if UNREACHABLE in text:  # the lambda a decision needs is beyond every profile's ladder
        return ("no profile decides it: the lambda it needs is beyond the deepest rung of any (its correction "
                "orders are too small); see the claim's details in report.md")
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


def _next_step(r, profile: str, reproduce_dir) -> str:
    """What to do about ``r`` (see the module docstring)."""
    details = r.result.details
    cid = r.claim.id
    if r.verdict == "REFUTED":
        repro = Path(reproduce_dir) / f"{cid}.problem.json"
        return f"reproduce with  gfcheck verify --profile {profile} --problem {repro} --only {cid}"
    if "stopped" in details:  # a spent whole-run budget or a signal: the reason says how to rerun
        return (f"rerun with --only {cid}" + (" or a larger --max-time" if details["stopped"] == "budget" else ""))
    # the claim's reason and its parts' (a claim judged per group says why in the part that is undecided)
    parts = [p for p in (details.get("parts") or {}).values() if isinstance(p, dict)]
    text = " ".join(str(d.get(k, "")) for d in [details, *parts] for k in _REASON_KEYS)
    if r.verdict == "OUTSIDE_ASSUMPTIONS":
        return _outside_step(details, text)
    own = _own_step(details, parts) if r.verdict == "UNDECIDED" else None
    return own or _undecided_step(details, text, profile)


def _cause(r, profile: str, reproduce_dir) -> str:
    """``VERDICT: reason; next: step`` with the claim's own ``--only ID`` as ``--only {ids}``: the
    cause that claims share (a REFUTED claim's cause is its own: its numbers, its reproduce file)."""
    step = " ".join(_next_step(r, profile, reproduce_dir).splitlines())
    text = f"{r.verdict}: {_reason(r)}; next: {step}"
    if r.verdict == "REFUTED":
        return text
    return text.replace("{", "{{").replace("}", "}}").replace(f"--only {r.claim.id}", "--only {ids}")


def attention_line(r, *, profile: str, reproduce_dir=REPRODUCE_DIR) -> str:
    """One line for a claim that is not VERIFIED: ``id: VERDICT: reason; next: step``.

    >>> from gfcheck.proofs_check.core.registry import Claim, ClaimResult, Provenance, Verdict
    >>> c = Claim(suite="orthogonal", id="x", number=1, title="t", statement="s", source="s", prediction="p",
    ...           measurement="m", tolerance_rule="r", twin="w", check=lambda ctx: None,
    ...           provenance=Provenance("reconstructed", "docs/suites/orthogonal.md section 1"))
    >>> u = Verdict("UNDECIDED", "-", "-", "-", "-", {"reason": "too few ladder rungs"})
    >>> attention_line(ClaimResult(c, u, u, 0.0), profile="quick")
    'x: UNDECIDED: too few ladder rungs; next: rerun with --profile full (a deeper lambda ladder and more digits)'
    """
    return attention_lines([r], profile=profile, reproduce_dir=reproduce_dir)[0]


def attention_lines(results, *, profile: str, reproduce_dir=REPRODUCE_DIR) -> list[str]:
    """One line per distinct cause among the results that are not VERIFIED, in the order of
    their first claim: ``id, id, ...: VERDICT: reason; next: step`` (claims that share the same
    verdict, reason and next step, e.g. every claim OUTSIDE_ASSUMPTIONS on non-orthogonal inputs,
    or every claim a spent budget left unfinished, are one line listing their ids)."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for r in results:
        if r.verdict != "VERIFIED":
            cause = _cause(r, profile, reproduce_dir)
            groups.setdefault(r.claim.id if r.verdict == "REFUTED" else cause, (cause, []))[1].append(r.claim.id)
    return [f"{ids[0]}: {cause}" if cause.startswith("REFUTED") else
            f"{', '.join(ids)}: {cause.format(ids=','.join(ids))}" for cause, ids in groups.values()]


def timings_document(results, ctx) -> dict:
    """Where the time went (``timings.json``; the one file that differs between runs): seconds
    per claim, per integration actually run (label: engine, lambda, digits, horizon), and the
    prefetch of the shared ladder."""
    runs = ctx.timings
    return {"claims": {r.claim.id: f"{r.seconds:.2f}" for r in results},
            "claims_total": f"{sum(r.seconds for r in results):.2f}",
            "integrations": [{"run": label, "seconds": f"{sec:.2f}"} for label, sec in runs],
            "integrations_total": f"{sum(sec for _, sec in runs):.2f}",
            "prefetch_wall": f"{ctx.prefetch_seconds:.2f}"}


def _provenance(ctx, command) -> dict:
    from gfcheck.numeric import provenance

    return {"versions": provenance(), "suite": ctx.suite.name, "profile": ctx.profile.name,
            "dps": ctx.profile.dps, "ladder": [f"1e-{e}" for e in ctx.profile.exponents],
            "problem_sha256": ctx.problem.sha256(), "command": " ".join(command)}


def _markdown(results, ctx, extra_md, figures, skipped, command) -> str:
    n_ok = sum(r.verdict == "VERIFIED" for r in results)
    P = ctx.problem
    out = ["# gfcheck verify report", "",
           f"Suite `{ctx.suite.name}`: claims about {ctx.suite.title}, numbered as in `{ctx.suite.notes}` "
           "(in the gfcheck repository; a claim's source \"digest N.M\" is section N.M of it), checked "
           "against high-precision trajectories.", "",
           f"**Where the claims come from:** {provenance_counts(results, ctx.suite.notes)}. The column "
           "`from` of the table and each claim's `provenance` line say which, and where.", "",
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
                f"- statement: {c.statement}", f"- provenance: {c.provenance.label}", f"- source: {c.source}",
                f"- prediction: {c.prediction} -> **{r.result.prediction}**",
                f"- measurement: {c.measurement} -> **{r.result.measurement}**",
                f"- residual: {r.result.residual}; tolerance: {r.result.tolerance}",
                f"- tolerance rule: {c.tolerance_rule}",
                f"- negative twin: {c.twin} -> **{r.twin.verdict}** (measured {r.twin.measurement})", ""]
        if r.verdict != "VERIFIED":
            out += [f"- details: `{canonical_json(r.result.details).strip()[:2000]}`", ""]
    if extra_md:
        out.append(extra_md)
    proofs = getattr(ctx, "proofs", None)
    if proofs is not None:
        out.append(proofs_markdown(*proofs))
    figure_list = ctx.suite.figure_captions()
    if figure_list:
        out += ["## Figures", ""]
    for name, (_key, caption) in figure_list.items():
        if name in figures:
            out += [f"![{name}]({name})", "", caption, ""]
        else:
            out += [f"- `{name}` not drawn: {skipped.get(name, 'no data')}", ""]
    prov = _provenance(ctx, command)
    out += ["## Provenance", "", "```", canonical_json(prov).rstrip(), "```", ""]
    return "\n".join(out)


def write_report(out_dir: Path, results, ctx, *, command, figures=True, figures_skipped=None, extras_seconds=None):
    """Write the report; returns ``[(claim id, reproduce problem path)]`` for refuted claims.

    ``figures_skipped``: why the figures are not drawn (a stopped run, a budget nearly spent),
    recorded per figure.  ``extras_seconds`` bounds the suite's extra sections and the figures
    (None: no bound); past it they are recorded as not made and the rest is written whole.  Inside
    :func:`gfcheck.symbolic.budget.deferred` (``gfcheck verify`` writing what finished) a signal
    cuts them short the same way.  A file-system failure (``OSError``) becomes
    :class:`~gfcheck.symbolic.errors.OutputError`.
    """
    with os_errors_as_output_errors("report folder"):
        return _write_report(Path(out_dir), results, ctx, command=command, figures=figures,
                             figures_skipped=figures_skipped, extras_seconds=extras_seconds)


def _cut_short(part: str, fallback, fn, seconds):
    """``fn()``, or ``fallback(why)`` when it runs past ``seconds`` or a held-back signal cuts it
    short (only while a signal is deferred: otherwise the signal goes on up)."""
    import contextlib

    from gfcheck.symbolic.budget import Interrupted, deferring, interruptible, time_limit
    from gfcheck.symbolic.errors import TimeBudgetSpent

    try:
        with interruptible() if deferring() else contextlib.nullcontext(), \
                time_limit(seconds, f"{part} not made: the run's time budget was spent"):
            return fn()
    except TimeBudgetSpent as exc:
        return fallback(str(exc))
    except Interrupted as exc:
        if not deferring():
            raise
        return fallback(f"{part} not made: the run was ended by {exc.name}")


def _write_report(out_dir: Path, results, ctx, *, command, figures, figures_skipped=None, extras_seconds=None):
    import time

    suite = ctx.suite
    captions = suite.figure_captions()
    out_dir.mkdir(parents=True, exist_ok=True)
    end = None if extras_seconds is None else time.monotonic() + extras_seconds
    left = lambda: None if end is None else max(0.0, end - time.monotonic())  # noqa: E731
    extra_json, extra_md = _cut_short(
        "this section was", lambda why: ({"sections_skipped": why}, f"*{why}.*\n"),
        lambda: suite.report_sections(ctx, results), left())
    fig_paths, skipped = [], {}
    if figures and captions:
        fig_paths, skipped = _cut_short("the figures were", lambda why: ([], dict.fromkeys(captions, why)),
                                        lambda: suite.figures(out_dir, ctx, results), left())
    elif figures_skipped:
        skipped = dict.fromkeys(captions, figures_skipped)
    names = {p.name for p in fig_paths}
    for name in sorted(set(captions) - names):  # only the suite's own figure names
        if (out_dir / name).is_file():
            (out_dir / name).unlink()  # a figure of an earlier run must not sit beside this run's report
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
    atomic_write(out_dir / "report.md", _markdown(results, ctx, extra_md, names, skipped, command))
    atomic_write_json(out_dir / "timings.json", timings_document(results, ctx))
    doc = {"schema": "gfcheck.report/1", "suite": ctx.suite.name, "claims": [r.to_json() for r in results],
           "claim_sources": claim_sources(results, ctx.suite.notes),
           **extra_json, "figures": sorted(names), "figures_skipped": skipped,
           **({"proofs": proofs_document(*ctx.proofs)} if getattr(ctx, "proofs", None) is not None else {}),
           "provenance": _provenance(ctx, command),
           "summary": {v: str(k) for v, k in verdict_counts(results).items()}}
    atomic_write_json(out_dir / "report.json", doc)  # last: its presence means the report is whole
    return refuted
