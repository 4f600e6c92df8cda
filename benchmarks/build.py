"""Time the book build: a clean build, and a rebuild with nothing changed.

Run from the repository root with the project's environment:

    .venv/bin/python benchmarks/build.py

It builds a temporary copy of the repository (so your own _build/ is untouched)
and prints wall-clock seconds. Figures, not a pass/fail test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".venv", ".lock-venv", "_build", ".git", ".pytest_cache", "__pycache__", "research")


def timed_build(root: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(root)}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--root", str(root)], cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "book"
        shutil.copytree(ROOT, root, ignore=IGNORE)
        clean = timed_build(root)
        unchanged = timed_build(root)
    print(f"{'build':<32}{'seconds':>10}")
    print(f"{'clean build':<32}{clean:>10.1f}")
    print(f"{'rebuild, nothing changed':<32}{unchanged:>10.1f}")
    print(f"(on {os.cpu_count()} cores, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
