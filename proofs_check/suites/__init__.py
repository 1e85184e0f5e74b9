"""gfcheck.proofs_check.suites: one subpackage per paper (``orthogonal``, ``separable``).

A suite holds its claims, its context, its report sections and figures and its data; it imports
``core`` (and the layers below), never another suite or a job.  The registry finds a suite through
its entry point (``[project.entry-points."gfcheck.suites"]`` in ``pyproject.toml``).
"""
