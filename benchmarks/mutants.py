"""Mutation harness: how many realistic engine bugs does the claim suite catch?

Each :class:`Mutant` is a context manager that plants one bug in the engines
(``gfcheck.numeric._reduced``, ``_fixed``, ``_full``) and removes it on exit.  Two kinds of
seams are used:

* attribute patches (a module function, a class method or ``__init__`` wrapped);
* source edits: the function's source text is edited (each edit must match exactly once,
  whitespace-insensitive), recompiled (no ``exec``: the code object is taken from the compiled
  module) and swapped into ``func.__code__``, so every alias of the function (``from ... import
  weights_from`` in the claim modules, say) runs the mutated body.

Bugs that misread the mathematics (normalisation, Gram factor, balanced start, ReLU'(0)) are
planted in the reduced *and* the full engine, so the reduced-vs-full cross-check cannot catch
them by disagreement alone; implementation bugs of the reduced engine are planted there only.

The harness runs ``verify(default_problem(), Profile.named("quick"), only=...)`` once unmutated
(every claim must be VERIFIED) and once per mutant, each in its own subprocess with a wall-clock
bound (a hang is reported as ``timeout``: caught by hang, not by a verdict), and prints the kill
matrix (mutant x claim -> VERIFIED / REFUTED / UNDECIDED / OUTSIDE_ASSUMPTIONS / error /
timeout).  A mutant is *caught* when a claim that measures the flow (every claim except the
data-only ``orthogonality`` and ``convex-certificate``) is not VERIFIED; REFUTED is the
preferred kill.

    python benchmarks/mutants.py --jobs 2 --timeout 300 --out mutants.json
    python benchmarks/mutants.py --mutants normalisation,lost-perp --claims invariants,reduced-vs-full
    python benchmarks/mutants.py --list
    python benchmarks/mutants.py --check        # each mutant changes a short integrate run
    python benchmarks/mutants.py --results DIR --problem P ...   # resumable cells, probed
    python benchmarks/mutants.py --results DIR --problem P --probe-only

With ``--results`` each cell (mutant x problem) also gets an inert probe (:func:`inert_probe`):
does the mutant change that problem's flow at all?  A mutant no claim catches is then either
INERT there (it cannot be caught) or ACTIVE (a gap in the claims).

The children import whatever ``gfcheck`` the interpreter finds: to measure a fixed revision
while the tree is being edited, put a layout ``DIR/gfcheck/{symbolic,numeric,proofs_check}``
(links into ``git archive HEAD``) first on ``PYTHONPATH``; the report records the tree used
(``source``).
"""

from __future__ import annotations

import __future__
import argparse
import contextlib
import inspect
import json
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import traceback
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from operator import mul
from pathlib import Path
from typing import Callable

__all__ = ["Mutant", "MUTANTS", "MutantError", "FLOW_EXEMPT", "probe_signature", "run_harness",
           "inert_probe", "main"]

#: claims that do not integrate the flow (data-only checks): they cannot catch an engine bug
FLOW_EXEMPT = frozenset({"orthogonality", "convex-certificate"})

_RESULT = "MUTANT-RESULT "  # prefix of the child's JSON lines on stdout
_SOURCE = "MUTANT-SOURCE "  # the child's gfcheck source tree (provenance)


class MutantError(RuntimeError):
    """A mutant could not be planted (the engine source moved on: update the edit)."""


# ----------------------------------------------------------------------------- seams


@contextlib.contextmanager
def patch_attr(obj, name, value):
    """``setattr(obj, name, value)`` for the duration of the block."""
    had = name in vars(obj) if isinstance(obj, type) else hasattr(obj, name)
    old = vars(obj)[name] if isinstance(obj, type) and had else getattr(obj, name, None)
    setattr(obj, name, value)
    try:
        yield
    finally:
        if had:
            setattr(obj, name, old)
        else:
            delattr(obj, name)


def _pattern(context: str) -> str:
    return r"\s+".join(re.escape(tok) for tok in context.split())


def edited_code(func, edits) -> types.CodeType:
    """The code object of ``func`` with ``edits`` applied to its source.

    ``edits``: ``(context, target, replacement)``; ``context`` must occur exactly once in the
    source (whitespace-insensitive); ``target`` (a substring of the matched text, or ``None``
    for all of it) is replaced, once, by ``replacement``.
    """
    lines, first = inspect.getsourcelines(func)
    src = textwrap.dedent("".join(lines))
    for context, target, replacement in edits:
        found = list(re.finditer(_pattern(context), src))
        if len(found) != 1:
            raise MutantError(f"{func.__qualname__}: expected one match of {context!r}, found {len(found)}")
        m = found[0]
        span = m.group(0)
        if target is None:
            new = replacement
        else:
            if target not in span:
                raise MutantError(f"{func.__qualname__}: {target!r} not in {span!r}")
            new = span.replace(target, replacement, 1)
        src = src[:m.start()] + new + src[m.end():]
    # same line numbers as the file, so tracebacks point at the real lines
    src = "\n" * (first - 1) + src
    module = compile(src, inspect.getsourcefile(func) or "<mutant>", "exec",
                     flags=__future__.annotations.compiler_flag, dont_inherit=True)
    codes = [c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == func.__name__]
    if len(codes) != 1:
        raise MutantError(f"{func.__qualname__}: recompiled source has {len(codes)} functions of that name")
    code = codes[0]
    if code.co_freevars != func.__code__.co_freevars:
        raise MutantError(f"{func.__qualname__}: free variables changed: {code.co_freevars}")
    return code


@contextlib.contextmanager
def patch_source(func, edits):
    """Run ``func`` with its source edited (see :func:`edited_code`) for the block."""
    code = edited_code(func, edits)
    old = func.__code__
    func.__code__ = code
    try:
        yield
    finally:
        func.__code__ = old


@contextlib.contextmanager
def wrap_init(cls, after: Callable):
    """``cls.__init__`` followed by ``after(self)``."""
    orig = cls.__init__

    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        after(self)

    with patch_attr(cls, "__init__", __init__):
        yield


# ------------------------------------------------------------------------ the mutants


@dataclass(frozen=True)
class Mutant:
    """One planted bug: ``with mutant(): ...`` runs the engines with it."""

    name: str
    description: str
    patches: str  # which functions are patched, and how
    engines: tuple  # probes whose output it changes (see probe_signature)
    factory: Callable
    suite: str = "orthogonal"  # the suite whose default problem the harness verifies under it

    def __call__(self):
        return self.factory()


def _mods():
    from gfcheck.numeric import _fixed, _full, _reduced

    return _reduced, _full, _fixed


def _common():
    from gfcheck.numeric import _common

    return _common


@contextlib.contextmanager
def _normalisation():
    red, full, _ = _mods()
    series = red._Engine.series

    def doubled(self, H, active):
        # the scaled series of the field 2f over a step H are those of f over 2H
        return series(self, 2 * H, active)

    def after(self):
        self.inv_n = 2 * self.inv_n

    with patch_attr(red._Engine, "series", doubled), wrap_init(full._FullEngine, after):
        yield


@contextlib.contextmanager
def _frozen_moves():
    red, _, _ = _mods()
    series = red._Engine.series
    mpz = red.mpz

    def with_ghosts(self, H, active):
        A, U, R, neurons, pairs = series(self, H, active)
        F2 = 2 * self.F
        half_2F = mpz(1) << (F2 - 1)
        for j in range(self.m):
            for k in range(self.n):
                if active[j][k]:
                    continue
                # du_jk/dt = -(a_j/n) r_k ||x_k||^2 without the indicator 1[u_jk > 0]
                co = [self.u[j][k]]
                num, den0 = self.c[k].numerator, self.c[k].denominator
                for i in range(self.p):
                    den = den0 * (i + 1)
                    ku = (num * H * 2 + den) // (2 * den)
                    s = sum(map(mul, A[j], R[k][i::-1]))
                    co.append(-((ku * s + half_2F) >> F2))
                U[(j, k)] = co
        return A, U, R, neurons, pairs

    edits = [
        ("A, U, R, neurons, pairs = self.series(self.H, self.active)", None,
         "A, U, R, neurons, pairs = self.series(self.H, self.active); adv = list(U)"),
        ("self.record_samples(A, U, neurons, pairs, t_next)", "pairs", "adv"),
        ("self.advance(A, U, neurons, pairs, tau_cut)", "pairs", "adv"),
    ]
    with patch_attr(red._Engine, "series", with_ghosts), patch_source(red._Engine.run, edits):
        yield


@contextlib.contextmanager
def _lost_perp():
    red, _, _ = _mods()
    with patch_source(red.weights_from, [("row = [to_mpf(p) for p in perp]", None,
                                          "row = [mpmath.mpf(0) for p in perp]")]):
        yield


@contextlib.contextmanager
def _coarse_roots():
    _, full, fixed = _mods()
    # bisection only (the Newton polish lost), stopped at a bracket of 2^-27 of the step
    red_width = [("FixedRoots(coeffs, F, 1)", None, "FixedRoots(coeffs, F, max(1, tau_max >> 27))")]
    red_newton = [("return tau - (p << self.F) // d if d else lo", None, "return lo")]
    full_eps = [("eps = hmax * rel", None, "eps = hmax * max(rel, mpf(2) ** -27)")]
    full_newton = [("return tau - v / dv if dv else lo", None, "return lo")]
    with patch_source(fixed.first_root, red_width), patch_source(fixed.FixedRoots.newton, red_newton), \
            patch_source(full._first_root, full_eps), patch_source(full._MpfRoots.newton, full_newton):
        yield


@contextlib.contextmanager
def _low_order():
    common = _common()
    order_for = common.order_for
    with patch_attr(common, "order_for", lambda b: max(2, math.ceil(order_for(b) / 3))):
        yield


@contextlib.contextmanager
def _no_gram():
    red, full, _ = _mods()
    def red_after(self):
        self.c = [Fraction(1, self.n)] * self.n

    def full_after(self):
        import mpmath

        self.G = [[mpmath.mpf(1) if k == l else v for l, v in enumerate(row)] for k, row in enumerate(self.G)]

    with wrap_init(red._Engine, red_after), wrap_init(full._FullEngine, full_after):
        yield


@contextlib.contextmanager
def _unsigned_start():
    common = _common()
    iv = common.initial_values

    def initial_values(problem):
        a0, u0 = iv(problem)
        return [("sqrt", 1, q[2]) if isinstance(q, tuple) else q for q in a0], u0

    with patch_attr(common, "initial_values", initial_values):
        yield


@contextlib.contextmanager
def _wrong_point():
    red, _, _ = _mods()
    with patch_source(red._Engine.record, [("self.events.append(Event(self.t_mpf(ev_t), j, k, kind))", None,
                                            "self.events.append(Event(self.t_mpf(ev_t), j, (k + 1) % self.n, kind))")]):
        yield


@contextlib.contextmanager
def _wrong_point_applied():
    red, _, _ = _mods()
    with patch_source(red._Engine.apply_hits, [('if kind == "deactivate":', None,
                                                'if kind == "deactivate" and (k := (k + 1) % self.n) >= 0:')]):
        yield


@contextlib.contextmanager
def _relu_prime_one():
    red, full, _ = _mods()

    def red_after(self):
        self.rp0 = 1

    def full_after(self):
        self.rp1 = True

    with wrap_init(red._Engine, red_after), wrap_init(full._FullEngine, full_after):
        yield


@contextlib.contextmanager
def _stale_mask():
    red, _, _ = _mods()
    edit = ('self.u[j][k] = _ZERO active[j][k] = False self.record(t_int, j, k, "deactivate")',
            "active[j][k] = False", "pass")
    with patch_source(red._Engine.apply_hits, [edit]):
        yield


@contextlib.contextmanager
def _event_time_step_start():
    red, _, _ = _mods()
    with patch_source(red._Engine.apply_hits, [('self.record(t_int, j, k, "deactivate")', None,
                                                'self.record(t_int - step_len, j, k, "deactivate")')]):
        yield


@contextlib.contextmanager
def _watch_normalisation():
    red, _, _ = _mods()
    with patch_source(red._Engine.begin, [("fix(2 * n * w.target, F2)", None, "fix(n * w.target, F2)")]):
        yield


@contextlib.contextmanager
def _stale_samples():
    red, _, _ = _mods()
    with patch_source(red._Engine.record_samples, [("pw = powers(ts, F, p)", None, "pw = powers(0, F, p)")]):
        yield


# -------------------------------------------- outside the square-loss orthogonal path (issue 20)


def _losses():
    from gfcheck.numeric import _losses

    return _losses


def _f64():
    from gfcheck.numeric import _float64

    return _float64


@contextlib.contextmanager
def _f64_root_midpoint():
    f64 = _f64()
    with patch_source(f64._F64.begin, [("self.eps = 2e-16 * self.rel", "2e-16", "1e-8")]), \
            patch_source(f64._FloatRoots.done, [("return nt", None, "return 0.5 * (lo + hi)")]):
        yield


@contextlib.contextmanager
def _edit(func, edits):
    """One source edit as a mutant (the common case of the mutants below)."""
    with patch_source(func, edits):
        yield


def _source_mutant(get, edits):
    """A factory: ``get()`` gives the function whose source ``edits`` change."""
    return lambda: _edit(get(), edits)


def _f(module, *names):
    """``module().a.b`` for ``names = ("a", "b")``, resolved when the mutant is planted."""
    def get():
        obj = module()
        for name in names:
            obj = getattr(obj, name)
        return obj
    return get


def _full_mod():
    from gfcheck.numeric import _full

    return _full


def _full_fixed_mod():
    from gfcheck.numeric import _full_fixed

    return _full_fixed


def _red_mod():
    from gfcheck.numeric import _reduced

    return _reduced


def _sep_mod():
    from gfcheck.symbolic import separable

    return separable


@contextlib.contextmanager
def _unbalanced_start():
    common = _common()
    iv = common.initial_values

    def initial_values(problem):
        a0, u0 = iv(problem)
        # |a_j(0)| = sqrt(lambda) ||g_j|| instead of lambda ||g_j||: q / lambda under the root
        return [("sqrt", q[1], q[2] / problem.scale) if isinstance(q, tuple) else q for q in a0], u0

    with patch_attr(common, "initial_values", initial_values):
        yield


_LIST = [
    Mutant("normalisation", "the loss's 1/(2n) read as 1/n in the flow: every rate doubled",
           "_reduced._Engine.series called with step 2H; _full._FullEngine.__init__: inv_n = 2/n",
           ("reduced", "full"), _normalisation),
    Mutant("frozen-moves", "an inactive u_jk (u_jk <= 0) still gets its derivative -(a_j/n) r_k ||x_k||^2",
           "_reduced._Engine.series adds the series of inactive pairs; _Engine.run (source) passes "
           "them to the advance and sample phases", ("reduced",), _frozen_moves),
    Mutant("lost-perp", "W rebuilt from U without the out-of-span part P_perp w_j(0)",
           "_reduced.weights_from (source): P_perp w_j(0) replaced by 0", ("reduced",), _lost_perp),
    Mutant("coarse-roots", "event/kink roots located only to about 1e-8 of the step",
           "_fixed.first_root / FixedRoots.newton and _full._first_root / _MpfRoots.newton (source): "
           "bisection only (Newton step dropped), stopped at a bracket of 2^-27 of the step",
           ("reduced", "full"), _coarse_roots),
    Mutant("low-order", "Taylor order cut to a third (the step rule unchanged)",
           "_common.order_for (the one order rule of both engines): ceil(p / 3)", ("reduced", "full"), _low_order),
    Mutant("no-gram", "the Gram factor ||x_k||^2 dropped from du_jk/dt",
           "_reduced._Engine.__init__: c_k = 1/n; _full._FullEngine.__init__: G_kk = 1",
           ("reduced", "full"), _no_gram),
    Mutant("unsigned-start", "balanced start a_j(0) = ||w_j(0)|| for every j (the sign s_j lost)",
           "_common.initial_values (the one exact start of every engine): sign 1",
           ("reduced", "full"), _unsigned_start),
    Mutant("wrong-point", "a kink recorded for the neighbouring point index (k + 1 mod n)",
           "_reduced._Engine.record (source): writes Event(t, j, (k + 1) % n, kind)",
           ("reduced",), _wrong_point),
    Mutant("wrong-point-applied", "an in-step deactivation applied to the neighbouring point index",
           "_reduced._Engine.apply_hits (source): the hit (j, k) zeroes and freezes (j, k + 1 mod n)",
           ("reduced",), _wrong_point_applied),
    Mutant("relu-prime-one", "re-activation as if ReLU'(0) = 1 while the problem says 0",
           "_reduced._Engine.__init__: rp0 = 1; _full._FullEngine.__init__: rp1 = True",
           ("reduced", "full"), _relu_prime_one),
    Mutant("stale-mask", "the activation mask not updated at an in-step deactivation",
           "_reduced._Engine.apply_hits (source): 'active[j][k] = False' dropped in the hits loop (the "
           "next step-start check then deactivates it again)", ("reduced",), _stale_mask),
    Mutant("event-time-step-start", "a deactivation stamped at the start of the step, not at the root",
           "_reduced._Engine.apply_hits (source): record(t_int - step_len, ...)", ("reduced",),
           _event_time_step_start),
    Mutant("watch-normalisation", "loss watches compare sum r_k^2 with n L (not 2n L): crossings late",
           "_reduced._Engine.begin (source): fix(n * w.target, F2)", ("reduced",), _watch_normalisation),
    Mutant("stale-samples", "samples inside a step report the state at the step start (no dense output)",
           "_reduced._Engine.record_samples (source): samples use powers(0, ...)", ("reduced",), _stale_samples),
]

_SEP = "separable"
_LIST += [
    Mutant("exp-series-sign", "exponential loss: the recursion of E = exp(-z) with the wrong sign (E' = +z' E)",
           "_losses.LossSeries.coef (source): S_i = +sum q z_q S_(i-q) / i", ("separable",),
           _source_mutant(_f(_losses, "LossSeries", "coef"),
                          [("S.append(-fdot([(q * Z[q], S[i - q]) for q in range(1, i + 1)]) / i)", "-fdot", "fdot")]),
           _SEP),
    Mutant("exp-series-factor", "exponential loss: the factor q of E' = -z' E dropped in the recursion",
           "_losses.LossSeries.coef (source): S_i = -sum z_q S_(i-q) / i", ("separable",),
           _source_mutant(_f(_losses, "LossSeries", "coef"),
                          [("S.append(-fdot([(q * Z[q], S[i - q]) for q in range(1, i + 1)]) / i)", "q * Z[q]",
                            "Z[q]")]), _SEP),
    Mutant("logistic-series-factor", "logistic loss: e = exp(z) recursion divided by i + 1 instead of i",
           "_losses.LossSeries.coef (source): e_i = sum q z_q e_(i-q) / (i + 1)", ("separable-logistic",),
           _source_mutant(_f(_losses, "LossSeries", "coef"),
                          [("E.append(fdot([(q * Z[q], E[i - q]) for q in range(1, i + 1)]) / i)", "/ i",
                            "/ (i + 1)")]), _SEP),
    Mutant("multiplicity", "repeated points counted once (the multiplicity of an atom lost)",
           "_losses.make_atoms (source): count 1 for every atom", ("separable",),
           _source_mutant(_f(_losses, "make_atoms"), [("atoms[idx] = (g, len(pts), c, y, tuple(pts))", "len(pts)",
                                                       "1")]), _SEP),
    Mutant("slide-matrix-sign", "Filippov sliding matrix M = -G_SS^-1 G_SA with the sign flipped",
           "_full._FullEngine.slide_matrix (source): -to_mpf(v)", ("separable",),
           _source_mutant(_f(_full_mod, "_FullEngine", "slide_matrix"),
                          [("M = self._M[key] = [[to_mpf(v) for v in row] for row in Mq]", "[to_mpf(v)",
                            "[-to_mpf(v)")]), _SEP),
    Mutant("slide-entry-never", "a coordinate at 0 with both pushes inward never slides (Filippov entry lost)",
           "_full._FullEngine._choose_mode (source): 'if ok[SLI]' never taken", ("separable",),
           _source_mutant(_f(_full_mod, "_FullEngine", "_choose_mode"), [("if ok[SLI]:", None, "if False:")]), _SEP),
    Mutant("slide-exit-one-lost", "the sliding exit through alpha = 1 lost (only alpha = 0 watched)",
           "_full._FullEngine.slide_exits (source): for f in (f1,)", ("separable",),
           _source_mutant(_f(_full_mod, "_FullEngine", "slide_exits"), [("for f in (f1, f2):", None,
                                                                        "for f in (f1,):")]), _SEP),
    Mutant("reactivation-never", "re-activation never allowed at a kink (a coordinate at 0 never turns active)",
           "_full._FullEngine._choose_mode (source): INA where one side is consistent", ("separable",),
           _source_mutant(_f(_full_mod, "_FullEngine", "_choose_mode"), [("return INA if ok[INA] else ACT", None,
                                                                          "return INA")]), _SEP),
    Mutant("event-direction", "the event direction ignored for an inactive coordinate (it ends at u <= 0, not u >= 0)",
           "_full._FullEngine.event_scan (source): cc = co", ("separable",),
           _source_mutant(_f(_full_mod, "_FullEngine", "event_scan"), [("cc = [-v for v in co]", None, "cc = co")]),
           _SEP),
    Mutant("event-late", "an event applied at the end of its step, not at its root (late by up to one step)",
           "_full._FullEngine.run (source): hits.cut = h after the event scan", ("separable",),
           _source_mutant(_f(_full_mod, "_FullEngine", "run"),
                          [("hits = self.event_scan(ser, h, hpow)", None,
                            "hits = self.event_scan(ser, h, hpow); hits.cut = h")]), _SEP),
    Mutant("event-wrong-point-full", "a kink of the full engine resolved on the neighbouring point (k + 1 mod n)",
           "_full._FullEngine.run (source): resolve(j, (k + 1) % n, ...)", ("separable",),
           _source_mutant(_f(_full_mod, "_FullEngine", "run"), [("self.resolve(j, k, self.t, self.max_events)", None,
                                                                 "self.resolve(j, (k + 1) % self.n, self.t, "
                                                                 "self.max_events)")]), _SEP),
    Mutant("unbalanced-start", "a_j(0) from sqrt(lambda): |a_j(0)| = sqrt(lambda) ||g_j||, not lambda ||g_j||",
           "_common.initial_values (the one exact start of every engine): q_j / lambda under the root",
           ("separable",), _unbalanced_start, _SEP),
    Mutant("packed-slot", "the packed (Kronecker) series reads the a_j slots in reverse order",
           "_reduced._series_packed (source): zip(idx[k][::-1], d)", ("reduced",),
           _source_mutant(_f(_red_mod, "_series_packed"), [("for s, t in zip(idx[k], d):", "idx[k]",
                                                           "idx[k][::-1]")])),
    Mutant("fixed-series-slot", "the full engine's fixed-point series pairs the products s_jl with the points "
           "in reverse order (C and U of a neuron active on two points or more)",
           "_full_fixed.fixed_series (source): svals over (Aj + Sj)[::-1]", ("full", "separable"),
           _source_mutant(_f(_full_fixed_mod, "fixed_series"),
                          [("svals = [sum(map(mul, a_r, E[(j, l)])) for l in Aj + Sj]", "Aj + Sj",
                            "(Aj + Sj)[::-1]")]), _SEP),
    # the root's stopping rule loosened to 1e-8 alone is no bug at float64's resolution: the last Newton
    # iterate it returns squares the error (1e-16 after a 1e-8 step); census of the mutants, 2026-12-06:
    # every claim VERIFIED, float64-path's real error that of the baseline.  The bug that matters stops
    # there and returns the bracket's midpoint (no last Newton step), as a hand-written bisection would
    Mutant("f64-root-tolerance", "float64 engine: kink roots returned as the bracket's midpoint at a relative 1e-8",
           "_float64._F64.begin (source): self.eps = 1e-8 * self.rel; _FloatRoots.done (source): returns the "
           "midpoint", ("float64",),
           _f64_root_midpoint),
    Mutant("f64-step-e1", "float64 engine: step rule rho e^-1 instead of rho e^-2",
           "_float64._F64.begin (source): fac_step = exp(-1 - 0.7/(p-1))", ("float64",),
           _source_mutant(_f(_f64, "_F64", "begin"), [("self.fac_step = math.exp(-2.0 - 0.7 / (self.p - 1))", "-2.0",
                                                      "-1.0")])),
    Mutant("f64-coefficient", "float64 engine: the a_j series divided by n (i + 2) instead of n (i + 1)",
           "_float64._F64.series (source): A[i + 1] = (-1 / (n (i + 2))) ...", ("float64",),
           _source_mutant(_f(_f64, "_F64", "series"), [("A[i + 1] = (-1.0 / (n * (i + 1)))", "(i + 1)",
                                                       "(i + 2)")])),
    Mutant("sep-r-plus-sign", "separable predictions: r_+ with the cross term's sign flipped",
           "symbolic.separable.constants (source): + 2 p (1 - p) cos Delta", ("separable-predictions",),
           _source_mutant(_f(_sep_mod, "constants"), [("- 2 * pv * (1 - pv) * cD", "-", "+")]), _SEP),
    Mutant("sep-gamma-factor", "separable predictions: gamma* = sin(Delta)/2 instead of sin(Delta)/4",
           "symbolic.separable.constants (source): gamma_star = sD / 2", ("separable-predictions",),
           _source_mutant(_f(_sep_mod, "constants"), [('"gamma_star": sD / 4', "4", "2")]), _SEP),
]

MUTANTS = {m.name: m for m in _LIST}


# ----------------------------------------------------------------- probe (tests, --check)


def probe_problem():
    """The built-in example at lambda = 1e-3 (events, watches and re-entries happen early)."""
    import dataclasses
    from importlib import resources

    from gfcheck.symbolic.problem import loads_problem

    # read directly (not through proofs_check.verify): the probe needs the engines only
    text = resources.files("gfcheck.proofs_check.suites.orthogonal").joinpath("data/default.problem.json").read_text()
    return dataclasses.replace(loads_problem(text), scale=Fraction(1, 1000))


#: the probes of :func:`probe_signature`: the orthogonal engines, the separable problem on the full
#: engine (its own loss, and logistic), the separable suite's exact constants
PROBES = ("reduced", "full", "float64", "separable", "separable-logistic", "separable-predictions")


def _separable_probe(engine):
    """The separable default problem at kappa = 1e-4 (or its constants) as comparable strings."""
    import dataclasses

    import mpmath

    from gfcheck.numeric import integrate
    from gfcheck.numeric.examples import separable_problem
    from gfcheck.proofs_check.suites.separable.context import PROFILES, SepContext

    p = dataclasses.replace(separable_problem(), scale=Fraction(1, 10**4))
    if engine == "separable-predictions":
        ctx = SepContext(p, PROFILES["quick"])
        return {"constants": {k: mpmath.nstr(v, 30) for k, v in sorted(ctx.constants.items())}}
    if engine == "separable-logistic":
        p = dataclasses.replace(p, loss="logistic")
    T, grid = Fraction(30), 6
    tr = integrate(p, dps=15, t_end=T, times=tuple(T * i / grid for i in range(grid + 1)), engine="full",
                   error_estimate=False)
    with mpmath.workprec(tr.work_bits):
        return {"events": [(e.neuron, e.point, e.kind, mpmath.nstr(e.t, 30)) for e in tr.events],
                "samples": [[mpmath.nstr(v, 30) for v in s.a] for s in tr.samples],
                "final": [[mpmath.nstr(v, 30) for v in row] for row in tr.final.W]}


def probe_signature(engine="reduced", problem=None):
    """A short ``integrate`` run reduced to comparable strings (events, samples, final, crossings);
    ``engine`` is one of :data:`PROBES`."""
    import mpmath

    from gfcheck.numeric import LossWatch, integrate

    if engine.startswith("separable"):
        return _separable_probe(engine)
    p = problem or probe_problem()
    n = p.n
    L0 = sum(y * y for y in p.labels) / (2 * n)
    if engine in ("reduced", "float64"):
        T, dps, grid = Fraction(60), 20, 24
    else:
        T, dps, grid = Fraction(60), 15, 6
    watches = (LossWatch("half", frozenset(range(n)), L0 / 2), LossWatch("p0", frozenset([0]), Fraction(1, 1000)))
    tr = integrate(p, dps=dps, t_end=T, times=tuple(T * i / grid for i in range(grid + 1)),
                   watches=watches, engine=engine, error_estimate=False)
    with mpmath.workprec(tr.work_bits):
        def st(s):
            return (mpmath.nstr(s.t, 40), [mpmath.nstr(v, 40) for v in s.a],
                    [[mpmath.nstr(v, 40) for v in row] for row in s.U],
                    [[mpmath.nstr(v, 40) for v in row] for row in s.W] if s.W is not None else None)

        return {
            "events": [(e.neuron, e.point, e.kind, mpmath.nstr(e.t, 40)) for e in tr.events],
            "samples": [st(s) for s in tr.samples],
            "final": st(tr.final),
            "crossings": {k: (mpmath.nstr(v, 40) if v is not None else None) for k, v in tr.crossings.items()},
        }


def mutated_signature(engine) -> dict:
    """:func:`probe_signature` under a planted mutant: an integration failure (a collapse caught by
    the watchdog, say) is a signature of its own, ``{"raised": "StepCollapse"}``."""
    from gfcheck.symbolic.errors import IntegrationFailed

    try:
        return probe_signature(engine)
    except IntegrationFailed as exc:
        return {"raised": type(exc).__name__}


def signature_difference(s0, s1) -> list:
    """The parts of two probe signatures that differ."""
    return sorted(k for k in set(s0) | set(s1) if s0.get(k) != s1.get(k))


# ------------------------------------- per problem: can the mutant change this problem's flow at all?


#: the inert probe's digits: the fewest any profile may ask for (``Profile``: ``dps >= 15``)
PROBE_DPS = 15

#: wall-clock seconds of one mutant's probe runs (the unmutated runs take seconds): a probe still
#: running then is recorded ``TIMEOUT``, which counts as not inert
PROBE_SECONDS = 300

#: what each probe of :data:`PROBES` runs on a given problem: an engine, or the separable suite's
#: exact constants (``constants``)
ON_PROBLEM = {"reduced": "reduced", "full": "full", "float64": "float64", "separable": "full",
              "separable-logistic": "full", "separable-predictions": "constants"}


def probe_rungs(problem, suite: str) -> tuple:
    """``((e, t_end), ...)``: both ends of ``suite``'s quick ladder (scale ``10^-e`` for the
    first and the last exponent), each to the suite's own horizon at that scale."""
    from gfcheck.proofs_check.core import registry
    from gfcheck.proofs_check.core.context import Profile

    ctx = registry.suite(suite).make_context(problem, Profile.named("quick"))
    exps = ctx.profile.exponents
    # the separable suite's horizon takes the exponent, the orthogonal suite's the scale
    return tuple((e, ctx.horizon(e) if suite == "separable" else ctx.horizon(Fraction(1, 10 ** e)))
                 for e in sorted({exps[0], exps[-1]}))


def _exact(v):
    """A number as an exact comparable value: an mpf's ``(sign, mantissa, exponent, bits)``.

    >>> import mpmath
    >>> _exact(mpmath.mpf(3) / 4)
    '(0, 3, -2, 2)'
    """
    return str(tuple(int(x) for x in v._mpf_)) if hasattr(v, "_mpf_") else repr(v)


def flow_signature(problem, what: str, t_end=None) -> dict:
    """One probe run reduced to exact values: the events ``(neuron, point, kind, t)`` and the
    final state ``(t, a, U, W)`` of engine ``what`` on ``problem`` to ``t_end`` at
    :data:`PROBE_DPS` digits, or (``what = "constants"``) the separable suite's exact constants of
    ``problem``.  A run that ends in a gfcheck error (a collapse, an engine refusing the problem)
    is ``{"raised": <its class>}``."""
    from gfcheck.numeric import integrate
    from gfcheck.symbolic.errors import GfcheckError

    try:
        if what == "constants":
            from gfcheck.proofs_check.suites.separable.context import PROFILES, SepContext

            k = SepContext(problem, PROFILES["quick"]).constants
            return {"constants": {name: _exact(v) for name, v in sorted(k.items())}}
        tr = integrate(problem, dps=PROBE_DPS, t_end=t_end, engine=what, error_estimate=False,
                       times=tuple(Fraction(t_end) * i / PROBE_SAMPLES for i in range(PROBE_SAMPLES + 1)),
                       watches=probe_watches(problem))
    except GfcheckError as exc:
        return {"raised": type(exc).__name__}

    def state(f):
        rows = [[_exact(v) for v in row] for part in (f.U, f.W) if part is not None for row in part]
        return [_exact(f.t), [_exact(v) for v in f.a], rows]

    return {"events": [(e.neuron, e.point, e.kind, _exact(e.t)) for e in tr.events], "final": state(tr.final),
            "samples": [state(st) for st in tr.samples],
            "crossings": {k: (None if v is None else _exact(v)) for k, v in sorted(tr.crossings.items())}}


#: the probe's samples (equally spaced to the horizon) and loss watches: a mutant of the dense output
#: or of the watches acts there only (census of the mutants, 2026-12-06: ``stale-samples`` and
#: ``watch-normalisation`` were caught by the claims while the probe, events and final state only, said INERT)
PROBE_SAMPLES = 16


def probe_watches(problem) -> tuple:
    """A loss watch at half the initial loss (square loss; the other losses' engines take none)."""
    from gfcheck.numeric import LossWatch

    if getattr(problem, "loss", "square") != "square":
        return ()
    L0 = sum(y * y for y in problem.labels) / (2 * problem.n)
    return (LossWatch("half", frozenset(range(problem.n)), L0 / 2),)


@contextlib.contextmanager
def _alarm(seconds: int):
    """Raise ``TimeoutError`` in the block after ``seconds`` (the main thread only)."""
    def ring(signum, frame):
        raise TimeoutError(f"probe still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def inert_probe(name: str, problem, suite: str, cache=None) -> dict:
    """Can mutant ``name`` change ``problem``'s flow?  ``INERT``: every probe run (each engine
    the mutant patches, :data:`ON_PROBLEM`, at both ends of the suite's quick ladder to its own
    horizon, :func:`probe_rungs`, at :data:`PROBE_DPS` digits; or the exact constants) gives
    bit-identical events and final state with and without the mutant; ``ACTIVE``: some part
    differs (``differs`` names it); ``TIMEOUT``: the mutated runs outlived :data:`PROBE_SECONDS`.
    Why INERT means "no claim can catch it here": ``docs/mutation.md``.  ``cache`` (a dict):
    the unmutated signatures by run, shared by the mutants of one problem."""
    from gfcheck.proofs_check.core.context import with_scale

    t0 = time.perf_counter()
    runs = []
    for what in sorted({ON_PROBLEM[e] for e in MUTANTS[name].engines}):
        if what == "constants":
            runs.append(("constants", what, problem, None))
        else:
            runs += [(f"{what} 1e-{e} to t = {T}", what, with_scale(problem, Fraction(1, 10 ** e)), T)
                     for e, T in probe_rungs(problem, suite)]
    cache = {} if cache is None else cache
    for label, what, p, T in runs:
        if label not in cache:
            cache[label] = flow_signature(p, what, T)
    try:
        with _alarm(PROBE_SECONDS), MUTANTS[name]():
            mutated = {label: flow_signature(p, what, T) for label, what, p, T in runs}
    except TimeoutError as exc:
        return {"verdict": "TIMEOUT", "runs": [r[0] for r in runs], "differs": [str(exc)], "digits": PROBE_DPS,
                "seconds": round(time.perf_counter() - t0, 1)}
    differs = [f"{label}: {', '.join(d)}" for label, *_ in runs
               if (d := signature_difference(cache[label], mutated[label]))]
    return {"verdict": "ACTIVE" if differs else "INERT", "runs": [r[0] for r in runs], "differs": differs,
            "digits": PROBE_DPS, "seconds": round(time.perf_counter() - t0, 1)}


# ------------------------------------------------------------------------- the child


def _child(name: str, claim_ids: list, suite: str = "orthogonal", problem: str | None = None,
           max_time: float | None = None) -> int:
    """Run verify of ``suite`` under one mutant (``baseline``: none) on ``problem`` (a problem file;
    None: the suite's default problem), bounded by ``max_time`` seconds (verify's whole-run budget:
    the claims that finished keep their verdicts); one JSON line per claim on stdout."""
    from gfcheck.proofs_check.core import registry
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.jobs.verify import verify
    from gfcheck.symbolic.budget import Budget

    real_run_claim = registry.run_claim

    def run_claim(claim, ctx):
        t0 = time.perf_counter()
        try:
            return real_run_claim(claim, ctx)
        except Exception as exc:  # a crash of one claim must not hide the others
            msg = f"{type(exc).__name__}: {exc}"[:500]
            v = registry.Verdict("UNDECIDED", "-", "-", "-", "-", {"harness_error": msg,
                                 "traceback": traceback.format_exc()[-1500:]})
            return registry.ClaimResult(claim, v, v, time.perf_counter() - t0)

    class Stream:
        def __init__(self):
            self.seen = set()

        def start(self, i, claim):
            pass

        def status(self):
            return f"mutant {name}: {len(self.seen)} claims done"

        def done(self, i, r):
            self.seen.add(r.claim.id)
            d = r.result.details
            verdict = "error" if "harness_error" in d else r.verdict
            rec = {"claim": r.claim.id, "verdict": verdict, "seconds": round(r.seconds, 2),
                   "measurement": r.result.measurement[:200], "prediction": r.result.prediction[:200],
                   "residual": r.result.residual[:80], "tolerance": r.result.tolerance[:80],
                   "twin": r.twin.verdict}
            if "collapse" in d:
                rec["collapse"] = {k: d["collapse"][k] for k in ("kind", "engine", "t", "step", "floor", "proven")}
            for key in ("harness_error", "error", "downgraded", "reason", "stopped"):
                if key in d:
                    rec[key] = str(d[key])[:500]
            print(_RESULT + json.dumps(rec, sort_keys=True), flush=True)
            print(f"[{name}] {r.claim.id}: {verdict} ({r.seconds:.1f} s)", file=sys.stderr, flush=True)

    import gfcheck.numeric

    print(_SOURCE + str(Path(gfcheck.numeric.__file__).resolve().parents[1]), flush=True)
    ctxm = contextlib.nullcontext() if name == "baseline" else MUTANTS[name]()
    the_problem = _load_problem(problem, suite)
    stream = Stream()
    with ctxm, patch_attr(registry, "run_claim", run_claim):
        results, _ = verify(the_problem, Profile.named("quick"), suite=suite, only=claim_ids or None,
                            progress=stream, budget=Budget.of(max_time))
    for i, r in enumerate(results, 1):  # the claims the budget kept from starting (UNDECIDED, stopped)
        if r.claim.id not in stream.seen:
            stream.done(i, r)
    return 0


# ----------------------------------------------------------------------- the harness


#: seconds past a child's whole-run budget (``--max-time``) before it is killed as a hang
KILL_GRACE = 60.0


def _run_one(name, claim_ids, timeout, python, suite="orthogonal", problem=None, max_time=None):
    cmd = [python, str(Path(__file__).resolve()), "--child", name, "--suite", suite]
    if claim_ids:
        cmd += ["--claims", ",".join(claim_ids)]
    if problem:
        cmd += ["--problem", str(problem)]
    if max_time:
        cmd += ["--max-time", str(max_time)]
        timeout = max_time + KILL_GRACE
    t0 = time.perf_counter()
    status, out, err = "ok", "", ""
    # its own process group: a child that runs past the limit is killed with its verify workers
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            status = f"crashed (exit {proc.returncode})"
    except subprocess.TimeoutExpired:
        status = "timeout"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    records = {}
    source = None
    for line in out.splitlines():
        if line.startswith(_SOURCE):
            source = line[len(_SOURCE):]
        if line.startswith(_RESULT):
            rec = json.loads(line[len(_RESULT):])
            records[rec["claim"]] = rec
    return {"status": status, "seconds": round(seconds, 1), "records": records, "source": source,
            "stderr_tail": err[-2000:] if status != "ok" else ""}


def _require_known(names) -> None:
    """One line and an exit for mutant names the harness does not have."""
    unknown = [m for m in names if m not in MUTANTS]
    if unknown:
        raise SystemExit(f"unknown mutant(s) {unknown}; known: {list(MUTANTS)}")


def _all_claim_ids(suite="orthogonal"):
    from gfcheck.proofs_check.core.registry import claims

    return [c.id for c in claims(suite)]


def _cell(rec) -> str:
    """A claim's cell: its verdict; ``collapse`` for UNDECIDED by a StepCollapse (the watchdog),
    ``budget`` for UNDECIDED because the child's whole-run budget ran out before it finished."""
    if rec["verdict"] == "UNDECIDED" and "collapse" in rec:
        return "collapse"
    if rec["verdict"] == "UNDECIDED" and rec.get("stopped") == "budget":
        return "budget"
    return rec["verdict"]


def judge(claim_ids, run, baseline=None) -> dict:
    """Verdicts for every claim (missing ones: ``timeout`` or ``error``) and the kill.  With the
    ``baseline``'s verdicts (a generated problem, where some claims are OUTSIDE_ASSUMPTIONS or
    UNDECIDED unmutated), only the claims VERIFIED on the baseline can catch the mutant."""
    missing = "timeout" if run["status"] == "timeout" else "error"
    recs = run["records"]
    # a check that ended in a StepCollapse reported UNDECIDED (the watchdog, issue 20 item 3) is a kill
    verdicts = {c: _cell(recs[c]) if c in recs else missing for c in claim_ids}
    flow = [c for c in claim_ids if c not in FLOW_EXEMPT and (baseline is None or baseline.get(c) == "VERIFIED")]
    # a claim the budget cut before it finished measured nothing: neither a kill nor a pass
    bad = {c: v for c, v in verdicts.items() if c in flow and v not in ("VERIFIED", "budget")}
    kind = None
    for k in ("REFUTED", "collapse", "UNDECIDED", "OUTSIDE_ASSUMPTIONS", "error", "timeout"):
        if k in bad.values():
            kind = k
            break
    return {"verdicts": verdicts, "caught": bool(bad), "caught_by": kind,
            "killing_claims": sorted(bad)}


_ABBR = {"VERIFIED": ".", "REFUTED": "R", "UNDECIDED": "U", "OUTSIDE_ASSUMPTIONS": "O",
         "error": "E", "timeout": "T", "collapse": "C", "budget": "B"}


def standing(r) -> str:
    """A mutant's row on its problem: ``caught``; ``inert`` (not caught, and its probe says it
    leaves the flow unchanged: no claim can catch it there); ``gap`` (not caught though its probe
    says it changes the flow: a claim is missing); ``cut`` (as a gap, but the whole-run budget cut
    some claims, ``r["cut"]``, in its run or the baseline's: those said nothing); ``unprobed`` (not
    caught, no probe yet, or the probe timed out).  A caught mutant whose probe says INERT is
    ``contradiction``: the probe rule failed on it, and says so.

    >>> standing({"caught": False, "probe": {"verdict": "INERT"}}), standing({"caught": False})
    ('inert', 'unprobed')
    """
    verdict = r.get("probe", {}).get("verdict")
    if r["caught"]:
        return "contradiction" if verdict == "INERT" else "caught"
    if verdict == "ACTIVE" and r.get("cut"):
        return "cut"
    return {"INERT": "inert", "ACTIVE": "gap"}.get(verdict, "unprobed")


_SUMMARY = (("inert", "inert here (cannot be caught)"), ("gap", "NOT caught though ACTIVE (gaps)"),
            ("cut", "NOT caught, ACTIVE, claims cut by the budget (undecided)"),
            ("unprobed", "NOT caught, not probed"), ("contradiction", "caught but probed INERT"))

_STANDING = {"inert": "inert (cannot be caught here)", "gap": "**NO** (ACTIVE: a gap)",
             "cut": "**NO** (ACTIVE; claims cut by the budget)",
             "unprobed": "**NO** (not probed)"}


def markdown(report) -> str:
    claim_ids = report["claims"]
    rows = [("baseline", report["baseline"])] + [(m, report["mutants"][m]) for m in report["mutant_order"]]
    head = "| mutant | " + " | ".join(f"{i + 1}" for i in range(len(claim_ids))) + " | caught | seconds |"
    sep = "|---|" + "---|" * len(claim_ids) + "---|---|"
    out = [head, sep]
    for name, r in rows:
        st = "-" if name == "baseline" else standing(r)
        # a mutant that cannot change this flow: its VERIFIED cells are i, not .
        cells = [("i" if st == "inert" and r["verdicts"][c] == "VERIFIED" else _ABBR.get(r["verdicts"][c], "?"))
                 for c in claim_ids]
        caught = (st if st == "-" else f"yes ({r['caught_by']})" if st == "caught"
                  else _STANDING.get(st, f"yes ({r['caught_by']}) **but probe INERT**"))
        out.append(f"| {name} | " + " | ".join(cells) + f" | {caught} | {r['seconds']} |")
    out.append("")
    out.append("Columns: " + ", ".join(f"{i + 1} = {c}" for i, c in enumerate(claim_ids)))
    out.append("Cells: . VERIFIED, i VERIFIED under a mutant its probe found INERT here, R REFUTED, "
               "C UNDECIDED by a StepCollapse (the watchdog), U UNDECIDED, "
               "O OUTSIDE_ASSUMPTIONS, E error (crash), "
               "T timeout (hang), B cut by the whole-run budget (no evidence either way); "
               "claims exempt from 'caught' (data only): "
               + ", ".join(sorted(FLOW_EXEMPT & set(claim_ids))))
    order = report["mutant_order"]
    by = {k: [m for m in order if standing(report["mutants"][m]) == k]
          for k in ("caught", "contradiction", "inert", "gap", "cut", "unprobed")}
    out.append("")
    out.append(f"Baseline all VERIFIED: {report['baseline_ok']}. Caught "
               f"{len(by['caught']) + len(by['contradiction'])}/{len(order)} mutants"
               + "".join(f"; {label}: {len(by[k])} ({', '.join(by[k])})" for k, label in _SUMMARY if by[k])
               + ".")
    return "\n".join(out)


def run_harness(mutant_names=None, claim_ids=None, *, timeout=300.0, jobs=2, python=None,
                log=sys.stderr, suite="orthogonal") -> dict:
    """Baseline plus every mutant of ``suite`` (its default problem), each in a subprocess;
    returns the report dict.  Named mutants of another suite are left out."""
    python = python or sys.executable
    names = list(mutant_names or MUTANTS)
    _require_known(names)
    names = [m for m in names if MUTANTS[m].suite == suite]
    all_ids = _all_claim_ids(suite)
    ids = list(claim_ids or all_ids)
    ids = [c for c in all_ids if c in ids] or all_ids  # registry order; ids of another suite left out
    jobs = max(1, min(int(jobs), 2))  # a 2-core machine: at most two verifies at once
    t0 = time.perf_counter()
    todo = ["baseline"] + names

    def one(name):
        r = _run_one(name, ids, timeout, python, suite)
        j = judge(ids, r)
        cells = " ".join(f"{c}={v}@{r['records'][c]['seconds'] if c in r['records'] else '-'}s"
                         for c, v in j["verdicts"].items())
        print(f"{name}: {r['status']}, {r['seconds']} s, caught={j['caught']} ({j['caught_by']}) "
              f"{time.perf_counter() - t0:.0f} s in all; {cells}", file=log, flush=True)
        return name, {**r, **j}

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = dict(pool.map(one, todo))
    base = done.pop("baseline")
    report = {
        "suite": suite, "claims": ids, "flow_exempt": sorted(FLOW_EXEMPT), "timeout_seconds": timeout, "jobs": jobs,
        "profile": "quick", "baseline": base,
        "baseline_ok": base["status"] == "ok" and all(v == "VERIFIED" for v in base["verdicts"].values()),
        "mutant_order": names,
        "mutants": {m: {**done[m], "description": MUTANTS[m].description, "patches": MUTANTS[m].patches}
                    for m in names},
        "wall_seconds": round(time.perf_counter() - t0, 1),
    }
    return report


# ------------------------------------------------------- resumable cells (mutant x problem)


def cell_path(results, suite: str, problem: str, name: str) -> Path:
    """``results/<suite>/<problem>/<mutant>.json``: one verify under one mutant (``baseline``: none)."""
    return Path(results) / suite / problem / f"{name}.json"


def problem_name(problem) -> str:
    """``default`` for the suite's default problem, else the file's name without ``.problem.json``.

    >>> problem_name("x/0003-orthogonal-relu1.problem.json"), problem_name(None)
    ('0003-orthogonal-relu1', 'default')
    """
    if not problem or problem == "default":
        return "default"
    return Path(problem).name.removesuffix(".json").removesuffix(".problem")


def run_cells(results, mutant_names=None, claim_ids=None, *, problems=("default",), max_time=600.0, jobs=2,
              python=None, log=sys.stderr, suite="orthogonal", verify=True) -> dict:
    """Run the cells (mutant x problem, the baseline of each problem first) that have no result
    file in ``results`` yet, each verify bounded by ``max_time`` (its whole-run budget: the claims
    that finished keep their verdicts; the process is killed :data:`KILL_GRACE` s later), and write
    each cell atomically as it finishes: the matrix grows across sessions.  Then every mutant cell
    there without an inert probe gets one (:func:`probe_cells`).  ``verify=False``: the probes
    only.  Returns ``{"ran", "skipped", "probed"}``."""
    from gfcheck.symbolic.files import atomic_write

    python = python or sys.executable
    _require_known(mutant_names or ())
    names = ["baseline"] + [m for m in (mutant_names or MUTANTS) if MUTANTS[m].suite == suite]
    ids = [c for c in _all_claim_ids(suite) if not claim_ids or c in claim_ids]
    todo = [(p, n) for p in problems for n in names if not cell_path(results, suite, problem_name(p), n).is_file()]
    done = len(problems) * len(names) - len(todo)
    t0 = time.perf_counter()

    def one(cell):
        p, name = cell
        r = _run_one(name, ids, None, python, suite, None if problem_name(p) == "default" else p, max_time)
        doc = {"schema": "gfcheck.mutant-cell/1", "suite": suite, "problem": problem_name(p), "mutant": name,
               "claims": ids, "max_time": max_time, **r}
        path = cell_path(results, suite, problem_name(p), name)
        atomic_write(path, json.dumps(doc, sort_keys=True, indent=1) + "\n")
        print(f"{suite}/{problem_name(p)}/{name}: {r['status']}, {r['seconds']} s "
              f"({time.perf_counter() - t0:.0f} s in all)", file=log, flush=True)

    print(f"mutants: {len(todo)} cells {'to run' if verify else 'not run yet (probes only)'}, {done} done -> "
          f"{results}", file=log, flush=True)
    todo = todo if verify else []
    with ThreadPoolExecutor(max_workers=max(1, min(int(jobs), 2))) as pool:
        list(pool.map(one, todo))
    probed = probe_cells(results, suite, problems, names[1:], log=log)
    return {"ran": len(todo), "skipped": done, "probed": probed}


def _load_problem(problem, suite):
    """The suite's default problem (``default``) or a problem file."""
    from gfcheck.proofs_check.core import registry
    from gfcheck.symbolic.problem import load_problem

    if problem_name(problem) == "default":
        return registry.suite(suite).default_problem()
    return load_problem(problem)


def probe_cells(results, suite, problems, names, *, log=sys.stderr) -> int:
    """Add the :func:`inert_probe` (key ``probe``) to every cell of ``names`` on ``problems``
    that has a file and no probe yet, one at a time in this process (a mutant is planted here);
    returns how many were probed."""
    from gfcheck.symbolic.files import atomic_write

    count = 0
    for p in problems:
        cells = [cell_path(results, suite, problem_name(p), n) for n in names]
        cells = [c for c in cells if c.is_file() and "probe" not in json.loads(c.read_text())]
        cache, problem = {}, _load_problem(p, suite) if cells else None
        for path in cells:
            probe = inert_probe(path.stem, problem, suite, cache)
            doc = {**json.loads(path.read_text()), "probe": probe}
            atomic_write(path, json.dumps(doc, sort_keys=True, indent=1) + "\n")
            count += 1
            print(f"{suite}/{problem_name(p)}/{path.stem}: probe {probe['verdict']} ({probe['seconds']} s)"
                  + (f"; {'; '.join(probe['differs'])}" if probe["differs"] else ""), file=log, flush=True)
    return count


def _judged(ids, cell, base_verdicts) -> dict:
    """A mutant cell judged against its problem's baseline, with ``cut``: the claims the
    whole-run budget cut in either run (they measured nothing)."""
    j = judge(ids, cell, base_verdicts)
    cut = sorted(c for c in ids if "budget" in (j["verdicts"][c], base_verdicts.get(c)) and c not in FLOW_EXEMPT)
    return {**cell, **j, "cut": cut}


def matrix(results) -> str:
    """The kill matrix of every problem in ``results`` (markdown), each mutant judged against its
    problem's baseline (:func:`judge`); cells not yet run are left out.  The last line counts
    the mutant cells of every problem by :func:`standing`."""
    out, tally = [], {}
    for sdir in sorted(p for p in Path(results).iterdir() if p.is_dir()):
        for pdir in sorted(p for p in sdir.iterdir() if p.is_dir()):
            cells = {f.stem: json.loads(f.read_text()) for f in sorted(pdir.glob("*.json"))}
            if "baseline" not in cells:
                continue
            base = cells.pop("baseline")
            ids = base["claims"]
            bj = judge(ids, base)
            order = [m for m in MUTANTS if m in cells]
            report = {"claims": ids, "baseline": {**base, **bj},
                      "baseline_ok": all(v == "VERIFIED" for v in bj["verdicts"].values()),
                      "mutant_order": order,
                      "mutants": {m: _judged(ids, cells[m], bj["verdicts"]) for m in order}}
            out.append(f"### {sdir.name}: problem {pdir.name} (quick, --max-time {base.get('max_time'):g})\n\n"
                       + markdown(report) + "\n")
            for r in report["mutants"].values():
                tally[standing(r)] = tally.get(standing(r), 0) + 1
    out.append(f"Every problem: {sum(tally.values())} mutant cells; "
               + ", ".join(f"{k} {tally.get(k, 0)}" for k in ("caught", "inert", "gap", "cut", "unprobed",
                                                              "contradiction"))
               + ".")
    return "\n".join(out)


def check_mutants(names=None) -> dict:
    """For each mutant: the parts of the probe runs it changes (:data:`PROBES` it patches)."""
    out = {}
    names = list(names or MUTANTS)
    base = {e: probe_signature(e) for e in sorted({e for n in names for e in MUTANTS[n].engines})}
    for name in names:
        m = MUTANTS[name]
        with m():
            diff = {e: signature_difference(base[e], mutated_signature(e)) for e in m.engines}
        out[name] = diff
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mutants", help="comma-separated mutant names (default: all)")
    ap.add_argument("--claims", help="comma-separated claim ids (default: all)")
    ap.add_argument("--timeout", type=float, default=300.0, help="wall-clock seconds per mutant (default 300)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel verifies, at most 2 (default 2)")
    ap.add_argument("--out", help="write the report as JSON (sorted keys) to this file")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--check", action="store_true",
                    help="check that every mutant changes a short integrate run, and exit")
    ap.add_argument("--suite", help="the suite(s) whose mutants run, comma-separated (default: every suite "
                    "of the mutants selected)")
    ap.add_argument("--problem", action="append", help="a problem file to verify under each mutant (repeat it; "
                    "'default': the suite's default problem); with --results")
    ap.add_argument("--results", help="a folder of resumable cells (mutant x problem, one file each): run the "
                    "cells without a file, then print the matrix of every cell there")
    ap.add_argument("--probe-only", action="store_true", help="with --results: run no verify, only the inert "
                    "probes of the cells that have a file and no probe yet")
    ap.add_argument("--max-time", type=float, default=None,
                    help="each verify's whole-run budget in seconds (with --results: default 600)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    split = (lambda s: [x for x in (s or "").split(",") if x])  # noqa: E731
    if args.child:
        return _child(args.child, split(args.claims), args.suite or "orthogonal", args.problem[0] if args.problem
                      else None, args.max_time)
    if args.list:
        for m in MUTANTS.values():
            print(f"{m.name:24s} {m.description}\n{'':24s} patches: {m.patches}")
        return 0
    if args.check:
        res = check_mutants(split(args.mutants) or None)
        for name, diff in res.items():
            print(f"{name:24s} " + "; ".join(f"{e}: {', '.join(d) or 'NO CHANGE'}" for e, d in diff.items()))
        return 0 if all(all(d) for d in res.values()) else 1
    chosen = split(args.mutants) or list(MUTANTS)
    _require_known(chosen)
    suites = split(args.suite) or sorted({MUTANTS[m].suite for m in chosen if m in MUTANTS})
    if args.results:
        for suite in suites:
            run_cells(args.results, chosen, split(args.claims) or None, problems=args.problem or ["default"],
                      max_time=args.max_time or 600.0, jobs=args.jobs, suite=suite, verify=not args.probe_only)
        print(matrix(args.results))
        return 0
    reports = {}
    for suite in suites:
        report = run_harness(chosen, split(args.claims) or None, timeout=args.timeout, jobs=args.jobs, suite=suite)
        report["command"] = "python benchmarks/mutants.py " + " ".join(sys.argv[1:] if argv is None else argv)
        print(f"## suite {suite}\n\n" + markdown(report) + "\n")
        reports[suite] = report
    if args.out:
        Path(args.out).write_text(json.dumps(reports, sort_keys=True, indent=1) + "\n")
    if not all(r["baseline_ok"] for r in reports.values()):
        return 2
    return 0 if all(r["mutants"][m]["caught"] for r in reports.values() for m in r["mutant_order"]) else 1


if __name__ == "__main__":
    sys.exit(main())
