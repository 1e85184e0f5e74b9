"""A run cache kept across commands: one integration, keyed by what determines it, stored once.

A trajectory is a deterministic function of the exact problem, the keyword arguments of
:func:`gfcheck.numeric.integrate` and the engines' code, so a second ``verify`` of the same problem
(a reviewer's rerun, a census problem run again after a fix elsewhere) need not integrate again::

    key = sha256(problem.sha256(), the canonical arguments, CODE)

``CODE`` hashes the source of every module of this package (the engines, their series, roots,
precision rules and estimates): any change to them is a new key, so a stale trajectory is never
read.  Entries are gzipped JSON written whole (a temporary file, then a rename; the project reads
and writes JSON only), exact: an mpf is stored as its sign, mantissa, exponent and bit count, a
float by its ``repr``, a Fraction as ``p/q``, tuples apart from lists.  Concurrent writers
(``verify --jobs 2``, a census on a Dask cluster sharing the folder) leave either nothing or a whole
entry; an entry that does not load is ignored (and replaced).  The cache holds the same objects the
engines return, so a report is the same bytes with the cache or without it (only ``timings.json``
says which runs were read from it).

>>> import tempfile
>>> from fractions import Fraction as F
>>> from gfcheck.numeric import integrate
>>> from gfcheck.symbolic.problem import Problem
>>> p = Problem(inputs=((F(1), F(0)), (F(0), F(2))), labels=(F(1), F(-1, 2)), width=2, scale=F(1, 1000),
...             directions=((F(1), F(-1)), (F(-1), F(1))), signs=(1, -1))
>>> cache, kw = RunCache(tempfile.mkdtemp()), {"t_end": F(3), "dps": 20, "error_estimate": False}
>>> cache.get(p, kw) is None
True
>>> run = integrate(p, **kw); cache.put(p, kw, run)
>>> cache.get(p, kw).final == run.final
True
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import tempfile
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import mpmath

__all__ = ["RunCache", "code_hash", "run_key"]


@lru_cache(maxsize=1)
def code_hash() -> str:
    """SHA-256 over the sources of this package's modules (sorted by name): the engines' version."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _canon(v):
    """A JSON-ready canonical form of an argument value (exact numbers as strings, sets sorted)."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}"
    if isinstance(v, mpmath.mpf):  # exact (a repr follows the current precision): a continued run's start
        sign, man, exp, _ = v._mpf_
        return ["mpf", sign, hex(man), exp]
    if isinstance(v, (frozenset, set)):
        return sorted((_canon(x) for x in v), key=repr)
    if isinstance(v, (tuple, list)):
        return [_canon(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _canon(x) for k, x in sorted(v.items())}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return [type(v).__name__, {f.name: _canon(getattr(v, f.name)) for f in dataclasses.fields(v)}]
    return [type(v).__name__, repr(v)]


def run_key(problem, kwargs: dict) -> str:
    """The cache key of ``integrate(problem, **kwargs)``: the problem's exact hash, the canonical
    arguments and :func:`code_hash`."""
    doc = {"problem": problem.sha256(), "kwargs": _canon(dict(kwargs)), "code": code_hash()}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _types() -> dict:
    """The value classes an entry may hold, by name (nothing else is decoded)."""
    from .precision import Precision
    from .trajectory import Event, State, Trajectory

    return {c.__name__: c for c in (Trajectory, State, Event, Precision)}


def encode(v):
    """``v`` as exact JSON-ready data (see the module docstring); TypeError for anything else.

    >>> v = (mpmath.mpf(1) / 3, Fraction(-2, 3), 0.1, [1, "a", None], {"x": True})
    >>> decode(encode(v)) == v, encode(v[0])
    (True, {'m': [0, '0x15555555555555', -54, 53]})
    """
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return {"f": repr(v)}
    if isinstance(v, mpmath.mpf):
        sign, man, exp, bc = v._mpf_
        return {"m": [sign, hex(man), exp, bc]}
    if isinstance(v, Fraction):
        return {"q": f"{v.numerator}/{v.denominator}"}
    if isinstance(v, tuple):
        return {"t": [encode(x) for x in v]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {"d": [[encode(k), encode(x)] for k, x in v.items()]}
    if type(v).__name__ in _types() and dataclasses.is_dataclass(v):
        skip = {"problem"}  # the problem is the key's: given back on reading
        return {"c": type(v).__name__, "v": {f.name: encode(getattr(v, f.name)) for f in dataclasses.fields(v)
                                              if f.name not in skip}}
    raise TypeError(f"no cache encoding for {type(v).__name__}")


def decode(doc):
    """The value :func:`encode` wrote."""
    if doc is None or isinstance(doc, (bool, int, str)):
        return doc
    if isinstance(doc, list):
        return [decode(x) for x in doc]
    (tag, body), = doc.items() if len(doc) == 1 else (("c", doc),)
    if tag == "f":
        return float(body)
    if tag == "m":
        sign, man, exp, bc = body
        return mpmath.mp.make_mpf((sign, int(man, 16), exp, bc))
    if tag == "q":
        return Fraction(body)
    if tag == "t":
        return tuple(decode(x) for x in body)
    if tag == "d":
        return {decode(k): decode(x) for k, x in body}
    return _types()[doc["c"]](**{k: decode(x) for k, x in doc["v"].items()})


@dataclasses.dataclass(frozen=True)
class RunCache:
    """Trajectories stored under ``root`` (a folder, made on first write), one file per :func:`run_key`."""

    root: str | os.PathLike

    def _path(self, problem, kwargs) -> Path:
        key = run_key(problem, kwargs)
        return Path(self.root) / key[:2] / f"{key}.json.gz"

    def get(self, problem, kwargs):
        """The stored trajectory of ``integrate(problem, **kwargs)`` (its ``problem`` set back), or None."""
        path = self._path(problem, kwargs)
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                return decode(json.load(f)).replace(problem=problem)
        except Exception:  # noqa: BLE001 - absent, torn or written by other code: not an entry
            return None

    def put(self, problem, kwargs, run) -> None:
        """Store ``run`` whole (temporary file, then rename); a folder that cannot be written, or a
        value with no encoding, is no error (the cache only saves time)."""
        path = self._path(problem, kwargs)
        try:
            text = json.dumps(encode(run), separators=(",", ":"), sort_keys=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
                f.write(text.encode("utf-8"))
            os.replace(tmp, path)
        except (OSError, TypeError):
            return
