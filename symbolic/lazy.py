"""Lazy re-exports for a package ``__init__`` (PEP 562): a name loads its module on first use,
so ``import gfcheck.<layer>`` stays light (no sympy, no matplotlib until asked for).

>>> import types
>>> mod = types.ModuleType("demo")
>>> mod.__getattr__ = lazy_getattr("fractions", {"Fraction": ""}, vars(mod))
>>> mod.Fraction(1, 2)
Fraction(1, 2)
"""

from __future__ import annotations

import importlib

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, table: dict, namespace: dict):
    """A module ``__getattr__``: ``name`` in ``table`` is ``package.<table[name]>.name`` (the
    package itself when ``table[name]`` is empty), imported once and cached in ``namespace``."""

    def __getattr__(name):
        if name in table:
            module = f"{package}.{table[name]}" if table[name] else package
            value = getattr(importlib.import_module(module), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
