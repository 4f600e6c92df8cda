"""The book build is strict and never stale. Each test builds a temporary copy of the repository
(most of them a copy of one small book built once for the module, so a test's build does only
what its change calls for).

* A failing cell fails the build, the traceback is in the log, and the next build fails
  too (a failed build must not leave a saved state that lets the page be skipped).
* A Sphinx warning fails the build.
* A changed data value appears on the next build; and with the input tracking switched
  off the same test sees the old value, which shows the test can fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from build_helpers import ROOT, built_html, copy_repository, figure_sources, limit_toc, page_text, run_analysis


def small_book(tmp_path: Path, pages: tuple[str, ...]) -> Path:
    """A copy of the repository whose table of contents lists only ``pages`` (after the intro).

    Building the whole book for every test would take minutes; the guards under test
    work per page, so a few pages show them as well as all of them.
    """
    target = copy_repository(tmp_path / "book-copy")
    # The introduction links to the synthesis chapters (and they to others); a plain root page keeps
    # the copy to the pages under test.
    (target / "book" / "intro.md").write_text("# Pages under test\n\nThe root page of a test build.\n", encoding="utf-8")
    limit_toc(target, pages)
    return target


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the repository with the CRPS retrospective-series page and the grades page, built once (clean) for the module.

    Returns ``(kept, where)``: the built copy is kept at ``kept`` and each test gets a copy of it at
    ``where``, the path it was built at, so the build's caches (which record absolute paths) hold.
    """
    base = tmp_path_factory.mktemp("built")
    where = small_book(base, ("crps-retrospective", "grades"))
    first = build(where)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "[execute]" in first.stdout, "the first build of the copy executed nothing"
    kept = base / "kept"
    where.rename(kept)
    return kept, where


@pytest.fixture
def book(built_copy: tuple[Path, Path]) -> Path:
    """The built copy with the CRPS retrospective-series and grades pages, fresh for each test."""
    kept, where = built_copy
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(kept, where, symlinks=True)
    return where


def build(root: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """``python -m analysis build`` in ``root``, importing that copy's ``analysis`` package."""
    return run_analysis(root, "build", "--root", str(root), timeout=900, **extra_env)


def add_page(root: Path, name: str, body: str) -> None:
    header = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
    )
    (root / "book" / f"{name}.md").write_text(header + body, encoding="utf-8")
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8").rstrip("\n") + f"\n      - file: book/{name}\n", encoding="utf-8")


def set_complete_relief(root: Path, events: int, percent: int) -> None:
    """Change Correll 2004's complete relief after the first course in the copy's data."""
    path = root / "data" / "outcomes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("correll2004,ketamine,complete_relief,after first course,"):
            lines[i] = re.sub(r",all patients treated,\d+,33,\d+,", f",all patients treated,{events},33,{percent},", line)
    path.write_text("".join(lines), encoding="utf-8")



def assert_re_executed(stdout: str, pages: tuple[str, ...], data_file: str) -> None:
    """The input tracking executed ``pages`` again because ``data_file`` changed, and no other page. (The first
    change after a release also changes the data version label on every page; that rewrites the pages but is no
    configuration change that would make Sphinx read them all again: analysis/tools/buildtools.py.)"""
    executed = re.search(r"\[execute\] (\d+) notebook\(s\), [^:]*: (.*)", stdout)
    assert executed, f"no notebook was executed again:\n{stdout[-3000:]}"
    assert sorted(executed.group(2).split(", ")) == sorted(pages), f"executed {executed.group(2)!r}, expected only {pages}"
    for page in pages:
        assert f"re-executing {page}: changed {data_file}" in stdout, stdout[-3000:]
    assert "config changed" not in stdout, "a data change made Sphinx read every page again"


def test_failing_cell_fails_the_build_with_its_traceback(book: Path):
    add_page(book, "broken", "# Broken\n\n```{code-cell} ipython3\nratio = 1 / 0\n```\n")
    first = build(book)
    log = first.stdout + first.stderr
    assert first.returncode != 0
    assert "ZeroDivisionError" in log
    assert "ratio = 1 / 0" in log  # the failing line, from the traceback
    assert "BUILD FAILED" in log
    # Building again without changing anything must fail again, not pass on a page it skipped.
    second = build(book)
    assert second.returncode != 0
    assert "ZeroDivisionError" in second.stdout + second.stderr


def test_a_sphinx_warning_fails_the_build(book: Path):
    """A dangling reference, and a page's code writing to stderr (a library's warning, which would otherwise be
    shown on the page), each make a warning that fails the build; both are reported."""
    add_page(book, "dangling", "# Dangling\n\nSee {ref}`a-label-that-does-not-exist`.\n")
    add_page(book, "noisy", "# Noisy\n\n```{code-cell} ipython3\nimport sys\nprint('a library warns here', file=sys.stderr)\n```\n")
    first = build(book)
    assert first.returncode != 0
    assert "a-label-that-does-not-exist" in first.stdout + first.stderr
    assert re.search(r"book/noisy\.md:\d+: WARNING: stderr was found in the cell outputs", first.stdout), first.stdout[-3000:]
    assert "what book/noisy wrote to stderr" in first.stdout and "a library warns here" in first.stdout  # and what it wrote
    second = build(book)
    assert second.returncode != 0


def test_invalid_data_fail_the_build_with_the_validator_message(book: Path):
    set_complete_relief(book, events=40, percent=76)
    result = build(book)
    assert result.returncode != 0
    assert "outcomes.csv:2: events: 40 is greater than n (33)" in result.stdout + result.stderr
    assert "nothing was built" in result.stdout and "[execute]" not in result.stdout, "the data were not checked before the pages ran"


def test_changed_data_appear_on_the_next_build(book: Path):
    first_text = page_text(book, "crps-retrospective")  # as the module's clean build made it
    assert "25 of 33 (76%; 95% CI 59–87%, Wilson)" in first_text

    set_complete_relief(book, events=26, percent=79)
    second = build(book)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert_re_executed(second.stdout, ("book/crps-retrospective", "book/grades"), "data/outcomes.csv")  # the pages that read it; not the root page
    text = page_text(book, "crps-retrospective")
    # the data now differ from the release they name, and every page's foot says so
    assert " with changes not yet released " in text
    from analysis.pages.changes import is_release

    if is_release(ROOT / "data"):  # the shipped data are their release: the label changed with this first change
        assert " with changes not yet released " not in first_text
    assert "26 of 33 (79%" in text
    assert "25 of 33" not in text

    third = build(book)  # nothing changed: nothing is re-executed
    assert third.returncode == 0
    assert "Executing notebook" not in third.stdout


def test_without_the_input_tracking_the_page_goes_stale(book: Path):
    """The guard is what keeps pages fresh: switched off, the same change is not seen."""
    off = {"KETAMINE_REVIEW_NO_INPUT_TRACKING": "1"}
    set_complete_relief(book, events=26, percent=79)
    assert build(book, **off).returncode == 0
    assert "25 of 33 (76%" in page_text(book, "crps-retrospective")


def test_a_changed_stylesheet_reaches_the_site_without_running_notebooks(book: Path):
    """Sphinx copies html_static_path only when it writes a page; the build re-writes every
    page (from the execution cache) when a static file changed. Without the guard the site
    keeps the old stylesheet, which shows the test can fail."""
    css = book / "theme" / "static" / "ketamine-review.css"
    served = book / "_build" / "html" / "_static" / "ketamine-review.css"

    css.write_text(css.read_text(encoding="utf-8") + "\n/* probe-1 */\n", encoding="utf-8")
    guarded = build(book)
    assert guarded.returncode == 0, guarded.stdout[-3000:] + guarded.stderr[-3000:]
    assert "probe-1" in served.read_text(encoding="utf-8")
    assert "[execute]" not in guarded.stdout and "Executing notebook" not in guarded.stdout
    link = re.search(r"ketamine-review\.css\?v=([0-9a-f]+)", (book / "_build" / "html" / "book" / "intro.html").read_text(encoding="utf-8"))
    assert link, "the page no longer links the stylesheet"

    css.write_text(css.read_text(encoding="utf-8") + "\n/* probe-2 */\n", encoding="utf-8")
    assert build(book, KETAMINE_REVIEW_NO_INPUT_TRACKING="1").returncode == 0
    assert "probe-2" not in served.read_text(encoding="utf-8")


def test_changing_one_grade_judgement_changes_rating_table_and_heatmap(book: Path):
    """Issue 6: judgements changed in the data show on the next build everywhere they are used.

    Kannan 2002 (cancer pain) starts low and is rated down for risk of bias (-2),
    indirectness (-1) and imprecision (-2): very low. With those concerns removed it is low.
    It is the only critical cancer-pain outcome, so the heatmap's cancer cell follows it.
    """
    import pandas as pd

    root = book
    before_html = grades_html(root)  # as the module's clean build made it
    before = page_text_of(before_html)
    images_before = figure_sources(before_html)
    # " 9 (1)" with its leading space: another outcome's "49 (1) ⊕◯◯◯ very low" must not match.
    assert " 9 (1) ⊕◯◯◯ very low (a, b, c)" in before
    assert heatmap_cell(before_html, "Cancer pain") == "very low"

    path = root / "data" / "certainty_ratings.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = frame["rating_id"] == "cancer_pain_decrease"
    for domain in ("risk_of_bias", "indirectness", "imprecision"):
        frame.loc[row, domain] = "not_serious"
    frame.to_csv(path, index=False, lineterminator="\n")

    second = build(root)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert_re_executed(second.stdout, ("book/grades",), "data/certainty_ratings.csv")
    # The data now differ from their release: the foot of every page says so, also of a page that neither read the
    # file nor was written again (its footer is relabelled in the built site: buildtools.finish_site).
    written = re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", re.sub(r"\x1b\[[0-9;]*m", "", second.stdout))
    assert "book/grades" in written and "book/crps-retrospective" not in written, written
    assert " with changes not yet released " in page_text(root, "crps-retrospective")
    html = grades_html(root)
    after = page_text_of(html)
    assert " 9 (1) ⊕⊕◯◯ low" in after  # the Summary of Findings row
    assert " 9 (1) ⊕◯◯◯ very low" not in after
    assert heatmap_cell(html, "Cancer pain") == "low"  # the heatmap's alt text, computed from the data
    assert figure_sources(html) != images_before  # and the heatmap image itself
    gone = [src for src in images_before if "_images/" in src and src not in figure_sources(html)]
    assert gone and not any((root / "_build" / "html" / "book" / src).exists() for src in gone), "the old heatmap's file is still published"


def grades_html(root: Path) -> str:
    return built_html(root, "grades")


def heatmap_cell(html: str, condition: str) -> str | None:
    """This book's GRADE certainty for one condition, as the heatmap's alt text states it.

    The alt text is an attribute of the <img>, so it is read from there (page_text_of drops tags).
    """
    import html as html_lib

    alts = [html_lib.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', html)]
    heatmap = [a for a in alts if a.startswith("Heatmap comparing")]
    assert len(heatmap) == 1, f"expected one heatmap on the grades page, found {len(heatmap)}"
    found = re.search(re.escape(condition) + r": Public texts: [^.]*?This book \(GRADE\): ([a-z ]+) \(lowest", heatmap[0])
    return found.group(1) if found else None


def page_text_of(html: str) -> str:
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))
