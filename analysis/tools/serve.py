"""``python -m analysis serve``: the built site on http://127.0.0.1, for reading it on this machine.

The site works when its files are opened from disk, except the search page's snippets: Sphinx's
search ranks pages from ``searchindex.js`` (which loads from disk), but it fetches each result
page to show the lines around the words found, and browsers do not let a page opened from disk
fetch other files. Served over HTTP, the search shows its results ranked, with their snippets.
"""

from __future__ import annotations

import argparse
import functools
import http.server
from pathlib import Path
from typing import Any


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the name http.server uses
        pass


def make_server(site: Path, port: int = 8000, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A server for the folder ``site`` (``port`` 0: any free port). Only this machine can connect."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} holds no built site (no index.html): run 'make book' first")
    return http.server.ThreadingHTTPServer((host, port), functools.partial(_Quiet, directory=str(site)))


def main(root: str | Path = ".", port: int = 8000) -> int:
    site = Path(root).resolve() / "_build" / "html"
    try:
        server = make_server(site, port)
    except (FileNotFoundError, OSError) as error:
        print(f"serve: {error}")
        return 1
    bound = int(server.server_address[1])
    print(f"Serving {site} at http://127.0.0.1:{bound}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def add_parser(commands: Any) -> None:
    serve: argparse.ArgumentParser = commands.add_parser(
        "serve", help="serve the built site (_build/html) on http://127.0.0.1:PORT, where its search shows snippets"
    )
    serve.add_argument("--root", default=".", help="the book's root folder (default: .)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default 8000; 0 picks a free one)")
    serve.set_defaults(func=lambda a: main(a.root, a.port))
