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

   The same extension executes, before Sphinx reads them, the notebooks it is about
   to read, in parallel (one kernel per core, driven by nbclient from this process), and
   stores each executed notebook in myst-nb's jupyter-cache, from which myst-nb
   then takes the outputs (``execute_notebooks: cache``). jupyter-cache keys a
   notebook on its code cells only, so it is never trusted alone: each executed
   notebook also gets a manifest (``_build/.ketamine-exec/``) of the SHA-256 of
   everything it read, and a notebook whose manifest differs from the files is
   executed again and its cache record overwritten. A notebook that fails in a
   worker has its cache record removed, so myst-nb executes it again itself and
   reports the error as usual. The extension also sets the kernels' environment
   for reproducible figures (``matplotlibrc``, ``SOURCE_DATE_EPOCH``,
   ``PYTHONHASHSEED``) and, after an HTML build, copies the data files and the
   vendored MathJax into the site.

2. :func:`main` (``python -m analysis build``, which ``make book`` runs): runs
   ``jupyter-book build`` with ``-W -n --keep-going``, keeps the whole log in
   ``_build/build.log``, prints the execution tracebacks of failing notebooks, and
   after any failure deletes Sphinx's saved environment so that the next build
   re-reads every page instead of passing on a page it did not re-read. With
   ``--pdf`` (``make book``) it then prints the whole book to one PDF
   (:mod:`analysis.tools.book_pdf`), which the pages' download menu links.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from analysis.data.load import READS_LOG_ENV
from analysis.tools.notebooks import code_files, is_text_notebook

STATE_ATTR = "ketamine_inputs"
STATIC_ATTR = "ketamine_static"  # fingerprint of html_static_path when the pages were written
# Set to 1 to switch the input tracking off (used only to show that the
# never-stale test fails without it).
DISABLE_ENV = "KETAMINE_REVIEW_NO_INPUT_TRACKING"
# Number of notebooks executed at once (default: the number of cores + 1).
JOBS_ENV = "KETAMINE_REVIEW_JOBS"
NO_ZYGOTE_ENV = "KETAMINE_REVIEW_NO_ZYGOTE"  # "1": start every kernel from nothing (no warm zygote)
EXEC_DIR = ".ketamine-exec"  # in _build/: one manifest per executed notebook
# Files served with the site, next to the pages: data/<these> -> _build/html/data/
DATA_SUFFIXES = (".csv", ".json", ".bib")


# --------------------------------------------------------------------------
# Fingerprints


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes ('missing' if it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def code_inputs(root: Path, page_source: str) -> list[Path]:
    """Code inputs of one executed page: the modules of ``analysis`` it can run
    (:func:`analysis.tools.notebooks.code_files`), the environment lock, and the two files every
    kernel reads at start (``matplotlibrc`` and ``tools/kernel_startup.py``)."""
    return code_files(page_source) + [root / "requirements.lock", root / "matplotlibrc", root / "tools" / "kernel_startup.py"]


def input_key(path: Path, root: Path) -> str:
    """How an input is named in a fingerprint: its path relative to the book root (or absolute, if outside it)."""
    path = path.resolve()
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def fingerprint(paths: list[Path], root: Path) -> dict[str, str]:
    """{:func:`input_key`: SHA-256} of each path."""
    return {input_key(path, root): sha256_file(path.resolve()) for path in paths}


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
    return path.endswith(".ipynb") or is_text_notebook(source)


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
    state = getattr(env, STATE_ATTR, None)
    if state is None:
        state = {}
        setattr(env, STATE_ATTR, state)
    manifest = _load_manifest(app, docname)
    if not reads and manifest is not None and not changed_inputs(manifest["inputs"], root):
        # myst-nb took the outputs from the cache that the parallel execution filled
        state[docname] = {k: v for k, v in manifest["inputs"].items() if k != manifest["source"]}
        return
    if not reads:  # nothing logged: key on all the data, to be safe
        reads = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    source = Path(env.doc2path(docname)).read_text(encoding="utf-8")
    state[docname] = fingerprint(reads + code_inputs(root, source), root)


def static_files(app: Any) -> list[Path]:
    """The files of ``html_static_path`` (the site's CSS and scripts), as Sphinx copies them."""
    files: list[Path] = []
    for entry in getattr(app.config, "html_static_path", None) or []:
        base = Path(app.confdir) / entry
        files += sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
    return files


def _static_outdated(app: Any, env: Any) -> bool:
    """Whether the static files changed since the pages were written (and remember them).

    Sphinx copies ``html_static_path`` only when it writes at least one page: with no
    page out of date it stops early ("no targets are out of date"), so a changed
    stylesheet would never reach the site, and each page links its stylesheet with a
    checksum (``?v=``) computed when the page is written. So a change to any static file
    re-writes every page (re-read from the execution cache; no notebook runs again).
    """
    current = fingerprint(static_files(app), Path(app.srcdir))
    stored = getattr(env, STATIC_ATTR, None)
    setattr(env, STATIC_ATTR, current)
    if stored is None and not env.all_docs:
        return False  # first build: everything is written anyway
    return stored != current


def _on_env_get_outdated(app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    if os.environ.get(DISABLE_ENV) == "1":
        return []
    root = Path(app.srcdir)
    if _static_outdated(app, env):
        print("[inputs] static files (html_static_path) changed: writing every page again", flush=True)
        return sorted(set(env.all_docs) - added - changed - removed)
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


# --------------------------------------------------------------------------
# Parallel execution, feeding myst-nb's jupyter-cache


def _manifest_path(app: Any, docname: str) -> Path:
    return Path(app.outdir).parent / EXEC_DIR / (docname.replace("/", "__") + ".json")


def _load_manifest(app: Any, docname: str) -> dict[str, Any] | None:
    try:
        return json.loads(_manifest_path(app, docname).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _read_notebook(app: Any, env: Any, path: Path, text: str) -> tuple[Any, Any] | None:
    """The notebook as myst-nb will see it (same reader, kernel aliases and per-notebook config)."""
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
    if reader is None:
        return None
    nb = reader.read(text)
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel is not None:
        for rgx, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(rgx, kernel):
                nb.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in nb.metadata:
        overrides = nb_node_to_dict(nb.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        try:
            nb_config = nb_config.copy(**overrides)
        except Exception:  # myst-nb itself warns about it when it reads the page
            pass
    return nb, nb_config


def _cache_record(cache: Any, nb: Any) -> Any:
    try:
        return cache.match_cache_notebook(nb)
    except KeyError:
        return None


def _kernel_environment(root: Path) -> dict[str, str]:
    """Environment variables that make the kernels' output reproducible."""
    return {
        "MPLBACKEND": "Agg",
        "MATPLOTLIBRC": str(root / "matplotlibrc"),
        "SOURCE_DATE_EPOCH": "0",  # matplotlib's SVG/PDF Date metadata
        # escapes HTML in pandas Styler tables (text from the data is shown, never run)
        "PYTHONSTARTUP": str(root / "tools" / "kernel_startup.py"),
        "PYTHONHASHSEED": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def data_label(root: Path) -> tuple[str, str]:
    """The data version (as readers should cite it) and its date, from ``data/datapackage.json`` ('unversioned', '' without one)."""
    try:
        descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unversioned", ""
    from analysis.pages.changes import version_label

    # '0.2.0' when the data are that release byte for byte, else '0.2.0 with changes not yet released'
    return version_label(root / "data"), str(descriptor.get("created") or "")[:10]


# ``repository.url`` of ``_config.yml`` while the book's repository has no public address. While it holds this
# placeholder (or nothing), no page links to it (a dead link): the launch buttons (Binder and Colab open the
# repository) and the repository button are left out of the header, and the footer and the About page say that
# the repository has no public address yet. Setting the real address there changes every one of these places.
PLACEHOLDER_REPOSITORY = "https://github.com/OWNER/REPOSITORY"
UNPUBLISHED_REPOSITORY = "The repository of its source and data has no public address yet."


def public_repository(url: object) -> str:
    """The repository's public address from ``repository.url`` ('' while it is the placeholder or empty)."""
    text = str(url or "").strip().rstrip("/")
    return "" if not text or text.lower() == PLACEHOLDER_REPOSITORY.lower() else text


def version_span(version: str) -> str:
    """The data version as pages show it ({{ data_version }}): an element the page writer can find."""
    from html import escape

    return f'<span class="review-data-version">{escape(version)}</span>'


def footer_html(repository: str, version: str, date: str) -> str:
    """The line at the foot of every page (printed too): the data version and date, the repository (or that it
    has no public address yet), not medical advice."""
    from html import escape

    dated = f" of {escape(date)}" if date else ""
    source = (f' Source and data: <a href="{escape(repository, quote=True)}">{escape(repository)}</a>.' if repository
              else f" {UNPUBLISHED_REPOSITORY}")
    return (f'<p class="review-footer">Ketamine for Chronic Pain, data version {version_span(version)}{dated}.{source} '
            "An evidence review, not medical advice.</p>")


FIGURE_FILE = re.compile(r"figure-[0-9a-f]{16}\.(?:svg|png)")  # a figure file, named by its content (analysis/tools/numbering.py)


def remove_unused_figures(out: Path, shown: set[str]) -> list[str]:
    """Delete the figure files of ``out/_images`` that are not in ``shown`` (the figure files the built pages name);
    return their names.

    A figure file is named by its content, so a changed figure is a new file; the old one, left by an earlier
    build, would otherwise be published with the site for ever."""
    folder = out / "_images"
    if not folder.is_dir():
        return []
    unused = sorted(p.name for p in folder.iterdir() if FIGURE_FILE.fullmatch(p.name) and p.name not in shown)
    for name in unused:
        (folder / name).unlink()
    return unused


VERSION_SPAN = re.compile(r'<span class="review-data-version">[^<]*</span>')


def relabelled(text: str, version: str) -> str:
    """A built page's text with every data version it names (footer and text: :func:`version_span`) made ``version``.

    The configuration holds the released version only (a change to it would make Sphinx write, or read, every
    page again); whether the data differ from that release is known only at the end of the build, and every page
    must say so, those Sphinx wrote in this build and those it kept from an earlier one alike (:func:`finish_site`)."""
    shown = version_span(version)
    return VERSION_SPAN.sub(lambda _m: shown, text)


@dataclass
class Finished:
    """What :func:`finish_site` did: how many pages it rewrote, and the figure files it removed."""

    rewritten: int
    removed_figures: list[str]


def finish_site(out: Path, version: str) -> Finished:
    """The last changes to the built site ``out``, in one pass over its pages (each read once, rewritten only if it
    changed): the accessibility repairs of the theme's and docutils' HTML (axe-core findings; ``html_fixes.repair``),
    the data version ``version`` (:func:`relabelled`); then the figure files no page names are removed
    (:func:`remove_unused_figures`), and Font Awesome's script, which no page loads any more."""
    from analysis.tools.html_fixes import drop_icon_script, repair, rewrite_pages

    shown: set[str] = set()

    def finish(text: str) -> str:
        text = relabelled(repair(text), version)
        shown.update(FIGURE_FILE.findall(text))
        return text

    rewritten = rewrite_pages(out, finish)
    drop_icon_script(out)
    return Finished(rewritten, remove_unused_figures(out, shown))


def _on_config_inited(app: Any, config: Any) -> None:
    """The repository address (``repository.url`` of ``_config.yml``, its one place) and the data version, shown on
    every page's foot and available to pages as the substitutions ``{{ repository }}`` ("the repository at <link>",
    or that it has no public address yet: :func:`public_repository`) and ``{{ repository_url }}``."""
    options = dict(config.html_theme_options or {})
    repository = public_repository(options.get("repository_url"))
    version, date = data_label(Path(app.srcdir))
    from analysis.pages.changes import UNRELEASED

    released = version.removesuffix(f" {UNRELEASED}")
    options["extra_footer"] = footer_html(repository, released, date)  # " with changes not yet released": finish_site
    config.html_theme_options = options
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.setdefault("repository", f"the repository at [{repository}]({repository})" if repository
                             else "the book's repository, which has no public address yet")
    substitutions.setdefault("repository_url", f"[{repository}]({repository})" if repository else "(no public address yet)")
    # The data version as readers should cite it, computed once per build (it compares every data file with the
    # release it names): a page shows it as {{ data_version }}, and executes again only when its own inputs change.
    # The substitution and the footer (configuration values: a change makes Sphinx read, or write, every page again)
    # hold the released version only, which changes with a release; " with changes not yet released" is added to
    # every page of the built site at the end of the build (finish_site, from _on_build_finished).
    substitutions["data_version"] = version_span(released)
    config.myst_substitutions = substitutions
    app.ketamine_review_data_version = (version, released)  # read by _on_build_finished and the data page
    # python -m analysis build --pdf prints the whole book after this run: the pages link the PDF (never otherwise:
    # no link to a file that is not there). A change rewrites every page (the value is registered as "html").
    from analysis.tools.book_pdf import LINK_ENV

    config.review_book_pdf = os.environ.get(LINK_ENV) == "1"


def _on_builder_inited(app: Any) -> None:
    # Set once Sphinx has read its configuration (which would otherwise take the
    # copyright year from SOURCE_DATE_EPOCH), so that kernels started by myst-nb
    # itself inherit it too.
    for key, value in _kernel_environment(Path(app.srcdir)).items():
        if key in ("MATPLOTLIBRC", "PYTHONSTARTUP") and not Path(value).is_file():
            continue
        os.environ.setdefault(key, value)


def _warm_kernel_manager_class() -> type:
    """A jupyter_client kernel manager whose Python kernels start through ``kernel_launch.py``
    (forked from the warm zygote when one is running; an ordinary kernel otherwise)."""
    from jupyter_client.manager import AsyncKernelManager

    launcher = str(Path(__file__).with_name("kernel_launch.py"))

    class WarmKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> Any:
            spec = AsyncKernelManager.kernel_spec.fget(self)  # type: ignore[attr-defined]
            if spec is not None and "ipykernel_launcher" in spec.argv:
                at = spec.argv.index("ipykernel_launcher")
                if at >= 1 and spec.argv[at - 1] == "-m":
                    spec.argv = [sys.executable, "-I", "-S", launcher, *spec.argv[at + 1 :]]
            return spec

    return WarmKernelManager


class Zygote:
    """The warm zygote (:mod:`analysis.tools.kernel_zygote`) for one round of executions.

    Started in ``cwd`` (the pages' folder) with this process's environment, which holds the
    kernels' settings (see :func:`_on_builder_inited`); :attr:`socket` is None when it could not
    start, and kernels then start from nothing.
    """

    def __init__(self, cwd: Path, work: Path) -> None:
        import tempfile

        self.socket: str | None = None
        self.folder = tempfile.mkdtemp(prefix="ketamine-zygote-")  # a short path: Unix socket names are limited
        path = os.path.join(self.folder, "kernels.sock")
        self.log = open(work / "zygote.log", "w", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in (READS_LOG_ENV, "KETAMINE_REVIEW_ZYGOTE")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analysis.tools.kernel_zygote", path], cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "ready", once it has imported what kernels import
        if line.startswith("ready") and os.path.exists(path):
            self.socket = path
            print(f"[execute] warm kernels: {line.strip()}", flush=True)
        else:
            print("[execute] the warm kernel zygote did not start (see _build/.ketamine-exec/zygote.log); kernels start from nothing", flush=True)
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.socket = None


async def _execute_notebooks(jobs: list[dict[str, Any]], workers: int) -> None:
    """Execute the jobs' notebooks, ``workers`` kernels at a time, in this process.

    Each kernel gets its own ``KETAMINE_REVIEW_READS`` log in its environment, so the
    data files each notebook reads are recorded separately. nbclient runs them as myst-nb
    does (the notebook's ``execution`` metadata may override timeout and allow_errors).
    """
    import asyncio
    import copy
    import traceback

    from nbclient import NotebookClient

    gate = asyncio.Semaphore(workers)
    manager_class = _warm_kernel_manager_class()

    async def run(job: dict[str, Any]) -> None:
        async with gate:
            nb = copy.deepcopy(job["nb"])
            timeout, allow = job["timeout"], job["allow_errors"]
            if "execution" in nb.metadata:
                timeout = nb.metadata.execution.get("timeout", timeout)
                allow = nb.metadata.execution.get("allow_errors", allow)
            client = NotebookClient(
                nb, timeout=timeout, allow_errors=allow, record_timing=False, resources={"metadata": {"path": str(job["cwd"])}},
                kernel_manager_class=manager_class,
                # one stream output per cell and name, however the kernel happened to chunk it (else a
                # page could show a blank line in one build and not in the next)
                coalesce_streams=True,
                # The outputs are in hand when the last cell returns: stop the kernel at once
                # rather than wait for a graceful exit while holding a worker slot.
                shutdown_kernel="immediate",
            )
            started = time.perf_counter()
            try:
                await client.async_execute(env=dict(os.environ, **{READS_LOG_ENV: str(job["reads"])}))
                job.update(ok=True, executed=nb)
            except Exception:  # a failing cell, a dead kernel, a timeout: myst-nb reports it
                job.update(ok=False, error=traceback.format_exc())
            job["seconds"] = time.perf_counter() - started

    await asyncio.gather(*(run(job) for job in jobs))


def _on_env_before_read_docs(app: Any, env: Any, docnames: list[str]) -> None:
    """Execute, in parallel, the notebooks about to be read whose cached outputs are not fresh; then start computing
    results.json, collected when the build has finished (:func:`start_results_json`)."""
    _execute_outdated(app, env, docnames)
    if getattr(app.builder, "format", None) == "html" and data_files(Path(app.srcdir)):
        app.ketamine_review_results = start_results_json(Path(app.srcdir), Path(app.outdir).parent / EXEC_DIR)


def _execute_outdated(app: Any, env: Any, docnames: list[str]) -> None:
    """Execute, in parallel, the notebooks about to be read whose cached outputs are not fresh."""
    if os.environ.get(DISABLE_ENV) == "1" or getattr(env, "mystnb_config", None) is None:
        return
    if env.mystnb_config.execution_mode != "cache":
        return
    import asyncio

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = Path(app.srcdir)
    cache = get_cache(env.mystnb_config.execution_cache_path)
    work = Path(app.outdir).parent / EXEC_DIR
    work.mkdir(parents=True, exist_ok=True)
    jobs = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if path.suffix not in (".md", ".ipynb"):
            continue
        text = path.read_text(encoding="utf-8")
        if not _is_notebook(app, docname, text):
            continue
        read = _read_notebook(app, env, path, text)
        if read is None:
            continue
        nb, nb_config = read
        if nb_config.execution_mode != "cache" or any(
            PurePosixPath(path.as_posix()).match(p) for p in nb_config.execution_excludepatterns
        ):
            continue
        manifest = _load_manifest(app, docname)
        record = _cache_record(cache, nb)
        if manifest is not None and record is not None and not changed_inputs(manifest["inputs"], root):
            continue  # the cached outputs were made from exactly these inputs
        jobs.append({
            "docname": docname, "path": path, "nb": nb, "record": record,
            "reads": work / (docname.replace("/", "__") + ".reads"),
            "cwd": path.parent, "timeout": nb_config.execution_timeout or None,
            "allow_errors": bool(nb_config.execution_allow_errors),
            "expected": (manifest or {}).get("seconds", 0.0),
            "code": code_inputs(root, text),
        })
    if not jobs:
        return
    # One kernel more than there are cores: a starting kernel waits as much as it computes.
    workers = max(1, min(len(jobs), int(os.environ.get(JOBS_ENV) or (os.cpu_count() or 1) + 1)))
    jobs.sort(key=lambda j: -j["expected"])  # longest first
    for job in jobs:
        job["reads"].write_text("", encoding="utf-8")
    print(f"[execute] {len(jobs)} notebook(s), {workers} at a time: {', '.join(j['docname'] for j in jobs)}", flush=True)
    # Hash the inputs before the kernels read them: a file changed during the build
    # then differs from its manifest, and the next build runs the notebook again.
    before = fingerprint(
        sorted({p for p in (root / "data").rglob("*") if p.is_file()} | {c for j in jobs for c in j["code"]} | {j["path"] for j in jobs}), root
    )
    started = time.perf_counter()
    zygote = None if os.environ.get(NO_ZYGOTE_ENV) == "1" else Zygote(Path(jobs[0]["cwd"]), work)
    if zygote is not None and zygote.socket:
        os.environ["KETAMINE_REVIEW_ZYGOTE"] = zygote.socket
    try:
        asyncio.run(_execute_notebooks(jobs, workers))
    finally:
        os.environ.pop("KETAMINE_REVIEW_ZYGOTE", None)
        if zygote is not None:
            zygote.close()
    for job in jobs:
        if not job["ok"]:
            # Leave it to myst-nb: it executes the page again and reports the error.
            if job["record"] is not None:
                cache.remove_cache(job["record"].pk)
            _manifest_path(app, job["docname"]).unlink(missing_ok=True)
            print(f"[execute] {job['docname']} failed in {job['seconds']:.1f} s; myst-nb will run it again to report the error", flush=True)
            continue
        executed = job["executed"]
        nb = job["nb"]  # the notebook as myst-nb reads it, with the executed outputs
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        done_cells = [c for c in executed.cells if c.cell_type == "code"]
        for cell, done in zip(code_cells, done_cells):
            cell.outputs = done.outputs
            cell.execution_count = done.get("execution_count")
        if "language_info" in executed.metadata:
            nb.metadata["language_info"] = executed.metadata["language_info"]
        cache.cache_notebook_bundle(
            CacheBundleIn(nb, str(job["path"]), data={"execution_seconds": job["seconds"]}), check_validity=False, overwrite=True
        )
        reads = sorted({Path(line) for line in job["reads"].read_text(encoding="utf-8").splitlines() if line.strip()})
        if not reads:  # nothing logged: key on all the data, to be safe
            reads = sorted(p for p in (root / "data").rglob("*") if p.is_file())
        keys = list(dict.fromkeys(input_key(p, root) for p in [job["path"]] + reads + job["code"]))
        manifest = {
            "source": keys[0],
            "inputs": {k: before[k] if k in before else sha256_file(root / k) for k in keys},
            "seconds": job["seconds"],
        }
        _manifest_path(app, job["docname"]).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        read_names = ", ".join(sorted(k for k in manifest["inputs"] if k.startswith("data/"))) or "no data"
        print(f"[execute] {job['docname']}: {job['seconds']:.1f} s (read {read_names})", flush=True)
    print(f"[execute] done in {time.perf_counter() - started:.1f} s", flush=True)


# --------------------------------------------------------------------------
# Extra files of the HTML site


def data_files(root: Path) -> list[Path]:
    """The data files published with the site: ``datapackage.json`` and the resources it declares (CSV
    tables, references.bib), nothing else -- a hidden or undeclared file in ``data/`` is never served."""
    folder = root / "data"
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return []
    try:
        resources = json.loads(descriptor.read_text(encoding="utf-8-sig")).get("resources", [])
    except (ValueError, AttributeError):
        return []  # the validator reports a malformed descriptor; nothing is served from it
    declared: set[str] = {r["path"] for r in resources if isinstance(r, dict) and isinstance(r.get("path"), str)}
    files = [folder / "datapackage.json"] + [folder / p for p in declared if "/" not in p and not p.startswith(".")]
    return sorted(p for p in files if p.is_file() and p.suffix in DATA_SUFFIXES)


def positional_cell_ids(text: str) -> str:
    """A notebook (nbformat JSON) with each cell's id derived from its position (``cell-1``, ``cell-2``, ...).

    Jupytext and myst-nb give the cells of a text notebook random ids, so two builds of the same
    commit would serve different ``_sources/*.ipynb``; ids from positions make them byte-identical.
    """
    import nbformat

    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    if "cells" not in nb:
        return text
    for number, cell in enumerate(nb.cells, 1):
        cell["id"] = f"cell-{number}"
    if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) < 5:
        nb["nbformat_minor"] = 5  # cell ids exist from nbformat 4.5
    return str(nbformat.writes(nb))


def fix_cell_ids(folder: Path) -> None:
    """Give every notebook under ``folder`` positional cell ids (rewriting only those that change)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        fixed = positional_cell_ids(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def _data_index_html(files: list[Path], descriptor: dict[str, Any] | None = None, version: str = "", book_pdf: str = "") -> str:
    """The page listing the served data files: each with its title, description and size, the package's
    version and licence, and the whole book as one PDF (``book_pdf``, its address from this page) if it
    is made. Every text from the data is escaped (shown, never run)."""
    from html import escape

    descriptor = descriptor or {}
    described = {Path(str(r.get("path", ""))).name: r for r in descriptor.get("resources", []) if isinstance(r, dict)}
    extra = {
        "datapackage.json": {"title": "Schema", "description": "The data package: every table's fields, types, allowed values and rules (Frictionless Data Package)."},
        "results.json": {"title": "Results", "description": "Every synthesis of the book as data, computed from these files in this build (python -m analysis results --json)."},
    }
    rows = []
    for p in files:
        info = described.get(p.name) or extra.get(p.name) or {}
        title = escape(str(info.get("title") or p.name))
        text = escape(str(info.get("description") or ""))
        rows.append(
            f'<li><a href="{escape(p.name, quote=True)}">{escape(p.name)}</a> <span class="size">({p.stat().st_size:,} bytes)</span>'
            f"<br><strong>{title}</strong>" + (f". {text}" if text else "") + "</li>"
        )
    licences = "; ".join(
        f'<a href="{escape(str(lic.get("path", "")), quote=True)}">{escape(str(lic.get("title") or lic.get("name") or ""))}</a>'
        if lic.get("path") else escape(str(lic.get("title") or lic.get("name") or ""))
        for lic in descriptor.get("licenses", []) if isinstance(lic, dict)
    )
    about = escape(str(descriptor.get("description") or ""))
    items = "\n".join(rows)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Data files of the review</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222;background:#fff}"
        "a{color:#0a58ca}li{margin:0 0 .9rem}.size{color:#555}"
        "@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}a{color:#8ab4f8}.size{color:#bbb}}</style>"
        "</head><body>\n<main>\n"
        "<h1>Data files of the review</h1>\n"
        f"<p>Data version {escape(version or str(descriptor.get('version') or 'unversioned'))}"
        + (f", licensed under {licences}" if licences else "") + ". "
        "Every number of the book is computed from these files, in each build; each value records its source.</p>\n"
        + (f"<p>{about}</p>\n" if about else "")
        + f"<ul>\n{items}\n</ul>\n"
        + (f'<p>The whole book, with these data, as one PDF: <a href="{escape(book_pdf, quote=True)}">{escape(PurePosixPath(book_pdf).name)}</a>.</p>\n'
           if book_pdf else "")
        + "<p><a href=\"../index.html\">Back to the book</a></p>\n</main>\n</body></html>\n"
    )


RESULTS_CODE = "from analysis.pages.results import results"


# Computes results.json in a process of its own: python -c RESULTS_SCRIPT DATA_DIR OUTPUT_FILE (run in the book's root,
# so that it imports the book's own package).
RESULTS_SCRIPT = ("import json, sys; from analysis.pages.results import results; "
                  "text = json.dumps(results(sys.argv[1]), indent=1, ensure_ascii=False, allow_nan=False); "
                  "open(sys.argv[2], 'w', encoding='utf-8').write(text)")
ResultsJob = tuple[subprocess.Popen, dict[str, str], Path, Path]  # the process, the inputs it was started from, its output file, its reads log


def start_results_json(root: Path, work: Path) -> ResultsJob | None:
    """Start computing ``results.json`` (every synthesis of the book) in a process of its own, if its inputs changed
    since the last one was made (None: the file in ``work`` is up to date); :func:`results_json` collects it.

    Its inputs are the data files the results read (logged as a page's are), the modules of ``analysis`` that the
    results import, and the environment lock; they are hashed like a page's (before they are read), and the last file
    is kept in ``work`` with the hashes it was made from. Computing it takes about two seconds: the build starts it
    once the notebooks have run, so that it runs beside Sphinx reading and writing the pages, which keeps one core busy."""
    work.mkdir(parents=True, exist_ok=True)
    cached, manifest_path = work / "results.json", work / "results.inputs.json"
    try:
        stored = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        stored = None
    code = code_files(RESULTS_CODE) + [root / "requirements.lock"]
    if isinstance(stored, dict) and cached.is_file() and {input_key(c, root) for c in code} <= set(stored) and not changed_inputs(stored, root):
        return None
    manifest_path.unlink(missing_ok=True)
    inputs = fingerprint(sorted(p for p in (root / "data").rglob("*") if p.is_file()) + code, root)
    partial, reads = work / "results.json.partial", work / "results.reads"
    reads.write_text("", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-c", RESULTS_SCRIPT, str(root / "data"), str(partial)], cwd=root,
                               env=dict(os.environ, **{READS_LOG_ENV: str(reads)}), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, inputs, partial, reads


def results_json(root: Path, work: Path, started: ResultsJob | None | str = "not started") -> Path:
    """``results.json``, computed again only when its inputs changed: by the job ``started`` earlier
    (:func:`start_results_json`), or now. Raises if computing it failed, with the error."""
    if isinstance(started, str):
        started = start_results_json(root, work)
    cached, manifest_path = work / "results.json", work / "results.inputs.json"
    if started is None:
        return cached
    process, inputs, partial, reads = started
    _out, err = process.communicate()
    if process.returncode != 0:
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"computing the book's results (results.json) failed:\n{err[-4000:]}")
    partial.replace(cached)
    read = {input_key(Path(line), root) for line in reads.read_text(encoding="utf-8").splitlines() if line.strip()}
    if read:  # the data files it did not read are not its inputs (nothing logged: every data file stays one, to be safe)
        inputs = {k: v for k, v in inputs.items() if k in read or not k.startswith("data/")}
    manifest_path.write_text(json.dumps(inputs, indent=1, sort_keys=True), encoding="utf-8")
    return cached


def not_found_html(title: str) -> str:
    """A page for addresses that do not exist (served by GitHub Pages and most hosts as ``404.html`` at any depth).

    It needs nothing from the site (its style is inline), and its link finds the book's first page from
    wherever it is shown: a small script walks up the address until it finds the site's inventory (objects.inv)."""
    from html import escape

    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Page not found · {escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;"
        "color:#222;background:#fff}a{color:#0a58ca}@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}"
        "a{color:#8ab4f8}}</style></head><body>\n"
        "<h1>Page not found</h1>\n"
        f"<p>There is no page at this address in <em>{escape(title)}</em>. It may have been renamed or removed "
        "when the book was rebuilt.</p>\n"
        "<p><a id=\"home\" href=\"index.html\">Go to the book's first page</a>, and use its search or its "
        "table of contents.</p>\n"
        "<script>(async () => {const parts = location.pathname.split('/'); parts.pop();"
        " while (parts.length) {const base = parts.join('/') + '/';"
        " try {const r = await fetch(base + 'objects.inv'); await r.arrayBuffer();"
        " if (r.ok) {document.getElementById('home').href = base + 'index.html'; return;}} catch (e) {}"
        " parts.pop();}})();</script>\n"
        "</body></html>\n"
    )


def _on_build_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or getattr(app.builder, "format", None) != "html":
        started = getattr(app, "ketamine_review_results", None)
        if started is not None:  # the build failed: results.json is not served, and its manifest was removed
            started[0].kill()
            started[0].communicate()
        return
    from analysis.tools.book_pdf import PDF_NAME

    root, out = Path(app.srcdir), Path(app.outdir)
    # the label computed when the configuration was read (_on_config_inited): it compares every data file with its release
    version = app.ketamine_review_data_version[0] if hasattr(app, "ketamine_review_data_version") else data_label(root)[0]
    book_pdf = bool(getattr(app.config, "review_book_pdf", False))
    if not book_pdf:
        (out / PDF_NAME).unlink(missing_ok=True)  # an earlier build's PDF, which no page links now (and may be stale)
    for folder in (out / "_sources", out.parent / "jupyter_execute"):
        fix_cell_ids(folder)  # the same notebook, the same bytes, in every build
    files = data_files(root)
    if files:
        target = out / "data"
        target.mkdir(parents=True, exist_ok=True)
        served = {p.name for p in files} | {"results.json", "index.html"}
        for stale in target.iterdir():  # a file served by an earlier build and no longer declared
            if stale.name not in served:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        for path in files:
            shutil.copyfile(path, target / path.name)
        # Every synthesis of the book as data (python -m analysis results --json), computed from the same data now.
        started = getattr(app, "ketamine_review_results", "not started")  # (_on_env_before_read_docs)
        shutil.copyfile(results_json(root, out.parent / EXEC_DIR, started), target / "results.json")
        descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
        (target / "index.html").write_text(
            _data_index_html(files + [target / "results.json"], descriptor, version, f"../{PDF_NAME}" if book_pdf else ""), encoding="utf-8"
        )
    (out / "404.html").write_text(not_found_html(app.config.html_title or app.config.project), encoding="utf-8")
    mathjax = root / "theme" / "mathjax"
    if mathjax.is_dir():
        shutil.copytree(mathjax, out / "_static" / "mathjax", dirs_exist_ok=True)
    finish_site(out, version)


def _on_html_page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add "data files" to the download menu; point Colab at the generated notebook; keep thebe's scripts out when thebe is off.

    sphinx-thebe adds its configuration script twice (``const THEBE_JS_URL`` declared
    twice: an error in every page's console); with thebe switched off in the launch
    buttons the book needs none of it.
    """
    thebe_on = bool((app.config.html_theme_options or {}).get("launch_buttons", {}).get("thebe"))
    scripts, seen = [], set()
    for js in context.get("script_files", []):
        filename = str(getattr(js, "filename", js) or "")
        body = getattr(js, "attributes", {}).get("body", "")
        if not thebe_on and ("THEBE_JS_URL" in body or filename.endswith("sphinx-thebe.js")):
            continue
        key = (filename, body)
        if key in seen:
            continue
        seen.add(key)
        scripts.append(js)
    if "script_files" in context:
        context["script_files"] = scripts
    description = str(getattr(app.config, "review_description", "") or "")
    if description:
        from html import escape

        context["metatags"] = context.get("metatags", "") + f'\n    <meta name="description" content="{escape(description, quote=True)}">'

    from analysis.tools.colab import colab_link

    if not public_repository((app.config.html_theme_options or {}).get("repository_url")):
        # no public repository yet: Binder, Colab and the repository button would open a page that does not exist
        context["header_buttons"] = [b for b in context.get("header_buttons", [])
                                     if b.get("label") not in ("launch-buttons", "source-repository-button")]
    for button in context.get("header_buttons", []):
        if button.get("label") == "launch-buttons":
            # Colab opens .ipynb files only: point it at the page's generated notebook
            # on the 'colab' branch (see analysis/colab.py), not at the .md source.
            for launch in button.get("buttons", []):
                if launch.get("url"):
                    launch["url"] = colab_link(launch["url"])
        if button.get("label") == "download-buttons":
            if getattr(app.config, "review_book_pdf", False):
                _book_pdf_button(button["buttons"], context["pathto"])
            button["buttons"].append({
                "type": "link",
                "url": context["pathto"]("data/index.html", 1),
                "text": "data (CSV)",
                "tooltip": "Download the data files of the review",
                "icon": "fas fa-table",
                "label": "download-data-button",
            })


def _book_pdf_button(buttons: list[dict[str, Any]], pathto: Any) -> None:
    """The theme's ".pdf" item prints the page shown; it is called "print page" and the whole book's PDF comes first."""
    from analysis.tools.book_pdf import PDF_NAME

    for index, item in enumerate(buttons):
        if item.get("label") == "download-pdf-button":
            item.update(text="print page", tooltip="Print this page, or save it as PDF", icon="fas fa-file")
            buttons.insert(index, {
                "type": "link",
                "url": pathto(PDF_NAME, 1),
                "text": "book .pdf",
                "tooltip": "The whole book as one PDF",
                "icon": "fas fa-file-pdf",
                "label": "download-book-pdf-button",
            })
            return


def setup(app: Any) -> dict[str, Any]:
    """Register the input tracking with Sphinx."""
    app.add_config_value("review_description", "", "html")
    app.add_config_value("review_book_pdf", False, "html")
    app.connect("config-inited", _on_config_inited, priority=400)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("build-finished", _on_build_finished)
    app.connect("html-page-context", _on_html_page_context, priority=600)
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


STDERR_WARNING = re.compile(r"^(?:\x1b\[[0-9;]*m)?(.+?\.(?:md|ipynb)):\d+: WARNING: stderr was found in the cell outputs")


def print_stderr_outputs(root: Path, build_dir: Path, sources: list[str]) -> None:
    """Print what each page named in ``sources`` (files a build warning said wrote to stderr) wrote there, from the
    execution cache (the page as it ran, before myst-nb handled its stderr): the warning names only the page and cell."""
    if not sources:
        return
    from jupyter_cache import get_cache

    try:
        cache = get_cache(build_dir / ".jupyter_cache")
        records = cache.list_cache_records()
    except Exception:  # no cache to read: the warning itself still names the page
        return
    for source in dict.fromkeys(sources):
        path = Path(source).resolve()
        found = [r for r in records if Path(r.uri).resolve() == path]
        if not found:
            continue
        docname = input_key(path.with_suffix(""), root)
        notebook = cache.get_cache_bundle(found[-1].pk).nb
        text = "".join(str(out.get("text", "")) for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
                       if out.get("output_type") == "stream" and out.get("name") == "stderr")
        if text:
            print(f"\n===== what {docname} wrote to stderr (the build fails rather than show it to readers) =====\n{text[-4000:]}", flush=True)


def print_execution_reports(build_dir: Path) -> None:
    """Print the traceback logs that myst-nb writes for failing notebooks."""
    reports = sorted((build_dir / "html" / "reports").rglob("*.log")) if (build_dir / "html" / "reports").is_dir() else []
    for report in reports:
        print(f"\n===== execution report: {report} =====", flush=True)
        print(report.read_text(encoding="utf-8", errors="replace"), flush=True)


def data_pass_the_validator(root: Path) -> bool:
    """Validate the data the pages will read (``find_data_dir``) before any page runs; print every problem.

    Each page would stop at its first read of invalid data, after its kernel had started, and only once
    every page had failed would the build end: this says the same at once, for every problem."""
    from analysis.data.load import find_data_dir
    from analysis.data.validate import validate_package

    report = validate_package(find_data_dir(root))
    for problem in report.problems:
        print(problem, flush=True)
    return report.ok


def main(root: str | Path = ".", pdf: bool = False) -> int:
    """Build the book in ``root`` into ``root/_build/html``; return the exit code.

    ``pdf``: then print the whole book to one PDF (:mod:`analysis.tools.book_pdf`), linked from every page.
    Without chromium or playwright the build says so and goes on without it."""
    from analysis.tools import book_pdf

    root = Path(root).resolve()
    build_dir = root / "_build"
    build_dir.mkdir(exist_ok=True)
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env.pop(READS_LOG_ENV, None)
    env.pop(book_pdf.LINK_ENV, None)
    no_pdf = book_pdf.unavailable() if pdf else None
    if pdf and no_pdf:
        print(f"NOTE: the whole-book PDF will not be made: {no_pdf}. The site is built without it.", flush=True)
    elif pdf:
        env[book_pdf.LINK_ENV] = "1"
    started = time.perf_counter()
    if not data_pass_the_validator(root):
        print(f"\nBUILD FAILED (exit 1) after {time.perf_counter() - started:.1f} s: the data do not pass the validator "
              "(problems above, as FILE:LINE: FIELD: why); nothing was built", flush=True)
        return 1
    with open(build_dir / "build.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            jupyter_book_command(root), cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        stderr_pages = []
        for line in process.stdout:
            sys.stdout.write(line)
            log.write(line)
            found = STDERR_WARNING.match(line)
            if found:
                stderr_pages.append(found.group(1))
        code = process.wait()
    elapsed = time.perf_counter() - started
    if code != 0:
        print_execution_reports(build_dir)
        print_stderr_outputs(root, build_dir, stderr_pages)
        # A failed build must not leave a saved environment behind: the next
        # build would skip the pages it thinks are up to date and could pass.
        shutil.rmtree(build_dir / ".doctrees", ignore_errors=True)
        print(f"\nBUILD FAILED (exit {code}) after {elapsed:.1f} s; full log in {build_dir / 'build.log'}", flush=True)
        return code
    print(f"\nBuilt {build_dir / 'html' / 'index.html'} in {elapsed:.1f} s", flush=True)
    if pdf and no_pdf:
        print(f"NOTE: no whole-book PDF: {no_pdf}", flush=True)
    elif pdf:
        started = time.perf_counter()
        try:
            path = book_pdf.make_pdf(root)
        except Exception as error:  # the pages link the PDF: the build fails rather than publish a dead link
            print(f"\nBUILD FAILED: the whole-book PDF could not be printed ({type(error).__name__}: {error}); "
                  "build without --pdf to publish the site without it", flush=True)
            return 1
        print(f"Printed {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s", flush=True)
    return 0
