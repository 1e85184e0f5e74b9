"""The result file ``gfcheck.result/1`` (``docs/formats.md``): build, write, read.

Numbers are decimal strings.  A final value ``z`` is written with the significant digits that
the measured ``error_estimate`` (an absolute error, ``err``) supports, plus one guard digit:
``floor(log10(|z| / err)) + 2`` digits, at least 1 and at most the working digits; a value
below ``err`` keeps one digit.  Same problem, options and library versions give the same
bytes: keys sorted, no timestamps.

``loss`` names the loss that was integrated (``"square"``, ``"exponential"`` or ``"logistic"``);
``grid.loss`` is that loss; a result file written before the key existed has no ``loss`` and is
read as square (:func:`result_loss`).

``grid`` carries ``t`` and ``loss`` (the format's two required series) and ``h``: the outputs
``h(x_k)`` at each sample time (one list of n strings per time).  The grid always ends at the
final state (``t_end``, or the stopping time of ``--until-fitted``).

>>> import mpmath
>>> supported_str(mpmath.mpf("0.123456789"), mpmath.mpf("1e-5"))
'0.123457'
>>> supported_str(mpmath.mpf("3e-9"), mpmath.mpf("1e-5"))
'3.0e-9'
"""

from __future__ import annotations

import functools
import json
import platform
from importlib import metadata
from pathlib import Path

import mpmath

from gfcheck.symbolic.files import atomic_write_json, os_errors_as_output_errors
from gfcheck.symbolic.errors import NonFiniteValue, SchemaError, ShapeError, UnreadableFile
from gfcheck.symbolic.problem import LOSSES, check_object, parse_number

__all__ = ["RESULT_SCHEMA", "provenance", "git_commit", "checkout_root", "supported_str", "result_document",
           "write_result", "parse_result", "load_result", "loss_at", "result_loss"]

RESULT_SCHEMA = "gfcheck.result/1"
_TOP_KEYS = {"schema", "problem_sha256", "dps", "t_end", "grid", "final", "events",
             "error_estimate", "provenance", "engine", "work_bits", "fitted", "stopped_at", "loss"}
_REQUIRED = {"schema", "problem_sha256", "dps", "t_end", "grid", "final", "events",
             "error_estimate", "provenance"}
_EVENT_KINDS = ("deactivate", "activate", "slide-in", "slide-out")
#: the loss of a result file that predates the ``loss`` key
DEFAULT_LOSS = "square"
MAX_RESULT_BYTES = 512 * 2**20


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def provenance() -> dict:
    """Library versions (read from their metadata, so sympy, scipy and matplotlib are not
    imported) and the git commit of the checkout gfcheck runs from (:func:`git_commit`)."""
    return {"gfcheck": _version("gfcheck"), "python": platform.python_version(),
            "mpmath": mpmath.__version__, "mpmath_backend": mpmath.libmp.BACKEND,
            "sympy": _version("sympy"), "numpy": _version("numpy"), "gmpy2": _version("gmpy2"),
            "scipy": _version("scipy"), "matplotlib": _version("matplotlib"),
            "git_commit": git_commit()}


def checkout_root(files=()) -> Path | None:
    """The gfcheck source checkout gfcheck runs from: the folder of an editable install, else the
    current folder when it is a gfcheck checkout (its ``pyproject.toml`` names gfcheck), as when a
    clone is installed with ``pip install .`` and run from its folder; each of ``files`` (paths
    relative to the root) must be there too.  None when neither is (an installed wheel run
    elsewhere).  ``gfcheck verify``, ``simulate`` and ``artifact`` record the commit of this one
    folder (:func:`git_commit`)."""
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        try:
            text = (root / "pyproject.toml").read_text("utf-8")
        except OSError:
            continue
        if 'name = "gfcheck"' in text and all((root / p).is_file() for p in files):
            return root
    return None


def git_commit(root: str | None = None) -> str:
    """The commit of the git checkout at ``root`` (default: :func:`checkout_root`), with ``+dirty``
    when tracked files differ from it; ``"none"`` when there is no checkout or no git (an installed
    wheel run outside a clone).  Untracked files (reports, build folders) do not count."""
    if root is None:
        found = checkout_root()
        if found is None:
            return "none"
        root = str(found)
    return _git_commit(str(Path(root).resolve()))


@functools.lru_cache(maxsize=None)
def _git_commit(root: str) -> str:
    import subprocess

    here = Path(root)
    if not (here / ".git").exists():
        return "none"
    try:
        head = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=20, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=20, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "none"
    return head + ("+dirty" if dirty else "") if head else "none"


def supported_str(z, err, max_digits: int = 60) -> str:
    """``z`` with the digits that an absolute error ``err`` supports (one guard digit)."""
    z = mpmath.mpf(z)
    if z == 0:
        return "0"
    if err is None or err <= 0:
        return mpmath.nstr(z, max_digits)
    ratio = abs(z) / mpmath.mpf(err)
    digits = 1 if ratio <= 1 else int(mpmath.floor(mpmath.log10(ratio))) + 2
    return mpmath.nstr(z, max(1, min(digits, max_digits)))


def loss_at(problem, state):
    """The problem's loss and the outputs ``h`` at a :class:`State`.

    ``L = (1/(2n)) sum_k (h_k - y_k)^2`` (square), ``(1/n) sum_k exp(-y_k h_k)`` (exponential),
    ``(1/n) sum_k log(1 + exp(-y_k h_k))`` (logistic).  Runs at the caller's mpmath precision
    (call inside ``Precision(...).scope()``).
    """
    from .precision import to_mpf

    y = [to_mpf(v) for v in problem.labels]
    h = [mpmath.fsum(a * u for a, u in zip(state.a, (row[k] for row in state.U)) if u > 0)
         for k in range(problem.n)]
    if problem.loss == "exponential":
        return mpmath.fsum(mpmath.exp(-yk * hk) for hk, yk in zip(h, y)) / problem.n, h
    if problem.loss == "logistic":
        return mpmath.fsum(mpmath.log1p(mpmath.exp(-yk * hk)) for hk, yk in zip(h, y)) / problem.n, h
    L = mpmath.fsum((hk - yk) ** 2 for hk, yk in zip(h, y)) / (2 * problem.n)
    return L, h


def _float_losses(problem, states):
    """``(L, h)`` of float64 states in one vectorised step (the float64 path stays in floats).

    The states' numbers are float64 values (as mpf), so ``float`` is exact on them.
    """
    import numpy as np

    if not states:
        return []
    A = np.array([[float(v) for v in s.a] for s in states])
    U = np.array([[[float(v) for v in row] for row in s.U] for s in states])
    y = np.array([float(v) for v in problem.labels])
    h = np.einsum("sj,sjk->sk", A, np.maximum(U, 0.0))
    L = ((h - y) ** 2).sum(1) / (2 * problem.n)
    mpf = mpmath.mpf
    return [(mpf(Ls), [mpf(v) for v in hs]) for Ls, hs in zip(L.tolist(), h.tolist())]


def result_document(problem, traj, *, t_end, dps: int, fitted=None) -> dict:
    """The ``gfcheck.result/1`` document of a trajectory (all numbers as strings)."""
    from gfcheck.numeric import weights_from

    from .precision import Precision

    err = traj.error_estimate
    with Precision(dps).scope():
        grid_t, grid_L, grid_h = [], [], []
        states = list(traj.samples)
        if not states or states[-1].t != traj.final.t:
            states.append(traj.final)  # the grid always ends at the final state
        fast = _float_losses(problem, states) if traj.engine == "float64" else None
        for i, s in enumerate(states):
            L, h = loss_at(problem, s) if fast is None else fast[i]
            grid_t.append(mpmath.nstr(s.t, dps))
            grid_L.append(mpmath.nstr(L, dps))
            grid_h.append([mpmath.nstr(v, dps) for v in h])
        W = traj.final.W if traj.final.W is not None else weights_from(problem, traj.final)
        # up to the working digits (requested plus guard): the measured error may support more
        # digits than were asked for
        top = max(dps, int(traj.work_bits * 0.30103))
        final = {"a": [supported_str(v, err, top) for v in traj.final.a],
                 "W": [[supported_str(v, err, top) for v in row] for row in W]}
        events = [{"t": mpmath.nstr(e.t, dps), "neuron": e.neuron, "point": e.point, "kind": e.kind}
                  for e in traj.events]
        doc = {
            "schema": RESULT_SCHEMA, "problem_sha256": problem.sha256(), "dps": dps,
            "t_end": str(t_end) if not isinstance(t_end, mpmath.mpf) else mpmath.nstr(t_end, dps),
            "grid": {"t": grid_t, "loss": grid_L, "h": grid_h}, "final": final, "events": events,
            "error_estimate": mpmath.nstr(err, 3) if err is not None else "unmeasured",
            "provenance": provenance(), "engine": traj.engine, "work_bits": traj.work_bits,
            "loss": problem.loss,
        }
        if fitted is not None:
            doc["fitted"] = bool(fitted)
            doc["stopped_at"] = mpmath.nstr(traj.final.t, dps)
    return doc


def write_result(path, doc: dict) -> Path:
    """Write a result document atomically (whole or not at all), canonical bytes.

    A file-system failure (``OSError``) becomes :class:`~gfcheck.symbolic.errors.OutputError`.
    """
    parse_result(doc)  # never write what we would not read back
    with os_errors_as_output_errors("result file"):
        return atomic_write_json(path, doc)


def result_loss(doc) -> str:
    """The loss a (checked) result document was integrated with; ``"square"`` when absent."""
    return doc.get("loss", DEFAULT_LOSS)


def _strings(v, where: str, *, shape=None) -> list:
    if not isinstance(v, list):
        raise ShapeError(f"{where}: expected a list of number strings, found {type(v).__name__}")
    if shape is not None and len(v) != shape:
        raise ShapeError(f"{where}: expected {shape} entries, found {len(v)}")
    for i, s in enumerate(v):
        parse_number(s, where=f"{where}[{i}]")
    return v


def _check_top(doc) -> None:
    """The top level of a result: an object with the known keys, the required ones, the schema,
    a positive integer ``dps``, a number ``t_end`` and an ``error_estimate`` (a number or
    ``"unmeasured"``)."""
    check_object(doc, "result", _TOP_KEYS)
    missing = sorted(_REQUIRED - set(doc))
    if missing:
        raise SchemaError(f"result: missing key(s) {missing}")
    if doc["schema"] != RESULT_SCHEMA:
        raise SchemaError(f"schema: expected {RESULT_SCHEMA!r}, found {doc['schema']!r}")
    dps = doc["dps"]
    if isinstance(dps, bool) or not isinstance(dps, int) or dps <= 0:
        raise SchemaError(f"dps: expected a positive JSON integer, found {dps!r}")
    parse_number(doc["t_end"], where="t_end")
    if doc["error_estimate"] != "unmeasured":
        parse_number(doc["error_estimate"], where="error_estimate")


def _check_grid(grid) -> None:
    """``grid``: an object with ``t`` and ``loss``, lists of number strings of one length."""
    if not isinstance(grid, dict) or not {"t", "loss"} <= set(grid):
        raise SchemaError("grid: expected an object with 't' and 'loss'")
    _strings(grid["t"], "grid.t")
    _strings(grid["loss"], "grid.loss", shape=len(grid["t"]))


def _check_final(final) -> int:
    """``final``: exactly ``a`` (m number strings) and ``W`` (m rows of one length); returns m."""
    if not isinstance(final, dict) or set(final) != {"a", "W"}:
        raise SchemaError("final: expected an object with exactly 'a' and 'W'")
    m = len(_strings(final["a"], "final.a"))
    if not isinstance(final["W"], list) or len(final["W"]) != m:
        raise ShapeError(f"final.W: expected m = {m} rows")
    d = None
    for j, row in enumerate(final["W"]):
        _strings(row, f"final.W[{j}]", shape=d)
        d = len(row)
    return m


def _check_events(events, m: int) -> None:
    """``events``: a list of objects ``{t, neuron, point, kind}``: a number, a neuron index below
    ``m``, a point index and a known kind."""
    if not isinstance(events, list):
        raise SchemaError("events: expected a list")
    for i, e in enumerate(events):
        if not isinstance(e, dict) or set(e) != {"t", "neuron", "point", "kind"}:
            raise SchemaError(f"events[{i}]: expected an object with t, neuron, point, kind")
        parse_number(e["t"], where=f"events[{i}].t")
        for key, bound in (("neuron", m), ("point", None)):
            v = e[key]
            if isinstance(v, bool) or not isinstance(v, int) or v < 0 or (bound and v >= bound):
                raise SchemaError(f"events[{i}].{key}: expected an index, found {v!r}")
        if e["kind"] not in _EVENT_KINDS:
            raise SchemaError(f"events[{i}].kind: expected one of {_EVENT_KINDS}, found {e['kind']!r}")


def parse_result(doc) -> dict:
    """Check a result document strictly; returns it unchanged (named errors otherwise)."""
    _check_top(doc)
    _check_grid(doc["grid"])
    m = _check_final(doc["final"])
    _check_events(doc["events"], m)
    if not isinstance(doc["provenance"], dict):
        raise SchemaError("provenance: expected an object")
    if "loss" in doc and (not isinstance(doc["loss"], str) or doc["loss"] not in LOSSES):
        raise SchemaError(f"loss: expected one of {', '.join(LOSSES)}, found {doc['loss']!r} "
                          "(omit the key for a square-loss result)")
    return doc


def load_result(path) -> dict:
    """Read and check a result file (strict; named errors for every malformation)."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_RESULT_BYTES:
            raise UnreadableFile(f"{p}: larger than {MAX_RESULT_BYTES} bytes")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"{p}: cannot read a UTF-8 result file ({exc.__class__.__name__}: {exc})") from None

    def _no_const(tok):
        raise NonFiniteValue(f"{p}: JSON constant {tok} is not allowed; write numbers as strings")

    try:
        doc = json.loads(text, parse_constant=_no_const)
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{p}: invalid JSON ({exc})") from None
    return parse_result(doc)
