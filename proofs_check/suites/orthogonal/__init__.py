"""The ``orthogonal`` suite: Boursier, Pillaud-Vivien and Flammarion (NeurIPS 2022), ``docs/suites/orthogonal.md``.

:mod:`.suite` (the entry point), :mod:`.claims_exact` and :mod:`.claims_asymptotic` (the nineteen
claims), :mod:`.report` and :mod:`.lambda_condition` (the report's sections), ``data/`` (the
default problem).
"""
