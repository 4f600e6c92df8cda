"""The book build: strict, and never stale.

Two parts.

1. A Sphinx extension (listed in ``_config.yml`` under ``sphinx.extra_extensions``)
   that keys every executed page on the inputs it read. Sphinx on its own re-reads
   a page only when the page's source file changes, so a changed CSV would leave
   old numbers in place. Here, while a notebook executes, :mod:`analysis.data`
   logs each data file it reads (through the ``KETAMINE_REVIEW_READS`` variable,
   which the kernel inherits); the extension stores a SHA-256 of each of those
   files, of every module of the ``analysis`` package and of ``requirements.lock``.
   On the next build, a page whose stored hashes differ from the files' current
   contents is re-read and re-executed (Sphinx's ``env-get-outdated`` event). A
   notebook that logged no data read is keyed on every file in ``data/``.

2. :func:`main` (``python -m analysis build``, which ``make book`` runs): runs
   ``jupyter-book build`` with ``-W -n --keep-going``, keeps the whole log in
   ``_build/build.log``, prints the execution tracebacks of failing notebooks, and
   after any failure deletes Sphinx's saved environment so that the next build
   re-reads every page instead of passing on a page it did not re-read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .data import READS_LOG_ENV

STATE_ATTR = "ketamine_inputs"
# Set to 1 to switch the input tracking off (used only to show that the
# never-stale test fails without it).
DISABLE_ENV = "KETAMINE_REVIEW_NO_INPUT_TRACKING"


# --------------------------------------------------------------------------
# Fingerprints


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes ('missing' if it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def code_inputs(root: Path) -> list[Path]:
    """Inputs of every executed page: the analysis package and the environment lock."""
    package = Path(__file__).resolve().parent
    return sorted(package.rglob("*.py")) + [root / "requirements.lock"]


def fingerprint(paths: list[Path], root: Path) -> dict[str, str]:
    """{path relative to the book root (or absolute, if outside it): SHA-256}."""
    out = {}
    for path in paths:
        path = path.resolve()
        try:
            key = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            key = path.as_posix()
        out[key] = sha256_file(path)
    return out


def changed_inputs(stored: dict[str, str], root: Path) -> list[str]:
    """The stored inputs whose current contents differ from their stored hash."""
    changed = []
    for key, digest in stored.items():
        path = Path(key) if Path(key).is_absolute() else root / key
        if sha256_file(path) != digest:
            changed.append(key)
    return changed


# --------------------------------------------------------------------------
# Sphinx extension


def _reads_log(app: Any, docname: str) -> Path:
    folder = Path(app.doctreedir) / "ketamine-inputs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (docname.replace("/", "__") + ".reads")


def _is_notebook(app: Any, docname: str, source: str) -> bool:
    path = str(app.env.doc2path(docname))
    return path.endswith(".ipynb") or "kernelspec:" in source[:2000]


def _on_source_read(app: Any, docname: str, source: list[str]) -> None:
    if os.environ.get(DISABLE_ENV) == "1" or not _is_notebook(app, docname, source[0]):
        return
    log = _reads_log(app, docname)
    log.write_text("", encoding="utf-8")
    os.environ[READS_LOG_ENV] = str(log)
    app.env.ketamine_executing = docname


def _on_doctree_read(app: Any, doctree: Any) -> None:
    env = app.env
    docname = env.docname
    if getattr(env, "ketamine_executing", None) != docname:
        return
    env.ketamine_executing = None
    os.environ.pop(READS_LOG_ENV, None)
    root = Path(app.srcdir)
    log = _reads_log(app, docname)
    reads = sorted({Path(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()})
    if not reads:  # nothing logged: key on all the data, to be safe
        reads = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    state = getattr(env, STATE_ATTR, None)
    if state is None:
        state = {}
        setattr(env, STATE_ATTR, state)
    state[docname] = fingerprint(reads + code_inputs(root), root)


def _on_env_get_outdated(app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    if os.environ.get(DISABLE_ENV) == "1":
        return []
    root = Path(app.srcdir)
    state = getattr(env, STATE_ATTR, {}) or {}
    outdated = []
    for docname, stored in sorted(state.items()):
        if docname in added or docname in changed or docname in removed or docname not in env.all_docs:
            continue
        differ = changed_inputs(stored, root)
        if differ:
            outdated.append(docname)
            print(f"[inputs] re-executing {docname}: changed {', '.join(differ)}", flush=True)
    return outdated


def _on_env_purge_doc(app: Any, env: Any, docname: str) -> None:
    getattr(env, STATE_ATTR, {}).pop(docname, None)


def _on_env_merge_info(app: Any, env: Any, docnames: set[str], other: Any) -> None:
    state = getattr(env, STATE_ATTR, None)
    if state is None:
        state = {}
        setattr(env, STATE_ATTR, state)
    for docname in docnames:
        if docname in getattr(other, STATE_ATTR, {}):
            state[docname] = getattr(other, STATE_ATTR)[docname]


def setup(app: Any) -> dict[str, Any]:
    """Register the input tracking with Sphinx."""
    app.connect("source-read", _on_source_read)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("env-get-outdated", _on_env_get_outdated)
    app.connect("env-purge-doc", _on_env_purge_doc)
    app.connect("env-merge-info", _on_env_merge_info)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------
# Build driver


def jupyter_book_command(root: Path) -> list[str]:
    """The strict build command: warnings are errors, all of them reported."""
    exe = Path(sys.executable).parent / "jupyter-book"
    return [str(exe), "build", str(root), "--path-output", str(root), "-W", "-n", "--keep-going"]


def print_execution_reports(build_dir: Path) -> None:
    """Print the traceback logs that myst-nb writes for failing notebooks."""
    reports = sorted((build_dir / "html" / "reports").rglob("*.log")) if (build_dir / "html" / "reports").is_dir() else []
    for report in reports:
        print(f"\n===== execution report: {report} =====", flush=True)
        print(report.read_text(encoding="utf-8", errors="replace"), flush=True)


def main(root: str | Path = ".") -> int:
    """Build the book in ``root`` into ``root/_build/html``; return the exit code."""
    root = Path(root).resolve()
    build_dir = root / "_build"
    build_dir.mkdir(exist_ok=True)
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env.pop(READS_LOG_ENV, None)
    started = time.perf_counter()
    with open(build_dir / "build.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            jupyter_book_command(root), cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            log.write(line)
        code = process.wait()
    elapsed = time.perf_counter() - started
    if code != 0:
        print_execution_reports(build_dir)
        # A failed build must not leave a saved environment behind: the next
        # build would skip the pages it thinks are up to date and could pass.
        shutil.rmtree(build_dir / ".doctrees", ignore_errors=True)
        print(f"\nBUILD FAILED (exit {code}) after {elapsed:.1f} s; full log in {build_dir / 'build.log'}", flush=True)
        return code
    print(f"\nBuilt {build_dir / 'html' / 'index.html'} in {elapsed:.1f} s", flush=True)
    return 0
