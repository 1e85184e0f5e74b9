"""Proof parts (proofs_check/core/proofs.py) and ``verify --prove`` at the command line."""

from __future__ import annotations

import json

import pytest

from gfcheck.cli import main
from gfcheck.proofs_check.core.proofs import ProofPart, not_attempted, proofs_document, proofs_markdown

BASE = dict(claim="exit-times", part="exit set", scale="1e-6", statement="s", twin="t")


@pytest.mark.parametrize("holds, twin_holds, verdict", [
    (True, False, "PROVED"),
    (True, True, "NOT PROVED"),     # a check whose twin is proved too could not fail
    (False, False, "NOT PROVED"),
    (False, True, "NOT PROVED"),
])
def test_a_part_is_proved_only_when_its_twin_is_not(holds, twin_holds, verdict):
    p = ProofPart.judged(holds=holds, twin_holds=twin_holds, **BASE)
    assert p.verdict == verdict
    assert (p.reason == "") == (verdict == "PROVED")


@pytest.mark.parametrize("fields, message", [
    (dict(verdict="TRUE", twin_verdict="NOT PROVED"), "verdict"),
    (dict(verdict="PROVED", twin_verdict="PROVED"), "twin"),
    (dict(verdict="NOT PROVED", twin_verdict="NOT PROVED"), "reason"),
    (dict(verdict="PROVED", twin_verdict="NOT PROVED", evidence={"w": 1.5}), "evidence"),
])
def test_a_part_checks_itself(fields, message):
    with pytest.raises(ValueError, match=message):
        ProofPart(**BASE, **fields)


def test_the_document_and_the_section_list_every_part():
    parts = [ProofPart.judged(holds=True, twin_holds=False, **BASE),
             not_attempted("plateaus", "first plateau departure", "1e-4", "|L - L0|", "the budget was spent")]
    doc = proofs_document(parts, {"method": "m"})
    assert doc["counts"] == {"PROVED": "1", "NOT PROVED": "1"}
    md = proofs_markdown(parts, {"method": "m"})
    assert "**1 of 2 parts proved.**" in md and "\\|L - L0\\|" in md  # a | in a statement stays in its cell


def test_prove_is_refused_before_any_work_on_a_suite_without_enclosures(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["verify", "--suite", "separable", "--prove", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--prove" in err[0] and "separable" in err[0]
    assert not out.exists()


def test_verify_prove_adds_the_section_and_nothing_else_changes(tmp_path):
    pytest.importorskip("flint")
    plain, proved = tmp_path / "plain", tmp_path / "proved"
    assert main(["verify", "--only", "exit-times", "--no-figures", "--jobs", "1", "--out", str(plain)]) == 0
    assert main(["verify", "--only", "exit-times", "--no-figures", "--jobs", "1", "--prove", "--out", str(proved)]) == 0
    a, b = (json.loads((d / "report.json").read_text()) for d in (plain, proved))
    assert "proofs" not in a
    parts = b.pop("proofs")["parts"]
    assert {p["part"] for p in parts} >= {"exit set", "exit times", "exit order"}
    assert all(p["verdict"] == "PROVED" and p["twin_verdict"] == "NOT PROVED" for p in parts
               if p["claim"] == "exit-times")
    b["provenance"]["command"] = a["provenance"]["command"]
    assert a == b
    assert "## Proofs on this instance" in (proved / "report.md").read_text()
