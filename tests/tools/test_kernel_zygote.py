"""Warm kernels (analysis/tools/kernel_zygote.py, kernel_launch.py): a page's kernel is forked from a
process that has already imported what pages import, and behaves as a fresh kernel would."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from analysis.tools import buildtools

PROBE = """
import os, sys
print(os.getpid(), os.getppid(), os.getcwd(), os.environ.get("KETAMINE_TEST_PROBE"), "pandas" in sys.modules)
"""


def run(cells: list[str], cwd: Path, timeout: int = 60, **client_options) -> list[str]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb, timeout=timeout, resources={"metadata": {"path": str(cwd)}}, kernel_manager_class=buildtools._warm_kernel_manager_class(),
        shutdown_kernel="immediate", coalesce_streams=True, **client_options,
    )
    client.execute()
    return ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory):
    """One zygote for the module (it takes a couple of seconds to import what pages import)."""
    folder = tmp_path_factory.mktemp("zygote")
    pages = folder / "pages"
    pages.mkdir()
    started = buildtools.Zygote(pages, folder)
    assert started.socket, (folder / "zygote.log").read_text()
    yield started, pages
    started.close()


@pytest.fixture
def zygote(warm, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KETAMINE_REVIEW_ZYGOTE", warm[0].socket)
    monkeypatch.setenv("KETAMINE_TEST_PROBE", "from-the-build")
    return warm


def test_a_kernel_is_forked_from_the_zygote_with_the_callers_environment_and_folder(zygote):
    warm, pages = zygote
    other = pages / "elsewhere"
    other.mkdir()
    pid, ppid, cwd, probe, preloaded = run([PROBE], other)[0].split()
    assert int(ppid) == warm.process.pid, "the kernel was not forked by the zygote"
    assert Path(cwd) == other and probe == "from-the-build"
    assert preloaded == "True"  # pandas came with the fork


def test_each_page_gets_a_fresh_kernel(zygote):
    _, pages = zygote
    first = run(["shared = 41\nimport os\nprint(os.getpid())"], pages)[0]
    second = run(["import os\nprint(os.getpid(), 'shared' in globals())"], pages)[0].split()
    assert first.strip() != second[0] and second[1] == "False"


def test_without_the_zygote_the_launcher_becomes_an_ordinary_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KETAMINE_REVIEW_ZYGOTE", raising=False)
    monkeypatch.setenv("KETAMINE_TEST_PROBE", "plain")
    pid, ppid, cwd, probe, _ = run([PROBE], tmp_path)[0].split()
    assert int(ppid) == os.getpid() and probe == "plain"  # the launcher replaced itself by the kernel
    monkeypatch.setenv("KETAMINE_REVIEW_ZYGOTE", str(tmp_path / "no-such.sock"))
    assert run(["print(6 * 7)"], tmp_path) == ["42\n"]  # unreachable: an ordinary kernel too


def test_a_failing_cell_and_an_interrupt_reach_the_page_as_from_a_fresh_kernel(zygote):
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    _, pages = zygote
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        run(["1 / 0"], pages)
    # a cell over its time limit is interrupted (SIGINT, passed on by the launcher) and reported
    started = time.perf_counter()
    with pytest.raises((CellTimeoutError, CellExecutionError)):
        run(["import time\ntime.sleep(60)"], pages, timeout=2, interrupt_on_timeout=True)
    assert time.perf_counter() - started < 30


def test_a_kernel_whose_launcher_is_killed_exits(zygote):
    from jupyter_client.manager import KernelManager

    _, pages = zygote
    manager = KernelManager(kernel_name="python3")
    manager.kernel_spec.argv = buildtools._warm_kernel_manager_class()(kernel_name="python3").kernel_spec.argv
    manager.start_kernel(cwd=str(pages))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=30)
    msg_id = client.execute("import os; print(os.getpid())")
    kernel_pid = None
    while kernel_pid is None:
        msg = client.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            kernel_pid = int(msg["content"]["text"].split()[0])
    client.stop_channels()
    launcher = manager.provisioner.process.pid
    assert kernel_pid != launcher
    os.kill(launcher, signal.SIGKILL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(kernel_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(kernel_pid, signal.SIGKILL)
        pytest.fail("the kernel outlived its launcher")
    manager.cleanup_resources()
