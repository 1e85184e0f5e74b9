"""The toy suite's entry point: ``toy = toy_suite.suite:SUITE`` (group ``gfcheck.suites``)."""

from __future__ import annotations

from dataclasses import dataclass

from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.core.suite import Suite
from gfcheck.symbolic.errors import SchemaError

#: its one profile: 30 digits; a rung is required by Profile, the toy reads none
PROFILES = {"toy": Profile("toy", (2,), dps=30, claim_seconds=60.0, run_seconds=120.0)}


def default_problem():
    from gfcheck.symbolic.problem import parse_problem

    return parse_problem({"schema": "gfcheck.problem/1", "inputs": [["2"]], "labels": ["3/2"], "width": 1,
                          "init": {"scale": "1/100", "directions": [["1"]], "signs": [1]}})


@dataclass(frozen=True)
class ToySuite(Suite):
    def profiles(self):
        return dict(PROFILES)

    def claims(self):
        from .claims import CLAIMS

        return CLAIMS

    def make_context(self, problem, profile):
        from .claims import ToyContext

        return ToyContext(problem, profile)

    def default_problem(self):
        return default_problem()

    def derive(self, out_dir):
        from .derivation import write

        return write(out_dir)

    def report(self):
        from . import report

        return report

    def dataset(self, seed, sizes):
        """One point ``c = 1 + seed mod 3``, ``y = 3/2``, at the sweep's scale (sizes must be 1)."""
        from gfcheck.symbolic.problem import parse_problem

        if (sizes["n"], sizes["d"], sizes["m"]) != (1, 1, 1):
            raise SchemaError(f"the toy suite has n = d = m = 1 only, found {sizes}")
        return parse_problem({"schema": "gfcheck.problem/1", "inputs": [[str(1 + seed % 3)]], "labels": ["3/2"],
                              "width": 1, "init": {"scale": sizes["scale"], "directions": [["1"]], "signs": [1]}})


SUITE = ToySuite(name="toy", title="a one-neuron toy (tests only)", model="n = d = m = 1, square loss",
                 notes="tests/toy_suite/claims.py")
