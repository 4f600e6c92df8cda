"""``python -m analysis serve`` serves the built site on this machine (where the search shows snippets)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.tools.serve import make_server

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_is_served_on_this_machine_only(tmp_path: Path):
    site = tmp_path / "_build" / "html"
    (site / "book").mkdir(parents=True)
    (site / "index.html").write_text("<p>first page</p>", encoding="utf-8")
    (site / "book" / "trials.html").write_text("<p>trials</p>", encoding="utf-8")
    server = make_server(site, port=0)
    assert server.server_address[0] == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        assert urllib.request.urlopen(base + "book/trials.html").read() == b"<p>trials</p>"
        assert urllib.request.urlopen(base).read() == b"<p>first page</p>"
    finally:
        server.shutdown()
        server.server_close()


def test_without_a_built_site_it_says_what_to_do(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="make book"):
        make_server(tmp_path / "_build" / "html", port=0)
    done = subprocess.run([sys.executable, "-m", "analysis", "serve", "--root", str(tmp_path), "--port", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and "run 'make book' first" in done.stdout


def test_the_command_prints_the_address_and_serves(tmp_path: Path):
    site = tmp_path / "_build" / "html"
    site.mkdir(parents=True)
    (site / "index.html").write_text("hello", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "analysis", "serve", "--root", str(tmp_path), "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        address = line.split(" at ")[1].split(" ")[0]
        for _ in range(50):
            try:
                assert urllib.request.urlopen(address).read() == b"hello"
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"nothing served at {address}")
    finally:
        process.terminate()
        process.wait(timeout=10)
