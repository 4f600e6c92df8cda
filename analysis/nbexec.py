"""Execute one notebook in its own process (a worker of the book build's parallel execution).

``python -m analysis.nbexec IN.ipynb OUT.ipynb CWD TIMEOUT ALLOW_ERRORS``

Runs the notebook as myst-nb's cache mode does (nbclient, with the notebook's own
``execution`` metadata overriding timeout and allow_errors), writes the executed
notebook to OUT and exits 0; on a failing cell writes the traceback to stderr and
exits 1. :mod:`analysis.buildtools` starts one such process per notebook to run, at
most one per core, each with its own ``KETAMINE_REVIEW_READS`` log (the kernel
inherits the environment, so every data file the notebook reads is recorded).

Kept apart from :mod:`analysis.buildtools` so that a worker imports only nbclient,
not pandas.
"""

from __future__ import annotations

import json
import sys
import time
import traceback


def main(argv: list[str]) -> int:
    # What jupyter_cache.executors.utils.single_nb_execution does (myst-nb's cache mode),
    # without importing jupyter-cache (and SQLAlchemy) in every worker.
    import nbformat
    from nbclient import execute
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    source, target, cwd, timeout, allow_errors = argv
    nb = nbformat.read(source, as_version=4)
    timeout_s, allow = int(timeout) or None, allow_errors == "1"
    if "execution" in nb.metadata:  # per-notebook overrides, as myst-nb allows
        timeout_s = nb.metadata.execution.get("timeout", timeout_s)
        allow = nb.metadata.execution.get("allow_errors", allow)
    started = time.perf_counter()
    try:
        execute(nb, cwd=cwd, timeout=timeout_s, allow_errors=allow, record_timing=False)
    except (CellExecutionError, CellTimeoutError):
        sys.stderr.write(traceback.format_exc())
        return 1
    nbformat.write(nb, target)
    print(json.dumps({"seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
