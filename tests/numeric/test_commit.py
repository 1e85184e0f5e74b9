"""The git commit that results, reports and the artifact record: one resolution of the checkout
(``gfcheck.numeric.result.checkout_root``) for all of them, so a clone installed with
``pip install .`` and run from its folder records its commit in ``gfcheck verify``'s report as
the artifact does (the report said ``git_commit: none`` there)."""

from __future__ import annotations

import subprocess

import gfcheck.numeric.result as result
from gfcheck.proofs_check.jobs.artifact import CHECKOUT_FILES, source_checkout


def _git(repo, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def test_a_clone_installed_without_edit_records_its_commit_everywhere(tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    clone.mkdir()
    for f in CHECKOUT_FILES.values():
        (clone / f).write_text("x\n")
    (clone / "pyproject.toml").write_text('[project]\nname = "gfcheck"\n')
    _git(clone, "init", "-q")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-q", "-m", "c")
    head = _git(clone, "rev-parse", "HEAD")
    # the package as a wheel installs it: not inside any checkout
    monkeypatch.setattr(result, "__file__", str(tmp_path / "site-packages" / "gfcheck" / "numeric" / "result.py"))
    monkeypatch.chdir(clone)
    assert result.checkout_root() == clone.resolve()
    assert result.provenance()["git_commit"] == head  # what report.json and result files record
    assert result.git_commit(str(source_checkout())) == head  # what the artifact records
    (clone / "LICENSE").write_text("changed\n")
    result._git_commit.cache_clear()  # read once per process; a new process sees the change
    assert result.git_commit() == head + "+dirty"
    # the negative twin: run elsewhere, a wheel has no checkout and says so
    monkeypatch.chdir(tmp_path)
    assert result.checkout_root() is None and result.git_commit() == "none"
