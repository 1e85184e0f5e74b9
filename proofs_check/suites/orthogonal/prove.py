"""The orthogonal suite's proofs on one instance (``gfcheck verify --prove``; docs/enclose.md).

For each ladder scale of the claims below, a validated enclosure of the reduced flow
(:func:`gfcheck.numeric.enclose.enclose`, arb balls) proves the instance-level parts the verdicts
rest on, each a :class:`~gfcheck.proofs_check.core.proofs.ProofPart` with a twin that must not be
proved:

* ``exit-times`` (claim 6), on ``[0, t_probe]`` at the early run's digits:
  - *exit set*: exactly the predicted (neuron, point) pairs deactivate, each once, and no other active
    coordinate reaches 0 (twin: the predicted set without its last pair);
  - *exit times*: every exit time of the engine's run (the numbers the rate is fitted on) lies within
    the claim's tolerance of the proved time ball; the proved deviations from the closed-form times
    are reported as intervals (twin: the engine's times moved by four times tolerance plus width);
  - *exit order*: the exits happen in the listed order (every two consecutive time balls are
    disjoint; twin: the first two swapped);
* ``invariants`` (claim 4), on the same enclosure at ``t_probe``: ``|a_j^2 - ||w_j||^2 - delta_j|``
  is below ``2^(-b + 12) max(a_j^2, ||w_j||^2)`` for every ``j`` (twin: the invariant moved by four
  times that bound);
* ``plateaus`` (claim 11) at the first plateau's probe ``s_1 log(1/lambda) / 2`` and the middle one's
  ``(s_1 + s_2) log(1/lambda) / 2``: the engine's measured departure ``|L - L0|``, ``|L - L_mid|`` lies
  within the claim's tolerance of the proved interval (twin: moved by four times tolerance plus width);
* ``alignment`` (claim 8) at its probe: each main neuron's ``1 - cos(w_j, D_j)`` of the engine's run
  lies within the claim's floor of the proved value (twin: moved by four times floor plus width);
* ``escape-slope`` (claim 9): each group's half-fit crossing lies within ``2^(-b + 12)(1 + t)`` (the
  profile's digits) of the engine's ``t_1/2,+-`` (twin: the window moved by ``4 tol``);
* ``convergence`` (claim 12): the loss is at or below the fit level ``L(0) 2^-b`` at the ladder run's
  horizon (first rung; twin: already at the slower group's half fit), and each group's fit time lies
  within ``2^(-b/2 + 12)(1 + t)`` of a proved crossing of that level (twin: the window moved by ``4 tol``).

Rungs run shallow to deep (each claim's own ladder as its result lists it) while the run's budget
lasts; a rung the budget or the enclosure cannot finish is ``NOT PROVED`` with the reason, and the
deeper rungs of that claim are not attempted.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from fractions import Fraction

import mpmath

from gfcheck.symbolic.errors import GfcheckError, IntegrationFailed, TimeBudgetSpent
from gfcheck.numeric.precision import to_mpf

from gfcheck.proofs_check.core.context import mpf_to_fraction, with_scale
from gfcheck.proofs_check.core.measure import initial_balance
from gfcheck.proofs_check.core.proofs import ProofPart, not_attempted

__all__ = ["prove", "SETTINGS"]

#: how the enclosures are made (report.json ``proofs.settings``)
SETTINGS = {"method": "validated Taylor on arb balls, Lohner frame (gfcheck enclose)",
            "flow": "reduced orthogonal, relu'(0) = 0"}
#: slack bits of the invariant's bound (as claim 4's tolerance)
_SLACK = 12
#: digits added when an enclosure cannot place a coordinate near 0, try by try (None: the last try).
#: Generated census-size problem (n = 4, m = 12, lambda = 1e-49, to t = 60): a neuron of size 1e-51
#: beside others of 1e-2 exits at t = 58.68; the balls placed it at 62 digits, not at 32, 42 or 52
#: (the widths restart with the frame at each kink)
_MORE_DIGITS = (10, 20, None)


def _exponents(ladder, fallback) -> list:
    """The exponents ``e`` (``lambda = 10^-e``) of a ladder as a result lists it (``["1e-6", ...]``),
    or ``fallback`` when it lists none."""
    if isinstance(ladder, list) and ladder:
        return [int(x.split("e-")[1]) for x in ladder]
    return list(fallback)


def _ball(arb, v, rad=0):
    """An mpf, a Fraction or a sympy Rational as an arb ball (exact, plus ``rad``)."""
    q = v if isinstance(v, Fraction) else mpf_to_fraction(v)
    from flint import fmpq

    out = arb(fmpq(q.numerator, q.denominator))
    return out + arb(0, rad) if rad else out


def _iv(x) -> list:
    from gfcheck.numeric.enclose import outward_strings

    return outward_strings(x, 25)


def _within(arb, ball, centre, tol) -> bool:
    """Every point of ``ball`` lies in ``[centre - tol, centre + tol]`` (centre, tol mpf)."""
    return bool(abs(ball - _ball(arb, centre)) < _ball(arb, tol))


class _Prover:
    def __init__(self, ctx, results, deadline, rungs=None):
        self.ctx, self.deadline, self.rungs = ctx, deadline, rungs
        self.by_id = {r.claim.id: r for r in results}
        # the parts so far, where the job can read them after a signal (``ctx.proof_parts``)
        self.parts = ctx.proof_parts = []

    def left(self):
        return None if self.deadline is None else self.deadline - time.monotonic()

    def enclosure(self, lam, t_end, dps, times=()):
        """The enclosure of the problem at ``lambda`` on ``[0, t_end]`` within the budget."""
        from gfcheck.symbolic.budget import time_limit

        from gfcheck.numeric.enclose import enclose

        if self.left() is not None and self.left() <= 0:
            raise TimeBudgetSpent("the run's time budget was spent before this rung")
        t0 = time.monotonic()
        for more in _MORE_DIGITS:
            self.ctx.proving = f"enclosure at lambda {float(lam):.0e} to t = {float(t_end):.6g} at {dps} digits"
            try:
                with time_limit(self.left(), "the run's time budget was spent during this rung's enclosure"):
                    enc = enclose(with_scale(self.ctx.problem, lam), t_end=t_end, dps=dps, grid=1, times=times)
                break
            except IntegrationFailed as exc:
                # a coordinate near 0 that the balls cannot place (enclose says how many digits it
                # needs, or to raise them): again with those digits, or the next step of _MORE_DIGITS
                need = re.search(r"needs about (\d+) digits", str(exc))
                if more is None or not (need or "raise --dps" in str(exc)):
                    raise
                dps += max(more, int(need.group(1)) - dps) if need else more
        # seconds go to timings.json (report.json carries none: the same bytes on a rerun)
        self.ctx.timings.append((f"prove: enclosure at lambda {float(lam):.0e} to t = {float(t_end):.6g}",
                                 time.monotonic() - t0))
        return enc

    def wanted(self, claim) -> bool:
        """Was ``claim`` run (not ``--only``-ed out) and within its hypotheses?"""
        r = self.by_id.get(claim)
        return r is not None and r.verdict != "OUTSIDE_ASSUMPTIONS"

    def ladders(self, specs):
        """Run the ladders ``specs`` (``(parts, exponents, one)``: ``one(e)`` gives the parts at
        ``lambda = 10^-e``; ``parts`` names them as ``(claim, part, statement)``) breadth first: the
        first rung of every ladder, then the second ..., so that the budget goes to every claim's
        shallow rungs before any deep one.  A rung that cannot be enclosed ends its ladder; a spent
        budget ends them all; either way the parts are NOT PROVED, with the rungs left unattempted."""
        specs = [(parts, list(exps)[:self.rungs], one) for parts, exps, one in specs
                 if exps and any(self.wanted(c) for c, _, _ in parts)]
        live = list(range(len(specs)))
        nxt = [0] * len(specs)  # each ladder's next rung
        for depth in range(max((len(sp[1]) for sp in specs), default=0)):
            for i in list(live):
                parts, exps, one = specs[i]
                if depth >= len(exps):
                    live.remove(i)
                    continue
                try:
                    self.parts += [p for p in one(exps[depth]) if self.wanted(p.claim)]
                    nxt[i] = depth + 1
                except (GfcheckError, TimeBudgetSpent) as exc:
                    spent = isinstance(exc, TimeBudgetSpent)
                    for k in (list(live) if spent else [i]):
                        if nxt[k] < len(specs[k][1]):
                            self._ended(specs[k], nxt[k], exc)
                        live.remove(k)
                    if spent:
                        return

    def _ended(self, spec, depth, exc):
        """The parts of ``spec``'s rung ``depth`` NOT PROVED for ``exc``, naming the rungs after it."""
        parts, exps, _ = spec
        rest = exps[depth + 1:]
        why = f"no enclosure at this rung: {type(exc).__name__}: {str(exc).splitlines()[0]}" + \
            (f"; not attempted: {', '.join(f'1e-{e}' for e in rest)}" if rest else "")
        self.parts += [not_attempted(c, part, f"1e-{exps[depth]}", statement, why)
                       for c, part, statement in parts if self.wanted(c)]

    # -- claim 6 and claim 4 ------------------------------------------------------------------------
    def exits(self, e):
        from .claims_exact import early_run, early_probe_time, early_dps, exit_time_tolerance

        ctx = self.ctx
        ep = ctx.early_phase
        t = early_probe_time(ep)
        lam = Fraction(1, 10 ** e)
        enc = self.enclosure(lam, t, early_dps(ctx, e, t))
        _, run = early_run(ctx, e, t)
        scale = f"1e-{e}"
        from flint import arb

        from gfcheck.numeric.enclose import arb_precision

        with arb_precision(enc.settings["work_bits"]):
            return self._exit_parts(enc, run, ep, t, scale, exit_time_tolerance(ctx, e, t), arb) + \
                self._invariant_parts(enc, lam, t, scale, arb)

    def _exit_parts(self, enc, run, ep, t, scale, tol, arb):
        """Claim 6's three parts on one enclosure: the exit set, the engine's times, their order."""
        return [self._exit_set(enc, ep, t, scale)] + self._exit_times(enc, run, ep, scale, tol, arb) + \
            self._exit_order(enc, scale)

    def _exit_set(self, enc, ep, t, scale):
        m = self.ctx.problem.m
        predicted = Counter((j, k) for j in range(m) for k, _ in ep.exits[j])
        proved = Counter((ev.neuron, ev.point) for ev in enc.events)
        pairs = sorted(predicted.elements())
        name = ", ".join(f"({j}, {k})" for j, k in pairs)
        listed = [f"({j}, {k})" for j, k in sorted(proved.elements())]
        return ProofPart.judged(
            claim="exit-times", part="exit set", scale=scale, holds=proved == predicted,
            statement=f"on [0, {t}] exactly the pairs {name} deactivate, each once, and no other active "
                      "coordinate reaches 0",
            twin_holds=proved == Counter(pairs[:-1]), twin="the predicted set without its last pair",
            reason="" if proved == predicted else "the enclosure proves another set: " + ", ".join(listed),
            evidence={"proved_pairs": listed})

    def _exit_times(self, enc, run, ep, scale, tol, arb):
        from .claims_exact import closed_form_value

        engine = {}
        for ev in run.events:
            if ev.kind == "deactivate":
                engine.setdefault((ev.neuron, ev.point), []).append(ev.t)
        balls = {(ev.neuron, ev.point): ev.t for ev in enc.events}
        stmt = f"every exit time of the engine's run lies within the claim's tolerance {mpmath.nstr(tol, 3)} " \
               "of the proved time"
        if sorted(engine) != sorted(balls) or any(len(v) != 1 for v in engine.values()):
            return [not_attempted("exit-times", "exit times", scale, stmt,
                                  "the engine's exit set differs from the proved one")]
        if not balls:
            return []
        width = max(float(b.rad()) for b in balls.values())
        shift = tol * 4 + mpmath.mpf(width) * 4
        digits = enc.settings["dps"] + 30
        dev = {}
        for j in range(self.ctx.problem.m):
            for k, T in ep.exits[j]:
                if (j, k) in balls:  # sympy's N is correct to the digits asked: that is the radius
                    Tcf = Fraction(str(closed_form_value(T, digits)))
                    dev[f"({j}, {k})"] = _iv(abs(balls[(j, k)] - _ball(arb, Tcf, arb(10) ** (-digits + 2))))
        return [ProofPart.judged(
            claim="exit-times", part="exit times", scale=scale, statement=stmt,
            holds=all(_within(arb, balls[q], engine[q][0], tol) for q in balls),
            twin_holds=all(_within(arb, balls[q], engine[q][0] + shift, tol) for q in balls),
            twin="the engine's times moved by 4 (tolerance + width)",
            evidence={"widest_time_radius": f"{width:.3e}", "deviation_from_closed_form": dev})]

    def _exit_order(self, enc, scale):
        order = sorted(enc.events, key=lambda ev: ev.t.mid())
        if len(order) < 2:
            return []
        separated = all(a.t.upper() < b.t.lower() for a, b in zip(order, order[1:]))
        listed = ", ".join(f"({ev.neuron}, {ev.point})" for ev in order)
        return [ProofPart.judged(
            claim="exit-times", part="exit order", scale=scale, holds=separated,
            statement=f"the exits happen in the order {listed}",
            twin_holds=bool(order[1].t.upper() < order[0].t.lower()), twin="the first two exits swapped",
            reason="" if separated else "two exits' time balls overlap (their order is not proved)",
            evidence={"times": [_iv(ev.t) for ev in order]})]

    def _invariant_parts(self, enc, lam, t, scale, arb):
        from gfcheck.numeric.precision import bits_for_dps

        P = with_scale(self.ctx.problem, lam)
        delta = initial_balance(P)
        bound_rel = arb(2) ** (-bits_for_dps(enc.settings["dps"]) + _SLACK)
        devs, holds, twin = [], True, True
        for j in range(P.m):
            a2 = enc.final_a[j] ** 2
            w2 = sum((w * w for w in enc.final_W[j]), arb(0))
            dev = a2 - w2 - _ball(arb, delta[j])
            bound = bound_rel * (abs(a2) + abs(w2))
            devs.append(_iv(dev))
            holds = holds and bool(abs(dev) < bound)
            twin = twin and bool(abs(dev - 4 * bound) < bound)
        return [ProofPart.judged(
            claim="invariants", part="balance at t_probe", scale=scale, holds=holds,
            statement=f"|a_j^2 - ||w_j||^2 - delta_j| <= 2^(-b + {_SLACK}) (a_j^2 + ||w_j||^2) at t = {t} for every j",
            twin_holds=twin, twin="the invariant moved by four times the bound",
            evidence={"a2_minus_w2_minus_delta": devs})]

    # -- claim 11 -----------------------------------------------------------------------------------
    def first_plateau(self, e):
        from .claims_asymptotic import first_plateau_probe, first_plateau_row

        lam, t0, dps = first_plateau_probe(self.ctx, e)
        _, err, tol = first_plateau_row(self.ctx, e)
        return [self._departure("first plateau departure", e, self.enclosure(lam, t0, dps), self.ctx.data.L0,
                                "L0", err, tol, f"t0 = s_1 log(1/lambda)/2 = {float(t0):.6g}")]

    def middle_plateau(self, e):
        from .claims_asymptotic import middle_plateau_probe, middle_plateau_row

        lam, t_mid, dps = middle_plateau_probe(self.ctx, e)
        (_, err, tol), *_ = middle_plateau_row(self.ctx, e)
        # the enclosure loses about log10(1/lambda)/5 digits over the plateau, as at the half fits
        return [self._departure("middle plateau departure", e, self.enclosure(lam, t_mid, dps + e // 5),
                                self.ctx.data.L_mid,
                                "L_mid", err, tol, f"t_mid = (s_1 + s_2) log(1/lambda)/2 = {float(t_mid):.6g}")]

    def _departure(self, part, e, enc, level, name, err, tol, where):
        """The engine's ``|L - level|`` at the enclosure's end lies within the claim's tolerance of the
        proved interval (twin: the engine's value moved by 4 (tolerance + width))."""
        from flint import arb

        from gfcheck.numeric.enclose import arb_precision

        with arb_precision(enc.settings["work_bits"]):
            dep = abs(enc.grid_loss[-1] - _ball(arb, level))
            shift = tol * 4 + mpmath.mpf(float(dep.rad())) * 4
            holds = _within(arb, dep, err, tol)
            off = abs(dep - _ball(arb, err))
            reason = "" if holds else (
                f"the engine's value is off by {float(off.lower()):.3e} or more, beyond the tolerance"
                if off > _ball(arb, tol) else
                f"the proved interval (radius {float(dep.rad()):.2e}) straddles the tolerance's edge")
            return ProofPart.judged(
                claim="plateaus", part=part, scale=f"1e-{e}", holds=holds, reason=reason,
                statement=f"the engine's |L - {name}| at {where} lies within the claim's tolerance "
                          f"{mpmath.nstr(tol, 3)} of the proved |L - {name}|",
                twin_holds=_within(arb, dep, err + shift, tol),
                twin="the engine's value moved by 4 (tolerance + width)",
                evidence={"proved_departure": _iv(dep), "engine": mpmath.nstr(err, 12)})

    # -- claim 8 ------------------------------------------------------------------------------------
    def alignment(self, e):
        """Claim 8's measurement at its probe: each main neuron's ``1 - cos(w_j, D_j)`` of the engine's
        run lies within the claim's floor of the proved value (twin: moved by 4 (floor + width))."""
        from flint import arb

        from gfcheck.numeric.enclose import arb_precision

        from .claims_asymptotic import alignment_direction, alignment_probe, alignment_rows

        ctx = self.ctx
        lam, t, dps = alignment_probe(ctx, e)
        enc = self.enclosure(lam, t, dps)
        rows = alignment_rows(ctx, e)
        P = ctx.problem
        D = {j: alignment_direction(ctx, j, P.inputs, P.labels, total=sum) for j in rows}  # exact Fractions
        parts = []
        with arb_precision(enc.settings["work_bits"]):
            for j, (_, measured, floor, _) in sorted(rows.items()):
                Dj = [_ball(arb, v) for v in D[j]]
                w = enc.final_W[j]
                dot = sum((a * b for a, b in zip(w, Dj)), arb(0))
                omc = 1 - dot / (sum((a * a for a in w), arb(0)).sqrt() * sum((b * b for b in Dj), arb(0)).sqrt())
                tol = floor
                shift = tol * 4 + mpmath.mpf(float(omc.rad())) * 4
                parts.append(ProofPart.judged(
                    claim="alignment", part=f"neuron {j} 1 - cos", scale=f"1e-{e}",
                    holds=_within(arb, omc, measured, tol),
                    statement=f"the engine's 1 - cos(w_{j}, D_{j}) at t = {float(t):.6g} lies within the claim's "
                              f"floor {mpmath.nstr(tol, 3)} of the proved value",
                    twin_holds=_within(arb, omc, measured + shift, tol),
                    twin="the engine's value moved by 4 (floor + width)",
                    evidence={"proved": _iv(omc), "engine": mpmath.nstr(measured, 12)}))
        return parts

    # -- claims 9 and 12 ----------------------------------------------------------------------------
    def half_fits(self, e):
        """Claim 9's crossings: each group's half-fit time ``t_1/2,+-`` of the escape run lies within
        the ladder's accuracy (:func:`_time_tolerance`) of a proved crossing (``L_+-`` above ``L_+-(0)/2`` at
        ``t - tol`` and at or below it at ``t + tol``; twin: the window moved by ``4 tol``)."""
        ctx = self.ctx
        lam = Fraction(1, 10 ** e)
        return self._crossings("escape-slope", "L_s(0)/2", e, ctx.escape_run(lam), ctx.half_watches(),
                               lambda t: _time_tolerance(ctx, t))

    def fit_times(self, e):
        """Claim 12's crossings: each group's fit time ``t_fit,+-`` of the ladder run (``L_+-`` down to
        ``L(0) 2^-b``) lies within :func:`_fit_tolerance` of a proved crossing (twin: moved by ``4 tol``)."""
        ctx = self.ctx
        lam = Fraction(1, 10 ** e)
        _, kwargs = ctx.ladder_request(lam)
        watches = [w for w in kwargs["watches"] if w.name.startswith("fit_")]
        return self._crossings("convergence", "L(0) 2^-b", e, ctx.ladder_run(lam), watches,
                               lambda t: _fit_tolerance(ctx, t))

    def _crossings(self, claim, level_name, e, run, watches, tolerance_at):
        """The crossing parts of ``watches`` on the engine's ``run`` at ``lambda = 10^-e``: one
        enclosure through every window (and its twin's), retried once with the digits a straddled
        level says are missing."""
        lam = Fraction(1, 10 ** e)
        rows = []
        with run.precision.scope():
            for w in watches:
                tc = run.crossings.get(w.name)
                if tc is None:
                    continue
                tol = tolerance_at(tc)
                lo, hi = mpf_to_fraction(tc - tol), mpf_to_fraction(tc + tol)
                tlo, thi = mpf_to_fraction(tc + 3 * tol), mpf_to_fraction(tc + 5 * tol)
                rows.append((w, tc, tol, (lo, hi), (tlo, thi)))
        if not rows:
            return [not_attempted(claim, "crossing", f"1e-{e}", f"the crossings of {level_name}",
                                  "the engine's run crossed no such level")]
        times = sorted({t for *_, win, twin in rows for t in (*win, *twin)})
        T = Fraction(int(max(times)) + 1)
        # the enclosure loses about log10(1/lambda)/5 digits over the plateau (as the ladder's runs,
        # docs/enclose.md); one retry with the digits a straddled level says are missing
        dps = run.precision.dps + e // 5
        for attempt in range(2):
            enc = self.enclosure(lam, T, dps, times=times)
            parts, missing = self._crossing_parts(enc, rows, e, claim, level_name)
            if not missing or attempt:
                return parts
            dps += missing + 4
        return parts

    def _crossing_parts(self, enc, rows, e, claim, level_name):
        """The crossing parts on one enclosure, and the digits it lacked where a loss ball straddles
        the level (0 when none does)."""
        import math

        from flint import arb

        from gfcheck.numeric.enclose import arb_precision

        ctx = self.ctx
        at = {t: i for i, t in enumerate(enc.grid_t)}
        parts, missing = [], 0
        with arb_precision(enc.settings["work_bits"]):
            for w, tc, tol, (lo, hi), (tlo, thi) in rows:
                level = _ball(arb, Fraction(w.target))
                before, after, twin_before, twin_after = (enc.partial_loss(ctx.problem, at[t], w.points)
                                                          for t in (lo, hi, tlo, thi))
                holds, reason = bool(before > level) and bool(after <= level), ""
                if not holds:
                    if before.overlaps(level) or after.overlaps(level):
                        gap = max(abs(float((before - after).mid())), 1e-300)
                        need = math.ceil(math.log10(max(float(before.rad()), float(after.rad())) / gap))
                        missing = max(missing, need, 1)
                        reason = (f"the loss balls straddle the level (radius {float(before.rad()):.2e} against a "
                                  f"drop of {gap:.2e} over the window): about {need} more digits decide it")
                    else:
                        reason = "the proved loss is on the wrong side of the level: the engine's crossing is off"
                sign = w.name[-1]
                parts.append(ProofPart.judged(
                    claim=claim, part=f"{w.name} crossing", scale=f"1e-{e}", holds=holds,
                    statement=f"L_{sign} crosses {level_name.replace('_s', '_' + sign)} in [t - tol, t + tol] about "
                              f"the engine's t = {mpmath.nstr(tc, 15)} (tol {mpmath.nstr(tol, 3)})",
                    twin_holds=bool(twin_before > level) and bool(twin_after <= level),
                    twin="the window moved by 4 tol", reason=reason,
                    evidence={"loss_at_t_minus_tol": _iv(before), "loss_at_t_plus_tol": _iv(after),
                              "level": str(Fraction(w.target)), "dps": str(enc.settings["dps"])}))
        return parts, missing

    def fitted_at_horizon(self, e):
        """Claim 12's fit: the whole loss is at or below the fit level ``L(0) 2^-b`` at the ladder run's
        horizon ``T`` (twin: already at the slower group's half fit)."""
        from flint import arb

        from gfcheck.numeric.enclose import arb_precision
        from gfcheck.numeric.precision import bits_for_dps

        ctx = self.ctx
        lam = Fraction(1, 10 ** e)
        run = ctx.ladder_run(lam)
        T = mpf_to_fraction(run.final.t)
        halves = [run.crossings.get(w.name) for w in ctx.half_watches()]
        if any(h is None for h in halves) or not halves:
            return [not_attempted("convergence", "fitted at the horizon", f"1e-{e}", "the fit at the horizon",
                                  "a group's half fit was not crossed on the engine's run")]
        t_half = mpf_to_fraction(max(halves))
        _, kwargs = ctx.ladder_request(lam)
        level = next(w.target for w in kwargs["watches"] if w.name == "fit")  # the watch's own L(0) 2^-b
        enc = self.enclosure(lam, T, run.precision.dps, times=[t_half])
        everyone = range(ctx.problem.n)
        with arb_precision(enc.settings["work_bits"]):
            at_T = enc.partial_loss(ctx.problem, len(enc.grid_t) - 1, everyone)
            at_half = enc.partial_loss(ctx.problem, enc.grid_t.index(t_half), everyone)
            lv = _ball(arb, level)
            return [ProofPart.judged(
                claim="convergence", part="fitted at the horizon", scale=f"1e-{e}", holds=bool(at_T <= lv),
                statement=f"L(T) <= L(0) 2^-b at the ladder run's horizon T = {float(T):.6g} (b = "
                          f"{bits_for_dps(ctx.profile.dps)}: the fit level the claim's watches use)",
                twin_holds=bool(at_half <= lv), twin="the same at the slower group's half fit",
                evidence={"loss_at_T": _iv(at_T), "level": mpmath.nstr(to_mpf(level), 6)})]


def _time_tolerance(ctx, t):
    """The accuracy the ladder's runs are built to give a crossing time: ``2^(-b + 12) (1 + t)`` at the
    profile's digits.  A ladder run carries ``log10(1/lambda)/5`` digits more than the profile's
    (:meth:`~.context.Context.ladder_dps`) because about ``log10(1/lambda)/7`` are lost over the
    plateau; at the run's own digits the bound is too tight, and the enclosure shows it (the default
    problem at 1e-60: the half fit of the negative group is off by more than ``2^(-b + 12)(1 + t)`` at
    the run's 42 digits, well within it at the profile's 30)."""
    from gfcheck.numeric.precision import bits_for_dps, tolerance

    return tolerance(bits_for_dps(ctx.profile.dps), _SLACK) * (1 + abs(t))


def _fit_tolerance(ctx, t):
    """The accuracy of a fit time: the watch counts a crossing once the loss is below its level by the
    band ``2^(-b+12) sqrt(L(0) target)`` (``LossWatch``), relative ``2^(-b/2+12)`` at the fit level
    ``L(0) 2^-b``, and the group's loss falls at a rate of order 1 there: ``2^(-b/2+12) (1 + t)`` at the
    profile's ``b``."""
    from gfcheck.numeric.precision import bits_for_dps, tolerance

    return tolerance(bits_for_dps(ctx.profile.dps) // 2, _SLACK) * (1 + abs(t))


def prove(ctx, results, deadline=None, rungs=None) -> tuple[list, dict]:
    """``(parts, settings)``: the proof parts of the claims in ``results`` on ``ctx``'s problem,
    within the monotonic ``deadline`` (None: no bound), on at most ``rungs`` rungs per claim (None:
    every rung of its ladder).  A problem outside the enclosure's scope
    (``relu'(0) = 1``, non-orthogonal inputs) gives no part; the settings say why."""
    from .claims_asymptotic import ALIGN_EXPONENTS, PLATEAU0_EXPONENTS, main_neurons
    from .claims_exact import early_probe_time, early_exponents

    settings = dict(SETTINGS)
    P = ctx.problem
    if P.relu_prime_at_zero != 0:
        settings["skipped"] = "the enclosure proves the flow with relu'(0) = 0 only (docs/enclose.md, Limits)"
        return [], settings
    if not P.is_orthogonal():
        settings["skipped"] = "the enclosure needs pairwise orthogonal inputs (the reduced flow)"
        return [], settings
    pr = _Prover(ctx, results, deadline, rungs)
    t = early_probe_time(ctx.early_phase)
    def details(claim):
        r = pr.by_id.get(claim)
        return r.result.details if r is not None else {}

    plateaus = details("plateaus").get("parts", {})
    first, middle = plateaus.get("first plateau", {}), plateaus.get("middle plateau", {})
    ladder = list(ctx.profile.exponents)
    pr.ladders([
        ([("exit-times", "exit set", "the predicted exit set"),
          ("exit-times", "exit times", "the engine's exit times"),
          ("exit-times", "exit order", "the exits' order"),
          ("invariants", "balance at t_probe", "the invariants")],
         _exponents(details("exit-times").get("ladder"), early_exponents(ctx, t)), pr.exits),
        ([("plateaus", "first plateau departure", "the engine's |L - L0| at t0")],
         _exponents(first.get("ladder"), PLATEAU0_EXPONENTS), pr.first_plateau),
        ([("plateaus", "middle plateau departure", "the engine's |L - L_mid| at t_mid")],
         _exponents(middle.get("ladder"), ()) if ctx.data.L_mid is not None else [], pr.middle_plateau),
        ([("alignment", "main neurons' 1 - cos", "the main neurons' alignment")],
         list(ALIGN_EXPONENTS) if main_neurons(ctx) else [], pr.alignment),
        ([("escape-slope", "half-fit crossing", "the half-fit crossings")], ladder, pr.half_fits),
        ([("convergence", "fitted at the horizon", "the fit at the horizon")], ladder[:1], pr.fitted_at_horizon),
        ([("convergence", "fit crossing", "the fit crossings")], ladder, pr.fit_times),
    ])
    # listed by claim (in the report's order), then shallow to deep, as proved within each rung
    order = {r.claim.id: i for i, r in enumerate(results)}
    rung = {p.scale: int(p.scale.split("e-")[1]) for p in pr.parts}
    return sorted(pr.parts, key=lambda p: (order.get(p.claim, len(order)), rung[p.scale])), settings
