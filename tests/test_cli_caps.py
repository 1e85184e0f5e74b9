"""Engine caps are options: ``--max-events`` on simulate and verify, refused when not positive,
and a run past the cap ends in TooManyEvents (never a silent truncation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gfcheck.cli import main

M8 = Path(__file__).resolve().parent / "data" / "reference-m8.problem.json"


@pytest.mark.parametrize("value", ["0", "-3"])
def test_a_non_positive_cap_is_bad_input(tmp_path, capsys, value):
    out = tmp_path / "r.json"
    assert main(["simulate", str(M8), "--out", str(out), "--t-end", "10", "--max-events", value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "max-events" in err and not out.exists()


def test_a_run_past_the_cap_fails_by_name_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "r.json"
    status = main(["simulate", str(M8), "--out", str(out), "--t-end", "255", "--max-events", "1",
                   "--no-error-estimate"])
    err = capsys.readouterr().err
    assert status != 0 and "TooManyEvents" in err and not out.exists()
    # the twin: the default cap lets the same run finish
    assert main(["simulate", str(M8), "--out", str(out), "--t-end", "255", "--no-error-estimate"]) == 0
    assert out.exists()
