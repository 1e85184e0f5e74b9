"""gfcheck.proofs_check.jobs: the commands that run suites: :mod:`.verify` (a report),
:mod:`.sweep` (many generated problems), :mod:`.artifact` (the paper artifact) and :mod:`.cli`
(the ``gfcheck`` command line and the glue of ``derive`` and ``simulate``).  Jobs import ``core``
and reach a suite only through the registry.
"""
