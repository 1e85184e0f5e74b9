"""A third suite in one folder: a one-neuron toy (n = d = m = 1, square loss) that lives in the tests.

It shows what a new paper costs (issue 26 item 4, ``docs/architecture.md``): this folder and one
entry point, no other file.  :mod:`.suite` is the entry point (``toy = toy_suite.suite:SUITE`` in
the group ``gfcheck.suites``), with its profile ``toy``; :mod:`.claims` its context and two claims
(``logistic-fit``, VERIFIED with its twin REFUTED, and ``wrong-rate``, a perturbed prediction that
must come out REFUTED); :mod:`.report` its figure and report section; :mod:`.derivation` its sympy
derivation; :meth:`.suite.ToySuite.dataset` its generated problems for ``gfcheck sweep``.
``test_plugin.py`` installs it by a ``*.dist-info`` folder and runs ``gfcheck verify``, ``derive``,
``sweep`` and ``artifact`` on it in a subprocess.
"""
