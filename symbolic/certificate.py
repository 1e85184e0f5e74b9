"""Certificates: a verdict plus the exact residual that justifies it (after sympy's ``checkodesol``).

A :class:`Certificate` is three-valued: ``PROVED`` (the residual is the zero polynomial in
canonical form), ``REFUTED`` (the residual is a nonzero polynomial and an exact rational
*witness* point where it does not vanish is given), ``UNDECIDED`` (the zero test was not
decided; never reported as proved).

The decision procedure for polynomial identities is :func:`decide_zero`: expand to a
polynomial over the rationals (``sympy.Poly(expr, *gens, domain="QQ")``) and require every
coefficient to vanish.  Anything that is not a polynomial over QQ in the generators is
UNDECIDED.

>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> decide_zero((x + y)**2 - x**2 - 2*x*y - y**2)[0]
'PROVED'
>>> verdict, residual, witness = decide_zero((x + y)**2 - x**2 - y**2)
>>> verdict, residual, witness
('REFUTED', 2*x*y, {'x': '1', 'y': '1'})
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from .errors import InvalidInput

__all__ = ["PROVED", "REFUTED", "UNDECIDED", "VERDICTS", "Certificate", "decide_zero",
           "find_witness", "library_versions", "canonical_str"]

PROVED = "PROVED"
REFUTED = "REFUTED"
UNDECIDED = "UNDECIDED"
VERDICTS = (PROVED, REFUTED, UNDECIDED)

#: The decision procedure used by :func:`decide_zero` (recorded in every certificate).
POLY_PROCEDURE = (
    "expand to a polynomial over QQ (sympy.Poly(expr, *gens, domain='QQ')) and require every "
    "coefficient to vanish; a nonzero polynomial is REFUTED with an exact rational witness point"
)


def library_versions() -> dict:
    """Versions that a certificate depends on (``sympy``, ``python``)."""
    return {"python": sys.version.split()[0], "sympy": sp.__version__}


def canonical_str(expr) -> str:
    """A deterministic string of an exact expression (``sympy.sstr`` of the expanded form,
    with sorted order), used as the stored residual."""
    return sp.sstr(expr, order="lex")


def _rat(v) -> str:
    v = sp.Rational(v)
    return str(v.p) if v.q == 1 else f"{v.p}/{v.q}"


def find_witness(expr, gens=None, *, values=(1, 2, -1, 3, Fraction(1, 2), -2, 5)):
    """An exact rational point where ``expr`` is nonzero, as ``{name: "p/q"}``, or ``None``.

    Deterministic: points are tried in a fixed order (all ones first, then small integers
    and halves, coordinate-wise offsets), so the same residual gives the same witness.
    Symbols named ``chi_*`` (activation indicators) only take the values 0 and 1.

    >>> x = sp.Symbol("x")
    >>> find_witness(x - 1)
    {'x': '2'}
    """
    gens = sorted(expr.free_symbols if gens is None else set(gens) & expr.free_symbols,
                  key=sp.default_sort_key)
    if not gens:
        return {} if expr != 0 else None
    candidates = []
    for v in values:
        candidates.append([v] * len(gens))
    for i, v in itertools.product(range(len(gens)), values):
        pt = [1] * len(gens)
        pt[i] = v
        candidates.append(pt)
    for i in range(len(values)):  # a generic "staircase" point
        candidates.append([sp.Rational(values[(i + t) % len(values)]) + t for t in range(len(gens))])
    # activation indicators chi_* range over {0, 1}: a witness must respect that
    binary = [i for i, g in enumerate(gens) if str(g).startswith("chi_")]
    extra = []
    for pt in candidates:
        for i in binary:
            pt[i] = 1
    for i in binary:
        pt = [1] * len(gens)
        pt[i] = 0
        extra.append(pt)
    for pt in candidates + extra:
        sub = {g: sp.Rational(v) for g, v in zip(gens, pt)}
        val = expr.xreplace(sub)
        val = sp.expand(val)
        if val.is_Rational and val != 0:
            return {str(g): _rat(sub[g]) for g in gens}
    return None


def decide_zero(expr, gens=None):
    """Decide exactly whether ``expr`` is the zero polynomial in ``gens`` (default: its symbols).

    Returns ``(verdict, residual, witness)``: ``residual`` is the canonical expanded form,
    ``witness`` a ``{symbol: rational string}`` point with a nonzero value when REFUTED.
    """
    if isinstance(expr, (int, Fraction)):
        expr = sp.Rational(expr)
    gens = sorted(expr.free_symbols if gens is None else gens, key=sp.default_sort_key)
    expanded = sp.expand(expr)
    if expanded == 0:
        return PROVED, sp.Integer(0), None
    try:
        poly = sp.Poly(expanded, *gens, domain="QQ") if gens else None
    except (sp.PolynomialError, sp.CoercionFailed, sp.GeneratorsNeeded):
        return UNDECIDED, expanded, None
    if poly is None:
        if expanded.is_Rational:
            return REFUTED, expanded, {}
        return UNDECIDED, expanded, None
    if poly.is_zero:
        return PROVED, sp.Integer(0), None
    witness = find_witness(expanded, gens)
    if witness is None:  # a nonzero polynomial always has one; not found among our points
        return UNDECIDED, expanded, None
    return REFUTED, expanded, witness


@dataclass(frozen=True)
class Certificate:
    """The outcome of one exact check: verdict plus the residual that justifies it.

    ``residual`` is the canonical string of the expanded residual (``"0"`` when PROVED);
    ``witness`` is the exact rational point (``{symbol: "p/q"}``) where a REFUTED residual
    is nonzero; ``details`` holds claim-specific evidence (e.g. the cross terms that
    survive), all JSON-ready strings.

    >>> c = Certificate("demo", PROVED, "expand", "0", None, ("orthogonal inputs",))
    >>> c.to_json()["verdict"]
    'PROVED'
    >>> Certificate("demo", PROVED, "expand", "x", None, ())
    Traceback (most recent call last):
    ...
    gfcheck.errors.InvalidInput: Certificate demo: a PROVED verdict needs the residual "0", found 'x'
    """

    claim: str
    verdict: str
    procedure: str
    residual: str
    witness: dict | None
    assumptions: tuple[str, ...]
    details: dict = field(default_factory=dict)
    versions: dict = field(default_factory=library_versions)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise InvalidInput(f"Certificate {self.claim}: verdict expected one of {VERDICTS}, "
                               f"found {self.verdict!r}")
        if self.verdict == PROVED and self.residual != "0":
            raise InvalidInput(f"Certificate {self.claim}: a PROVED verdict needs the residual "
                               f"\"0\", found {self.residual!r}")
        if self.verdict == REFUTED and self.witness is None:
            raise InvalidInput(f"Certificate {self.claim}: a REFUTED verdict needs a witness, "
                               "found None")

    @property
    def proved(self) -> bool:
        return self.verdict == PROVED

    def to_json(self) -> dict:
        """A JSON-ready dict (strings only, for ``canonical_json``)."""
        return {
            "schema": "gfcheck.certificate/1",
            "claim": self.claim,
            "verdict": self.verdict,
            "procedure": self.procedure,
            "residual": self.residual,
            "witness": self.witness,
            "assumptions": list(self.assumptions),
            "details": self.details,
            "versions": dict(self.versions),
        }


def witness_value(residual, witness) -> str:
    """The residual evaluated exactly at the witness point (a nonzero rational, as a string)."""
    by_name = {str(sym): sym for sym in residual.free_symbols}
    val = sp.expand(residual.xreplace({by_name[k]: sp.Rational(*map(int, (v.split("/") + ["1"])[:2]))
                                       for k, v in witness.items() if k in by_name}))
    return str(val)


def certify(claim: str, expr, *, gens=None, assumptions=(), procedure: str = POLY_PROCEDURE,
            details: dict | None = None) -> Certificate:
    """Run :func:`decide_zero` on ``expr`` and wrap the outcome in a :class:`Certificate`."""
    verdict, residual, witness = decide_zero(expr, gens)
    info = dict(details or {})
    if verdict == REFUTED:
        info["witness_value"] = witness_value(residual, witness)
    return Certificate(claim, verdict, procedure, "0" if verdict == PROVED else canonical_str(residual),
                       witness, tuple(assumptions), info)


def certify_all(claim: str, exprs: dict, *, gens=None, assumptions=(), procedure: str = POLY_PROCEDURE,
                details: dict | None = None) -> Certificate:
    """Certify a family of identities ``{label: residual}`` at once.

    PROVED when every residual is the zero polynomial; REFUTED as soon as one is a nonzero
    polynomial (the first in label order gives residual and witness; ``details["refuted"]``
    lists every refuted label); otherwise UNDECIDED.
    """
    outcomes = {label: decide_zero(e, gens) for label, e in exprs.items()}
    refuted = [lab for lab, o in outcomes.items() if o[0] == REFUTED]
    undecided = [lab for lab, o in outcomes.items() if o[0] == UNDECIDED]
    info = dict(details or {})
    info["checked"] = str(len(outcomes))
    if refuted:
        lab = refuted[0]
        info["refuted"] = refuted
        info["first_refuted"] = lab
        _, residual, witness = outcomes[lab]
        info["witness_value"] = witness_value(residual, witness)
        return Certificate(claim, REFUTED, procedure, canonical_str(residual), witness,
                           tuple(assumptions), info)
    if undecided:
        info["undecided"] = undecided
        return Certificate(claim, UNDECIDED, procedure, canonical_str(outcomes[undecided[0]][1]),
                           None, tuple(assumptions), info)
    return Certificate(claim, PROVED, procedure, "0", None, tuple(assumptions), info)
