"""Every docstring example in the installed package runs (the docs are part of the suite)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import gfcheck.numeric
import gfcheck.proofs_check
import gfcheck.symbolic


def _modules():
    for pkg in (gfcheck.symbolic, gfcheck.numeric, gfcheck.proofs_check):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            if not info.name.endswith("__main__"):
                yield info.name
    yield gfcheck.__name__  # the facade: its own modules (the CLI, the errors), not the layers it maps
    for info in pkgutil.iter_modules(gfcheck.__path__, prefix="gfcheck."):
        if not info.name.endswith("__main__"):
            yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


# ---------------------------------------------------------------- the docs/ folder and its citations
#
# The theory note, the formats and the verdict rule live in docs/ and the code cites them:
# (a) every claim of the orthogonal suite is an item of docs/suites/orthogonal.md section 9, with its
#     number and id; (b) every *.md path cited in the packages' strings and docstrings and in
#     README.md (and every relative link of docs/*.md) exists in the repository, and every
#     "digest N.M" the code cites is a section of the note; (c) each check has a negative twin:
#     a missing or renamed item, a made-up item, a made-up path or section is detected.

import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
NOTE = DOCS / "suites" / "orthogonal.md"

#: an item heading of section 9: ``### 9.N `id`: title``
_ITEM = re.compile(r"^### 9\.(\d+) `([a-z0-9][a-z0-9-]*)`", re.M)
#: a path ending in .md: directories of word characters, dots and hyphens, then the name
_MD = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+(?:\.[\w-]+)*\.md)\b")
#: "digest 4.1, 4.2, 9.10", "digest 3.1-3.3", "digest (4.2, 4.4)", "digest section 6"
_DIGEST = re.compile(r"\bdigest(?:'s)?\s+(?:sections?\s+)?\(?\s*(\d+(?:\.\d+)?(?:\s*(?:,|-|and)\s*\d+(?:\.\d+)?)*)")
#: a relative Markdown link ``](target)`` (not http, not a pure anchor)
_LINK = re.compile(r"\]\((?!https?:|#|mailto:)([^)\s]+)\)")


def _section(text: str, number: int) -> str:
    """The body of ``## N ...`` up to the next ``## `` heading ('' if absent)."""
    m = re.search(rf"^## {number}\b.*$", text, re.M)
    if not m:
        return ""
    nxt = re.search(r"^## ", text[m.end():], re.M)
    return text[m.end(): m.end() + nxt.start()] if nxt else text[m.end():]


def section9_problems(text: str, claims) -> list[str]:
    """What is wrong with section 9 of ``text`` against ``claims`` (empty when every claim is
    an item ``### 9.N `id``` and there is no other item)."""
    items = {}
    for num, cid in _ITEM.findall(_section(text, 9)):
        if int(num) in items:
            return [f"item 9.{num} appears twice"]
        items[int(num)] = cid
    out = [f"claim {c.number} `{c.id}` is not item 9.{c.number}" for c in claims
           if items.get(c.number) != c.id]
    known = {c.number for c in claims}
    out += [f"item 9.{n} `{cid}` is no claim of the suite" for n, cid in sorted(items.items()) if n not in known]
    return out


def _package_strings():
    """``(file, string)`` for every string constant (docstrings, messages, claim fields, f-string
    parts) of the three packages' sources."""
    import gfcheck.numeric
    import gfcheck.proofs_check
    import gfcheck.symbolic

    for pkg in (gfcheck.symbolic, gfcheck.numeric, gfcheck.proofs_check):
        for path in sorted(Path(pkg.__path__[0]).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield path.name, node.value


def _written_names() -> set[str]:
    """Bare ``*.md`` names that gfcheck *writes* (into a report or derivations folder)."""
    from gfcheck.proofs_check.jobs.artifact import CLAIMS_TABLE
    from gfcheck.proofs_check.core.report import REPORT_FILES
    from gfcheck.proofs_check.jobs.sweep import SUMMARY_FILES

    return {f for f in REPORT_FILES + SUMMARY_FILES + CLAIMS_TABLE if f.endswith(".md")} | {"derivations.md"}


def missing_md_paths(texts, *, root: Path = REPO, written=frozenset()) -> list[str]:
    """``*.md`` paths cited in ``texts`` (``(where, text)`` pairs) that do not exist: a path with
    a directory is taken from the repository root or from ``docs/`` (``suites/orthogonal.md``); a bare
    name must be a page of ``docs/`` or a file gfcheck writes (``written``)."""
    out = []
    for where, text in texts:
        for p in _MD.findall(text):
            p = p.removeprefix("./")
            in_docs = (root / "docs" / p).is_file()
            ok = ((root / p).is_file() or in_docs) if "/" in p else (in_docs or p in written)
            if not ok:
                out.append(f"{where}: {p}")
    return sorted(set(out))


def _headings(text: str) -> set[str]:
    """Section numbers of ``## N`` and ``### N.M`` headings."""
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\s", text, re.M))


def missing_digest_sections(texts, note_text: str) -> list[str]:
    """"digest N.M" citations in ``texts`` with no section ``N.M`` (or ``N``) in the note."""
    have = _headings(note_text)
    out = []
    for where, text in texts:
        for group in _DIGEST.findall(text):
            for num in re.findall(r"\d+(?:\.\d+)?", group):
                if num not in have:
                    out.append(f"{where}: digest {num}")
    return sorted(set(out))


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def broken_links(pages) -> list[str]:
    """Relative links of Markdown ``pages`` (paths) whose file or ``#anchor`` does not exist."""
    out = []
    for page in pages:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve()
            if not dest.exists():
                out.append(f"{page.name}: {target}")
            elif anchor and dest.suffix == ".md":
                slugs = {_slug(h) for h in re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), re.M)}
                if anchor not in slugs:
                    out.append(f"{page.name}: {target} (no such heading)")
    return out


def test_docs_folder_has_its_pages():
    for name in ("README.md", "suites/orthogonal.md", "suites/separable.md", "formats.md", "verdicts.md",
                 "mutation.md", "architecture.md", "cli.md", "errors.md", "performance.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for name in ("suites/orthogonal.md", "formats.md", "verdicts.md", "mutation.md", "suites/separable.md"):
        assert name in index, f"docs/README.md does not mention {name}"


def test_every_claim_is_an_item_of_section_9():
    from gfcheck.proofs_check import claims

    cs = claims("orthogonal")
    assert len(cs) == 19
    assert section9_problems(NOTE.read_text(encoding="utf-8"), cs) == []


def test_section_9_check_detects_a_missing_a_renamed_and_a_made_up_item():
    """The negative twins of the section-9 check."""
    from gfcheck.proofs_check import claims

    cs = claims("orthogonal")
    text = NOTE.read_text(encoding="utf-8")
    dropped = re.sub(r"^### 9\.7 `growth-rate`.*$", "### growth rate", text, flags=re.M)
    assert section9_problems(dropped, cs) == ["claim 7 `growth-rate` is not item 9.7"]
    renamed = text.replace("### 9.13 `variation-norm`", "### 9.13 `variation-norms`")
    assert section9_problems(renamed, cs) == ["claim 13 `variation-norm` is not item 9.13"]
    invented = text.replace("\n## 10 ", "\n### 9.20 `made-up-claim`: none\n\n## 10 ")
    assert section9_problems(invented, cs) == ["item 9.20 `made-up-claim` is no claim of the suite"]
    elsewhere = text.replace("### 9.18 `solver-hygiene`", "### 9.18 `x`") + "\n### 9.18 `solver-hygiene`\n"
    assert section9_problems(elsewhere, cs) == ["claim 18 `solver-hygiene` is not item 9.18"]  # not in section 9


def test_md_paths_cited_by_the_packages_and_the_readme_exist():
    texts = list(_package_strings()) + [("README.md", (REPO / "README.md").read_text(encoding="utf-8"))]
    assert any("docs/suites/orthogonal.md" in t for _, t in texts)  # the extraction sees the citations
    assert missing_md_paths(texts, written=_written_names()) == []


def test_md_path_check_detects_made_up_and_outside_paths():
    """The negative twin: paths that are not in the repository are reported."""
    texts = [("x.py", "see ``docs/suites/orthogonal.md`` and docs/theory/boursier2022.md"),
             ("y.py", "the digest `math/boursier2022.md` and shared/formats.md, nothere.md, report.md"),
             ("README.md", "[formats](docs/format.md)")]
    assert missing_md_paths(texts, written=_written_names()) == [
        "README.md: docs/format.md", "x.py: docs/theory/boursier2022.md", "y.py: math/boursier2022.md",
        "y.py: nothere.md", "y.py: shared/formats.md"]


def test_digest_sections_cited_by_the_packages_exist_in_the_note():
    texts = list(_package_strings())
    assert sum(len(_DIGEST.findall(t)) for _, t in texts) > 50  # the code cites the note often
    assert missing_digest_sections(texts, NOTE.read_text(encoding="utf-8")) == []


def test_digest_section_check_detects_a_made_up_section():
    note = NOTE.read_text(encoding="utf-8")
    texts = [("a.py", "digest 4.1, 4.9, 9.10"), ("b.py", "digest section 11"), ("c.py", "digest 3.1-3.7"),
             ("d.py", "digest (5.2, 5.4)")]
    assert missing_digest_sections(texts, note) == ["a.py: digest 4.9", "b.py: digest 11", "c.py: digest 3.7"]


def test_docs_links_resolve():
    pages = sorted(DOCS.rglob("*.md")) + [REPO / "README.md"]
    assert broken_links(pages) == []


def test_docs_link_check_detects_a_broken_file_and_anchor(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\n## Real heading\n\n[x](a.md#real-heading) [y](b.md) "
                                   "[z](a.md#no-heading) [w](https://example.org/c.md)\n")
    assert broken_links([tmp_path / "a.md"]) == ["a.md: b.md", "a.md: a.md#no-heading (no such heading)"]


def test_every_suite_note_exists():
    from gfcheck.proofs_check.core.registry import suites

    for s in suites():
        assert (REPO / s.notes).is_file(), f"suite {s.name}: notes {s.notes} is not in the repository"


def error_table_problems(page: str, module) -> list[str]:
    """Where ``docs/errors.md``'s table of classes disagrees with ``module``: a class not in the
    table, a row naming no class of the module, a wrong exit status or base list."""
    rows = {m.group(1): (m.group(2), m.group(3)) for m in
            re.finditer(r"^\| `(\w+)` \| ([^|]+) \| (\d) \|", page, re.M)}
    out = []
    for name in module.__all__:
        cls = getattr(module, name)
        if name not in rows:
            out.append(f"{name}: not in the table")
            continue
        bases, status = rows.pop(name)
        if int(status) != cls.exit_status:
            out.append(f"{name}: exit {status} in the table, {cls.exit_status} in the code")
        if [b.strip(" `") for b in bases.split(",")] != [b.__name__ for b in cls.__bases__]:
            out.append(f"{name}: derives from {bases.strip()} in the table, "
                       f"{', '.join(b.__name__ for b in cls.__bases__)} in the code")
    return out + [f"{name}: no such class" for name in sorted(rows)]


def test_the_error_table_names_every_class_with_its_exit_status():
    from gfcheck import errors

    assert error_table_problems((DOCS / "errors.md").read_text(encoding="utf-8"), errors) == []


def test_error_table_check_detects_a_missing_a_made_up_and_a_wrong_row():
    import types

    from gfcheck import errors

    page = (DOCS / "errors.md").read_text(encoding="utf-8")
    page = page.replace("| `ZeroVector` | `InvalidInput` | 2 |", "| `ZeroVector` | `InvalidInput` | 1 |")
    page = re.sub(r"^\| `TooManyEvents` .*$", "| `Gone` | `GfcheckError` | 1 | made up |", page, flags=re.M)
    assert error_table_problems(page, errors) == ["ZeroVector: exit 1 in the table, 2 in the code",
                                                  "TooManyEvents: not in the table", "Gone: no such class"]
    fake = types.SimpleNamespace(__all__=["Extra"], Extra=type("Extra", (errors.GfcheckError,), {}))
    assert "Extra: not in the table" in error_table_problems(page, fake)
