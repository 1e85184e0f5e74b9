"""Progress: a bar on a terminal only; silent in CI and off a terminal; --quiet and -v."""

from __future__ import annotations

import io

from gfcheck.cli import main
from gfcheck.symbolic import progress as _progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_bars_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr("sys.stderr", _Tty())
    _progress.set_verbosity(_progress.NORMAL)
    assert _progress.bars_enabled()
    monkeypatch.setenv("CI", "true")
    assert not _progress.bars_enabled()
    monkeypatch.delenv("CI")
    _progress.set_verbosity(_progress.QUIET)
    assert not _progress.bars_enabled()
    _progress.set_verbosity(_progress.NORMAL)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not _progress.bars_enabled() and isinstance(_progress.bar(3, "x"), _progress._Null)


def test_verify_quiet_and_verbose(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CI", "true")
    args = ["verify", "--only", "orthogonality", "--no-figures", "--out", str(tmp_path / "r")]
    assert main(args + ["-q"]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == "" and "orthogonality" in quiet.out
    assert main(args) == 0
    normal = capsys.readouterr()
    assert "[1/1] orthogonality: VERIFIED" in normal.err and normal.out == quiet.out
    assert "\r" not in normal.err  # no bar in a log
    assert main(args + ["-v"]) == 0
    assert capsys.readouterr().out == quiet.out  # stdout never depends on the verbosity
    _progress.set_verbosity(_progress.NORMAL)
