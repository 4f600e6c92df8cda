"""Notebooks for Google Colab, generated from the book's MyST text notebooks.

The book's pages are MyST Markdown notebooks (``book/*.md``); no ``.ipynb`` is kept in
the repository. Colab opens only ``.ipynb`` files from GitHub, and a page opened there
has neither the ``analysis`` package nor ``data/`` beside it. So the publishing
workflow (``.github/workflows/pages.yml``) runs ``python -m analysis colab-notebooks
OUT_DIR`` and pushes what it writes to the branch :data:`COLAB_BRANCH`; the book's
Colab buttons point there (:func:`colab_link`, applied by :mod:`analysis.tools.buildtools`).

Each generated notebook is the page as jupytext reads it, with two cells in front: a
note saying where it comes from, and a set-up cell that, only when run in Colab,
clones the repository, installs the one package Colab lacks (``myst-nb``, whose
``glue`` the pages call) and moves into the clone's ``book/`` folder, so that
``analysis`` and ``data/`` are found as in a local clone. Colab runs the notebook with
its own versions of pandas, numpy and the rest, not the lock's: for the book's exact
environment, use Binder or a local clone (``make book``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from analysis.tools.notebooks import is_text_notebook

COLAB_BRANCH = "colab"
SETUP_TAG = "colab-setup"


def toc_pages(root: Path) -> list[str]:
    """The pages listed in ``_toc.yml`` (without suffix), in reading order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages: list[str] = []

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(str(entry["file"]))
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    pages.append(str(toc["root"]))
    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return pages


def is_notebook(path: Path) -> bool:
    """Whether a MyST Markdown page is a text notebook (the build's own test, applied to the file)."""

    return path.suffix == ".md" and is_text_notebook(path.read_text(encoding="utf-8"))


def repository(root: Path) -> tuple[str, str]:
    """(repository URL, branch) from ``_config.yml``'s ``repository`` section."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"_config.yml: repository.url must be a GitHub repository address, not {url!r}")
    return url, str(repo.get("branch", "main"))


def setup_source(repo_url: str, branch: str) -> str:
    """The first code cell: set-up in Colab, nothing anywhere else."""
    name = repo_url.rsplit("/", 1)[-1]
    return (
        "# Set-up for Google Colab (does nothing elsewhere): fetch the review's repository, whose\n"
        "# analysis package and data/ this page reads, and myst-nb, whose glue() the page calls.\n"
        "import os, subprocess, sys\n"
        "if 'google.colab' in sys.modules:\n"
        f"    clone = '/content/{name}'\n"
        "    if not os.path.isdir(clone):\n"
        f"        subprocess.run(['git', 'clone', '--depth', '1', '--branch', {branch!r}, {repo_url!r}, clone], check=True)\n"
        "    subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', 'myst-nb'], check=True)\n"
        "    os.chdir(os.path.join(clone, 'book'))\n"
        "    sys.path.insert(0, clone)\n"
    )


def colab_notebook(page: Path, repo_url: str, branch: str) -> Any:
    """The page as an nbformat notebook with the note and set-up cells in front."""
    import jupytext
    import nbformat

    nb = jupytext.read(page)
    relative = f"book/{page.name}"
    note = nbformat.v4.new_markdown_cell(
        f"*Generated from [`{relative}`]({repo_url}/blob/{branch}/{relative}) of the review "
        "*Ketamine for Chronic Pain* for Google Colab. Not medical advice. Run the first cell to fetch "
        "the review's code and data. Colab uses its own package versions; for the book's locked "
        "environment use Binder or a local clone (`make book`). Numbers shown in the book's text "
        "with `{glue:text}` appear here only as the outputs of the cells that compute them.*"
    )
    setup = nbformat.v4.new_code_cell(setup_source(repo_url, branch))
    setup.metadata["tags"] = [SETUP_TAG]
    nb.cells = [note, setup, *nb.cells]
    nb.nbformat, nb.nbformat_minor = 4, max(5, int(nb.get("nbformat_minor", 5)))
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number:03d}"  # stable ids: the branch's diffs show real changes only
    nb.metadata.pop("jupytext", None)
    nbformat.validate(nb)
    return nb


def write_colab_notebooks(root: Path, out: Path) -> list[Path]:
    """Write ``out/book/PAGE.ipynb`` for every notebook page of the table of contents."""
    import nbformat

    repo_url, branch = repository(root)
    written = []
    for page in toc_pages(root):
        path = root / f"{page}.md"
        if not path.is_file() or not is_notebook(path):
            continue
        target = out / f"{page}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = colab_notebook(path, repo_url, branch)
        nbformat.write(nb, target)
        written.append(target)
    return written


def colab_link(url: str) -> str:
    """A Colab button's address moved from the page's ``.md`` source to its generated notebook.

    ``https://colab.research.google.com/github/ORG/REPO/blob/BRANCH/book/PAGE.md`` becomes
    ``.../blob/colab/book/PAGE.ipynb``; any other address is returned unchanged.
    """
    match = re.fullmatch(r"(https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/)[^/]+/(.+)\.(?:md|ipynb)", url)
    return f"{match.group(1)}{COLAB_BRANCH}/{match.group(2)}.ipynb" if match else url


def main(out: str, root: str = ".") -> int:
    """``python -m analysis colab-notebooks OUT_DIR``: write the notebooks, one line each."""
    try:
        written = write_colab_notebooks(Path(root).resolve(), Path(out))
    except (ValueError, OSError) as error:
        print(f"colab-notebooks: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(f"{len(written)} notebooks for the '{COLAB_BRANCH}' branch in {out}", file=sys.stderr)
    return 0
