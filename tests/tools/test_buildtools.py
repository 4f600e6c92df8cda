"""The build's bookkeeping, without building: what a page's code inputs are, and results.json made
again only when something it is computed from changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.tools import buildtools
from analysis.tools.notebooks import code_files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A book root holding a copy of the data and the lock (the results read the data given to them)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copyfile(ROOT / "requirements.lock", tmp_path / "requirements.lock")
    return tmp_path


def test_results_json_is_computed_again_only_when_an_input_changed(root: Path):
    """results.json is computed in a process of its own (the build starts it beside Sphinx's reading and writing) and
    only when an input changed; the same as the results command prints."""
    from analysis.pages.results import results

    work = root / "_build" / buildtools.EXEC_DIR
    first = buildtools.results_json(root, work)
    records = json.loads(first.read_text(encoding="utf-8"))
    assert records == json.loads(json.dumps(results(root / "data")))
    assert any(r["id"].startswith("responders50") for r in records)

    assert buildtools.start_results_json(root, work) is None, "nothing changed, yet the results would be computed again"
    # a data file the results do not read (the PRISMA checklist) is not among their inputs
    checklist = root / "data" / "prisma_checklist.csv"
    checklist.write_bytes(checklist.read_bytes().replace(b"\n", b"\r\n"))
    assert buildtools.start_results_json(root, work) is None, "a file the results do not read made them be computed again"
    assert "data/outcomes.csv" in json.loads((work / "results.inputs.json").read_text(encoding="utf-8"))
    assert buildtools.results_json(root, work).read_text(encoding="utf-8") == first.read_text(encoding="utf-8")

    # one responder count fewer in the data: computed again, and different
    outcomes = root / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    hit = [i for i, line in enumerate(lines) if line.startswith("kvarnstrom2004,ketamine,responders_50,")]
    assert len(hit) == 1 and ",5,10," in lines[hit[0]]
    lines[hit[0]] = lines[hit[0]].replace(",5,10,", ",4,10,", 1)
    outcomes.write_text("".join(lines), encoding="utf-8")
    started = buildtools.start_results_json(root, work)
    assert started is not None
    again = buildtools.results_json(root, work, started)
    assert again.read_text(encoding="utf-8") != json.dumps(records, indent=1, ensure_ascii=False)
    assert buildtools.start_results_json(root, work) is None


def test_a_failure_to_compute_the_results_is_reported_with_its_error(root: Path):
    (root / "data" / "outcomes.csv").write_text("not,a,valid\nfile\n", encoding="utf-8")
    work = root / "_build" / buildtools.EXEC_DIR
    with pytest.raises(RuntimeError, match="results.json") as failure:
        buildtools.results_json(root, work)
    assert "outcomes.csv" in str(failure.value)
    assert not (work / "results.json").exists() and not (work / "results.inputs.json").exists()

    # a file of the code the results import counts as an input too
    assert any(p.name == "synthesis.py" for p in code_files(buildtools.RESULTS_CODE))


def test_pages_say_when_the_data_differ_from_their_release(tmp_path: Path):
    """{{ data_version }} and the footer hold the released version (configuration values: changing them would make
    Sphinx read or write every page again); the words for unreleased changes are added to every built page at the
    end of the build, to pages written in an earlier build too, and taken away again, rewriting only what changes."""
    released, unreleased = "0.2.1", "0.2.1 with changes not yet released"
    footer = buildtools.footer_html("", released, "2026-12-04")
    pages = {"book/intro.html": f"<p>This build uses data version {buildtools.version_span(released)}.</p>{footer}",
             "book/kept.html": f"<main>text</main>{footer}", "search.html": "<p>no version here</p>"}
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert buildtools.finish_site(tmp_path, unreleased).rewritten == 2
    intro = (tmp_path / "book/intro.html").read_text(encoding="utf-8")
    assert intro == pages["book/intro.html"].replace(f">{released}<", f">{unreleased}<")
    assert intro.count(f">{unreleased}</span>") == 2  # the text and the footer
    assert "data version " + buildtools.version_span(unreleased) in (tmp_path / "book/kept.html").read_text(encoding="utf-8")
    assert (tmp_path / "search.html").read_text(encoding="utf-8") == pages["search.html"]
    assert buildtools.finish_site(tmp_path, unreleased).rewritten == 0  # nothing to change: nothing rewritten
    assert buildtools.finish_site(tmp_path, released).rewritten == 2
    assert (tmp_path / "book/intro.html").read_text(encoding="utf-8") == pages["book/intro.html"]


def test_a_module_edited_between_two_builds_of_one_process_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The imports of each module are parsed once per version of its file (kept between calls, within one process):
    a page's code inputs follow an edit that adds an import."""
    from analysis.tools import notebooks

    package = tmp_path / "analysis"
    package.mkdir()
    for name, text in (("__init__.py", ""), ("a.py", "from analysis.b import f\n"), ("b.py", "def f(): pass\n"), ("c.py", "")):
        (package / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(notebooks, "PACKAGE_DIR", package)
    page = "```{code-cell} ipython3\nfrom analysis.a import f\n```\n"
    assert [p.name for p in notebooks.code_files(page)] == ["__init__.py", "a.py", "b.py"]
    (package / "a.py").write_text("from analysis.b import f\nimport analysis.c\n", encoding="utf-8")
    assert [p.name for p in notebooks.code_files(page)] == ["__init__.py", "a.py", "b.py", "c.py"]


def test_figure_files_no_page_shows_are_removed_from_the_site(tmp_path: Path):
    """A changed figure is a new file (named by its content); the file of the old one is removed, and nothing else."""
    images = tmp_path / "_images"
    images.mkdir()
    for name in ("figure-0123456789abcdef.svg", "figure-fedcba9876543210.png", "figure-00000000000000aa.svg", "logo.png"):
        (images / name).write_bytes(b"x")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text('<img src="../_images/figure-0123456789abcdef.svg">', encoding="utf-8")
    (tmp_path / "book" / "b.html").write_text('<a href="../_images/figure-fedcba9876543210.png">full size</a>', encoding="utf-8")
    assert buildtools.finish_site(tmp_path, "0.2.1").removed_figures == ["figure-00000000000000aa.svg"]
    assert sorted(p.name for p in images.iterdir()) == ["figure-0123456789abcdef.svg", "figure-fedcba9876543210.png", "logo.png"]
