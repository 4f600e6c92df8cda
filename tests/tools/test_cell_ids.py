"""Notebooks served by the build have cell ids derived from their position (issue 14: same inputs, same bytes)."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat

from analysis.tools.buildtools import fix_cell_ids, positional_cell_ids

ROOT = Path(__file__).resolve().parents[2]


def page_as_notebook(name: str = "crps-retrospective.md") -> str:
    """A book page read as myst-nb reads it: jupytext gives each cell a random id."""
    return str(nbformat.writes(jupytext.read(ROOT / "book" / name)))


def test_reading_a_page_twice_gives_different_random_ids():
    """The problem the function solves (if jupytext ever made ids deterministic, this test says so)."""
    assert page_as_notebook() != page_as_notebook()


def test_positional_ids_make_two_reads_of_a_page_identical():
    first, second = positional_cell_ids(page_as_notebook()), positional_cell_ids(page_as_notebook())
    assert first == second
    ids = [cell["id"] for cell in json.loads(first)["cells"]]
    assert ids == [f"cell-{n}" for n in range(1, len(ids) + 1)]
    nbformat.validate(nbformat.reads(first, as_version=4))


def test_fix_cell_ids_rewrites_the_notebooks_of_a_folder(tmp_path: Path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.ipynb").write_text(page_as_notebook(), encoding="utf-8")
    (tmp_path / "book" / "a.md").write_text("not a notebook", encoding="utf-8")
    fix_cell_ids(tmp_path)
    cells = json.loads((tmp_path / "book" / "a.ipynb").read_text(encoding="utf-8"))["cells"]
    assert [c["id"] for c in cells][:2] == ["cell-1", "cell-2"]
    assert (tmp_path / "book" / "a.md").read_text(encoding="utf-8") == "not a notebook"
