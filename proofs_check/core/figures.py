"""The figure machinery of the ``gfcheck verify`` report, shared by the suites: matplotlib's Agg
renderer, one style, and the skip rules.

Each suite declares its figures as a table ``{file name: (figure_data key, draw(figure_data) ->
Figure)}`` (the orthogonal suite's: :mod:`gfcheck.proofs_check.suites.orthogonal.figures`) and
:func:`draw_figures` draws it: every key optional, a missing or malformed entry skips that figure
(it never stops the report), and a figure not drawn this time is removed from the folder.

No pyplot and no global backend: each figure is a :class:`matplotlib.figure.Figure` on its
own :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg`, drawn inside a style context
that starts from matplotlib's defaults (a user's ``matplotlibrc`` cannot change the bytes).
PNG files carry no ``Software`` entry and no date, so the same data give the same bytes
(the pytest-mpl recipe); every file is written with :func:`~gfcheck.symbolic.files.atomic_write`.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     draw_figures(d, {}, table={})        # no figure asked for, no figure, no error
([], {})
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gfcheck.symbolic.files import atomic_write

__all__ = ["draw_figures", "floats", "positive", "same_length", "Skip"]


_STYLE = {
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9.5,
    "legend.fontsize": 8.5,
    "legend.framealpha": 0.9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": "gfcheck",
    "path.simplify": True,
}
_DPI = 110


class Skip(Exception):
    """This figure cannot be drawn from the data given (the message says why)."""


# ----------------------------------------------------------------------------- helpers


def floats(values, what: str) -> np.ndarray:
    """A 1-D float array (non-finite values become NaN); ``Skip`` if not numeric."""
    try:
        arr = np.array([float(v) for v in values], dtype=float)
    except (TypeError, ValueError) as exc:
        raise Skip(f"{what} is not a list of numbers ({exc})") from None
    if arr.size == 0:
        raise Skip(f"{what} is empty")
    arr[~np.isfinite(arr)] = np.nan
    return arr


def same_length(a: np.ndarray, b: np.ndarray, what: str) -> None:
    """``Skip`` unless the two arrays have one shape (``what`` names the data)."""
    if a.shape != b.shape:
        raise Skip(f"{what}: lengths differ ({a.size} vs {b.size})")


def positive(arr: np.ndarray) -> np.ndarray:
    """Values for a log axis: nonpositive entries masked (NaN), never clipped."""
    out = arr.copy()
    out[~(out > 0)] = np.nan
    return out


def _render(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    return atomic_write(path, buf.getvalue())


def draw_figures(out_dir, figure_data: dict, *, table) -> tuple[list[Path], dict[str, str]]:
    """Draw every figure of ``table`` that ``figure_data`` allows into ``out_dir``, and say why each
    missing figure was skipped.

    Returns ``(written paths, {file name: reason})``.  A figure file of a known name
    that is not drawn this time is removed, so the folder never shows a stale figure.
    ``table`` (a suite's figures): ``{file name: (figure_data key, draw(figure_data) -> Figure)}``,
    drawn with the same style, metadata stripping and skip rules.
    """
    out = Path(out_dir)
    figure_data = figure_data or {}
    written: list[Path] = []
    skipped: dict[str, str] = {}
    for name, (key, draw) in table.items():
        try:
            if not figure_data.get(key):
                raise Skip(f"no '{key}' data")
            if key != "loss_curves" and not isinstance(figure_data[key], dict):
                raise Skip(f"'{key}' is a {type(figure_data[key]).__name__}, not a mapping")
            with matplotlib.style.context(["default", _STYLE]):
                fig = draw(figure_data)
                written.append(_render(fig, out / name))
        except Skip as why:
            skipped[name] = str(why)
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            skipped[name] = f"malformed '{key}' data ({type(exc).__name__}: {exc})"
        if name in skipped:
            (out / name).unlink(missing_ok=True)
    return written, skipped
