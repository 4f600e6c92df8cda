"""Time and measure the ``pool`` command on CSV files of increasing size, and pool() itself.

    python benchmarks/pool.py [--sizes 1000 100000 1000000] [--measure RR] [--repeat N] [--skip-function]

1. The command, ``python -m analysis pool FILE.csv --measure RR --json``, each run in a
   child process, on generated files of 10^3 ... 10^6 studies (columns ``study, e1, n1,
   e2, n2``; RR and OR; ``m1, sd1, n1, m2, sd2, n2`` for MD/SMD; ``yi, vi`` for GEN):
   the best wall time of ``--repeat`` runs and the child's peak resident memory
   (``ru_maxrss`` from ``os.wait4``, the child started from a small spawner process).  ``--help`` is the start-up cost; a file of 10
   rows the fixed cost of pooling (scipy too); "RSS B/row" is the peak memory above that
   per study, to compare with the file's bytes per row.  The command reads the file as a stream and keeps
   8 bytes per needed cell, then the effects ``yi, vi``; what still grows with the number
   of studies is that and pool()'s own arrays (it needs every study for REML).
2. The time to report a bad line 2 in the largest file (the same file with line 2
   broken): the command must stop there, not read the rest.
3. (unless ``--skip-function``) pool() in-process: best and median wall time of
   ``pool(yi, vi, method="REML", ci="hk")`` (with the Q-profile tau^2 interval and the
   prediction interval) and of ``tau2_reml`` alone, for k = 10, 1,000 and 100,000
   effects simulated with tau^2 = 0.05 and vi ~ U[0.01, 0.2] (fixed seed).

This prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.stats.pooling import pool, tau2_reml  # noqa: E402
from analysis.tools.cli_pool import MEASURES  # noqa: E402


# --------------------------------------------------------------------------
# the command on CSV files
# --------------------------------------------------------------------------
def write_csv(path: Path, k: int, measure: str, bad_line_2: bool = False, seed: int = 20240501) -> None:
    """``k`` studies for ``measure`` (plus a ``study`` label), written 100,000 rows at a time."""
    rng = np.random.default_rng(seed)
    cols = MEASURES[measure]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(["study", *cols]) + "\n")
        for start in range(0, k, 100_000):
            m = min(100_000, k - start)
            if measure == "GEN":
                vi = rng.uniform(0.01, 0.2, m)
                data = [rng.normal(-0.3, np.sqrt(0.05 + vi)).round(5), vi.round(5)]
            elif measure == "PLO":
                n = rng.integers(20, 400, m)
                data = [rng.binomial(n, 0.3), n]
            elif measure in ("MD", "SMD"):
                n1, n2 = rng.integers(10, 200, m), rng.integers(10, 200, m)
                data = [rng.normal(50, 5, m).round(2), rng.uniform(5, 15, m).round(2), n1,
                        rng.normal(47, 5, m).round(2), rng.uniform(5, 15, m).round(2), n2]
            else:  # RR, OR
                n1, n2 = rng.integers(20, 400, m), rng.integers(20, 400, m)
                data = [rng.binomial(n1, 0.25), n1, rng.binomial(n2, 0.35), n2]
            rows = [",".join([f"Study {start + i + 1}", *map(str, vals)]) for i, vals in enumerate(zip(*(d.tolist() for d in data)))]
            if bad_line_2 and start == 0:
                rows[0] = rows[0].rsplit(",", 1)[0] + ",not-a-number"
            f.write("\n".join(rows) + "\n")


# Runs in a small interpreter of its own: a child's ru_maxrss starts at its parent's resident
# size (fork copies the page tables; vfork shares the parent's high-water mark until exec), so
# children started from this process, which holds numpy and has written big files, would report
# this process's peak instead of their own.
_SPAWNER = r"""
import os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - t0
proc.returncode = code = os.waitstatus_to_exitcode(status)
print(wall, usage.ru_maxrss, code)
sys.stdout.write(err.decode("utf-8", "replace"))
"""


def run_child(args: list[str]) -> tuple[float, int, int, str]:
    """Run ``python -m analysis ARGS``; (wall seconds, peak RSS in bytes, exit code, stderr)."""
    r = subprocess.run(
        [sys.executable, "-S", "-c", _SPAWNER, sys.executable, "-m", "analysis", *args],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    first, _, message = r.stdout.partition("\n")
    wall, maxrss, code = first.split()
    rss = int(maxrss) * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB on Linux
    return float(wall), rss, int(code), message.strip()


def best_of(args: list[str], repeat: int) -> tuple[float, int, int, str]:
    runs = [run_child(args) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2], runs[-1][3]


def bench_command(sizes: list[int], measure: str, repeat: int) -> None:
    print(f"\n1. python -m analysis pool FILE.csv --measure {measure} --json  (best of {repeat}; peak RSS of the child)")
    print(f"{'rows':>9}  {'file MB':>8}  {'file B/row':>10}  {'wall (s)':>9}  {'peak RSS MB':>11}  {'RSS B/row above 10 rows':>23}")
    wall, rss, code, _ = best_of(["pool", "--help"], repeat)
    assert code == 0
    print(f"{'--help':>9}  {'':>8}  {'':>10}  {wall:>9.3f}  {rss / 1e6:>11.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        base = 0
        for k in [10, *sizes]:  # 10 rows: the fixed cost of pooling (interpreter, numpy, scipy)
            path = Path(tmp) / f"studies_{k}.csv"
            write_csv(path, k, measure)
            size = path.stat().st_size
            wall, rss, code, err = best_of(["pool", str(path), "--measure", measure, "--json"], repeat)
            if code != 0:
                raise SystemExit(f"the command failed on {path}: {err}")
            base = base or rss
            per_row = f"{(rss - base) / k:>23.1f}" if k > 10 else ""
            print(f"{k:>9}  {size / 1e6:>8.2f}  {size / k:>10.1f}  {wall:>9.3f}  {rss / 1e6:>11.1f}  {per_row}")
            path.unlink()
        k = max(sizes)
        path = Path(tmp) / f"bad_line_2_{k}.csv"
        write_csv(path, k, measure, bad_line_2=True)
        wall, rss, code, err = best_of(["pool", str(path), "--measure", measure], repeat)
        print(f"\n2. bad line 2 in a file of {k} rows ({path.stat().st_size / 1e6:.1f} MB): exit {code} after {wall:.3f} s, "
              f"peak RSS {rss / 1e6:.1f} MB")
        print(f"   {err.replace(str(path), path.name)}")


# --------------------------------------------------------------------------
# pool() in-process
# --------------------------------------------------------------------------
def simulate(k: int, seed: int = 20240501) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.2, size=k)
    yi = rng.normal(-0.3, np.sqrt(0.05 + vi))
    return yi, vi


def timeit(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_function(repeat: int) -> None:
    print(f"\n3. pool() in-process (best and median of {repeat})")
    print(f"{'k':>8}  {'pool best (s)':>14}  {'pool median (s)':>16}  {'tau2_reml best (s)':>19}  {'tau2':>8}")
    for k in (10, 1_000, 100_000):
        yi, vi = simulate(k)
        pool(yi, vi, method="REML", ci="hk")  # warm-up
        tp = timeit(lambda: pool(yi, vi, method="REML", ci="hk"), repeat)
        tr = timeit(lambda: tau2_reml(yi, vi), repeat)
        print(f"{k:>8}  {min(tp):>14.5f}  {statistics.median(tp):>16.5f}  {min(tr):>19.5f}  {tau2_reml(yi, vi):>8.4f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000], help="rows of the generated files")
    ap.add_argument("--measure", type=str.upper, choices=list(MEASURES), default="RR")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-function", action="store_true", help="do not time pool() in-process")
    args = ap.parse_args(argv)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU(s), {platform.machine()}, {platform.system()}")
    bench_command(sorted(args.sizes), args.measure, args.repeat)
    if not args.skip_function:
        bench_function(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
