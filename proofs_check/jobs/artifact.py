"""``gfcheck artifact --out DIR``: the paper artifact, one command, byte-reproducible.

::

    gfcheck artifact [--suite NAME ...] [--profile NAME] [--only ID[,ID...]] --out DIR

``DIR`` receives two things:

* ``DIR/gfcheck-artifact/``, the bundle: ``README.md`` (what is where, how to rerun),
  ``claims.md`` and ``claims.json`` (the claims table: claim, where it comes from (stated in the
  paper, with where, or reconstructed, with the section of the theory note), its source sections,
  the command that checks it alone, the output file, the time bound, the tolerance, the verdict),
  ``derivations/`` (``gfcheck derive``), ``report/`` (``gfcheck verify``: ``report.md``,
  ``report.json``, figures, ``problem.json``; one folder per suite when there are several), ``problems/`` (the
  problem files used), ``docs/`` (the theory notes), ``schemas/`` (the JSON Schema files of the
  formats), ``provenance.json`` (versions of gfcheck's whole dependency tree, Python, the mpmath
  backend, the profile's digits and ladder, the problem's seed, the git commit), ``CITATION.cff``,
  ``LICENSE``, ``environment/`` (``requirements.lock``, hash-pinned, and ``pyproject.toml``) and
  ``MANIFEST.sha256`` (``sha256sum -c`` format, every other file);
* ``DIR/gfcheck-artifact.tar.gz``, the same tree as one deterministic archive: entries sorted,
  mtime ``SOURCE_DATE_EPOCH`` (0 when unset), owner 0/0 without names, modes 0644/0755, gzip
  without a name or a time stamp.  Ready to deposit (Zenodo).

And ``DIR/timings.json``, the seconds each claim took: the one file that changes between runs,
so it is outside the bundle and the archive.  Nothing else in the bundle depends on the time or
the machine's state: two builds from the same commit give the same manifest and archive bytes.

The build happens in a temporary folder beside ``DIR``; only a complete build replaces ``DIR``,
whole (an older report is never mixed with a new one).  ``DIR`` must be new, empty, or an
earlier artifact (it holds ``gfcheck-artifact/MANIFEST.sha256``); anything else is refused
before any work (exit 2), as are an unknown suite or claim id and an unwritable location.  The
files taken from the source checkout (``LICENSE``, ``CITATION.cff``, ``requirements.lock``,
``docs/``) need one: the folder of an editable install, or the current folder when it is a
gfcheck checkout.

Exit status: 0 when every claim is VERIFIED and every derivation has its expected verdict, 1
otherwise (the bundle is written either way and says so), 2 for bad input.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from gfcheck.symbolic.files import (atomic_write, atomic_write_json, canonical_json, check_output_dir,
                                  os_errors_as_output_errors)
from gfcheck.symbolic.errors import OutputError, SchemaError, UnreadableFile

from gfcheck.proofs_check.core.verdicts import provenance_counts

__all__ = ["build_artifact", "source_checkout", "dependency_versions", "deterministic_tar_gz",
           "manifest", "BUNDLE", "ARCHIVE", "CHECKOUT_FILES"]

BUNDLE = "gfcheck-artifact"
ARCHIVE = f"{BUNDLE}.tar.gz"
MANIFEST = "MANIFEST.sha256"
#: the claims table of the bundle (JSON and Markdown)
CLAIMS_TABLE = ("claims.json", "claims.md")
#: files copied from the source checkout into the bundle: bundle path -> checkout path
CHECKOUT_FILES = {"LICENSE": "LICENSE", "CITATION.cff": "CITATION.cff",
                  "environment/requirements.lock": "requirements.lock",
                  "environment/pyproject.toml": "pyproject.toml"}
_PREFIX = "gfcheck artifact:"


def source_checkout() -> Path:
    """The gfcheck source checkout (:func:`gfcheck.numeric.result.checkout_root`: the folder of an
    editable install, else the current folder when it holds gfcheck's ``pyproject.toml``) with the
    files the bundle copies; ``UnreadableFile`` (exit 2) otherwise."""
    from gfcheck.numeric.result import checkout_root

    root = checkout_root(CHECKOUT_FILES.values())
    if root is not None:
        return root
    raise UnreadableFile("gfcheck artifact needs the source checkout (LICENSE, CITATION.cff, "
                         "requirements.lock, docs/): run it from a clone of gfcheck")


def dependency_versions(dist: str = "gfcheck") -> dict[str, str]:
    """``{name: version}`` of ``dist`` and every installed distribution it requires, transitively
    (``dist``'s own extras included: what is installed of ``dev``, ``sweep``, ``bench``)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    try:
        root_extras = frozenset(metadata.metadata(dist).get_all("Provides-Extra") or ())
    except metadata.PackageNotFoundError:
        root_extras = frozenset()
    out: dict[str, str] = {}
    seen = set()
    todo = [(dist, root_extras)]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        try:
            d = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        out[key] = d.version
        for spec in d.requires or []:
            req = Requirement(spec)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e})
                                                  for e in extras | {""}):
                continue
            todo.append((req.name, frozenset(req.extras)))
    return dict(sorted(out.items()))


def manifest(root: Path) -> str:
    """``sha256sum`` lines (``<hex>  <path>``) of every file under ``root`` except the manifest,
    sorted by path (``/`` separators)."""
    lines = []
    for p in sorted(_files(root)):
        if p != MANIFEST:
            lines.append(f"{hashlib.sha256((root / p).read_bytes()).hexdigest()}  {p}")
    return "\n".join(lines) + "\n"


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def deterministic_tar_gz(root: Path, arcname: str, *, mtime: int | None = None) -> bytes:
    """The tree under ``root`` as ``arcname/...`` in a tar.gz whose bytes depend on the files'
    names and contents only (see the module docstring)."""
    if mtime is None:
        mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = sorted({p.parent.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
                      | {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()} | {"."})
        entries = [(d, True) for d in dirs] + [(f, False) for f in _files(root)]
        for rel, is_dir in sorted(entries, key=lambda e: e[0] if e[0] != "." else ""):
            name = arcname if rel == "." else f"{arcname}/{rel}"
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "", ""
            if is_dir:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                data = (root / rel).read_bytes()
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _check_out(out: Path) -> Path:
    """Refuse an ``--out`` that is not new, empty or an earlier artifact (before any work)."""
    check_output_dir(out, "--out", files=(ARCHIVE, "timings.json"), folders=(BUNDLE,))
    parent = out.resolve().parent
    check_output_dir(parent, "--out (its parent folder, where the build happens)")
    if out.is_dir() and any(out.iterdir()) and not (out / BUNDLE / MANIFEST).is_file():
        raise OutputError(f"--out: {out} holds files that are not a gfcheck artifact (no {BUNDLE}/"
                          f"{MANIFEST}); it would be replaced whole: choose a new or empty folder")
    if Path.cwd().resolve() == out.resolve() or out.resolve() in Path.cwd().resolve().parents:
        raise OutputError(f"--out: {out} is the current folder or one above it; choose a new folder")
    return out


def _claims_table(results, profiles, suite_name, report_dirs) -> tuple[dict, str]:
    """The claims table; ``profiles`` maps each suite to the profile it ran (the first one names the table's)."""
    rows = []
    profile = next(iter(profiles.values()))
    for r in results:
        c = r.claim
        own = profiles[c.suite]
        rdir = report_dirs[c.suite].as_posix()
        rows.append({"suite": c.suite, "number": c.number, "id": c.id, "claim": c.title, "source": c.source,
                     "provenance": c.provenance.to_json(),
                     "command": f"gfcheck verify --suite {c.suite} --profile {own.name} --only {c.id}",
                     "output": f"{rdir}/report.json (claims[id={c.id}]), {rdir}/report.md",
                     "time_bound_seconds": str(int(2 * own.claim_seconds)),
                     "tolerance": r.result.tolerance, "tolerance_rule": c.tolerance_rule,
                     "verdict": r.verdict, "twin_verdict": r.twin.verdict})
    doc = {"schema": "gfcheck.claims/1", "suite": suite_name, "profile": profile.name, "claims": rows}
    md = [f"# Claims ({suite_name} suite, profile {profile.name})", "",
          "Each claim is checked alone by its command; its numbers are in the output file. The time "
          "bound is the wall-clock guard of one claim (measured times are in `timings.json` beside "
          "the bundle: they vary from run to run, so they are kept out of it).", "",
          f"Where the claims come from: {provenance_counts(results, _notes(results))}.", "",
          "| # | claim | from | source (\"digest N.M\": section N.M of the suite's note) | command | output | "
          "time bound | tolerance | verdict |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = [str(r["number"]), f"{r['claim']} (`{r['id']}`)",
                 f"{r['provenance']['kind']}: {r['provenance']['where']}", r["source"], f"`{r['command']}`",
                 r["output"], f"{r['time_bound_seconds']} s", r["tolerance"], r["verdict"]]
        md.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return doc, "\n".join(md) + "\n"


def _notes(results) -> str:
    """The theory notes of the suites of ``results`` (``docs/suites/orthogonal.md``, ...), joined."""
    return ", ".join(dict.fromkeys(s.notes for s in suites_objects(dict.fromkeys(r.claim.suite for r in results))))


def _bundle_readme(suites, profile, only, status_line, provenance, results) -> str:
    cmd = (["gfcheck", "artifact"] + [f"--suite {s}" for s in suites] + [f"--profile {profile}"]
           + ([f"--only {','.join(only)}"] if only else []) + ["--out DIR"])
    return "\n".join([
        "# gfcheck paper artifact", "",
        "Symbolic-numeric verification of claims about "
        f"{'; '.join(s.title for s in suites_objects(suites))}.", "",
        f"**{status_line}**", "",
        "Where the claims come from: "
        + "; ".join(f"suite `{s.name}`: {provenance_counts([r for r in results if r.claim.suite == s.name], s.notes)}"
                    for s in suites_objects(suites)) + ". `claims.md` gives each claim's place.", "",
        "## Rebuild", "",
        "```bash",
        f"git clone <this repository> gfcheck && cd gfcheck && git checkout {provenance['git_commit']}",
        "python3 -m venv .venv && .venv/bin/pip install --require-hashes -r environment/requirements.lock "
        "&& .venv/bin/pip install --no-deps .",
        f".venv/bin/{' '.join(cmd)}",
        "cd DIR/gfcheck-artifact && sha256sum -c MANIFEST.sha256",
        "```", "",
        "## Contents", "",
        "| path | what |", "|---|---|",
        "| `claims.md`, `claims.json` | the claims table: claim, where it comes from (paper or reconstructed, "
        "and where), source sections, command, output, time bound, tolerance, verdict |",
        "| `report/` | the verification report (`report.md`, `report.json`, figures, `problem.json`) |",
        "| `derivations/<suite>/` | sympy derivations of each suite: LaTeX fragments, Markdown, certificates |",
        "| `problems/` | the problem files the claims ran on (`gfcheck.problem/1`) |",
        "| `docs/` | theory notes: how verdicts are decided, the mutation harness |",
        "| `schemas/` | JSON Schema files of the problem and result formats |",
        "| `provenance.json` | versions of every dependency, mpmath backend, digits, ladder, seeds, git commit |",
        "| `environment/` | `requirements.lock` (hash-pinned) and `pyproject.toml` |",
        "| `CITATION.cff`, `LICENSE` | how to cite; MIT licence |",
        "| `MANIFEST.sha256` | SHA-256 of every other file |", ""])


def suites_objects(names):
    from gfcheck.proofs_check.core.registry import suite

    return [suite(n) for n in names]


def suite_profiles(suite_objs, profile) -> dict:
    """``{suite: its profile called profile}`` (each suite's own ladder of that name; default its first)."""
    return {s.name: s.profile(profile) for s in suite_objs}


def _check_selection(only, known, max_events):
    """``only`` without repeats (None for all claims), after refusing a claim id not in ``known``
    and a ``max_events`` that is not a positive integer."""
    from .verify import check_max_events

    only = list(dict.fromkeys(only)) if only else None
    if only:
        unknown = [c for c in only if c not in known]
        if unknown:
            raise SchemaError(f"--only: unknown claim id(s) {unknown}; known: {known}")
    check_max_events(max_events)
    return only


def _run_claims(bundle, suite_objs, problems, profiles, *, only, max_events, report_dirs, figures):
    """Each suite's claims (those of ``only``, when given) through ``gfcheck verify``, its report
    written into ``bundle``; returns ``(results, timings)`` with the timings per suite, taken out
    of the bundle (the one varying file)."""
    from gfcheck.proofs_check.core.registry import claims
    from gfcheck.proofs_check.core.report import write_report
    from .verify import verify

    results, timings = [], {}
    for s in suite_objs:
        mine = [c.id for c in claims(s.name)]
        sel = [c for c in only if c in mine] if only else None
        if only and not sel:
            continue
        res, ctx = verify(problems[s.name], profiles[s.name], suite=s.name, only=sel, max_events=max_events)
        if isinstance(ctx.stopped, KeyboardInterrupt):
            raise ctx.stopped  # an artifact is whole or not built: no report of what finished
        command = (["gfcheck", "verify", "--suite", s.name, "--profile", profiles[s.name].name]
                   + (["--only", ",".join(sel)] if sel else []))
        rdir = bundle / report_dirs[s.name]
        write_report(rdir, res, ctx, command=command, figures=figures)
        timings[s.name] = json.loads((rdir / "timings.json").read_text("utf-8"))
        os.remove(rdir / "timings.json")  # the one varying file: kept beside the bundle
        results += res
    return results, timings


def _source_files(root, problems) -> dict:
    """The bundle's files that do not depend on the run: the problems, the JSON schemas, the
    checkout's files (:data:`CHECKOUT_FILES`) and the docs."""
    from gfcheck.symbolic.formats import SCHEMA_FILES, schema_text
    from gfcheck.symbolic.problem import problem_to_json

    files: dict[str, bytes | str] = {}
    for name, problem in problems.items():
        files[f"problems/{name}.default.problem.json"] = canonical_json(problem_to_json(problem))
    for name, fname in SCHEMA_FILES.items():
        files[f"schemas/{fname}"] = schema_text(name)
    for dest, src in CHECKOUT_FILES.items():
        files[dest] = (root / src).read_bytes()
    for p in sorted((root / "docs").rglob("*.md")):
        files[f"docs/{p.relative_to(root / 'docs').as_posix()}"] = p.read_bytes()
    return files


def _provenance(suites, prof, only, problems, root, *, figures, max_events) -> dict:
    """``provenance.json``: the suites, the profile's digits and ladder, the problems' hashes and
    seeds, the git commit, the runtime and the dependency versions."""
    from gfcheck.numeric.result import git_commit, provenance

    prov = {"schema": "gfcheck.provenance/1", "suites": suites, "profile": prof.name,
            "dps": prof.dps, "ladder": [f"1e-{e}" for e in prof.exponents],
            "resolution_bits": prof.resolution_bits, "only": only or "all",
            "problem_sha256": {n: p.sha256() for n, p in problems.items()},
            "seeds": {**{f"{n} problem init.seed": p.seed if p.seed is not None else "none "
                         "(explicit directions)" for n, p in problems.items()},
                      "other randomness": "none"},
            "git_commit": git_commit(str(root)), "runtime": provenance(),
            "dependencies": dependency_versions(),
            "figures": bool(figures), "max_events": str(max_events or "default")}
    prov["runtime"].pop("git_commit", None)
    return prov


def _exit_status(results, derive_status) -> tuple[int, str]:
    """``(status, line)``: 0 when every claim is VERIFIED and the derivations are as expected, else
    1; the line says how many claims were VERIFIED."""
    n_ok = sum(r.verdict == "VERIFIED" for r in results)
    status = 0 if derive_status == 0 and n_ok == len(results) else 1
    status_line = (f"{n_ok} of {len(results)} claims VERIFIED; derivations "
                   f"{'as expected' if derive_status == 0 else 'NOT all as expected'}")
    return status, status_line


def build_artifact(out, *, suites=None, profile: str | None = None, only=None,
                   figures: bool = True, max_events=None) -> int:
    """Build the artifact into ``out`` (see the module docstring); returns the exit status."""
    from gfcheck.symbolic import progress as _progress

    from gfcheck.proofs_check.core.registry import claims, default_suite_name
    from .derive import write_derivations

    # ---- everything that can be refused, before any work
    suites = list(dict.fromkeys(suites or [default_suite_name()]))
    suite_objs = suites_objects(suites)
    profiles = suite_profiles(suite_objs, profile)
    prof = profiles[suites[0]]
    only = _check_selection(only, [c.id for s in suite_objs for c in claims(s.name)], max_events)
    out = _check_out(Path(out))
    root = source_checkout()
    problems = {s.name: s.default_problem() for s in suite_objs}
    for s in suite_objs:
        problems[s.name].require_loss(s.losses, "gfcheck artifact")
    # one suite: report/; several: report/<suite>/
    report_dirs = {s.name: Path("report") if len(suite_objs) == 1 else Path("report") / s.name for s in suite_objs}

    t0 = time.perf_counter()
    with os_errors_as_output_errors("artifact folder"):
        out.resolve().parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.resolve().parent))
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes 0700; an artifact is meant to be read
    try:
        bundle = tmp / BUNDLE
        step = ["derivations"]

        def status():
            return f"step {b.n + 1} of 6: {step[0]} ({time.perf_counter() - t0:.0f} s elapsed)"

        def advance(name):
            b.update(1)
            b.set_postfix_str(name)
            step[0] = name

        with _progress.bar(6, "artifact", unit="step") as b, _progress.heartbeat(_PREFIX, status, b):
            b.set_postfix_str("derivations")
            _progress.note(f"{_PREFIX} derivations (gfcheck derive)", b)
            derive_status = write_derivations(bundle / "derivations", suites=suites)
            advance("claims")
            _progress.note(f"{_PREFIX} claims (gfcheck verify --profile {prof.name})", b)
            results, timings = _run_claims(bundle, suite_objs, problems, profiles, only=only, max_events=max_events,
                                           report_dirs=report_dirs, figures=figures)
            atomic_write_json(tmp / "timings.json", timings)
            advance("files")
            files = _source_files(root, problems)
            claims_doc, claims_md = _claims_table(results, profiles, "+".join(suites), report_dirs)
            files[CLAIMS_TABLE[0]] = canonical_json(claims_doc)
            files[CLAIMS_TABLE[1]] = claims_md
            prov = _provenance(suites, prof, only, problems, root, figures=figures, max_events=max_events)
            files["provenance.json"] = canonical_json(prov)
            exit_status, status_line = _exit_status(results, derive_status)
            files["README.md"] = _bundle_readme(suites, prof.name, only, status_line, prov, results)
            for rel, content in sorted(files.items()):
                atomic_write(bundle / rel, content)
            advance("manifest")
            atomic_write(bundle / MANIFEST, manifest(bundle))
            advance("archive")
            atomic_write(tmp / ARCHIVE, deterministic_tar_gz(bundle, BUNDLE))
            atomic_write_json(tmp / "timings.json", {
                **json.loads((tmp / "timings.json").read_text("utf-8")),
                "_total": f"{time.perf_counter() - t0:.2f}"})
            advance("swap")
            _swap(tmp, out)
            b.update(1)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _progress.note(f"{_PREFIX} {status_line}; bundle {out / BUNDLE}, archive {out / ARCHIVE} "
                   f"({time.perf_counter() - t0:.0f} s)")
    sys.stdout.write(claims_md)
    return exit_status


def _swap(tmp: Path, out: Path) -> None:
    """Replace ``out`` by the finished build ``tmp`` whole: the old folder is moved aside, the new
    one renamed into place, the old one removed (a crash in between leaves the old one beside)."""
    with os_errors_as_output_errors("artifact folder"):
        old = None
        if os.path.lexists(out):
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.resolve().parent))
            os.rename(out, old / "x")
        os.rename(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
