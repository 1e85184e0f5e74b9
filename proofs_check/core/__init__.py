"""gfcheck.proofs_check.core: what every suite and every job stands on, and no suite's own code.

The suite interface and claims (:mod:`.verdicts`), the rate rule (:mod:`.rates`) and the laws
(:mod:`.laws`), the registry of suites (:mod:`.registry`), the profiles and the base context
(:mod:`.context`), the report (:mod:`.report`) and its figure style (:mod:`.figures`), the shared
measurements (:mod:`.measure`), the float64 check both suites run (:mod:`.float64_path`) and the
forked workers (:mod:`.workers`).  Imports run symbolic -> numeric -> core -> suites -> jobs:
no module here imports a suite or a job (``tests/quality/test_imports.py``).
"""
