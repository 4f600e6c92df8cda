"""Time REML pooling for k = 10, 1,000 and 100,000 effects.

    python benchmarks/pool.py [--repeat N]

Prints one line per k: the best and median wall time of ``pool(yi, vi,
method="REML", ci="hk")`` (which also computes the Q-profile tau^2 interval
and the prediction interval) and of ``tau2_reml`` alone.  Effects are
simulated from the random-effects model with tau^2 = 0.05 and
within-study variances drawn uniformly from [0.01, 0.2] (fixed seed).
This prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.stats.pooling import pool, tau2_reml  # noqa: E402


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU(s), {platform.machine()}")
    print(f"{'k':>8}  {'pool best (s)':>14}  {'pool median (s)':>16}  {'tau2_reml best (s)':>19}  {'tau2':>8}")
    for k in (10, 1_000, 100_000):
        yi, vi = simulate(k)
        pool(yi, vi, method="REML", ci="hk")  # warm-up
        tp = timeit(lambda: pool(yi, vi, method="REML", ci="hk"), args.repeat)
        tr = timeit(lambda: tau2_reml(yi, vi), args.repeat)
        print(f"{k:>8}  {min(tp):>14.5f}  {statistics.median(tp):>16.5f}  {min(tr):>19.5f}  {tau2_reml(yi, vi):>8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
