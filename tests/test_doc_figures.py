"""The README and ``docs/`` cannot drift from the code.

(a) the figures of ``gfcheck derive`` that the README quotes (file count and size) are what
    ``benchmarks/doc_figures.py`` computes from the committed ``derivations/`` (which
    ``tests/symbolic/test_artifacts.py`` keeps equal to a fresh ``gfcheck derive``);
(b) the claim counts and the provenance counts per suite are the registry's, and nothing says
    "every claim of the paper" (most claims are our reconstruction, ``Claim.provenance``);
(c) the time budgets the README quotes are the profiles';
(d) every measured time in the README and ``docs/*.md`` is dated (a ``YYYY-MM-DD`` in its
    paragraph, the paragraph before it, or its section heading);
(e) every subcommand, option and suite named in the README and ``docs/*.md`` exists in the parser
    (``gfcheck_main/cli.py`` ``build_parser``) and the registry, and every subcommand and suite
    the command offers is documented.
Each check has a negative twin: an altered text is caught.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
PAGES = [README] + sorted((REPO / "docs").glob("*.md"))


def _script():
    name = "gfcheck_benchmarks_doc_figures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "doc_figures.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _texts() -> list[tuple[str, str]]:
    return [(p.relative_to(REPO).as_posix(), p.read_text(encoding="utf-8")) for p in PAGES]


# ---------------------------------------------------------------- (a) derive's file count and size
_DERIVE = re.compile(r"gfcheck derive --out derivations\s+#\s*(\d+ files, \d+ KiB)")


def derive_mismatches(text: str, files: int, size: int) -> list[str]:
    """The README's derive figures that differ from ``files`` files of ``size`` bytes."""
    said = _DERIVE.findall(text)
    want = _script().derive_claim(files, size)
    if not said:
        return ["the README quotes no derive figure (`gfcheck derive --out derivations  # N files, K KiB`)"]
    return [f"the README says {x}; derive writes {want}" for x in said if x != want]


def test_readme_derive_figures_are_what_derive_writes():
    files, size = _script().derive_size(REPO / "derivations")
    assert files > 10
    assert derive_mismatches(README.read_text(encoding="utf-8"), files, size) == []


def test_derive_figure_check_catches_a_stale_count():
    files, size = _script().derive_size(REPO / "derivations")
    stale = README.read_text(encoding="utf-8").replace(f"# {files} files", f"# {files - 36} files")
    assert derive_mismatches(stale, files, size) == [
        f"the README says {files - 36} files, {round(size / 1024)} KiB; derive writes "
        f"{files} files, {round(size / 1024)} KiB"]


# ---------------------------------------------------------------- (b) claim and provenance counts
#: words that attribute every claim to a paper ("every claim of the paper", "claims of Boursier et
#: al.", "the claims of the orthogonal-inputs paper", ...), lower case
_FORBIDDEN = re.compile(r"(?:every claim|claims) of (?:the |a )?(?:[a-z-]+ )?paper\b|claims of (?:boursier|wang)"
                        r"|the papers?'s? claims|theorems of the paper")


def count_problems(text: str) -> list[str]:
    """Claim counts of the README that differ from the registry's, and overstatements."""
    from gfcheck.proofs_check.core.registry import claims, suites
    from gfcheck.proofs_check.core.verdicts import provenance_counts

    out = []
    for s in suites():
        if s.name == "toy":
            continue
        line = f"`{s.name}`: {provenance_counts(claims(s.name), s.notes)}"
        if line not in text:
            out.append(f"missing: {line}")
    for n in re.findall(r"Each of the (\d+) checks of section 9 of `docs/suites/orthogonal.md`", text):
        if int(n) != len(claims("orthogonal")):
            out.append(f"the README counts {n} orthogonal checks; the suite has {len(claims('orthogonal'))}")
    low = " ".join(text.lower().split())
    out += [f"overstates its source: {phrase!r}" for phrase in _FORBIDDEN.findall(low)]
    return out


def test_readme_counts_are_the_registry_s():
    assert count_problems(README.read_text(encoding="utf-8")) == []


def test_count_check_catches_a_wrong_count_and_an_overstatement():
    from gfcheck.proofs_check.core.registry import claims

    text = README.read_text(encoding="utf-8")
    k = sum(c.provenance.kind == "reconstructed" for c in claims("orthogonal"))
    wrong = text.replace(f"{k} reconstructed (docs/suites/orthogonal.md)",
                         f"{k + 1} reconstructed (docs/suites/orthogonal.md)")
    assert count_problems(wrong) == [f"missing: `orthogonal`: 1 claim stated in the paper, {k} reconstructed "
                                     "(docs/suites/orthogonal.md)"]
    bold = text + "\ngfcheck checks every claim\nof the paper and the claims of Boursier et al.\n"
    assert count_problems(bold) == ["overstates its source: 'every claim of the paper'",
                                    "overstates its source: 'claims of boursier'"]


def _package_strings():
    from test_docs import _package_strings as strings

    return strings()


def test_nothing_overstates_where_the_claims_come_from():
    """README, docs/ and every string of the packages (report headers, the artifact README, CLI
    help): no "every claim of the paper" and the like."""
    found = []
    for where, text in _texts() + list(_package_strings()):
        low = " ".join(text.lower().split())
        found += [f"{where}: {phrase!r}" for phrase in _FORBIDDEN.findall(low)]
    assert found == []


# ---------------------------------------------------------------- (c) the budgets quoted
def budget_problems(text: str) -> list[str]:
    """The README's ladder depths and per-claim time budgets against the profiles'."""
    from gfcheck.proofs_check import Profile

    quick, full = Profile.named("quick"), Profile.named("full")
    want = (f"to 1e-{quick.max_exponent} and {quick.claim_seconds:.0f} s per claim in quick, "
            f"1e-{full.max_exponent} and {full.claim_seconds:.0f} s in full")
    out = [] if want in " ".join(text.split()) else [f"missing: {want}"]
    bound = f"{2 * quick.claim_seconds:.0f} s per claim in quick"
    return out + ([] if bound in " ".join(text.split()) else [f"missing: {bound}"])


def test_readme_budgets_are_the_profiles():
    assert budget_problems(README.read_text(encoding="utf-8")) == []


def test_budget_check_catches_a_changed_budget():
    from gfcheck.proofs_check import Profile

    seconds = Profile.named("quick").claim_seconds
    text = " ".join(README.read_text(encoding="utf-8").split())
    text = text.replace(f"{2 * seconds:.0f} s per claim", "1 s per claim")
    assert budget_problems(text) == [f"missing: {2 * seconds:.0f} s per claim in quick"]


# ---------------------------------------------------------------- (d) measured times are dated
#: a duration: "28 s", "~75 s", "about 5 s", "0.54-0.57 s", "9.5 min" (not "2 min gamma", "min(")
_DURATION = re.compile(r"(?<![\w.^/=-])(?:~|about )?\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)? ?"
                       r"(?:ms|s|minutes|seconds|min(?! ?gamma| ?\())\b")
_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _configured_seconds() -> set[str]:
    """Durations that are settings, not measurements: the profiles' budgets and their doubles, the
    whole-run budgets, the heartbeat and its promise (twice the heartbeat), the report's reserve and
    the figures' minimum (read from the code, so a changed setting changes what is accepted)."""
    from gfcheck.proofs_check import Profile
    from gfcheck.proofs_check.jobs.verify import FIGURE_SECONDS, REPORT_SECONDS
    from gfcheck.symbolic.progress import HEARTBEAT_SECONDS

    out = set()
    for name in ("quick", "full"):
        p = Profile.named(name)
        out |= {f"{p.claim_seconds:.0f} s", f"{2 * p.claim_seconds:.0f} s"}
        if p.run_seconds:
            out.add(f"{p.run_seconds:.0f} s")
    out |= {f"{v:.0f} s" for v in (HEARTBEAT_SECONDS, 2 * HEARTBEAT_SECONDS, REPORT_SECONDS, FIGURE_SECONDS)}
    return out


def undated_times(where: str, text: str, configured=frozenset()) -> list[str]:
    """Durations in ``text`` with no date in their paragraph, the paragraph before, or the
    heading of their section; a duration that is a setting (``configured``, or followed by "per
    mutant", or given to ``--timeout``) is not a measurement."""
    out, heading, previous = [], "", ""
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("#"):
            heading = lines[0]
        for m in _DURATION.finditer(block):
            figure = m.group(0)
            after, before = block[m.end(): m.end() + 12], block[max(0, m.start() - 12): m.start()]
            if figure in configured or after.startswith(" per mutant") or "timeout" in before.lower():
                continue
            if not any(_DATE.search(x) for x in (block, previous, heading)):
                out.append(f"{where}: {figure!r} in {' '.join(block.split())[:70]!r}")
        previous = block
    return out


#: pages generated from one dated run (their notes carry the date): a date anywhere in the page
GENERATED = ("docs/census.md", "docs/census-slice.md")


def test_every_measured_time_in_the_docs_is_dated():
    configured = _configured_seconds()
    found = [x for where, text in _texts() if where not in GENERATED
             for x in undated_times(where, text, configured)]
    found += [f"{where}: no date at all" for where, text in _texts() if where in GENERATED and not _DATE.search(text)]
    assert found == []


def test_dating_check_catches_an_undated_time_and_accepts_a_dated_one():
    text = "# T\n\n## Speed\n\nIt runs in about 30 s on 2 cores.\n\nSettings: --timeout 600 s.\n"
    assert undated_times("x.md", text) == ["x.md: 'about 30 s' in 'It runs in about 30 s on 2 cores.'"]
    assert undated_times("x.md", text.replace("2 cores.", "2 cores (measured 2026-12-06).")) == []
    assert undated_times("x.md", text.replace("## Speed", "## Speed (2026-12-06)")) == []
    assert undated_times("x.md", "see lambda^min(2 min gamma, 1) and 2 min(gamma_+, gamma_-)") == []


# ---------------------------------------------------------------- (e) the CLI the docs name
def _parser_names():
    """``({subcommand: its options}, the top-level options)`` of ``gfcheck``."""
    import argparse

    from gfcheck.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    opts = {name: {o for a in p._actions for o in a.option_strings} for name, p in sub.choices.items()}
    return opts, {o for a in parser._actions for o in a.option_strings}


def _code(text: str) -> list[str]:
    """The code of a Markdown page: each line of a fenced block, each inline code span."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            out.append(line.split(" #", 1)[0])
        else:
            out += re.findall(r"`([^`\n]+)`", line)
    return out


_COMMAND = re.compile(r"(?:^|[\s/(])gfcheck\s+([a-z][\w-]*)(.*)")
_OPTION = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")
_SUITE = re.compile(r"--suite[ =]([a-z][\w-]*)")


def cli_problems(texts, opts, top, suite_names) -> list[str]:
    """Subcommands, options and suites named in the code of ``texts`` that the parser or the
    registry does not have: an option after ``gfcheck SUB`` must be SUB's (or a top-level one);
    an option alone in a code span must be some subcommand's."""
    everything = set().union(*opts.values()) | top
    out = []
    for where, text in texts:
        for code in _code(text):
            m = _COMMAND.search(code)
            if m:
                sub, rest = m.group(1), m.group(2)
                if sub not in opts:
                    out.append(f"{where}: no subcommand `gfcheck {sub}`")
                    continue
                out += [f"{where}: `gfcheck {sub}` has no option {o}" for o in _OPTION.findall(rest)
                        if o not in opts[sub] | top]
            elif code.startswith("--") and code.split()[0] not in everything:
                out.append(f"{where}: no gfcheck option {code.split()[0]}")
            out += [f"{where}: no suite {s!r}" for s in _SUITE.findall(code) if s not in suite_names]
    return sorted(set(out))


def undocumented(readme: str, pages: str, subcommands, suite_names) -> list[str]:
    """Subcommands and suites the command offers that the README (subcommands) or the README and
    ``docs/`` (suites, as ``--suite NAME``) never name."""
    out = [f"`gfcheck {s}` is not in the README" for s in sorted(subcommands) if f"gfcheck {s}" not in readme]
    return out + [f"suite {s!r}: no `--suite {s}` in the README and docs/" for s in sorted(suite_names)
                  if not re.search(rf"--suite[ =]{re.escape(s)}\b", readme + pages)]


def _suite_names() -> set[str]:
    from gfcheck.proofs_check.core.registry import suites

    return {s.name for s in suites() if s.name != "toy"}


def test_every_cli_name_in_the_docs_exists():
    opts, top = _parser_names()
    assert cli_problems(_texts(), opts, top, _suite_names()) == []


def test_every_subcommand_and_suite_is_documented():
    opts, _ = _parser_names()
    texts = dict(_texts())
    pages = "".join(t for w, t in texts.items() if w != "README.md")
    assert undocumented(texts["README.md"], pages, opts, _suite_names()) == []


def test_cli_checks_catch_made_up_names_and_an_undocumented_suite():
    opts, top = _parser_names()
    text = ("```bash\ngfcheck verify --suite nonesuch --colour\ngfcheck check --out x\n```\n"
            "Use `--no-such-flag` or `gfcheck simulate P --out R --t-end 3`.\n")
    assert cli_problems([("x.md", text)], opts, top, {"orthogonal"}) == [
        "x.md: `gfcheck verify` has no option --colour", "x.md: no gfcheck option --no-such-flag",
        "x.md: no subcommand `gfcheck check`", "x.md: no suite 'nonesuch'"]
    assert undocumented("gfcheck verify --suite orthogonal", "", ["verify", "sweep"], {"orthogonal", "extra"}) == [
        "`gfcheck sweep` is not in the README", "suite 'extra': no `--suite extra` in the README and docs/"]


@pytest.mark.parametrize("command", ["verify", "artifact"])
def test_suite_help_names_every_suite(command):
    """The ``--suite`` help of verify and artifact names every suite (it said orthogonal was the
    only one while ``--suite separable`` worked)."""
    import argparse

    from gfcheck.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = [a.help for a in sub.choices[command]._actions if "--suite" in a.option_strings]
    assert helps and all(name in helps[0] for name in _suite_names()), helps
    assert "only" not in helps[0]
