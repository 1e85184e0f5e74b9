"""Deterministic, atomic file output shared by every command.

* :func:`canonical_json` -- sorted keys, fixed indentation, ``\\n`` line ends,
  no floats (a float reaching it is a bug: numbers travel as strings).
* :func:`atomic_write` -- write beside the target, flush, fsync, ``os.replace``:
  a reader sees the old file or the new one, never a torn one.
* :func:`check_output_file`, :func:`check_output_dir` -- refuse, before the long work, an
  output that cannot be written (a folder where a file is needed or the reverse, a path
  under a regular file, a read-only folder): the nearest existing folder is probed by
  creating and removing a temporary file in it, so the check itself leaves nothing behind.
* :func:`os_errors_as_output_errors` -- an ``OSError`` of the final write becomes
  :class:`~gfcheck.symbolic.errors.OutputError` (one line, exit status 2).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["THEORY_FILES", "THEORY_FOLDERS", "canonical_json", "atomic_write", "atomic_write_json", "check_output_file",
           "check_output_dir", "output_error", "os_errors_as_output_errors", "derivations_markdown",
           "write_theory"]

#: what to do next, by the ``errno`` of a failed write
_REMEDY = {
    errno.ENOTDIR: "a component of the path is a regular file, not a folder; choose a path under a folder",
    errno.EISDIR: "the path is a folder where a file is needed; give a file name",
    errno.EEXIST: "a file is in the way of a folder; move it or choose another path",
    errno.EACCES: "the folder is not writable; choose a writable location",
    errno.EPERM: "the folder is not writable; choose a writable location",
    errno.EROFS: "the file system is read-only; choose a writable location",
    errno.ENOSPC: "the disk is full; free some space or choose another location",
    errno.EDQUOT: "the disk quota is exceeded; free some space or choose another location",
    errno.ENOENT: "the folder does not exist and cannot be created there; choose another location",
    errno.ENAMETOOLONG: "the path is too long; choose a shorter one",
}
_DEFAULT_REMEDY = "choose another output path"
_PROBE_PREFIX = ".gfcheck-probe-"


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


def output_error(exc: OSError, what: str = "output") -> OutputError:
    """The :class:`OutputError` for a failed write: the path, the system's reason, the remedy."""
    where = exc.filename if exc.filename is not None else "the output path"
    reason = exc.strerror or str(exc) or type(exc).__name__
    remedy = _REMEDY.get(exc.errno, _DEFAULT_REMEDY)
    return OutputError(f"{what}: cannot write {where} ({type(exc).__name__}: {reason}); {remedy}")


@contextlib.contextmanager
def os_errors_as_output_errors(what: str = "output"):
    """Turn an ``OSError`` raised inside the block into :func:`output_error` (``from`` it)."""
    try:
        yield
    except OSError as exc:
        raise output_error(exc, what) from exc


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (the folder a ``mkdir -p`` would start in)."""
    p = path
    while not os.path.lexists(p) and p.parent != p:
        p = p.parent
    return p


def _probe_writable(folder: Path, what: str) -> None:
    """Create and remove a temporary file in ``folder`` (must exist); OutputError if it fails."""
    if not folder.is_dir():
        raise OutputError(f"{what}: cannot write under {folder}: it is a regular file, not a "
                          "folder; choose a path under a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=_PROBE_PREFIX, suffix=".tmp", dir=folder)
    except OSError as exc:
        # the probe's own name means nothing to the user: name the folder instead
        code = errno.EACCES if exc.errno == errno.ENOENT else exc.errno
        raise OutputError(f"{what}: cannot create files in {folder} ({type(exc).__name__}: "
                          f"{exc.strerror or exc}); {_REMEDY.get(code, _DEFAULT_REMEDY)}") from exc
    with os_errors_as_output_errors(what):
        os.close(fd)
        os.unlink(tmp)


def check_output_file(path, what: str = "--out") -> Path:
    """Refuse an output *file* path that cannot be written (see the module docstring).

    The path must not be a folder or any other non-regular file, and its nearest existing
    ancestor must be a writable folder (missing folders are created at write time).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_output_file(d / "new" / "r.json") == d / "new" / "r.json"
    True
    >>> check_output_file(d)
    Traceback (most recent call last):
    ...
    gfcheck.errors.OutputError: --out: ... is a folder where a file is needed; ...
    """
    p = Path(path)
    with os_errors_as_output_errors(what):
        if p.is_dir():
            raise OutputError(f"{what}: {p} is a folder where a file is needed; "
                              f"give a file name, e.g. {p / 'result.json'}")
        if os.path.lexists(p) and not p.is_file():
            raise OutputError(f"{what}: {p} exists and is not a regular file; choose another path")
        _probe_writable(_nearest_existing(p.parent), what)
    return p


def check_output_dir(path, what: str = "--out", *, files=(), folders=()) -> Path:
    """Refuse an output *folder* that cannot be written (see the module docstring).

    ``path`` must be a folder or not exist yet, its nearest existing ancestor (or itself)
    must be writable, and the entries it will hold must not have the wrong kind: each of
    ``files`` must not be a folder, each of ``folders`` must not be a file.
    """
    p = Path(path)
    with os_errors_as_output_errors(what):
        if os.path.lexists(p) and not p.is_dir():
            raise OutputError(f"{what}: {p} is a file where a folder is needed; "
                              "give a folder name (it is created if missing)")
        _probe_writable(_nearest_existing(p), what)
        for name in files:
            if (p / name).is_dir():
                raise OutputError(f"{what}: {p / name} is a folder where a file is needed; "
                                  "remove it or choose another output folder")
        for name in folders:
            if os.path.lexists(p / name) and not (p / name).is_dir():
                raise OutputError(f"{what}: {p / name} is a file where a folder is needed; "
                                  "remove it or choose another output folder")
    return p


def derivations_markdown(heading: str, intro: list, frags, certs) -> str:
    """``derivations.md`` of one theory: the heading and introduction, each fragment as a
    section, then the certificate table (one writer for every theory's folder)."""
    out = [heading, "", *intro, ""]
    for name, (title, body) in frags.items():
        out += [f"## {title}", "", f"`tex/{name}.tex`", "", "$$", body, "$$", ""]
    out += ["## Certificates", "", "| claim | verdict | expected | assumptions |", "| --- | --- | --- | --- |"]
    for stem, c, exp in certs:
        out.append(f"| `{stem}` | {c.verdict} | {exp} | {'; '.join(c.assumptions)} |")
    out.append("")
    return "\n".join(out)


#: what :func:`write_theory` writes into a theory's folder: its files and its folders
THEORY_FILES = ("derivations.md", "manifest.json")
THEORY_FOLDERS = ("tex", "certificates")


def write_theory(root, frags, certs, markdown: str, *, model: str | None = None) -> list:
    """Write one theory's derivations into ``root``: ``tex/*.tex``, ``derivations.md``,
    ``certificates/*.json`` and ``manifest.json`` (sorted JSON, sha256 of every file, atomic
    writes), dropping generated files of earlier runs that no longer exist (renamed claims).
    ``model`` (when given) is written into every certificate and the manifest.  Returns the
    stems whose verdict is not the expected one."""
    files = {}
    for name, (title, body) in frags.items():
        files[f"tex/{name}.tex"] = f"% {title}\n% generated by gfcheck derive; requires amsmath\n{body}\n"
    files["derivations.md"] = markdown
    for stem, c, exp in certs:
        doc = c.to_json()
        doc["expected_verdict"] = exp
        if model is not None:
            doc["model"] = model
        files[f"certificates/{stem}.json"] = canonical_json(doc)
    manifest = {"schema": "gfcheck.derivations/1",
                "files": {k: hashlib.sha256(v.encode()).hexdigest() for k, v in sorted(files.items())},
                "verdicts": {stem: c.verdict for stem, c, _ in certs}}
    if model is not None:
        manifest["model"] = model
    files["manifest.json"] = canonical_json(manifest)
    with os_errors_as_output_errors("derivations folder"):
        for rel, text in sorted(files.items()):
            atomic_write(root / rel, text)
        for sub, pattern in (("certificates", "*.json"), ("tex", "*.tex")):
            for old in sorted((root / sub).glob(pattern)):
                if f"{sub}/{old.name}" not in files:
                    old.unlink()
    return [stem for stem, c, exp in certs if c.verdict != exp]
