"""Census of verdicts on generated valid problems: how often each claim is VERIFIED, OUTSIDE,
UNDECIDED or REFUTED, and how deep its ladder went.

The problems come from the property tests' strategy (``tests/strategies.py: valid_problems``),
drawn deterministically (hypothesis, derandomised); every claim runs on each, under the profile
named (``quick``, ``full`` or ``property``: the property tests' short ladder).

    python benchmarks/property_census.py --problems 20 --profile property --out census.json

Prints a Markdown table (claim x verdict counts, deepest rung) and writes the JSON (sorted keys).
Each REFUTED or error is listed with its problem, so it can be rerun with ``gfcheck verify
--problem``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def draw_problems(count: int):
    """``count`` problems from ``valid_problems``, deterministically."""
    from hypothesis import HealthCheck, given, settings
    from strategies import valid_problems

    out = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(valid_problems())
    def collect(p):
        out.append(p)

    collect()
    return out[:count]


def deepest(details) -> int:
    """The deepest ladder exponent named anywhere in a claim's details (0 if none)."""
    found = [int(m) for m in re.findall(r"1e-(\d+)", json.dumps(details))]
    return max(found, default=0)


def main(argv=None) -> int:
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.jobs.verify import verify
    from gfcheck.symbolic.problem import problem_to_json

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--problems", type=int, default=20, help="how many generated problems (default 20)")
    ap.add_argument("--profile", default="property", help="quick, full or property (default)")
    ap.add_argument("--out", default=None, help="JSON file for the census")
    args = ap.parse_args(argv)
    profile = (Profile("property", (10, 20, 30), dps=20, max_exponent=60, claim_seconds=20.0)
               if args.profile == "property" else Profile.named(args.profile))
    counts, depth, bad = defaultdict(Counter), defaultdict(int), []
    t0 = time.perf_counter()
    problems = draw_problems(args.problems)
    for i, p in enumerate(problems, 1):
        results, _ = verify(p, profile, progress=_Quiet())
        for r in results:
            counts[r.claim.id][r.verdict] += 1
            depth[r.claim.id] = max(depth[r.claim.id], deepest(r.result.details))
            if r.verdict == "REFUTED" or "error" in r.result.details:
                bad.append({"claim": r.claim.id, "verdict": r.verdict, "problem": problem_to_json(p),
                            "details": r.result.details})
        print(f"[{i}/{len(problems)}] n = {p.n}, d = {p.d}, m = {p.m}: "
              f"{dict(Counter(r.verdict for r in results))} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    order = ("VERIFIED", "OUTSIDE_ASSUMPTIONS", "UNDECIDED", "REFUTED")
    print(f"| claim | {' | '.join(order)} | deepest rung |")
    print("|---|" + "---|" * (len(order) + 1))
    for cid in counts:
        print(f"| {cid} | " + " | ".join(str(counts[cid][v]) for v in order) + f" | 1e-{depth[cid]} |")
    total = Counter()
    for c in counts.values():
        total.update(c)
    print(f"\n{len(problems)} problems, profile {profile.name}: {dict(total)} in {time.perf_counter() - t0:.0f} s")
    if args.out:
        Path(args.out).write_text(json.dumps({"profile": profile.name, "problems": len(problems),
                                              "counts": {k: dict(v) for k, v in counts.items()},
                                              "deepest": dict(depth), "refuted_or_error": bad},
                                             sort_keys=True, indent=1, default=str) + "\n")
    return 1 if bad else 0


class _Quiet:
    def start(self, i, claim):
        pass

    def done(self, i, result):
        pass


if __name__ == "__main__":
    sys.exit(main())
