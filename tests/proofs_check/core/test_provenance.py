"""Where each claim comes from (``Claim.provenance``): stated in the paper, with where, or
reconstructed, with the section of the theory note; checked on every registered claim of every
suite, and shown by the report (header count, table, each claim, ``report.json``) and by
``gfcheck verify --list``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gfcheck.proofs_check import claims
from gfcheck.proofs_check.core.registry import suites
from gfcheck.cli import main
from gfcheck.proofs_check.core.registry import PROVENANCE_KINDS, Claim, ClaimResult, Provenance, Verdict
from gfcheck.proofs_check.core.report import render_table
from gfcheck.proofs_check.core.verdicts import provenance_counts
from gfcheck.symbolic.errors import InvalidInput

REPO = Path(__file__).resolve().parents[3]
SUITES = ("orthogonal", "separable")
#: what the theory notes let us attribute to a paper (docs/suites/orthogonal.md 1.1 and 10.1: only the
#: setting; docs/suites/separable.md: nothing, "no formula here should be cited as the paper's")
PAPER_CLAIMS = {("orthogonal", "orthogonality")}


def _all_claims():
    return [c for s in SUITES for c in claims(s)]


def test_provenance_checks_itself():
    assert Provenance("paper", "its abstract").label == "paper: its abstract"
    for kind, where in (("stated", "abstract"), ("paper", ""), ("reconstructed", "   "), ("paper", None)):
        with pytest.raises(InvalidInput):
            Provenance(kind, where)
    claim = claims("orthogonal")[0]
    with pytest.raises(InvalidInput, match="provenance must be a Provenance"):
        Claim(**{**claim.__dict__, "provenance": "paper"})
    with pytest.raises(TypeError):  # required: a claim cannot be declared without one
        Claim(**{k: v for k, v in claim.__dict__.items() if k != "provenance"})


@pytest.mark.parametrize("suite_name", SUITES)
def test_every_registered_claim_has_its_provenance(suite_name):
    """Every claim of every suite: a kind, a non-empty place; a reconstructed claim names the
    section of its suite's note that exists; only the claims the notes attribute to the paper say
    ``paper``."""
    s = next(x for x in suites() if x.name == suite_name)
    note = (REPO / s.notes).read_text(encoding="utf-8")
    cs = claims(suite_name)
    assert cs
    for c in cs:
        assert isinstance(c.provenance, Provenance) and c.provenance.kind in PROVENANCE_KINDS
        assert ((c.suite, c.id) in PAPER_CLAIMS) == (c.provenance.kind == "paper"), c.id
        if c.provenance.kind == "reconstructed":
            m = re.match(r"(docs/(?:\w+/)*\w+\.md) section (\d+(?:\.\d+)?)", c.provenance.where)
            assert m and m.group(1) == s.notes, c.provenance.where
            assert re.search(rf"^#+ {re.escape(m.group(2))}\b", note, re.M), c.provenance.where
        else:
            assert "abstract" in c.provenance.where or "Theorem" in c.provenance.where


def test_the_check_of_the_provenance_catches_a_wrong_section_and_a_claim_of_paper():
    note = (REPO / "docs" / "suites" / "orthogonal.md").read_text(encoding="utf-8")
    made_up = len(claims("orthogonal")) + 1  # one past the last item
    assert not re.search(rf"^#+ 9\.{made_up}\b", note, re.M)  # a made-up section is not in the note
    bold = Claim(**{**claims("orthogonal")[7].__dict__,
                    "provenance": Provenance("paper", "Theorem 2 (we never read it)")})
    assert ((bold.suite, bold.id) in PAPER_CLAIMS) != (bold.provenance.kind == "paper")


def test_counts_per_suite():
    assert provenance_counts(claims("orthogonal"), "docs/suites/orthogonal.md") == \
        "1 claim stated in the paper, 18 reconstructed (docs/suites/orthogonal.md)"
    assert provenance_counts(claims("separable"), "docs/suites/separable.md") == \
        "0 claims stated in the paper, 14 reconstructed (docs/suites/separable.md)"


def _results(cs):
    v = Verdict("VERIFIED", "exponent 0.5967809008; " * 3, "0.5967809008123456789; " * 3, "1e-9",
                "0.000583; 0.000977; 0.000977; 0.000977", {})
    return [ClaimResult(c, v, Verdict("REFUTED", "-", "-", "-", "-", {}), 1.0) for c in cs]


@pytest.mark.parametrize("suite_name", SUITES)
def test_report_json_and_table_carry_the_provenance(suite_name):
    rs = _results(claims(suite_name))
    for r in rs:
        doc = r.to_json()
        assert doc["provenance"] == {"kind": r.claim.provenance.kind, "where": r.claim.provenance.where}
        assert json.loads(json.dumps(doc, sort_keys=True)) == doc
    table = render_table(rs)
    assert table.splitlines()[0].split()[:2] == ["claim", "from"]
    for r in rs:
        row = next(line for line in table.splitlines() if line.split()[:2] == [str(r.claim.number), r.claim.id])
        assert row.split()[2] == r.claim.provenance.kind


def test_the_table_never_cuts_a_number():
    """A long cell wraps between words onto more lines; every number of every cell is whole."""
    rs = _results(claims("orthogonal")[:3])
    table = render_table(rs)
    assert "~" not in table
    cells = " ".join(table.split())
    for r in rs:
        for number in re.findall(r"\d[\d.e+-]*", r.result.measurement + r.result.tolerance):
            assert number in cells.split() or f"{number};" in cells.split(), number
    long_word = "1.23456789012345678901234567890123456789012345678901"
    wide = render_table([ClaimResult(claims("orthogonal")[0], Verdict("VERIFIED", long_word, "2", "0", "0", {}),
                                     Verdict("REFUTED", "-", "-", "-", "-", {}), 0.0)])
    assert long_word in wide  # a word wider than its column widens it


def test_report_and_list_show_the_provenance(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["verify", "--only", "orthogonality", "--out", str(out), "--no-figures"]) == 0
    md = (out / "report.md").read_text()
    assert ("**Where the claims come from:** 1 claim stated in the paper, 0 reconstructed "
            "(docs/suites/orthogonal.md)") in md
    assert "- provenance: paper: the title and abstract of arXiv 2206.00939v3" in md
    doc = json.loads((out / "report.json").read_text())
    assert doc["claim_sources"] == {"paper": "1", "reconstructed": "0", "notes": "docs/suites/orthogonal.md"}
    assert doc["claims"][0]["provenance"]["kind"] == "paper"
    assert "claims of " + "E. Boursier" not in md and "every claim of the paper" not in md
    capsys.readouterr()
    assert main(["verify", "--list"]) == 0
    listing = capsys.readouterr().out
    for s in SUITES:
        assert f"claims: {provenance_counts(claims(s), next(x.notes for x in suites() if x.name == s))}" in listing
    for c in _all_claims():
        assert re.search(rf"^\s+{c.number} {re.escape(c.id)}\s+{c.provenance.kind}\s", listing, re.M), c.id
        assert f"      {c.provenance.where}" in listing
