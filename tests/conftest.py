"""Shared test set-up.

The tests are laid out like the package: ``tests/stats``, ``tests/data``, ``tests/pages``,
``tests/figures``, ``tests/tools``, and ``tests/site`` for the tests that build the book or
drive a browser (marked ``build``; ``pytest -m "not build"`` runs everything else in under a
minute). Helper modules and reference files stay in ``tests/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # contrib_helpers, imported by tests in several folders


# The longest files first: on two processes (make test: pytest-xdist, one file per process at a time) the
# whole-book site starts at once while the other process takes every other file.
LONGEST_FIRST = ("site/test_site.py", "site/test_build.py", "site/test_synthesis_build.py", "site/test_contributor_e2e.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/site builds the book (or drives a browser over a built site): mark it ``build``;
    and run the longest files first (a stable order, the same in every process)."""
    site = TESTS / "site"
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(site):
            item.add_marker(pytest.mark.build)

    def rank(item: pytest.Item) -> int:
        path = Path(str(item.fspath)).resolve().relative_to(TESTS).as_posix() if Path(str(item.fspath)).resolve().is_relative_to(TESTS) else ""
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)
