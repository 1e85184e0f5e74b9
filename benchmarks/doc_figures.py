"""The figures the README and ``docs/`` quote about gfcheck's own commands, measured.

Two kinds of figure, kept apart so that the docs cannot drift:

* **deterministic** ones (what ``gfcheck derive`` writes: its file count and size) are computed
  here from the committed ``derivations/`` folder, which ``tests/symbolic/test_artifacts.py``
  keeps equal to a fresh ``gfcheck derive``; ``tests/test_doc_figures.py`` checks that the
  README quotes exactly these numbers (:func:`derive_size`, :func:`derive_claim`);
* **measured** ones (wall and CPU seconds) depend on the machine and its load, so they are
  written with the date, the cores and the load they were measured at (:func:`dated`); the test
  checks that every such figure in the README and ``docs/`` carries a date.

A script, not a timed test: it runs the whole commands and prints the lines to paste::

    python benchmarks/doc_figures.py              # derive and verify --profile quick
    python benchmarks/doc_figures.py --no-verify  # derive only
    python benchmarks/doc_figures.py --artifact   # also gfcheck artifact, and the README's claims table
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: bytes per KiB, as the README quotes sizes
KIB = 1024


def derive_size(folder: Path) -> tuple[int, int]:
    """``(files, bytes)`` of a ``gfcheck derive`` output folder (every regular file below it).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "a.json").write_text("{}")
    ...     derive_size(Path(d))
    (1, 2)
    """
    files = [p for p in Path(folder).rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def derive_claim(files: int, size: int) -> str:
    """The words the README uses for a derive output of ``files`` files and ``size`` bytes.

    >>> derive_claim(87, 149800)
    '87 files, 146 KiB'
    """
    return f"{files} files, {round(size / KIB)} KiB"


def dated(seconds: float, cpu: float, load: float) -> str:
    """``"28 s (14 s CPU), measured 2026-12-06 on 2 cores at load 6.8"``: a measured figure with
    the date (UTC), the machine's cores and its one-minute load average when the run started."""
    day = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    return (f"{seconds:.0f} s ({cpu:.0f} s CPU), measured {day} on {os.cpu_count()} cores "
            f"at load {load:.1f}")


def timed(argv: list[str]) -> tuple[float, float, float]:
    """Run ``argv`` (any exit status: a report with an UNDECIDED claim still took its time); ``(wall
    seconds, CPU seconds of it and its children, load when it started)``."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, load


def claims_table(claims_json: dict) -> str:
    """The README's claims table from an artifact's ``claims.json``: item, claim and ``--only`` id,
    where it comes from, its source sections, the tolerance and the verdict of that build."""
    lines = ["| # | claim (`--only` id) | from | source (digest section) | tolerance | verdict |",
             "|---|---|---|---|---|---|"]
    for r in claims_json["claims"]:
        cells = [str(r["number"]), f"{r['claim']} (`{r['id']}`)", r["provenance"]["kind"],
                 r["source"].removeprefix("digest "), r["tolerance"], r["verdict"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-verify", action="store_true", help="measure gfcheck derive only")
    ap.add_argument("--artifact", action="store_true",
                    help="also measure gfcheck artifact and print the README's claims table from it")
    ap.add_argument("--keep", default=None, metavar="DIR",
                    help="write the outputs into DIR (a new folder) and keep them, instead of a temporary folder")
    args = ap.parse_args(argv)
    gfcheck = str(Path(sys.executable).with_name("gfcheck"))
    if args.keep:
        Path(args.keep).mkdir(parents=True)
    with (contextlib.nullcontext(args.keep) if args.keep else tempfile.TemporaryDirectory()) as d:
        wall, cpu, load = timed([gfcheck, "derive", "--out", f"{d}/derivations"])
        files, size = derive_size(Path(d) / "derivations")
        print(f"gfcheck derive: {derive_claim(files, size)}; {dated(wall, cpu, load)}")
        committed = derive_size(REPO / "derivations")
        if committed != (files, size):
            print(f"  the committed derivations/ differ: {derive_claim(*committed)}; run gfcheck derive "
                  "--out derivations and commit")
        if not args.no_verify:
            wall, cpu, load = timed([gfcheck, "verify", "--profile", "quick", "--out", f"{d}/report", "-q"])
            print(f"gfcheck verify --profile quick (built-in example): {dated(wall, cpu, load)}")
        if args.artifact:
            wall, cpu, load = timed([gfcheck, "artifact", "--out", f"{d}/artifact", "-q"])
            print(f"gfcheck artifact (quick profile): {dated(wall, cpu, load)}")
            print(claims_table(json.loads((Path(d) / "artifact/gfcheck-artifact/claims.json").read_text("utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
