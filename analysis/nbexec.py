"""Execute one notebook in its own process (a worker of the book build's parallel execution).

``python -m analysis.nbexec IN.ipynb OUT.ipynb CWD TIMEOUT ALLOW_ERRORS``

Runs the notebook with the same function myst-nb's cache mode uses
(:func:`jupyter_cache.executors.utils.single_nb_execution`), writes the executed
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


def main(argv: list[str]) -> int:
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    source, target, cwd, timeout, allow_errors = argv
    nb = nbformat.read(source, as_version=4)
    result = single_nb_execution(nb, cwd=cwd, timeout=int(timeout), allow_errors=allow_errors == "1", meta_override=True)
    if result.err is not None:
        sys.stderr.write(result.exc_string or repr(result.err))
        return 1
    nbformat.write(result.nb, target)
    print(json.dumps({"seconds": result.time}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
