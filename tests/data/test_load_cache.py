"""Pages load the same table many times: it is built once per content of the data folder, and each
caller gets its own copy (a page that changes its frame cannot change another caller's)."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.data import load_table

ROOT = Path(__file__).resolve().parents[2]


def test_each_caller_gets_its_own_copy_and_a_changed_file_is_read_again(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    first = load_table("studies", data)
    label = first.loc[0, "label"]
    first.loc[0, "label"] = "changed by a caller"
    first.pop("title")
    second = load_table("studies", data)
    assert second.loc[0, "label"] == label and "title" in second.columns

    path = data / "studies.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(f",{label},") >= 1
    path.write_text(text.replace(f",{label},", ",A Renamed Study,", 1), encoding="utf-8")
    assert load_table("studies", data).loc[0, "label"] == "A Renamed Study"
