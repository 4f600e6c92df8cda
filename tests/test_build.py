"""The book build is strict and never stale. Each test builds a temporary copy of the repository.

* A failing cell fails the build, the traceback is in the log, and the next build fails
  too (a failed build must not leave a saved state that lets the page be skipped).
* A Sphinx warning fails the build.
* A changed data value appears on the next build; and with the input tracking switched
  off the same test sees the old value, which shows the test can fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPY_IGNORE = shutil.ignore_patterns(".venv", ".lock-venv", "_build", ".git", ".pytest_cache", "__pycache__", "research", "benchmarks")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A copy of the repository (sources, data, config) in a temporary folder."""
    target = tmp_path / "book-copy"
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE)
    return target


def build(root: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """``python -m analysis build`` in ``root``, importing that copy's ``analysis`` package."""
    env = {**os.environ, "PYTHONPATH": str(root), **extra_env}
    env.pop("KETAMINE_REVIEW_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--root", str(root)], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )


def page_text(root: Path, page: str) -> str:
    html = (root / "_build" / "html" / "book" / f"{page}.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def add_page(root: Path, name: str, body: str) -> None:
    header = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
    )
    (root / "book" / f"{name}.md").write_text(header + body, encoding="utf-8")
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8") + f"      - file: book/{name}\n", encoding="utf-8")


def set_complete_relief(root: Path, events: int, percent: int) -> None:
    """Change Correll 2004's complete relief after the first course in the copy's data."""
    path = root / "data" / "outcomes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("correll2004,ketamine,complete_relief,after first course,"):
            lines[i] = re.sub(r",all patients treated,\d+,33,\d+,", f",all patients treated,{events},33,{percent},", line)
    path.write_text("".join(lines), encoding="utf-8")


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
    add_page(book, "dangling", "# Dangling\n\nSee {ref}`a-label-that-does-not-exist`.\n")
    first = build(book)
    assert first.returncode != 0
    assert "a-label-that-does-not-exist" in first.stdout + first.stderr
    second = build(book)
    assert second.returncode != 0


def test_invalid_data_fail_the_build_with_the_validator_message(book: Path):
    set_complete_relief(book, events=40, percent=76)
    result = build(book)
    assert result.returncode != 0
    assert "outcomes.csv:2: events: 40 is greater than n (33)" in result.stdout + result.stderr


def test_changed_data_appear_on_the_next_build(book: Path):
    first = build(book)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "25 of 33 (76%; 95% CI 59–87%, Wilson)" in page_text(book, "crps-retrospective")

    set_complete_relief(book, events=26, percent=79)
    second = build(book)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "re-executing book/crps-retrospective: changed data/outcomes.csv" in second.stdout
    text = page_text(book, "crps-retrospective")
    assert "26 of 33 (79%" in text
    assert "25 of 33" not in text

    third = build(book)  # nothing changed: nothing is re-executed
    assert third.returncode == 0
    assert "Executing notebook" not in third.stdout


def test_without_the_input_tracking_the_page_goes_stale(book: Path):
    """The guard is what keeps pages fresh: switched off, the same change is not seen."""
    off = {"KETAMINE_REVIEW_NO_INPUT_TRACKING": "1"}
    assert build(book, **off).returncode == 0
    set_complete_relief(book, events=26, percent=79)
    assert build(book, **off).returncode == 0
    assert "25 of 33 (76%" in page_text(book, "crps-retrospective")
