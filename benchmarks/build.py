"""Time the book build against a plain serial jupyter-book build, in one run.

Run from the repository root with the project's environment:

    .venv/bin/python benchmarks/build.py [--repeat N]

Each figure is measured on a temporary copy of the repository (your own _build/ is
untouched), with the environment already installed:

* baseline: a plain ``jupyter-book build`` that force-executes every notebook,
  one after the other (``execute_notebooks: force``, without the project's
  ``analysis.tools.buildtools`` extension), from an empty _build;
* clean build: ``python -m analysis build`` (what ``make book`` runs) from an
  empty _build: notebooks run in parallel, one per core;
* rebuild, nothing changed;
* rebuild after changing one data file: data/outcomes.csv (one value, Correll 2004
  25 -> 26 of 33; the file most chapters read), then the data file the fewest
  notebooks read (same values, CRLF line endings: new bytes). Only the notebooks
  that read the file run again; the script prints which, and the proportional
  floor: the no-change rebuild plus that share of the notebooks' cost in a clean
  build. A file that half the notebooks read cannot be rebuilt in 0.4 x a clean
  build however fast each notebook runs.

With ``--repeat N`` each clean build is measured N times and the fastest kept.
Figures, not a pass/fail test (the targets are printed next to them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".venv", ".lock-venv", "_build", ".git", ".pytest_cache", "__pycache__", "research")
CHANGED_FILE = "data/outcomes.csv"


def run(cmd: list[str], root: Path) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    for key in ("KETAMINE_REVIEW_DATA", "KETAMINE_REVIEW_READS"):
        env.pop(key, None)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"build failed: {' '.join(cmd)}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return elapsed, result.stdout + result.stderr


def project_build(root: Path) -> tuple[float, str]:
    return run([sys.executable, "-m", "analysis", "build", "--root", str(root)], root)


def baseline_build(root: Path) -> tuple[float, str]:
    exe = Path(sys.executable).parent / "jupyter-book"
    return run([str(exe), "build", str(root), "--path-output", str(root)], root)


def make_baseline_config(root: Path) -> None:
    """Plain jupyter-book: force-execute every notebook, without the project's extension."""
    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(\s*execute_notebooks:).*$", r"\1 force", text)
    assert n == 1, "no execute_notebooks in _config.yml"
    text = re.sub(r"(?m)^\s*- analysis\.buildtools\s*\n", "", text)
    text = re.sub(r"(?m)^(\s*extra_extensions:)\s*\n(?=\s*\S+:)", r"\1 []\n", text)
    config.write_text(text, encoding="utf-8")


def change_one_data_file(root: Path) -> None:
    """A valid change to one value of data/outcomes.csv (Correll 2004: 25 -> 26 of 33)."""
    path = root / CHANGED_FILE
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(
        r"(?m)^(correll2004,ketamine,complete_relief,after first course,[^,]*,all patients treated,)25,33,76,",
        r"\g<1>26,33,79,",
        text,
    )
    if n != 1:
        sys.exit(f"cannot find the Correll 2004 complete-relief row to change in {CHANGED_FILE}")
    path.write_text(new, encoding="utf-8")


def least_read_data_file(root: Path) -> str:
    """The data file read by the fewest notebooks (from the build's manifests)."""
    readers: dict[str, int] = {}
    for manifest in (root / "_build" / ".ketamine-exec").glob("*.json"):
        for key in json.loads(manifest.read_text(encoding="utf-8"))["inputs"]:
            if key.startswith("data/") and key.endswith(".csv"):
                readers[key] = readers.get(key, 0) + 1
    return min(sorted(readers), key=lambda k: readers[k])


def rewrite_with_crlf(path: Path) -> None:
    text = path.read_bytes().replace(b"\r\n", b"\n")
    path.write_bytes(text.replace(b"\n", b"\r\n"))


def notebooks(log: str) -> list[str]:
    return sorted(set(re.findall(r"^\[execute\] (\S+): [\d.]+ s", log, re.M)))


def fresh_copy(tmp: Path, name: str) -> Path:
    root = tmp / name
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(ROOT, root, ignore=IGNORE)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="measure each clean build N times, keep the fastest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        baseline, clean = float("inf"), float("inf")
        for _ in range(args.repeat):
            root = fresh_copy(tmp, "baseline")
            make_baseline_config(root)
            baseline = min(baseline, baseline_build(root)[0])
            root = fresh_copy(tmp, "book")
            seconds, clean_log = project_build(root)
            clean = min(clean, seconds)
        executed_clean = notebooks(clean_log)
        unchanged, unchanged_log = project_build(root)
        change_one_data_file(root)
        one_file, one_file_log = project_build(root)
        least_read = least_read_data_file(root)
        rewrite_with_crlf(root / least_read)
        least, least_log = project_build(root)
    re_executed = notebooks(one_file_log)
    re_executed_least = notebooks(least_log)
    ran_unchanged = notebooks(unchanged_log)

    rows = [
        ("baseline: jupyter-book, force, serial", baseline, "", ""),
        ("clean build (make book)", clean, f"{clean / baseline:.2f} x baseline", "<= 0.60 x baseline"),
        ("rebuild, nothing changed", unchanged, f"{len(ran_unchanged)} notebooks run", "< 5 s"),
        (f"rebuild, {CHANGED_FILE} changed", one_file, f"{one_file / clean:.2f} x clean", "<= 0.40 x clean"),
        (f"rebuild, {least_read} changed", least, f"{least / clean:.2f} x clean", "<= 0.40 x clean"),
    ]
    print(f"{'build':<48}{'seconds':>9}   {'ratio':<22}{'target':<22}")
    for name, seconds, ratio, target in rows:
        print(f"{name:<48}{seconds:>9.1f}   {ratio:<22}{target:<22}")
    print(f"\nnotebooks in the book: {len(executed_clean)} ({', '.join(executed_clean)})")
    print(f"re-executed after changing {CHANGED_FILE}: {len(re_executed)}: {', '.join(re_executed) or 'none'}")
    print(f"re-executed after changing {least_read}: {len(re_executed_least)}: {', '.join(re_executed_least) or 'none'}")
    # A rebuild cannot cost less than the fixed cost of a build (what a rebuild with nothing
    # changed costs) plus its share of the notebooks' cost in a clean build: print that floor
    # beside each one-file change, so a ratio above the target can be read against it.
    total = len(executed_clean) or 1
    for name, count, seconds in ((CHANGED_FILE, len(re_executed), one_file), (least_read, len(re_executed_least), least)):
        floor = (unchanged + count / total * max(clean - unchanged, 0.0)) / clean
        print(f"{name}: {count} of {total} notebooks read it; proportional floor {floor:.2f} x clean, measured {seconds / clean:.2f} x clean")
    jobs = os.environ.get("KETAMINE_REVIEW_JOBS") or (os.cpu_count() or 1) + 1
    print(f"(on {os.cpu_count()} cores, Python {sys.version.split()[0]}, {jobs} notebooks at a time, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
