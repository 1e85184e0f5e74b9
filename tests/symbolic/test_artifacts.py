"""``gfcheck derive`` is deterministic and the committed copy in ``derivations/`` (one folder per
suite, ``derivations/<suite>/``) is current."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gfcheck.proofs_check.jobs.derive import write_derivations

COMMITTED = Path(__file__).resolve().parents[2] / "derivations"


def _installed_suites():
    """The suites of the installed entry points (not one a test registered at run time)."""
    from importlib.metadata import entry_points

    return sorted(ep.name for ep in entry_points(group="gfcheck.suites") if ep.value.startswith("gfcheck."))


def test_the_committed_copy_has_one_folder_per_installed_suite():
    assert sorted(p.name for p in COMMITTED.iterdir() if p.is_dir()) == _installed_suites()
    assert not [p.name for p in COMMITTED.iterdir() if p.is_file()]


def _files(root: Path):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _committed_versions():
    doc = json.loads(next(iter(sorted(COMMITTED.glob("*/certificates/*.json")))).read_text())
    return doc["versions"]


def test_rerun_is_byte_identical(tmp_path):
    assert write_derivations(tmp_path / "a", suites=_installed_suites()) == 0
    assert write_derivations(tmp_path / "b", suites=_installed_suites()) == 0
    files = _files(tmp_path / "a")
    assert files == _files(tmp_path / "b")
    assert all(filecmp.cmp(tmp_path / "a" / f, tmp_path / "b" / f, shallow=False) for f in files)


def test_regeneration_matches_the_committed_copy(tmp_path):
    from gfcheck.symbolic.certificate import library_versions

    if _committed_versions() != library_versions():
        pytest.skip(f"derivations/ was generated with {_committed_versions()}, this is "
                    f"{library_versions()}: sympy output may differ; regenerate with `gfcheck derive`")
    assert write_derivations(tmp_path / "d", suites=_installed_suites()) == 0
    fresh = tmp_path / "d"
    assert _files(fresh) == _files(COMMITTED), "files added or removed: run `gfcheck derive`"
    changed = [f for f in _files(fresh) if not filecmp.cmp(fresh / f, COMMITTED / f, shallow=False)]
    assert not changed, f"derivations/ is stale ({changed[:5]}): run `gfcheck derive` and commit"
    for name in _installed_suites():
        manifest = json.loads((fresh / name / "manifest.json").read_text())
        assert set(manifest["verdicts"].values()) <= {"PROVED", "REFUTED"}


def test_every_claim_has_its_expected_verdict_and_twins_exist():
    docs = [json.loads(p.read_text()) for p in sorted(COMMITTED.glob("*/certificates/*.json"))]
    assert all(d["verdict"] == d["expected_verdict"] for d in docs)
    refuted = [d for d in docs if d["verdict"] == "REFUTED"]
    assert len(refuted) >= 10 and all(d["witness"] is not None for d in refuted)


def test_import_is_light():
    code = "import sys, gfcheck.symbolic; assert 'sympy' not in sys.modules, 'sympy imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
