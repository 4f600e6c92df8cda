"""What the test suite costs: its wall time, and the processor time its checks take, in all and per part.

Run from the repository root with the project's environment (after ``make test`` has installed
chromium and axe-core once):

    .venv/bin/python benchmarks/suite.py [--workers N] [--parts] [--runs N]

1. The suite as ``make test`` runs it (pytest-xdist, ``--workers`` processes, default 2, one test
   file per process at a time), ``--runs`` times (default 1). For each run: the wall time, and
   the machine's busy and idle core-seconds over it, read from ``/proc/stat`` (every process
   counts: the builds' kernels, chromium, node, the tests). Busy core-seconds are the work; on
   ``C`` cores no schedule finishes that work in less than busy / C seconds, which is printed as
   the floor of the wall time.
2. With ``--parts``: each of the files under ``tests/site`` alone, then every other test
   (``-m "not build"``) on one process, each with its wall time and busy core-seconds; so the
   work of each part is known, and what removing or speeding it would save.

Linux only (``/proc/stat``). Other work on the machine counts as busy too: run it on a quiet
machine. Figures, not a pass/fail test; it exits 0 unless a test fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SITE_FILES = ("tests/site/test_site.py", "tests/site/test_build.py", "tests/site/test_synthesis_build.py", "tests/site/test_contributor_e2e.py")
AIM_SECONDS = 150  # issue 15: make test in at most 2.5 minutes on this machine (2 cores)


@dataclass
class Cost:
    """One timed command: wall seconds, busy and idle core-seconds of the whole machine over it."""

    label: str
    wall: float
    busy: float
    idle: float


def cpu_ticks() -> tuple[int, int]:
    """The machine's (busy, idle) clock ticks since boot, summed over every core (the first line of /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal, idle + iowait


def timed(label: str, command: list[str]) -> Cost:
    """Run ``command`` in the repository (its output is shown) and return its cost; stop if it fails."""
    env = {**os.environ, "KETAMINE_REVIEW_CHROMIUM": os.environ.get("KETAMINE_REVIEW_CHROMIUM", "/usr/bin/chromium")}
    tick = os.sysconf("SC_CLK_TCK")
    busy0, idle0 = cpu_ticks()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - start
    busy1, idle1 = cpu_ticks()
    summary = [line for line in done.stdout.splitlines() if line.strip()][-1:]
    print(f"  {label}: {' '.join(summary)}", flush=True)
    if done.returncode != 0:
        sys.exit(f"{label} failed (exit {done.returncode}):\n{done.stdout[-5000:]}")
    return Cost(label, wall, (busy1 - busy0) / tick, (idle1 - idle0) / tick)


def pytest(*args: str) -> list[str]:
    return [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist processes, as make test's TEST_WORKERS (default 2)")
    parser.add_argument("--runs", type=int, default=1, help="how many times to run the whole suite (default 1)")
    parser.add_argument("--parts", action="store_true", help="also time each file under tests/site alone, and the other tests")
    args = parser.parse_args()
    if not Path("/proc/stat").is_file():
        sys.exit("this benchmark reads /proc/stat: Linux only")
    cores = os.cpu_count() or 1
    print(f"{cores} cores; load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)

    whole = [timed(f"whole suite, run {i + 1}", pytest("-n", str(args.workers), "--dist", "loadfile", "--no-loadscope-reorder"))
             for i in range(args.runs)]
    parts = []
    if args.parts:
        parts = [timed(name, pytest(name)) for name in SITE_FILES]
        parts.append(timed("every other test (not build)", pytest("-m", "not build")))

    print(f"\nThe whole suite ({args.workers} processes, {args.runs} run(s); median, min-max):")
    for name, values, unit in (("wall time", [c.wall for c in whole], "s"), ("busy", [c.busy for c in whole], "core-s"),
                               ("idle", [c.idle for c in whole], "core-s")):
        print(f"  {name:<10} {statistics.median(values):7.1f} {unit}  ({min(values):.1f}-{max(values):.1f})")
    busy = statistics.median(c.busy for c in whole)
    print(f"  floor on {cores} cores: busy / cores = {busy / cores:.1f} s of wall time, whatever the schedule")
    print(f"  make test in {AIM_SECONDS} s leaves pytest at most {AIM_SECONDS} s even if creating .venv and linting took no time: "
          f"at most {AIM_SECONDS * cores:.0f} core-s of work, {max(0.0, 1 - AIM_SECONDS * cores / busy):.0%} less than now")
    if parts:
        total = sum(p.busy for p in parts)
        print("\nEach part alone (one process; its own builds and browser may use both cores):")
        print(f"  {'part':<40} {'wall s':>7} {'busy core-s':>12} {'share':>6}")
        for p in parts:
            print(f"  {p.label:<40} {p.wall:7.1f} {p.busy:12.1f} {p.busy / total:6.0%}")
        print(f"  {'all parts':<40} {sum(p.wall for p in parts):7.1f} {total:12.1f}")
    print(f"\nload average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
