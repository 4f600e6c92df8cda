"""The environment is declared once and pinned consistently.

pyproject.toml declares the direct dependencies; requirements.lock pins everything
exactly; environment.yml gives conda users the same pins (tools/envfiles.py writes it).
"""

from __future__ import annotations

import importlib.metadata as md
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import envfiles  # noqa: E402


def test_every_direct_dependency_is_locked():
    pins = envfiles.locked_versions()
    missing = sorted(set(envfiles.direct_dependencies()) - set(pins))
    assert not missing, f"not in requirements.lock: {missing}; run 'make lock'"


def test_environment_yml_has_the_locked_versions():
    pins = envfiles.locked_versions()
    conda = envfiles.conda_pins()
    assert set(conda) == set(envfiles.direct_dependencies()), "environment.yml must list exactly the direct dependencies"
    disagree = {name: (version, pins.get(name)) for name, version in conda.items() if pins.get(name) != version}
    assert not disagree, f"environment.yml and requirements.lock disagree (yml, lock): {disagree}; run 'python tools/envfiles.py'"


def test_environment_yml_is_what_the_generator_writes():
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == envfiles.render_environment_yml()


def test_jupyter_book_is_pinned_below_2():
    """jupyter-book 2.x (mystmd) cannot build offline; the book needs 1.x (>=1.0.4.post1)."""
    assert envfiles.direct_dependencies()["jupyter-book"] == ">=1.0.4.post1,<2"
    version = envfiles.locked_versions()["jupyter-book"]
    assert version.split(".")[0] == "1" and tuple(int(p) for p in version.split(".")[:3]) >= (1, 0, 4)


@pytest.mark.parametrize("name", ["jupyter-book", "pandas", "statsmodels", "seaborn", "matplotlib", "frictionless", "pytest", "ruff", "mypy"])
def test_installed_environment_matches_the_lock(name: str):
    """The environment running the tests is the locked one (make rebuilds .venv when the lock changes)."""
    assert md.version(name) == envfiles.locked_versions()[envfiles.canonical(name)]
