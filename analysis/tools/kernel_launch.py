"""The kernel command of the book's build: ask the warm zygote for a kernel, or become one.

Run as ``python -I -S kernel_launch.py -f CONNECTION_FILE`` (standard library only, so it
starts in milliseconds). With ``KETAMINE_REVIEW_ZYGOTE`` naming a reachable socket, it sends
its arguments, environment, working directory and standard streams there
(:mod:`analysis.tools.kernel_zygote`), passes on the signals it receives to the kernel
forked for it, and exits with the kernel's status. Otherwise it replaces itself with
``python -m ipykernel_launcher`` and the same arguments: an ordinary kernel.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys

HEADER = struct.Struct("!I")
SOCKET_ENV = "KETAMINE_REVIEW_ZYGOTE"


def ordinary_kernel() -> None:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]])


def read_number(conn: socket.socket) -> int | None:
    data = b""
    while len(data) < HEADER.size:
        more = conn.recv(HEADER.size - len(data))
        if not more:
            return None
        data += more
    return int(HEADER.unpack(data)[0])


def main() -> int:
    path = os.environ.get(SOCKET_ENV)
    if not path:
        ordinary_kernel()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
    except OSError:
        conn.close()
        ordinary_kernel()
    env = {k: v for k, v in os.environ.items() if k != SOCKET_ENV}
    body = json.dumps({"argv": ["ipykernel_launcher", *sys.argv[1:]], "env": env, "cwd": os.getcwd()}).encode("utf-8")
    life_read, life_write = os.pipe()  # the kernel exits when this process (and so life_write) is gone
    socket.send_fds(conn, [HEADER.pack(len(body)) + body], [0, 1, 2, life_read])
    os.close(life_read)
    pid = read_number(conn)
    if pid is None:  # the zygote went away before forking
        os.close(life_write)
        ordinary_kernel()
    assert pid is not None

    def forward(number: int, _frame: object) -> None:
        try:
            os.kill(pid, number)
        except ProcessLookupError:
            pass

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, forward)
    status = read_number(conn)
    return 1 if status is None else status


if __name__ == "__main__":
    sys.exit(main())
