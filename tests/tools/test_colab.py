"""Colab notebooks: generated from the MyST pages for the 'colab' branch, which the book's
Colab buttons open (Colab reads .ipynb only; no .ipynb is kept in the repository)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from analysis.tools import colab

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("colab")
    result = subprocess.run([sys.executable, "-m", "analysis", "colab-notebooks", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def test_one_valid_notebook_per_notebook_page_of_the_table_of_contents(notebooks: Path):
    pages = [p for p in colab.toc_pages(ROOT) if colab.is_notebook(ROOT / f"{p}.md")]
    assert len(pages) >= 15
    written = sorted(str(p.relative_to(notebooks).with_suffix("")) for p in notebooks.rglob("*.ipynb"))
    assert written == sorted(pages)
    assert not (notebooks / "book" / "references.ipynb").exists()  # a plain page, not a notebook
    for path in notebooks.rglob("*.ipynb"):
        nbformat.validate(nbformat.read(path, as_version=4))


def test_the_page_follows_a_note_and_a_setup_cell(notebooks: Path):
    import jupytext

    nb = nbformat.read(notebooks / "book" / "crps-retrospective.ipynb", as_version=4)
    page = jupytext.read(ROOT / "book" / "crps-retrospective.md")
    assert nb.cells[0].cell_type == "markdown" and "Not medical advice" in nb.cells[0].source
    assert nb.cells[1].metadata["tags"] == [colab.SETUP_TAG]
    assert [c.source for c in nb.cells[2:]] == [c.source for c in page.cells]


def test_the_setup_cell_clones_installs_and_moves_into_the_book_only_in_colab(monkeypatch):
    source = colab.setup_source("https://github.com/example-org/example-review", "main")
    calls, moves = [], []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append(cmd))
    monkeypatch.setattr(os, "chdir", moves.append)
    monkeypatch.setattr(os.path, "isdir", lambda path: False)

    exec(compile(source, "setup", "exec"), {})  # not in Colab: nothing happens
    assert calls == [] and moves == []

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(source, "setup", "exec"), {})
    assert calls[0] == ["git", "clone", "--depth", "1", "--branch", "main", "https://github.com/example-org/example-review", "/content/example-review"]
    assert calls[1][-2:] == ["--quiet", "myst-nb"]
    assert moves == ["/content/example-review/book"]
    assert sys.path[0] == "/content/example-review"


def test_a_generated_notebook_runs_where_the_page_runs(notebooks: Path, tmp_path: Path):
    """Outside Colab the set-up cell does nothing and the page's own cells run as in the book."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebooks / "book" / "crps-retrospective.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(ROOT / "book")}}).execute(
        env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    # glue(..., display=False) records its value as a display_data output under a glue mimetype
    texts = [str(v) for c in nb.cells if c.cell_type == "code" for o in c.outputs for v in o.get("data", {}).values()]
    assert any("25 of 33 (76%; 95% CI 59–87%, Wilson)" in t for t in texts)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://colab.research.google.com/github/o/r/blob/main/book/trials.md", "https://colab.research.google.com/github/o/r/blob/colab/book/trials.ipynb"),
        ("https://mybinder.org/v2/gh/o/r/main?urlpath=tree/book/trials.md", "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/book/trials.md"),
    ],
)
def test_colab_buttons_point_at_the_generated_notebook(url: str, expected: str):
    assert colab.colab_link(url) == expected


def test_a_repository_that_is_not_on_github_is_refused(tmp_path: Path):
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://example.org/review\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "colab-notebooks", str(tmp_path / "out"), "--root", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert "_config.yml: repository.url must be a GitHub repository address" in result.stderr
    assert "Traceback" not in result.stderr
