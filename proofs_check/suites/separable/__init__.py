"""The ``separable`` suite: the separable two-direction model (reconstructed after Wang and Ma 2023),
``docs/suites/separable.md``.

:mod:`.suite` (the entry point), :mod:`.claims` (the fourteen checks), :mod:`.context` (the kappa
ladder), :mod:`.orbit` (the limit orbit), :mod:`.report` (the report's figures).
"""
