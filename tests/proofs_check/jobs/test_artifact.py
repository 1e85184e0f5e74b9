"""``gfcheck artifact``: two builds from the same commit give the same manifest and the same
archive bytes; an older folder is replaced whole; bad output paths and unknown suites or claims
are refused with one line and exit 2 before any work."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from importlib import metadata

import pytest

from gfcheck.proofs_check import __version__
from gfcheck.proofs_check.jobs.artifact import ARCHIVE, BUNDLE, MANIFEST, build_artifact
from gfcheck.cli import main

ONLY = ["orthogonality"]  # the cheapest claim: the test is about the bundle, not the claims


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("art")
    a, b = root / "a", root / "b"
    assert build_artifact(a, only=ONLY, figures=False) == 0
    assert build_artifact(b, only=ONLY, figures=False) == 0
    return a, b


def test_two_builds_give_the_same_manifest_and_archive_bytes(two_builds):
    a, b = two_builds
    assert (a / BUNDLE / MANIFEST).read_bytes() == (b / BUNDLE / MANIFEST).read_bytes()
    assert (a / ARCHIVE).read_bytes() == (b / ARCHIVE).read_bytes()


def test_the_manifest_lists_every_file_with_its_sha256(two_builds):
    bundle = two_builds[0] / BUNDLE
    lines = (bundle / MANIFEST).read_text().splitlines()
    listed = {}
    for line in lines:
        digest, path = line.split("  ", 1)
        listed[path] = digest
    files = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert sorted(listed) == [f for f in files if f != MANIFEST] == list(listed)
    for path, digest in listed.items():
        assert hashlib.sha256((bundle / path).read_bytes()).hexdigest() == digest
    for must in ("LICENSE", "CITATION.cff", "environment/requirements.lock", "provenance.json",
                 "claims.md", "claims.json", "report/report.json", "report/report.md",
                 "derivations/orthogonal/manifest.json", "problems/orthogonal.default.problem.json",
                 "schemas/problem.schema.json", "schemas/result.schema.json", "docs/verdicts.md",
                 "docs/suites/orthogonal.md"):
        assert must in listed, must
    assert "report/timings.json" not in listed and (two_builds[0] / "timings.json").is_file()


def test_the_archive_is_deterministic_by_construction(two_builds):
    raw = (two_builds[0] / ARCHIVE).read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip MTIME field
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names[0] == BUNDLE and names == sorted(names, key=lambda n: n.replace(BUNDLE, "", 1))
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, 0, "", "")}
    assert {m.mode for m in members if m.isfile()} == {0o644}
    bundle = two_builds[0] / BUNDLE
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(raw))) as tar:
        for m in members:
            if m.isfile():
                assert tar.extractfile(m.name).read() == (bundle / m.name.split("/", 1)[1]).read_bytes()


def test_provenance_has_versions_backend_commit_and_no_time(two_builds):
    prov = json.loads((two_builds[0] / BUNDLE / "provenance.json").read_text())
    for name in ("gfcheck", "mpmath", "sympy", "numpy", "scipy", "matplotlib", "gmpy2"):
        assert prov["dependencies"][name] == metadata.version(name)
    assert prov["runtime"]["mpmath_backend"] in ("gmpy", "python", "sage", "flint")
    assert prov["git_commit"] and prov["dps"] == 30 and prov["seeds"]
    assert __version__ == metadata.version("gfcheck") == prov["dependencies"]["gfcheck"]
    claims = json.loads((two_builds[0] / BUNDLE / "claims.json").read_text())["claims"]
    assert [c["id"] for c in claims] == ONLY and claims[0]["verdict"] == "VERIFIED"
    assert {"source", "command", "output", "tolerance", "time_bound_seconds"} <= set(claims[0])


def test_the_claims_table_and_readme_say_where_each_claim_comes_from(two_builds):
    bundle = two_builds[0] / BUNDLE
    (row,) = json.loads((bundle / "claims.json").read_text())["claims"]
    assert row["provenance"]["kind"] == "paper" and "abstract" in row["provenance"]["where"]
    md = (bundle / "claims.md").read_text()
    assert "| # | claim | from |" in md and "| paper: the title and abstract of arXiv 2206.00939v3" in md
    assert "Where the claims come from: 1 claim stated in the paper, 0 reconstructed (docs/suites/orthogonal.md)" in md
    readme = (bundle / "README.md").read_text()
    assert "suite `orthogonal`: 1 claim stated in the paper, 0 reconstructed (docs/suites/orthogonal.md)" in readme
    assert "claims about E. Boursier" in readme and "the claims of E. Boursier" not in readme


def test_an_older_artifact_is_replaced_whole(two_builds, tmp_path):
    import shutil

    out = tmp_path / "art"
    shutil.copytree(two_builds[0], out)
    (out / BUNDLE / "report" / "stale_figure.png").write_bytes(b"old run")
    assert main(["artifact", "--only", ",".join(ONLY), "--no-figures", "--out", str(out), "-q"]) == 0
    assert not (out / BUNDLE / "report" / "stale_figure.png").exists()
    assert (out / ARCHIVE).read_bytes() == (two_builds[0] / ARCHIVE).read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["art"]  # no temporary folder left beside it


@pytest.mark.parametrize("args, words", [
    (["--suite", "no-such-paper"], "unknown suite"),
    (["--only", "no-such-claim"], "unknown claim"),
    (["--profile", "quick", "--max-events", "0"], "max-events"),
])
def test_bad_arguments_are_one_line_exit_2(tmp_path, capsys, args, words):
    status = main(["artifact", "--out", str(tmp_path / "o"), "--no-figures", "--only", "orthogonality", *args]
                  if "--only" not in args else ["artifact", "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and words in err and "Traceback" not in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_an_artifact_is_refused_untouched(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    status = main(["artifact", "--only", "orthogonality", "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "not a gfcheck artifact" in err, err
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["artifact", "--only", "orthogonality", "--out", str(f)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
