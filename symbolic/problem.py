"""The problem: data, width, initialisation, loss -- exact, self-checking, strictly read.

A :class:`Problem` holds every real number as a :class:`fractions.Fraction` (exact
rationals; no float ever enters).  It is the object that crosses from the file
format (``gfcheck.problem/1``, see ``docs/formats.md``) into the symbolic layer
(as sympy ``Rational``) and into the numeric layer (through the one sanctioned
conversion ``gfcheck.numeric.to_mpf``).  This module imports neither sympy nor
mpmath, so commands that only integrate start fast.

Notation (Boursier, Pillaud-Vivien, Flammarion 2022; ``docs/suites/orthogonal.md`` section 1):
inputs ``x_k`` (rows of ``X``, n x d), labels ``y_k != 0``, width ``m``,
initialisation ``w_j(0) = lambda g_j`` and ``a_j(0) = s_j ||w_j(0)||``.

>>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "2"]],
...                    "labels": ["1", "-1/2"], "width": 2,
...                    "init": {"scale": "1e-3", "directions": [["1", "1"], ["-1", "1"]],
...                             "signs": [1, -1]}})
>>> p.n, p.d, p.m, p.scale
(2, 2, 2, Fraction(1, 1000))
>>> p.is_orthogonal()
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from .files import canonical_json
from .errors import (
    NonFiniteValue,
    NotOrthogonal,
    ResourceLimit,
    SchemaError,
    ShapeError,
    UnreadableFile,
    UnsupportedLoss,
    ZeroVector,
)

__all__ = [
    "PROBLEM_SCHEMA",
    "Problem",
    "parse_number",
    "check_object",
    "fraction_string",
    "parse_problem",
    "load_problem",
    "problem_to_json",
]

PROBLEM_SCHEMA = "gfcheck.problem/1"
LOSSES = ("square", "exponential", "logistic")
#: the losses every engine and command handles (the full engine also integrates the others)
INTEGRATED_LOSSES = ("square",)

#: Largest decimal exponent accepted in a number string (1e-1000 must work; 1e-10**9 must not
#: allocate a billion-digit integer).
MAX_EXPONENT = 100_000
#: Longest accepted number string.
MAX_NUMBER_CHARS = 20_000
#: Largest accepted m*d, n*d and m*n (parameters held as mpf: ~200 bytes each at 30 digits).
MAX_ENTRIES = 5_000_000
#: Largest accepted input file (bytes).
MAX_FILE_BYTES = 256 * 1024 * 1024

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?")
_RATIONAL = re.compile(r"[+-]?\d+/\d+")


def parse_number(text: Any, *, where: str) -> Fraction:
    """Read one real number from its string form, exactly.

    Accepted: an integer ``"3"``, a decimal ``"-0.25"``, ``"1e-30"``, or a rational
    ``"2/3"``.  Refused with a named error: JSON numbers (bool/int/float), ``"nan"``,
    ``"inf"``, anything else.

    >>> parse_number("2/3", where="x")
    Fraction(2, 3)
    >>> parse_number("1.5e2", where="x")
    Fraction(150, 1)
    >>> parse_number(0.5, where="labels[0]")
    Traceback (most recent call last):
    ...
    gfcheck.errors.SchemaError: labels[0]: expected a number written as a JSON string (e.g. "0.5"), ...
    """
    if not isinstance(text, str):
        kind = type(text).__name__
        if isinstance(text, (int, float)):
            raise SchemaError(
                f"{where}: expected a number written as a JSON string (e.g. \"0.5\"), "
                f"found JSON number {text!r} (type={kind})"
            )
        raise SchemaError(f"{where}: expected a number written as a string, found {kind}")
    s = text.strip()
    if len(s) > MAX_NUMBER_CHARS:
        raise ResourceLimit(f"{where}: number string of {len(s)} characters (limit {MAX_NUMBER_CHARS})")
    low = s.lower().lstrip("+-")
    if low in ("nan", "inf", "infinity", "snan", "qnan"):
        raise NonFiniteValue(f"{where}: expected a finite number, found {text!r}")
    m = _DECIMAL.fullmatch(s)
    if m:
        if m.group(1) is not None and abs(int(m.group(1))) > MAX_EXPONENT:
            raise ResourceLimit(
                f"{where}: exponent {m.group(1)} is outside +-{MAX_EXPONENT}; "
                "no precision on this machine can carry it"
            )
        return Fraction(s)
    if _RATIONAL.fullmatch(s):
        num, den = s.split("/")
        if int(den) == 0:
            raise NonFiniteValue(f"{where}: rational {text!r} has a zero denominator")
        return Fraction(int(num), int(den))
    raise NonFiniteValue(
        f"{where}: expected a number such as \"3\", \"-0.25\", \"1e-30\" or \"2/3\", found {text!r}"
    )


def _vector(row: Any, *, where: str) -> tuple[Fraction, ...]:
    if not isinstance(row, list):
        raise ShapeError(f"{where}: expected a list of number strings, found {type(row).__name__}")
    if not row:
        raise ShapeError(f"{where}: expected a non-empty row, found []")
    return tuple(parse_number(v, where=f"{where}[{i}]") for i, v in enumerate(row))


def _matrix(rows: Any, *, where: str, ncols: int | None = None) -> tuple[tuple[Fraction, ...], ...]:
    if not isinstance(rows, list):
        raise ShapeError(f"{where}: expected a list of rows, found {type(rows).__name__}")
    if not rows:
        raise ShapeError(f"{where}: expected at least one row, found []")
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, list) and ncols is not None and len(row) != ncols:
            raise ShapeError(f"{where}[{i}]: expected {ncols} entries, found {len(row)} (ragged rows)")
        vec = _vector(row, where=f"{where}[{i}]")
        if ncols is None:
            ncols = len(vec)
        out.append(vec)
    return tuple(out)


def _dot(u, v) -> Fraction:
    return sum((a * b for a, b in zip(u, v)), Fraction(0))


@dataclass(frozen=True)
class Problem:
    """A gradient-flow problem, exact and checked on construction.

    Attributes follow the paper: ``inputs[k]`` is ``x_k``, ``labels[k]`` is ``y_k``,
    ``directions[j]`` is ``g_j``, ``signs[j]`` is ``s_j``, ``scale`` is ``lambda``.
    ``output_weights`` is ``None`` for the balanced start ``a_j(0) = s_j ||w_j(0)||``.
    """

    inputs: tuple[tuple[Fraction, ...], ...]
    labels: tuple[Fraction, ...]
    width: int
    scale: Fraction
    directions: tuple[tuple[Fraction, ...], ...]
    signs: tuple[int, ...]
    loss: str = "square"
    relu_prime_at_zero: int = 0
    output_weights: tuple[Fraction, ...] | None = None
    seed: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        """Check the problem in three phases: the data, the initialisation, the loss."""
        d = self._check_data()
        self._check_init(d)
        self._check_loss()

    def _check_data(self) -> int:
        """Inputs (n rows of one dimension d, none zero), nonzero labels, the width; returns d."""
        n, m = len(self.inputs), self.width
        if n == 0:
            raise ShapeError("inputs: expected at least one input x_k, found none")
        d = len(self.inputs[0])
        for k, x in enumerate(self.inputs):
            if len(x) != d:
                raise ShapeError(f"inputs[{k}]: expected {d} entries like inputs[0], found {len(x)}")
            if not any(x):
                raise ZeroVector(f"inputs[{k}]: the input vector x_{k} is zero; every x_k must be nonzero")
        if len(self.labels) != n:
            raise ShapeError(f"labels: expected n = {n} labels (one per input), found {len(self.labels)}")
        for k, y in enumerate(self.labels):
            if y == 0:
                raise SchemaError(f"labels[{k}]: expected a nonzero label y_{k}, found 0")
        if isinstance(m, bool) or not isinstance(m, int) or m <= 0:
            raise SchemaError(f"width: expected a positive integer m, found {m!r}")
        if max(m * d, n * d, m * n) > MAX_ENTRIES:
            raise ResourceLimit(
                f"width m = {m}, n = {n}, d = {d} need {max(m * d, n * d, m * n)} parameters per "
                f"array; the limit on this machine is {MAX_ENTRIES}"
            )
        return d

    def _check_init(self, d: int) -> None:
        """A positive scale; m directions of dimension d, none zero; m signs +-1; output weights."""
        m = self.width
        if self.scale <= 0:
            raise SchemaError(f"init.scale: expected a positive scale lambda, found {self.scale}")
        if len(self.directions) != m:
            raise ShapeError(f"init.directions: expected m = {m} rows, found {len(self.directions)}")
        for j, g in enumerate(self.directions):
            if len(g) != d:
                raise ShapeError(f"init.directions[{j}]: expected d = {d} entries, found {len(g)}")
            if not any(g):
                raise ZeroVector(f"init.directions[{j}]: the direction g_{j} is zero")
        if len(self.signs) != m:
            raise ShapeError(f"init.signs: expected m = {m} signs, found {len(self.signs)}")
        for j, s in enumerate(self.signs):
            if isinstance(s, bool) or s not in (1, -1):
                raise SchemaError(f"init.signs[{j}]: expected 1 or -1, found {s!r}")
        if self.output_weights is not None and len(self.output_weights) != m:
            raise ShapeError(f"init.output_weights: expected m = {m} entries, found {len(self.output_weights)}")

    def _check_loss(self) -> None:
        """A known loss (labels +-1 for the classification losses) and ReLU'(0) in {0, 1}."""
        if self.loss not in LOSSES:
            raise SchemaError(f"loss: expected one of {', '.join(LOSSES)}, found {self.loss!r}")
        if self.loss != "square":
            for k, y in enumerate(self.labels):
                if abs(y) != 1:
                    raise SchemaError(f"labels[{k}]: the {self.loss} loss needs labels +1 or -1, found {y}")
        if self.relu_prime_at_zero not in (0, 1):
            raise SchemaError(f"relu_prime_at_zero: expected \"0\" or \"1\", found {self.relu_prime_at_zero!r}")

    # -- sizes -------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of data points."""
        return len(self.inputs)

    @property
    def d(self) -> int:
        """Input dimension."""
        return len(self.inputs[0])

    @property
    def m(self) -> int:
        """Width (number of hidden neurons)."""
        return self.width

    # -- exact data quantities -----------------------------------------------------------
    def gram(self) -> tuple[tuple[Fraction, ...], ...]:
        """The Gram matrix ``G_kl = <x_k, x_l>``, exactly."""
        X = self.inputs
        return tuple(tuple(_dot(X[k], X[l]) for l in range(self.n)) for k in range(self.n))

    def norms_squared(self) -> tuple[Fraction, ...]:
        """``||x_k||^2`` for every k, exactly."""
        return tuple(_dot(x, x) for x in self.inputs)

    def is_orthogonal(self) -> bool:
        """True when every off-diagonal Gram entry is exactly zero."""
        G = self.gram()
        return all(G[k][l] == 0 for k in range(self.n) for l in range(self.n) if k != l)

    def largest_off_diagonal_cosine(self) -> float:
        """``max_{k != l} |<x_k, x_l>| / (||x_k|| ||x_l||)``, for messages and reports (a float)."""
        G = self.gram()
        best = 0.0
        for k in range(self.n):
            for l in range(k + 1, self.n):
                if G[k][l]:
                    best = max(best, abs(float(G[k][l])) / (float(G[k][k]) * float(G[l][l])) ** 0.5)
        return best

    def require_square_loss(self, what: str = "this command", elsewhere: str | None = None) -> None:
        """Raise :class:`UnsupportedLoss` unless ``loss`` is ``"square"``.

        ``what`` (an engine, a command) handles only ``L = (1/(2n)) sum_k (h(x_k) - y_k)^2``; an
        ``"exponential"`` or ``"logistic"`` problem is refused, never run with the square loss in
        its place.  ``elsewhere`` names the engine that does integrate the other losses (the
        message then says to use it).
        """
        if self.loss not in INTEGRATED_LOSSES:
            nxt = (f"or use the {elsewhere} engine (--engine {elsewhere} or auto), which integrates "
                   f"the {self.loss} loss" if elsewhere else
                   f"otherwise wait for a version of {what} that handles the {self.loss} loss")
            raise UnsupportedLoss(
                f"loss: the problem asks for the {self.loss!r} loss, but {what} handles only the "
                f"\"square\" loss L = (1/(2n)) sum_k (h(x_k) - y_k)^2; to study the "
                f"square-loss flow on the same data set \"loss\": \"square\" (or drop the key) in the "
                f"problem file, {nxt}"
            )

    def require_loss(self, losses, what: str = "this command") -> None:
        """Raise :class:`UnsupportedLoss` unless ``loss`` is one of ``losses`` (the losses a suite's
        claims are stated for) *and* one the engines integrate (:meth:`require_square_loss`; the
        full engine also integrates the exponential and logistic losses)."""
        if self.loss not in losses:
            stated = ", ".join('"' + v + '"' for v in losses)
            raise UnsupportedLoss(
                f"loss: the problem asks for the {self.loss!r} loss, but the claims {what} checks are "
                f"stated for {stated}; pick the suite of that loss "
                f"(gfcheck verify --list) or set \"loss\": \"{losses[0]}\" in the problem file"
            )
        if self.loss not in ("exponential", "logistic"):  # the full engine integrates these
            self.require_square_loss(what)

    def require_orthogonal(self, claim: str = "this command") -> None:
        """Raise :class:`NotOrthogonal` unless the inputs are exactly pairwise orthogonal."""
        if self.n > self.d:
            raise NotOrthogonal(
                f"{claim} assumes pairwise orthogonal inputs, but n = {self.n} points in "
                f"dimension d = {self.d} cannot be orthogonal (n > d)"
            )
        if not self.is_orthogonal():
            G = self.gram()
            pairs = [(k, l) for k in range(self.n) for l in range(k + 1, self.n) if G[k][l] != 0]
            k, l = pairs[0]
            raise NotOrthogonal(
                f"{claim} assumes pairwise orthogonal inputs; {len(pairs)} pair(s) are not, e.g. "
                f"<x_{k}, x_{l}> = {G[k][l]}; largest off-diagonal cosine "
                f"{self.largest_off_diagonal_cosine():.3g}. Use the full engine for such data."
            )

    def sha256(self) -> str:
        """SHA-256 of the canonical JSON form (what result files cite)."""
        return hashlib.sha256(canonical_json(problem_to_json(self)).encode()).hexdigest()


def fraction_string(q: Fraction) -> str:
    """The exact number string of a rational in the file formats (``"3"``, ``"-2/3"``).

    >>> fraction_string(Fraction(-4, 6)), fraction_string(Fraction(3))
    ('-2/3', '3')
    """
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def problem_to_json(p: Problem) -> dict:
    """The canonical ``gfcheck.problem/1`` document of ``p`` (explicit directions and signs)."""
    init: dict[str, Any] = {
        "scale": fraction_string(p.scale),
        "directions": [[fraction_string(v) for v in g] for g in p.directions],
        "signs": list(p.signs),
    }
    if p.output_weights is not None:
        init["balanced"] = False
        init["output_weights"] = [fraction_string(v) for v in p.output_weights]
    return {
        "schema": PROBLEM_SCHEMA,
        "inputs": [[fraction_string(v) for v in x] for x in p.inputs],
        "labels": [fraction_string(v) for v in p.labels],
        "width": p.width,
        "init": init,
        "loss": p.loss,
        "relu_prime_at_zero": str(p.relu_prime_at_zero),
    }


def seeded_directions(seed: int, m: int, d: int) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[int, ...]]:
    """The documented generator for ``init.seed``.

    ``rng = numpy.random.default_rng(seed)`` (PCG64); ``g = rng.standard_normal((m, d))``
    read as the exact rationals of those binary64 numbers; then
    ``s = 1 - 2 * rng.integers(0, 2, size=m)``.  Same seed, same problem, on every platform
    that runs numpy's PCG64 (its stream is part of numpy's compatibility policy).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    g = rng.standard_normal((m, d))
    s = 1 - 2 * rng.integers(0, 2, size=m)
    return (
        tuple(tuple(Fraction(float(v)) for v in row) for row in g),
        tuple(int(v) for v in s),
    )


_TOP_KEYS = {"schema", "inputs", "labels", "width", "init", "loss", "relu_prime_at_zero"}
_INIT_KEYS = {"scale", "seed", "directions", "signs", "balanced", "output_weights"}


def parse_problem(doc: Any) -> Problem:
    """Build a :class:`Problem` from a parsed ``gfcheck.problem/1`` document, strictly: the top
    level, the data, the initialisation, the options, each in its own phase (then
    :class:`Problem` checks the whole)."""
    _parse_top(doc)
    X, y, m = _parse_data(doc)
    scale, G, s, ow, seed = _parse_init(doc["init"], m, len(X[0]))
    loss, rp = _parse_options(doc)
    return Problem(
        inputs=X, labels=y, width=m, scale=scale, directions=G, signs=s, loss=loss,
        relu_prime_at_zero=rp, output_weights=ow, seed=seed,
    )


def check_object(doc, where: str, allowed, *, expected: str = "a JSON object") -> None:
    """Refuse (SchemaError) a document ``doc`` that is not an object, or that has a key outside
    ``allowed``; the messages begin with ``where``."""
    if not isinstance(doc, dict):
        raise SchemaError(f"{where}: expected {expected}, found {type(doc).__name__}")
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise SchemaError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _parse_top(doc) -> None:
    check_object(doc, "problem", _TOP_KEYS)
    if doc.get("schema") != PROBLEM_SCHEMA:
        raise SchemaError(f"schema: expected {PROBLEM_SCHEMA!r}, found {doc.get('schema')!r}")
    for key in ("inputs", "labels", "width", "init"):
        if key not in doc:
            raise SchemaError(f"problem: missing required key {key!r}")


def _parse_data(doc):
    """``(X, y, m)``: inputs, labels and width, with the size limit checked before any work."""
    X = _matrix(doc["inputs"], where="inputs")
    labels = doc["labels"]
    if not isinstance(labels, list):
        raise ShapeError(f"labels: expected a list of number strings, found {type(labels).__name__}")
    y = tuple(parse_number(v, where=f"labels[{i}]") for i, v in enumerate(labels))
    m = doc["width"]
    if isinstance(m, bool) or not isinstance(m, int):
        raise SchemaError(f"width: expected a positive JSON integer, found {m!r} (type={type(m).__name__})")
    if m <= 0:
        raise SchemaError(f"width: expected a positive integer m, found {m}")
    d = len(X[0])
    if max(m * d, m * len(X)) > MAX_ENTRIES:
        raise ResourceLimit(f"width m = {m} with d = {d}: {m * d} weights exceed the limit {MAX_ENTRIES}")
    return X, y, m


def _parse_init(init, m: int, d: int):
    """``(scale, directions, signs, output_weights, seed)`` from the ``init`` object."""
    if not isinstance(init, dict):
        raise SchemaError(f"init: expected an object, found {type(init).__name__}")
    unknown = sorted(set(init) - _INIT_KEYS)
    if unknown:
        raise SchemaError(f"init: unknown key(s) {unknown}; allowed: {sorted(_INIT_KEYS)}")
    if "scale" not in init:
        raise SchemaError("init: missing required key 'scale'")
    scale = parse_number(init["scale"], where="init.scale")
    if scale <= 0:
        raise SchemaError(f"init.scale: expected a positive scale lambda, found {init['scale']!r}")
    G, s, seed = _parse_directions(init, m, d)
    return scale, G, s, _parse_output_weights(init), seed


def _parse_directions(init, m: int, d: int):
    """``(G, signs, seed)``: explicit directions and signs, or drawn from the seed."""
    has_seed = "seed" in init
    has_dirs = "directions" in init or "signs" in init
    if has_seed == has_dirs:
        raise SchemaError("init: give either 'seed' or both 'directions' and 'signs' (exactly one way)")
    if has_seed:
        seed = init["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise SchemaError(f"init.seed: expected a non-negative JSON integer, found {seed!r}")
        G, s = seeded_directions(seed, m, d)
        return G, s, seed
    if "directions" not in init or "signs" not in init:
        raise SchemaError("init: 'directions' and 'signs' must be given together")
    G = _matrix(init["directions"], where="init.directions", ncols=d)
    signs = init["signs"]
    if not isinstance(signs, list):
        raise ShapeError(f"init.signs: expected a list of 1/-1, found {type(signs).__name__}")
    for j, v in enumerate(signs):
        if isinstance(v, bool) or v not in (1, -1) or not isinstance(v, int):
            raise SchemaError(f"init.signs[{j}]: expected the JSON integer 1 or -1, found {v!r}")
    return G, tuple(signs), None


def _parse_output_weights(init):
    """The output weights of an unbalanced start (``"balanced": false``), else None."""
    balanced = init.get("balanced", True)
    if not isinstance(balanced, bool):
        raise SchemaError(f"init.balanced: expected true or false, found {balanced!r}")
    if balanced:
        if "output_weights" in init:
            raise SchemaError("init.output_weights: only allowed with \"balanced\": false")
        return None
    if "output_weights" not in init:
        raise SchemaError("init: \"balanced\": false needs 'output_weights' (m number strings)")
    ow_raw = init["output_weights"]
    if not isinstance(ow_raw, list):
        raise ShapeError("init.output_weights: expected a list of number strings")
    return tuple(parse_number(v, where=f"init.output_weights[{i}]") for i, v in enumerate(ow_raw))


def _parse_options(doc):
    """``(loss, relu_prime_at_zero)``."""
    loss = doc.get("loss", "square")
    if not isinstance(loss, str):
        raise SchemaError(f"loss: expected a string, found {type(loss).__name__}")
    rp = doc.get("relu_prime_at_zero", "0")
    if rp not in ("0", "1"):
        raise SchemaError(f"relu_prime_at_zero: expected the string \"0\" or \"1\", found {rp!r}")
    return loss, int(rp)


def _no_constants(token: str):
    raise NonFiniteValue(f"problem file: JSON constant {token} is not allowed (numbers are strings)")


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise SchemaError(f"problem file: duplicate key {k!r}")
        out[k] = v
    return out


def loads_problem(text: str | bytes) -> Problem:
    """Parse the text of a problem file (see :func:`load_problem`)."""
    try:
        doc = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise UnreadableFile(f"problem file: not valid JSON ({exc})") from None
    return parse_problem(doc)


def load_problem(path: str | os.PathLike) -> Problem:
    """Read and check a ``gfcheck.problem/1`` file.  Errors are named (``InvalidInput`` subclasses)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ResourceLimit(f"{p}: {size} bytes exceeds the {MAX_FILE_BYTES}-byte limit for problem files")
        raw = p.read_bytes()
    except (OSError, ValueError) as exc:
        raise UnreadableFile(f"{p}: cannot read the problem file ({exc.__class__.__name__}: {exc})") from None
    try:
        return loads_problem(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UnreadableFile(f"{p}: not UTF-8 text") from None
