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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/site builds the book (or drives a browser over a built site): mark it ``build``."""
    site = TESTS / "site"
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(site):
            item.add_marker(pytest.mark.build)
