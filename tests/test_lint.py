"""The static guard: ruff with the repository's configuration bans pickle, eval, exec and parsing
user strings into sympy; each ban is shown to fire on a planted violation."""

from __future__ import annotations

import shutil
import sys
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ruff beside the running interpreter (the virtual environment's bin/ is not on PATH under
# .ci/run), else on PATH; missing, the lint tests fail rather than skip: '.[test]' installs it
_BESIDE = Path(sys.executable).with_name("ruff")
RUFF = str(_BESIDE) if _BESIDE.exists() else shutil.which("ruff")


@pytest.fixture(autouse=True)
def _ruff_is_installed():
    assert RUFF is not None, "ruff not found beside the interpreter or on PATH: pip install '.[test]'"

PLANTED = {
    "pickle": "import pickle\n",
    "eval": "def f(s):\n    return eval(s)\n",
    "exec": "def f(s):\n    exec(s)\n",
    "sympify": "import sympy\n\n\ndef f(s):\n    return sympy.sympify(s)\n",
    "parse_expr": "from sympy.parsing.sympy_parser import parse_expr\n",
}


def _ruff(*paths):
    return subprocess.run([RUFF, "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), *map(str, paths)],
                          capture_output=True, text=True, cwd=ROOT)


def test_the_repository_is_clean():
    r = _ruff(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_banned_construct_is_caught(tmp_path, name):
    f = tmp_path / f"planted_{name}.py"
    f.write_text(PLANTED[name])
    r = _ruff(f)
    assert r.returncode != 0, f"ruff did not flag {name}: {r.stdout}"


def test_allow_pickle_guard_in_ci_script_catches_a_violation(tmp_path):
    script = (ROOT / ".ci" / "run").read_text()
    assert "allow_pickle" in script
    f = tmp_path / "x.py"
    f.write_text("import numpy as np\nnp.load('a.npy', allow_pickle=True)\n")
    r = subprocess.run(["grep", "-rn", "--include=*.py", "-E", "allow_pickle *= *True", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "x.py" in r.stdout


def _pinned_examples(text):
    """``max_examples=<literal>`` settings: a count the hypothesis profile does not govern."""
    import re

    # a derandomised search (``derandomize=True`` after the count in the same call: a search
    # budget whose result must not depend on the profile) is not a property's example count
    return re.findall(r"max_examples\s*=\s*\d+(?![^)]*derandomize\s*=\s*True)", text)


def test_the_profile_governs_every_property_test():
    pinned = {str(p.relative_to(ROOT)): _pinned_examples(p.read_text())
              for p in (ROOT / "tests").rglob("*.py") if p.name != "conftest.py"}
    assert not {k: v for k, v in pinned.items() if v}, pinned
    assert _pinned_examples("@settings(max_examples" + "=12)")  # the negative twin: a pin is seen
    assert not _pinned_examples("@settings(max_examples" + "=50, derandomize=True, database=None)")  # a search
