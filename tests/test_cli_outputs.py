"""Outputs checked first: an ``--out`` that cannot be written (a folder where a file is needed or
the reverse, a path under a regular file, a read-only folder) ends ``simulate``, ``verify`` and
``derive`` with ``OutputError``: exit 2, one line on stderr, no traceback, nothing written; an
``OSError`` of the final write ends the same way."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gfcheck.cli import main
from gfcheck.proofs_check.core.registry import Claim, Provenance, Verdict
from gfcheck.symbolic.files import check_output_dir, check_output_file
from gfcheck.symbolic.errors import InvalidInput, OutputError

#: stub claims of these tests are ours, not a paper's
STUB_PROVENANCE = Provenance("reconstructed", "a stub of the tests")

PROBLEM = {"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "3/2"]], "labels": ["1", "-7/10"],
           "width": 2, "init": {"scale": "1e-3", "directions": [["1", "1"], ["1", "-1"]], "signs": [1, -1]}}
QUICK = ["--t-end", "1", "--dps", "15", "--grid", "2", "--no-error-estimate"]
PROC = Path("/proc")


@pytest.fixture
def work(tmp_path):
    """A folder with a problem file and a regular file ``plain`` to put paths under."""
    (tmp_path / "p.json").write_text(json.dumps(PROBLEM))
    (tmp_path / "plain").write_text("not a folder\n")
    (tmp_path / "folder").mkdir()
    return tmp_path


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): (p.is_dir() or p.read_bytes()) for p in sorted(root.rglob("*"))}


def _refused(capsys, status, before, root, *, late=False):
    """Exit 2, one error line (the only stderr line, or after the progress lines when the
    failure came ``late``, at the final write), no traceback, the tree unchanged."""
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.splitlines()
    assert "Traceback" not in err and sum("OutputError" in line for line in lines) == 1, err
    assert "OutputError" in lines[-1] and (late or len(lines) == 1), err
    assert _tree(root) == before, "nothing may be written"
    return err


def test_output_error_is_a_named_input_error():
    assert issubclass(OutputError, InvalidInput) and OutputError.exit_status == 2


@pytest.mark.parametrize("out, words", [
    ("folder", "is a folder where a file is needed"),            # IsADirectoryError
    ("plain/r.json", "regular file, not a folder"),              # NotADirectoryError
    ("plain/deeper/r.json", "regular file, not a folder"),
])
def test_simulate_refuses_an_unwritable_out_before_integrating(work, capsys, monkeypatch, out, words):
    import gfcheck.numeric as gn

    def never(*a, **k):
        raise AssertionError("integrated although the output cannot be written")

    monkeypatch.setattr(gn, "integrate", never)
    before = _tree(work)
    status = main(["simulate", str(work / "p.json"), "--out", str(work / out), *QUICK])
    assert words in _refused(capsys, status, before, work)


@pytest.mark.skipif(not (PROC / "self").is_dir(), reason="needs Linux /proc (a folder no one can create files in)")
def test_simulate_refuses_a_read_only_folder(work, capsys):
    before = _tree(work)
    status = main(["simulate", str(work / "p.json"), "--out", str(PROC / "gfcheck-test" / "r.json"), *QUICK])
    assert "/proc" in _refused(capsys, status, before, work)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a chmod 0555 folder anyway; /proc covers it")
def test_simulate_refuses_a_chmod_read_only_folder(work, capsys):
    ro = work / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        before = _tree(work)
        status = main(["simulate", str(work / "p.json"), "--out", str(ro / "r.json"), *QUICK])
        _refused(capsys, status, before, work)
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("out, words", [
    ("plain", "is a file where a folder is needed"),
    ("plain/report", "regular file, not a folder"),
])
@pytest.mark.parametrize("command", ["verify", "derive"])
def test_verify_and_derive_refuse_an_unwritable_out_folder(work, capsys, command, out, words):
    before = _tree(work)
    extra = ["--no-figures", "--only", "orthogonality"] if command == "verify" else []
    status = main([command, "--out", str(work / out), *extra])
    assert words in _refused(capsys, status, before, work)


@pytest.mark.parametrize("command, entry", [("verify", "report.md"), ("verify", "reproduce"),
                                            ("derive", "orthogonal/manifest.json"), ("derive", "orthogonal/tex"),
                                            ("derive", "separable")])
def test_an_entry_of_the_wrong_kind_inside_the_out_folder_is_refused(work, capsys, command, entry):
    out = work / "out"
    out.mkdir()
    (out / entry).parent.mkdir(parents=True, exist_ok=True)
    if entry.endswith((".md", ".json")):
        (out / entry).mkdir()  # a folder where a file goes
    else:
        (out / entry).write_text("x\n")  # a file where a folder goes (derive: OUT/<suite>/, its tex/)
    before = _tree(work)
    extra = ["--no-figures", "--only", "orthogonality"] if command == "verify" else []
    status = main([command, "--out", str(out), *extra])
    assert entry in _refused(capsys, status, before, work)


def test_a_failure_of_the_final_write_is_one_line_and_leaves_nothing(work, capsys, monkeypatch):
    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", full_disk)
    before = _tree(work)
    status = main(["simulate", str(work / "p.json"), "--out", str(work / "r.json"), *QUICK])
    assert "disk is full" in _refused(capsys, status, before, work, late=True)


def _stub():
    def check(ctx):
        return Verdict("VERIFIED", "1", "1", "0", "0", {}), Verdict("REFUTED", "-", "-", "-", "-", {})
    return Claim(suite="orthogonal", id="stub", number=1, title="stub", statement="s", source="s", prediction="p",
                 measurement="m", tolerance_rule="t", twin="w", check=check,
                 provenance=STUB_PROVENANCE)


def test_a_failure_while_writing_the_report_is_one_line(work, capsys, monkeypatch, stub_claims):
    stub_claims([_stub()])

    def read_only(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", read_only)
    status = main(["verify", "--out", str(work / "rep"), "--no-figures"])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err and "OutputError" in err
    assert err.strip().splitlines()[-1].startswith("gfcheck verify: OutputError:")
    assert sum("OutputError" in line for line in err.splitlines()) == 1
    assert not (work / "rep" / "report.json").exists()  # the report is not whole, and says so


def test_an_unconverted_os_error_still_ends_in_one_line(work, capsys, monkeypatch):
    import gfcheck.numeric.simulate as sim

    def boom(*args, **kwargs):
        raise NotADirectoryError(errno.ENOTDIR, "Not a directory", "/somewhere/plain/x")

    monkeypatch.setattr(sim, "run_simulate", boom)
    status = main(["simulate", str(work / "p.json"), "--out", str(work / "r.json")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "OutputError" in err and "/somewhere/plain/x" in err


def test_the_checks_leave_nothing_behind_and_accept_good_paths(work):
    before = _tree(work)
    assert check_output_file(work / "new" / "deeper" / "r.json") == work / "new" / "deeper" / "r.json"
    assert check_output_file(work / "plain.json") == work / "plain.json"
    assert check_output_dir(work / "folder", files=("a.md",), folders=("sub",)) == work / "folder"
    assert check_output_dir(work / "new" / "rep") == work / "new" / "rep"
    assert _tree(work) == before  # the probe file is removed, no folder is created
    with pytest.raises(OutputError, match="not a regular file"):
        check_output_file("/dev/null")  # never replaced by a regular file


def test_no_traceback_from_the_real_entry_point(work):
    r = subprocess.run([sys.executable, "-m", "gfcheck", "simulate", str(work / "p.json"),
                        "--out", str(work / "plain" / "r.json"), *QUICK],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
