"""A census of verdicts at real sizes (issue 19, item 1): generated valid problems, every claim at
the quick profile (the ``full-profile`` class, or ``run --profile full``: the full one), one result
file per problem, resumable, on a local pool or a Dask cluster.

    python benchmarks/census.py generate --out DIR [--orthogonal 150] [--separable 60] [--seed 19]
                                             [--dataset SUITE:COUNT:n,d,m,scale ...]
    python benchmarks/census.py run DIR [--jobs 2] [--verify-jobs 1] [--scheduler ADDRESS]
                                        [--profile quick|full] [--max-time SECONDS] [--limit K]
                                        [--only-class C] [--only CLAIMS] [--cache DIR]
    python benchmarks/census.py report DIR [--out docs/census.md]

**generate** draws the problems from the test strategies (``tests/strategies.py``:
:func:`census_orthogonal_problems`, :func:`census_separable_problems`), one class at a time
(:data:`ORTHOGONAL_CLASSES`, :data:`SEPARABLE_CLASSES`: the options of the strategy), with
hypothesis seeded by ``--seed`` and the class (no example database): the same seed and hypothesis
version give the same files.  The first example of each class (the strategy's simplest problem,
the same for every seed) is skipped.  It writes ``DIR/problems/NNNN-<suite>-<class>.problem.json``
(a seeded start is written by its seed) and ``DIR/manifest.json`` (per problem: id, file, suite,
class asked for, labels computed from the problem by ``orthogonal_classes`` / ``separable_classes``,
and ``profile`` when its class asks for another than quick: :data:`CLASS_PROFILES`).  Any other
installed suite joins with ``--dataset SUITE:COUNT:n,d,m,scale``: its own generator
(``Suite.dataset(seed, sizes)``, the interface of ``proofs_check/core/suite.py``), class ``dataset``,
at its first profile (a third paper's census needs no line here).

**run** runs ``gfcheck verify --suite S --profile P --problem F --no-figures -v`` on every
problem that has no ``DIR/results/NNNN.json`` yet, in a temporary folder on the worker, and writes
the result (verdict and reason per claim, seconds, exit status, killed or not, classes, profile)
and the report (``DIR/reports/NNNN/report.json``, ``report.md``), each atomically, result last: a
killed census leaves whole files only and resumes where it stopped.  ``P`` is the problem's own
profile (quick, or its class's) unless ``--profile`` names one for every problem (a census at
another profile belongs in its own folder: a problem with a result is not run again).
``--max-time`` (default: the profile's whole-run budget, ``Profile.run_seconds``: quick 300 s,
full 3600 s) is passed to verify when its ``--help`` offers it; the child is always killed (its
whole process group) at ``max_time + 60`` s and the result says so.  Workers: ``--jobs`` threads that each wait on one
verify (``--verify-jobs`` processes each), or ``--scheduler`` a Dask cluster
(``gfcheck.proofs_check.jobs.sweep.dask_executor``; the task takes the problem's text and returns the
documents, so workers need no shared file system).  ``--cache DIR`` is passed to verify (its
integrations kept and read again, keyed by the exact problem, the run's arguments and the engines'
code, ``docs/verify.md``): a census rerun after a change of the verdict code integrates nothing the
engines did not change; the result records the cache (``"cache": true``), since its seconds are
then not a cold run's and the report marks them.

**report** reads the manifest, the results, an optional hand-kept ``DIR/causes.json``
(``{"NNNN:claim-id": "cause / resolution text"}``; ``"NNNN:*"`` for a run without a report) and an
optional ``DIR/notes.md`` (put after the title) and writes the claim x verdict table per suite,
the time per problem (median, max), the counts per class and one row per non-VERIFIED case.  The
output depends on those files alone (sorted, no dates).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import itertools
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from gfcheck.symbolic.errors import GfcheckError, InvalidInput, SchemaError, UnreadableFile  # noqa: E402
from gfcheck.symbolic.files import atomic_write, atomic_write_json, canonical_json  # noqa: E402

MANIFEST_SCHEMA = "gfcheck.census-manifest/1"
RESULT_SCHEMA = "gfcheck.census-result/1"
#: seconds a verify child gets beyond its budget before it is killed
KILL_GRACE = 60
#: the order of the verdict columns (gfcheck.proofs_check.core.verdicts.VERDICTS) and the census' own
VERDICT_ORDER = ("VERIFIED", "REFUTED", "OUTSIDE_ASSUMPTIONS", "UNDECIDED", "NOT_RUN")

#: class -> options of ``census_orthogonal_problems`` (every class at real sizes but ``small``)
ORTHOGONAL_CLASSES = {
    "base": {"one_signed": False, "a3": True, "relu_one": False, "d_equals_n": False},
    "one-signed": {"one_signed": True},
    "d-eq-n": {"d_equals_n": True},
    "relu1": {"relu_one": True},
    "never-covered": {"never_covered": True},
    "no-a3": {"a3": False},
    "ratio2": {"ratio_above_2": True},
    "slow": {"slow_transient": True},
    "seeded": {"seeded": True},
    "small": {"min_n": 2, "max_n": 3, "min_m": 5, "max_m": 11},
    "full-profile": {"one_signed": False, "a3": True, "relu_one": False},
}
#: class -> options of ``census_separable_problems``
SEPARABLE_CLASSES = {
    "pinned": {"sliding": True},
    "no-pinned": {"sliding": False},
    "seeded": {"seeded": True},
}
#: the profile a class is run at when it is not quick (issue 25: the full profile is part of the census)
CLASS_PROFILES = {"full-profile": "full"}
#: the profile of a problem whose class names none (a manifest entry without ``profile``)
DEFAULT_PROFILE = "quick"


# ----------------------------------------------------------------------------- generate
#: how a class's seed is made from the census seed: ``sha256`` (the whole text hashed), or
#: ``tail-bytes``, the rule of the census generated before 2026-12-06: ``int.from_bytes(text) mod 2^63``
#: kept only the text's last eight bytes, ``"...onal/base"``, so the census seed changed nothing (the
#: census of seed 2026 is the draw of any seed; its manifest says ``tail-bytes``)
SEED_RULES = ("sha256", "tail-bytes")


def _class_seed(seed: int, suite: str, cls: str, rule: str = "sha256") -> int:
    """A seed per (census seed, suite, class), stable across runs (no ``hash()``).

    >>> _class_seed(19, "orthogonal", "base") != _class_seed(2026, "orthogonal", "base")
    True
    >>> _class_seed(19, "orthogonal", "base", "tail-bytes") == _class_seed(2026, "orthogonal", "base", "tail-bytes")
    True
    """
    text = f"{seed}/{suite}/{cls}".encode()
    if rule == "tail-bytes":
        return int.from_bytes(text, "big") % (2 ** 63)
    if rule != "sha256":
        raise InvalidInput(f"census: seed rule {rule!r}; expected one of {SEED_RULES}")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big") % (2 ** 63)


def draw(strategy, count: int, seed: int) -> list:
    """``count`` examples of ``strategy``, deterministic for ``seed`` (hypothesis' generation with
    ``@seed``, no database, health checks off); the first (simplest) example is skipped."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    out = []

    @hseed(seed)
    @settings(max_examples=count + 1, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(p):
        out.append(p)

    collect()
    return out[1:count + 1]


#: at most this many replacement draws per class before a census gives up on distinct problems
REPLACEMENT_DRAWS = 8


def distinct_draw(strategy, count: int, seed: int, seen: set, reseed) -> list:
    """:func:`draw`'s ``count`` examples, each one whose problem file would repeat one in ``seen`` (an
    earlier class's, or an earlier one of this draw) replaced by the next new example of a
    replacement draw (seed ``reseed(r)`` for the ``r``-th); ``seen`` gains the files' canonical texts.  The
    examples that were new keep their places, so a census made before keeps its ids and files but
    for the repeats.  Hypothesis repeats examples of a constrained strategy: the census of seed 19
    held 7 repeated files (0137 = 0000, 0111 = 0014, 0066 = 0065, 0095 = 0094, 0110 = 0109,
    0147 = 0148 = 0146) before this."""
    out, spare, r = [], [], 0
    for p in draw(strategy, count, seed):
        key = canonical_json(problem_document(p))
        while key in seen:
            if not spare:
                r += 1
                if r > REPLACEMENT_DRAWS:
                    raise InvalidInput(f"census: {REPLACEMENT_DRAWS} replacement draws gave no new problem; "
                                       "ask for fewer problems of this class")
                spare = draw(strategy, count, reseed(r))
            p = spare.pop(0)
            key = canonical_json(problem_document(p))
        seen.add(key)
        out.append(p)
    return out


def split(count: int, classes) -> dict:
    """``count`` problems over ``classes``, round robin: ``{class: how many}``."""
    names = list(classes)
    return {c: count // len(names) + (i < count % len(names)) for i, c in enumerate(names)}


def problem_document(problem) -> dict:
    """The problem file: canonical, with a seeded start written by its seed."""
    from gfcheck.symbolic.problem import fraction_string, problem_to_json

    doc = problem_to_json(problem)
    if problem.seed is not None:
        doc["init"] = {"scale": fraction_string(problem.scale), "seed": problem.seed}
    return doc


def generate(out, *, orthogonal: int = 150, separable: int = 60, seed: int = 19, classes=None,
             seed_rule: str = "sha256", datasets=None) -> dict:
    """Write the problems and the manifest (see the module docstring); returns the manifest.
    ``classes``: only these class names (default: every class of both suites); ``seed_rule``: how
    the classes' seeds come from ``seed`` (:data:`SEED_RULES`; ``tail-bytes`` redraws the census made
    before 2026-12-06); ``datasets``: ``{suite name: (count, sizes)}``, problems of any installed
    suite from its own ``Suite.dataset`` (:func:`dataset_entries`)."""
    import hypothesis
    import strategies as S

    out = Path(out)
    suites = (("orthogonal", orthogonal, ORTHOGONAL_CLASSES, S.census_orthogonal_problems, S.orthogonal_classes),
              ("separable", separable, SEPARABLE_CLASSES, S.census_separable_problems, S.separable_classes))
    entries, files, seen = [], {}, set()
    wanted = None if classes is None else set(classes)
    for suite, count, classes_, strategy, labels in suites:
        chosen = {c: o for c, o in classes_.items() if wanted is None or c in wanted}
        for cls, k in (split(count, chosen) if chosen else {}).items():
            if not k:
                continue
            # the replacement draws' seeds by the census's seed rule, as the class's own (under
            # ``tail-bytes`` they are the ``.../replacement/r`` seeds the census of 2026 was drawn with)
            def reseed(r, suite=suite, cls=cls):
                return _class_seed(seed, suite, f"{cls}/replacement/{r}", seed_rule)

            problems = distinct_draw(strategy(**chosen[cls]), k, _class_seed(seed, suite, cls, seed_rule), seen, reseed)
            if len(problems) < k:
                raise InvalidInput(f"census: the {suite} class {cls} gave {len(problems)} problems, not {k}")
            for p in problems:
                add_problem(entries, files, p, suite, cls, list(labels(p)), CLASS_PROFILES.get(cls))
    for name, count, sizes in sorted((k, *v) for k, v in (datasets or {}).items()):
        dataset_entries(entries, files, name, count, sizes, _class_seed(seed, name, "dataset", seed_rule))
    manifest = {"schema": MANIFEST_SCHEMA, "seed": seed, "seed_rule": seed_rule, "orthogonal": orthogonal,
                "separable": separable, **({"datasets": {k: [v[0], v[1]] for k, v in sorted(datasets.items())}}
                                           if datasets else {}),
                "hypothesis": hypothesis.__version__, "problems": entries}
    old = out / "manifest.json"
    if old.is_file() and json.loads(old.read_text("utf-8")) != manifest and (out / "results").is_dir():
        raise InvalidInput(f"{out}: holds results of another census (its manifest differs); use a new --out")
    for name, doc in sorted(files.items()):
        atomic_write_json(out / "problems" / name, doc)
    atomic_write_json(old, manifest)
    return manifest


def add_problem(entries, files, p, suite_name, cls, labels, profile=None) -> None:
    """Append problem ``p`` as the next census entry (id ``NNNN``, file
    ``problems/NNNN-<suite>-<class>.problem.json``, its labels and sizes, ``profile`` when given)
    and its document to ``files``."""
    pid = f"{len(entries):04d}"
    name = f"{pid}-{suite_name}-{cls}.problem.json"
    files[name] = problem_document(p)
    entries.append({"id": pid, "file": f"problems/{name}", "suite": suite_name, "class": cls,
                    "labels": labels, "n": p.n, "d": p.d, "m": p.width,
                    **({"profile": profile} if profile else {})})


def dataset_entries(entries, files, name, count, sizes, seed) -> None:
    """Append ``count`` problems of the installed suite ``name`` from its own generator
    (``Suite.dataset(seed + i, sizes)``), class ``dataset``, at the suite's first profile: the census
    of a suite that has no strategy here (a third paper's)."""
    from gfcheck.proofs_check.core.registry import suite

    s = suite(name)
    prof = next(iter(s.profiles()))
    for i in range(count):
        add_problem(entries, files, s.dataset(seed + i, dict(sizes)), name, "dataset", [], prof)


def parse_dataset(text: str):
    """``"SUITE:COUNT:n,d,m,scale"`` -> ``(suite, (count, sizes))``.

    >>> parse_dataset("toy:2:1,1,1,1/100")
    ('toy', (2, {'n': 1, 'd': 1, 'm': 1, 'scale': '1/100'}))
    """
    try:
        name, count, dims = text.split(":")
        n, d, m, scale = dims.split(",")
        return name, (int(count), {"n": int(n), "d": int(d), "m": int(m), "scale": scale})
    except ValueError:
        raise InvalidInput(f"--dataset: expected SUITE:COUNT:n,d,m,scale, found {text!r}") from None


def _seed_rule_note(manifest) -> str:
    """What the report says of a manifest's seed rule (nothing for the default)."""
    rule = manifest.get("seed_rule", "tail-bytes")
    if rule == "sha256":
        return ""
    return (f"; seed rule {rule}: the seed had no effect on the draw, `census.generate(..., "
            f"seed_rule='{rule}')` redraws it")


def read_manifest(out) -> dict:
    p = Path(out) / "manifest.json"
    try:
        doc = json.loads(p.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UnreadableFile(f"{p}: no census manifest ({type(exc).__name__}); run `census.py generate "
                             f"--out {out}` first") from None
    if not isinstance(doc, dict) or doc.get("schema") != MANIFEST_SCHEMA:
        raise SchemaError(f"{p}: not a {MANIFEST_SCHEMA} document")
    return doc


# ----------------------------------------------------------------------------- run
_HELP_CACHE: dict = {}
#: the verify children running in this process (a set: add/discard are atomic; no lock, so that
#: Dask can pickle :func:`run_problem` by value)
_CHILDREN: set = set()


def _verify_cmd() -> list[str]:
    return [sys.executable, "-m", "gfcheck", "verify"]


def verify_offers_max_time() -> bool:
    """Whether ``gfcheck verify --help`` lists ``--max-time`` (asked once per process)."""
    if "max_time" not in _HELP_CACHE:
        r = subprocess.run(_verify_cmd() + ["--help"], capture_output=True, text=True, timeout=120)
        _HELP_CACHE["max_time"] = "--max-time" in r.stdout
    return _HELP_CACHE["max_time"]


def kill_group(proc) -> None:
    """SIGKILL ``proc``'s whole process group (verify's workers with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def reason_of(claim: dict) -> str:
    """Why a claim (a ``report.json`` entry) is not VERIFIED, one line: the details' ``reason``,
    ``error`` and ``downgraded``; a REFUTED one also gives prediction, measurement and tolerance
    (the rule of the report's attention lines, ``proofs_check/core/report.py``), each part that is not
    VERIFIED with its numbers, and the details' short scalars (what failed: ``set_mismatches 7``)."""
    det = claim.get("details") or {}
    parts = []
    if claim["verdict"] == "REFUTED" or not any(k in det for k in ("reason", "error", "downgraded")):
        parts.append(f"prediction {claim['prediction']} vs measurement {claim['measurement']} "
                     f"(residual {claim['residual']}, tolerance {claim['tolerance']})")
    parts += [str(det[k]) for k in ("reason", "error", "downgraded") if k in det]
    for name, part in sorted((det.get("parts") or {}).items()):  # which part failed, and on what
        if isinstance(part, dict) and part.get("verdict") not in (None, "VERIFIED"):
            parts.append(f"part '{name}' {part['verdict']}: " + ", ".join(
                f"{k} {part[k]}" for k in ("prediction", "measurement", "residual", "tolerance", "reason")
                if k in part))
    if claim["verdict"] == "REFUTED":  # the details' short scalars say what failed (e.g. set_mismatches 7)
        parts += [f"{k} {v}" for k, v in sorted(det.items()) if k not in ("reason", "error", "downgraded")
                  and isinstance(v, (str, int)) and len(str(v)) <= 80]
    return re.sub(r"\s+", " ", "; ".join(parts)).strip()


#: verify's progress line for a finished claim: ``[6/18] exit-times: REFUTED (0.1 s, 79 s in all)``
_FINISHED = re.compile(r"^\[(\d+)/\d+\] ([\w-]+): (VERIFIED|REFUTED|OUTSIDE_ASSUMPTIONS|UNDECIDED) \(([\d.]+) s", re.M)


def finished_claims(stderr: str) -> dict:
    """The claims a run without a report finished, read from verify's progress lines (``-v``):
    ``{id: {"verdict", "number", "reason"}}`` with the reason saying where the verdict comes from.

    >>> c = finished_claims("[1/18] orthogonality: VERIFIED (0.0 s, 0 s in all)\\n[2/18] decoupling: not decided")
    >>> [(k, v["verdict"], v["number"]) for k, v in c.items()]
    [('orthogonality', 'VERIFIED', 1)]
    """
    return {cid: {"verdict": v, "number": int(k), "seconds": sec,
                  "reason": "from the progress line of a run without a report"}
            for k, cid, v, sec in _FINISHED.findall(stderr)}


def run_problem(task: dict) -> dict:
    """Run verify on one problem (``task``: id, suite, problem text, profile, max_time, verify_jobs, only)
    in a temporary folder; returns ``{"result": ..., "report_json": text or None, "report_md": ...}``.
    Pure apart from the child process: any worker (thread, process, Dask) can run it."""
    max_time = task["max_time"]
    with tempfile.TemporaryDirectory(prefix=f"census-{task['id']}-") as tmp:
        prob = Path(tmp) / "problem.json"
        prob.write_text(task["problem"], "utf-8")
        cmd = _verify_cmd() + ["--suite", task["suite"], "--profile", task["profile"], "--problem", str(prob),
                               "--out", str(Path(tmp) / "report"), "--no-figures", "-v",
                               "--jobs", str(task["verify_jobs"])]
        if task.get("only"):
            cmd += ["--only", task["only"]]
        if task.get("cache"):
            cmd += ["--cache", task["cache"]]
        budget_passed = bool(max_time) and verify_offers_max_time()
        if budget_passed:
            cmd += ["--max-time", str(max_time)]
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        _CHILDREN.add(proc)
        killed = False
        try:
            _, err = proc.communicate(timeout=max_time + task.get("grace", KILL_GRACE) if max_time else None)
        except subprocess.TimeoutExpired:
            killed = True
            kill_group(proc)
            _, err = proc.communicate()
        finally:
            _CHILDREN.discard(proc)
        seconds = time.monotonic() - t0
        rep = Path(tmp) / "report" / "report.json"
        report_json = rep.read_text("utf-8") if rep.is_file() and not killed else None
        report_md = (Path(tmp) / "report" / "report.md").read_text("utf-8") if report_json else None
        tpath = Path(tmp) / "report" / "timings.json"
        tdoc = json.loads(tpath.read_text("utf-8")) if report_json and tpath.is_file() else {}
        timings = tdoc.get("claims", {})
    claims = {}
    commit = _code_commit(report_json)
    if report_json:
        for c in json.loads(report_json)["claims"]:
            claims[c["id"]] = {"verdict": c["verdict"], "number": c["number"],
                               **({"seconds": timings[c["id"]]} if c["id"] in timings else {}),
                               **({"reason": reason_of(c)} if c["verdict"] != "VERIFIED" else {})}
    else:  # killed or crashed: the claims that finished, from verify's progress lines
        claims = finished_claims(err or "")
    result = {"schema": RESULT_SCHEMA, "id": task["id"], "suite": task["suite"], "class": task["class"],
              "labels": task["labels"], "profile": task["profile"], "exit_status": proc.returncode, "killed": killed,
              "seconds": f"{seconds:.1f}", "max_time": max_time, "max_time_passed": budget_passed,
              "kill_after": max_time + task.get("grace", KILL_GRACE) if max_time else None,
              "claims": claims, "git_commit": commit, **integration_costs(tdoc),
              **({"cache": True} if task.get("cache") else {})}
    if not report_json:
        result["stderr_tail"] = err[-2000:] if err else ""
    return {"result": result, "report_json": report_json, "report_md": report_md}


#: the costliest integrations a result keeps (issue 23: where a problem's time goes)
TOP_INTEGRATIONS = 8


def integration_costs(timings) -> dict:
    """From verify's ``timings.json``: the integrations' total seconds and the costliest runs
    (label and seconds, dearest first), so that a census says where each problem's time went; ``{}``
    without timings.

    >>> integration_costs({"integrations": [{"run": "a", "seconds": "1.50"}, {"run": "b", "seconds": "9.00"}],
    ...                    "integrations_total": "10.50"})
    {'integrations_total': '10.50', 'costliest_integrations': [['b', '9.00'], ['a', '1.50']]}
    """
    runs = timings.get("integrations") or []
    if not runs:
        return {}
    top = sorted(runs, key=lambda r: -float(r["seconds"]))[:TOP_INTEGRATIONS]
    return {"integrations_total": timings.get("integrations_total", "-"),
            "costliest_integrations": [[r["run"], r["seconds"]] for r in top]}


def without_report(doc) -> bool:
    """Did the run leave no whole report?  Killed, or an exit status other than verify's with a report
    (0 VERIFIED, 1 REFUTED, 3 UNDECIDED, 4 nothing checkable: ``docs/cli.md``).

    >>> without_report({"killed": False, "exit_status": 3}), without_report({"killed": False, "exit_status": 2})
    (False, True)
    """
    from gfcheck.proofs_check.jobs.verify import EXIT_NOTHING_CHECKABLE, EXIT_REFUTED, EXIT_UNDECIDED, EXIT_VERIFIED

    whole = (EXIT_VERIFIED, EXIT_REFUTED, EXIT_UNDECIDED, EXIT_NOTHING_CHECKABLE)
    return bool(doc["killed"]) or doc["exit_status"] not in whole


def _code_commit(report_json) -> str:
    """The code a result was measured with: the commit verify's report records (its provenance),
    else (killed, no report) the commit of the checkout this runner imports: results measured on
    different code are told apart in the census tables."""
    if report_json:
        commit = json.loads(report_json).get("provenance", {}).get("versions", {}).get("git_commit")
        if commit:
            return commit
    from gfcheck.numeric.result import git_commit

    return git_commit()


def _read(path: Path) -> str:
    """A census file's text, or one line naming it (:class:`UnreadableFile`)."""
    try:
        text = path.read_text("utf-8")
        if path.suffix == ".json":
            json.loads(text)
        return text
    except (OSError, ValueError) as exc:
        raise UnreadableFile(f"{path}: unreadable ({type(exc).__name__}: {exc})") from None


def result_path(out, pid: str) -> Path:
    return Path(out) / "results" / f"{pid}.json"


def is_done(out, pid: str) -> bool:
    """A problem is done when its result file is there and whole (its own id)."""
    try:
        doc = json.loads(result_path(out, pid).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("schema") == RESULT_SCHEMA and doc.get("id") == pid


def save(out, done: dict) -> None:
    """Write one task's documents: the report first, the result (the done marker) last."""
    pid = done["result"]["id"]
    if done["report_json"]:
        atomic_write(Path(out) / "reports" / pid / "report.md", done["report_md"])
        atomic_write(Path(out) / "reports" / pid / "report.json", done["report_json"])
    atomic_write_json(result_path(out, pid), done["result"])


def profile_budget(profile: str, suite_name: str | None = None) -> int:
    """The whole-run budget of verify at ``profile`` (``Profile.run_seconds``) of the suite
    ``suite_name`` (default: the default suite), whole seconds.

    >>> profile_budget("quick"), profile_budget("full")
    (300, 3600)
    """
    import math

    from gfcheck.proofs_check.core.registry import suite

    return math.ceil(suite(suite_name).profile(profile).run_seconds)


def _cached_note(results) -> str:
    """``"; N with a --cache (not cold runs)"`` when some results read verify's cache, else ``""``.

    >>> _cached_note([{"cache": True}, {}]), _cached_note([{}])
    ('; 1 with a --cache (not cold runs)', '')
    """
    n = sum(bool(d.get("cache")) for d in results)
    return f"; {n} with a --cache (not cold runs)" if n else ""


def pending_tasks(out, manifest, *, max_time=None, verify_jobs=1, limit=None, only_class=None, only=None,
                  grace=KILL_GRACE, profile=None, cache=None) -> list:
    """The tasks of the problems without a result, classes in turn (the first problem of every
    class, then the second, ...; ids in order within a class), so that a census cut short by its
    session has run every class alike (``--only-class``: the class asked for, a computed label or
    one problem's id, to rerun it after its result was deleted;
    ``--limit``: the first K of them).  ``profile``: every problem at this
    profile (default: each entry's own, :data:`DEFAULT_PROFILE` when it names none); ``max_time``:
    the budget per problem (default: the profile's, :func:`profile_budget`)."""
    tasks = []
    for e in manifest["problems"]:
        if only_class and only_class not in (e["class"], e["id"]) and only_class not in e["labels"]:
            continue
        if is_done(out, e["id"]):
            continue
        prof = profile or e.get("profile", DEFAULT_PROFILE)
        tasks.append({"id": e["id"], "suite": e["suite"], "class": e["class"], "labels": e["labels"],
                      "problem": _read(Path(out) / e["file"]), "profile": prof,
                      "max_time": max_time or profile_budget(prof, e["suite"]),
                      "verify_jobs": verify_jobs, "only": only, "grace": grace,
                      **({"cache": str(cache)} if cache else {})})
    tasks = classes_in_turn(tasks)
    return tasks[:limit] if limit is not None else tasks


def classes_in_turn(tasks) -> list:
    """``tasks`` reordered round robin over their ``(suite, class)``, classes in order of first
    appearance, the order within a class kept.

    >>> [t["id"] for t in classes_in_turn([{"id": i, "suite": "o", "class": c} for i, c in enumerate("aabbbc")])]
    [0, 2, 5, 1, 3, 4]
    """
    groups = {}
    for t in tasks:
        groups.setdefault((t["suite"], t["class"]), []).append(t)
    rounds = itertools.zip_longest(*groups.values())
    return [t for rnd in rounds for t in rnd if t is not None]


def run(out, *, jobs: int = 1, verify_jobs: int = 1, scheduler=None, max_time: int | None = None, limit=None,
        only_class=None, only=None, grace: int = KILL_GRACE, profile=None, say=None, cache=None) -> dict:
    """Run the pending problems (see the module docstring); returns ``{"ran", "skipped", "killed"}``.
    ``grace``: seconds past ``max_time`` before a child is killed; ``max_time`` None: the profile's
    budget; ``profile`` None: each problem's own."""
    say = say or (lambda s: print(s, file=sys.stderr, flush=True))
    manifest = read_manifest(out)
    tasks = pending_tasks(out, manifest, max_time=max_time, verify_jobs=verify_jobs, limit=limit,
                          only_class=only_class, only=only, grace=grace, profile=profile, cache=cache)
    say(f"census: {len(manifest['problems'])} problems, {len(tasks)} to run -> {Path(out) / 'results'}")
    client = None
    if scheduler:
        from gfcheck.proofs_check.jobs.sweep import dask_executor

        executor, client = dask_executor(scheduler)
        client.upload_file(__file__)  # the workers import this module to run run_problem
    else:
        executor = ThreadPoolExecutor(max_workers=max(1, jobs))
    counts = {"ran": 0, "killed": 0, "skipped": len(manifest["problems"]) - len(tasks)}
    it, pending = iter(tasks), {}
    try:
        while True:
            while len(pending) < max(1, jobs):
                t = next(it, None)
                if t is None:
                    break
                pending[executor.submit(run_problem, t)] = t
            if not pending:
                break
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for f in sorted(finished, key=lambda f: pending[f]["id"]):
                t = pending.pop(f)
                done = f.result()
                save(out, done)
                r = done["result"]
                counts["ran"] += 1
                counts["killed"] += r["killed"]
                v = sorted(f"{c['verdict']}" for c in r["claims"].values())
                say(f"census: {t['id']} {t['suite']}/{t['class']} ({t['profile']}): {r['seconds']} s, "
                    f"exit {r['exit_status']}"
                    f"{', KILLED' if r['killed'] else ''}; " + ", ".join(f"{x} {v.count(x)}" for x in sorted(set(v))))
    except BaseException:
        for f in pending:
            f.cancel()
        for proc in list(_CHILDREN):
            kill_group(proc)
        raise
    finally:
        if client is not None:
            client.close()
        else:
            executor.shutdown(wait=True, cancel_futures=True)
    return counts


# ----------------------------------------------------------------------------- report
def read_results(out) -> list[dict]:
    docs = []
    for p in sorted((Path(out) / "results").glob("*.json")):
        try:
            doc = json.loads(p.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise UnreadableFile(f"{p}: not a census result ({type(exc).__name__}); remove it and rerun") from None
        if not isinstance(doc, dict) or doc.get("schema") != RESULT_SCHEMA or doc.get("id") != p.stem:
            raise SchemaError(f"{p}: not a {RESULT_SCHEMA} document named by its id; remove it and rerun")
        docs.append(doc)
    return docs


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _claim_order(docs, suite=None):
    """Claim ids in their suite order (the claim number): those of the results, and with
    ``suite`` every claim of that suite (``gfcheck.proofs_check.core.registry``)."""
    num = {}
    if suite is not None:
        from gfcheck.proofs_check.core.registry import claims

        num = {c.id: c.number for c in claims(suite)}
    for d in docs:
        for cid, c in d["claims"].items():
            num[cid] = c.get("number", 0)
    return sorted(num, key=lambda c: (num[c], c))


def _outcome(doc) -> str:
    if doc["killed"]:
        return f"killed at {doc.get('kill_after', doc['max_time'] + KILL_GRACE)} s (budget {doc['max_time']} s)"
    return f"no report (exit {doc['exit_status']}): {doc.get('stderr_tail', '')[-300:]}"


def profile_of(doc: dict) -> str:
    """The profile of a manifest entry or a result (one written before profiles were recorded: quick)."""
    return doc.get("profile", DEFAULT_PROFILE)


def _fresh_reasons(out: Path, doc: dict) -> dict:
    """``doc`` with its reasons read again by :func:`reason_of` from its saved ``report.json``
    (when there is one), so that every row follows the current rule."""
    rep = out / "reports" / doc["id"] / "report.json"
    if doc["killed"] or not rep.is_file():
        return doc
    claims = {cid: dict(c) for cid, c in doc["claims"].items()}
    for c in json.loads(rep.read_text("utf-8"))["claims"]:
        if c["id"] in claims and c["verdict"] != "VERIFIED":
            claims[c["id"]]["reason"] = reason_of(c)
    return {**doc, "claims": claims}


def report(out, dest=None) -> str:
    """The census Markdown (see the module docstring); written to ``dest`` when given."""
    out = Path(out)
    manifest = read_manifest(out)
    docs = [_fresh_reasons(out, d) for d in read_results(out)]
    causes_path = out / "causes.json"
    causes = json.loads(_read(causes_path)) if causes_path.is_file() else {}
    if not isinstance(causes, dict):
        raise SchemaError(f"{causes_path}: expected an object {{\"NNNN:claim\": text}}")
    total = {e["suite"]: 0 for e in manifest["problems"]}
    for e in manifest["problems"]:
        total[e["suite"]] += 1
    profiles = sorted({profile_of(d) for d in docs} or {DEFAULT_PROFILE})
    at = (f"the {profiles[0]} profile" if len(profiles) == 1 else
          "the profile each result records (" + ", ".join(
              f"{p} {sum(profile_of(d) == p for d in docs)}" for p in profiles) + ")")
    md = ["# Census of verdicts at real sizes", "",
          f"Generated by `python benchmarks/census.py generate --orthogonal {manifest['orthogonal']} "
          f"--separable {manifest['separable']} --seed {manifest['seed']}"
          + "".join(f" --dataset {k}:{c}:{z['n']},{z['d']},{z['m']},{z['scale']}"
                    for k, (c, z) in sorted(manifest.get("datasets", {}).items()))
          + "` (hypothesis "
          f"{manifest['hypothesis']}{_seed_rule_note(manifest)}); {len(docs)} of {len(manifest['problems'])} "
          "problems have a result. "
          f"Every claim at {at}; a run that was killed counts the claims it had not finished as "
          "NOT_RUN (those it finished come from verify's progress lines, without their reasons).", ""]
    commits = collections.Counter(d.get("git_commit", "not recorded") for d in docs)
    md += ["Code: " + ", ".join(f"{c} ({k} result{'s' if k > 1 else ''})" for c, k in sorted(commits.items()))
           + " (a result's `git_commit`: verdicts and times measured on other code are not comparable).", ""]
    notes = out / "notes.md"
    if notes.is_file():
        md += [notes.read_text("utf-8").strip(), ""]
    for suite in sorted(total):
        sd = [d for d in docs if d["suite"] == suite]
        md += [f"## Suite `{suite}`: {len(sd)} of {total[suite]} problems run", ""]
        if not sd:
            continue
        claims = _claim_order(sd, suite)
        md += ["| claim | " + " | ".join(VERDICT_ORDER) + " | seconds (median, max) |",
               "|---" * (len(VERDICT_ORDER) + 2) + "|"]
        for cid in claims:
            cnt = {v: 0 for v in VERDICT_ORDER}
            for d in sd:
                cnt[d["claims"][cid]["verdict"] if cid in d["claims"] else "NOT_RUN"] += 1
            cs = sorted(float(d["claims"][cid]["seconds"]) for d in sd if "seconds" in d["claims"].get(cid, {}))
            t = f"{statistics.median(cs):.1f}, {cs[-1]:.1f}" if cs else "-"
            md.append(f"| {cid} | " + " | ".join(str(cnt[v]) for v in VERDICT_ORDER) + f" | {t} |")
        md.append("")
        for prof in sorted({profile_of(d) for d in sd}):  # one line per profile: their times differ tenfold
            pd = [d for d in sd if profile_of(d) == prof]
            secs = sorted(float(d["seconds"]) for d in pd)
            bare = sum(map(without_report, pd))
            md += [f"Time per problem{'' if prof == DEFAULT_PROFILE else f' at the {prof} profile ({len(pd)})'}: "
                   f"median {statistics.median(secs):.0f} s, max {secs[-1]:.0f} s; "
                   f"killed {sum(d['killed'] for d in pd)}; without a report {bare}; budget per problem "
                   + ", ".join(f"{b} s" for b in sorted({d["max_time"] for d in pd if d["max_time"]}))
                   + " (passed to verify as --max-time: "
                   + ", ".join(sorted({"yes" if d["max_time_passed"] else "no" for d in pd})) + ")"
                   + _cached_note(pd) + ".", ""]
    md += ["## Per class", "", "Class asked for (`class`) and labels computed from the problem (`label`).", "",
           "| class or label | problems | run | all verified | with REFUTED | with UNDECIDED | killed |",
           "|---|---|---|---|---|---|---|"]
    by_id = {d["id"]: d for d in docs}
    keys = sorted({("class", e["suite"], e["class"]) for e in manifest["problems"]}
                  | {("label", e["suite"], lab) for e in manifest["problems"] for lab in e["labels"]})
    for kind, suite, name in keys:
        es = [e for e in manifest["problems"] if e["suite"] == suite
              and (e["class"] == name if kind == "class" else name in e["labels"])]
        ds = [by_id[e["id"]] for e in es if e["id"] in by_id]
        vs = [{c["verdict"] for c in d["claims"].values()} for d in ds]
        md.append(f"| {suite} {kind} `{name}` | {len(es)} | {len(ds)} | "
                  f"{sum(not d['killed'] and bool(d['claims']) and v == {'VERIFIED'} for d, v in zip(ds, vs))} | "
                  f"{sum('REFUTED' in v for v in vs)} | {sum('UNDECIDED' in v for v in vs)} | "
                  f"{sum(d['killed'] for d in ds)} |")
    md += ["", "## Every case that is not VERIFIED", "",
           "Cause / resolution: from `causes.json` (`\"NNNN:claim\": text`, kept by hand).", "",
           "| problem | class | claim | verdict | reason | cause / resolution |", "|---|---|---|---|---|---|"]
    for d in docs:
        where = f"{d['id']} ({d['suite']}{'' if profile_of(d) == DEFAULT_PROFILE else ', ' + profile_of(d)})"
        for cid in _claim_order([d]):
            c = d["claims"][cid]
            if c["verdict"] != "VERIFIED":
                md.append(f"| {where} | {d['class']} | {cid} | {c['verdict']} | {_cell(c.get('reason', ''))} | "
                          f"{_cell(causes.get(d['id'] + ':' + cid, ''))} |")
        if without_report(d):
            md.append(f"| {where} | {d['class']} | (the rest) | NOT_RUN | {_cell(_outcome(d))} | "
                      f"{_cell(causes.get(d['id'] + ':*', ''))} |")
    text = "\n".join(md) + "\n"
    if dest is not None:
        atomic_write(dest, text)
    return text


# ----------------------------------------------------------------------------- command line
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write the problems and the manifest")
    g.add_argument("--out", required=True)
    g.add_argument("--orthogonal", type=int, default=150)
    g.add_argument("--separable", type=int, default=60)
    g.add_argument("--seed", type=int, default=19)
    g.add_argument("--dataset", action="append", default=[], metavar="SUITE:COUNT:n,d,m,scale",
                   help="problems of another installed suite from its own Suite.dataset (repeatable)")
    r = sub.add_parser("run", help="run verify on every problem without a result")
    r.add_argument("dir")
    r.add_argument("--jobs", type=int, default=1, help="problems at once (default 1)")
    r.add_argument("--verify-jobs", type=int, default=1, help="verify's own --jobs (default 1)")
    r.add_argument("--scheduler", default=None, help="a Dask scheduler address")
    r.add_argument("--profile", choices=("quick", "full"), default=None,
                   help="every problem at this profile (default: each problem's own, quick unless its class says)")
    r.add_argument("--max-time", type=int, default=None,
                   help="budget per problem in seconds (default: the profile's, quick 300, full 3600)")
    r.add_argument("--limit", type=int, default=None, help="run at most K problems")
    r.add_argument("--only-class", default=None, help="only problems of this class or label (or the one of this id)")
    r.add_argument("--only", default=None, help="only these claims (verify's --only)")
    r.add_argument("--cache", default=None, help="verify's --cache: integrations kept in DIR and read again")
    p = sub.add_parser("report", help="write the census tables")
    p.add_argument("dir")
    p.add_argument("--out", default=None, help="Markdown file (default: print)")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "generate":
            if min(args.orthogonal, args.separable) < 0:
                raise InvalidInput("--orthogonal and --separable: expected counts >= 0")
            m = generate(args.out, orthogonal=args.orthogonal, separable=args.separable, seed=args.seed,
                         datasets=dict(map(parse_dataset, args.dataset)))
            print(f"census: {len(m['problems'])} problems in {Path(args.out) / 'problems'}")
        elif args.cmd == "run":
            if args.jobs < 1 or args.verify_jobs < 1 or (args.max_time is not None and args.max_time < 1):
                raise InvalidInput("--jobs, --verify-jobs and --max-time: expected positive integers")
            c = run(args.dir, jobs=args.jobs, verify_jobs=args.verify_jobs, scheduler=args.scheduler,
                    max_time=args.max_time, limit=args.limit, only_class=args.only_class, only=args.only,
                    profile=args.profile, cache=args.cache)
            print(canonical_json(c), end="")
        else:
            text = report(args.dir, args.out)
            if args.out is None:
                sys.stdout.write(text)
    except GfcheckError as exc:
        print(f"census: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
