"""Warm kernels: one process imports what every page imports, then forks a kernel for each page.

Every page of the book runs in a fresh IPython kernel. Starting one from nothing costs about
1.5 s of processor time before the page's first line runs (Python, IPython and ipykernel, then
pandas, numpy and matplotlib, which nearly every page imports), and a build starts some
thirty. This module is that start-up paid once per build:

* :func:`serve` (``python -m analysis.tools.kernel_zygote SOCKET``) imports :data:`PRELOAD` and
  then waits on a Unix socket. The build starts it in the pages' folder and with the kernels'
  environment, so it imports exactly the modules (and the copy of ``analysis``) that a kernel
  started there would import.
* ``kernel_launch.py`` (next to this file) is the command in the kernel specification. It sends
  the zygote its arguments, environment and working directory with its standard streams, and
  the zygote forks: the child takes them over and runs ``IPKernelApp`` as
  ``python -m ipykernel_launcher`` would. The launcher stays as the process that jupyter_client
  watches, passes signals on (interrupt, terminate), and exits with the kernel's exit status. A
  kernel whose launcher is killed exits at once (it watches a pipe that the launcher holds).
* Without the zygote (not running, not reachable) the launcher becomes an ordinary kernel, so
  a page never depends on it; it only starts sooner.

A forked kernel is a fresh kernel: nothing of a page reaches the next (each is a new process
from the zygote, which never runs a page), and the data are never read before the fork.
"""

from __future__ import annotations

import importlib
import json
import os
import selectors
import signal
import socket
import struct
import sys
import threading
import traceback
from typing import Any

# What a page's kernel imports anyway. Importing them here, once, is the whole gain; the
# analysis package is imported from the same place a kernel started here would import it.
PRELOAD = (
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "numpy",
    "pandas",
    "pandas.io.formats.style",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.font_manager",
    "myst_nb",
    "scipy.special",
    "scipy.optimize",
    "analysis.data",
    "analysis.figures.style",
    "analysis.pages.report",
    "analysis.stats.pooling",
)
HEADER = struct.Struct("!I")
SOCKET_ENV = "KETAMINE_REVIEW_ZYGOTE"
ZYGOTE_FOLDER = os.path.abspath(os.getcwd())


def preload() -> list[str]:
    """Import :data:`PRELOAD`; return the modules that could not be imported (they are then imported by each kernel)."""
    missing = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module only costs speed
            missing.append(name)
    # matplotlib reads its font list on first use: do it once here, not in every kernel
    try:
        from matplotlib import font_manager

        font_manager.findfont("DejaVu Sans")
    except Exception:
        pass
    return missing


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One request: a length-prefixed JSON body, with the launcher's stdin, stdout, stderr and its life pipe."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 4)
    if len(data) < HEADER.size:
        raise ValueError("short request")
    (size,) = HEADER.unpack_from(data)
    body = data[HEADER.size :]
    while len(body) < size:
        more = conn.recv(size - len(body))
        if not more:
            raise ValueError("request cut short")
        body += more
    return json.loads(body.decode("utf-8")), list(fds)


def _watch_launcher(life: int) -> None:
    """Exit when the launcher is gone (the pipe it holds reads end-of-file)."""
    try:
        while os.read(life, 1):
            pass
    except OSError:
        pass
    os._exit(1)


def _run_kernel(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: become the kernel the launcher asked for. Never returns."""
    code = 1
    try:
        os.setsid()
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        stdin, stdout, stderr, life = fds
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
            os.close(fd)
        threading.Thread(target=_watch_launcher, args=(life,), daemon=True).start()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = list(request["argv"])
        # As ipykernel_launcher does: the folder leaves sys.path while the kernel loads, and IPython puts '' back.
        if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == ZYGOTE_FOLDER):
            del sys.path[0]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        # read from the environment when the class was defined, that is in the zygote: set it from the launcher's
        app.parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
        app.initialize(sys.argv[1:])
        app.start()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(path: str) -> None:
    """Preload, listen on the Unix socket ``path``, fork a kernel per request until the parent goes."""
    missing = preload()
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}
    print("ready" + (f" (not preloaded: {', '.join(missing)})" if missing else ""), flush=True)
    while os.getppid() == parent:
        for _key, _events in selector.select(timeout=0.2):
            conn, _ = listener.accept()
            try:
                request, fds = _receive(conn)
            except (OSError, ValueError):
                conn.close()
                continue
            if len(fds) != 4:
                for fd in fds:
                    os.close(fd)
                conn.close()
                continue
            pid = os.fork()
            if pid == 0:
                selector.close()
                listener.close()
                for other in children.values():
                    other.close()
                conn.close()
                _run_kernel(request, fds)
            for fd in fds:
                os.close(fd)
            try:
                conn.sendall(HEADER.pack(pid))
            except OSError:
                pass
            children[pid] = conn
        while children:  # reap the kernels that ended and tell their launchers how
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in children:
                launcher = children.pop(pid)
                try:
                    launcher.sendall(HEADER.pack(os.waitstatus_to_exitcode(status) & 0xFF))
                except OSError:
                    pass
                launcher.close()
    listener.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m analysis.tools.kernel_zygote SOCKET", file=sys.stderr)
        return 2
    serve(args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
