"""Deterministic, atomic file output shared by every command.

* :func:`canonical_json` -- sorted keys, fixed indentation, ``\\n`` line ends,
  no floats (a float reaching it is a bug: numbers travel as strings).
* :func:`atomic_write` -- write beside the target, flush, fsync, ``os.replace``:
  a reader sees the old file or the new one, never a torn one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["canonical_json", "atomic_write", "atomic_write_json"]


def _reject_float(obj):
    raise TypeError(
        f"canonical_json got {type(obj).__name__} {obj!r}; numbers must be written as "
        "decimal strings (format gfcheck/1)"
    )


def _check_no_float(obj) -> None:
    if isinstance(obj, float):
        _reject_float(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            _check_no_float(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _check_no_float(v)


def canonical_json(obj) -> str:
    """Serialise ``obj`` deterministically (sorted keys, indent 1, trailing newline).

    >>> canonical_json({"b": "1", "a": [1, 2]})
    '{\\n "a": [\\n  1,\\n  2\\n ],\\n "b": "1"\\n}\\n'
    """
    _check_no_float(obj)
    return json.dumps(obj, sort_keys=True, indent=1, ensure_ascii=True, allow_nan=False) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that the file appears whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is meant to be read
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return path
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
    return path


def atomic_write_json(path: str | os.PathLike, obj) -> Path:
    """:func:`atomic_write` of :func:`canonical_json` of ``obj``."""
    return atomic_write(path, canonical_json(obj))
