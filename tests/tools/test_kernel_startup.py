"""The kernel start-up file makes pages reproducible: escaped Styler tables with ids that do not change between builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

STARTUP = Path(__file__).resolve().parents[2] / "tools" / "kernel_startup.py"
SNIPPET = f"""
exec(open({str(STARTUP)!r}).read())
import pandas as pd
df = pd.DataFrame({{"a": ["<b>x</b>"]}}, index=["<img src=x onerror=alert(1)>"])
print(df.style.to_html())
print(df.style.to_html())
"""


def render() -> str:
    return subprocess.run([sys.executable, "-c", SNIPPET], capture_output=True, text=True, check=True).stdout


def test_styler_ids_are_the_same_in_two_runs_and_unique_within_one():
    import re

    first, second = render(), render()
    assert first == second
    ids = re.findall(r'<table id="(T_[^"]+)"', first)
    assert len(ids) == 2 and len(set(ids)) == 2 and all(re.fullmatch(r"T_t[0-9]+", i) for i in ids), ids


def test_styler_cells_are_escaped():
    assert "&lt;b&gt;x&lt;/b&gt;" in render()


def test_styler_index_labels_are_escaped():
    html = render()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
