"""Only the declared data files are served with the site (issue 14): never a hidden or undeclared file."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.tools.buildtools import data_files

ROOT = Path(__file__).resolve().parents[2]


def test_only_the_descriptor_and_its_declared_resources_are_served(tmp_path: Path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / ".notes.csv").write_text("a,b\n=HYPERLINK(\"x\"),1\n", encoding="utf-8")
    (tmp_path / "data" / "extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "data" / ".hidden").mkdir()
    (tmp_path / "data" / ".hidden" / "more.csv").write_text("a\n1\n", encoding="utf-8")
    served = sorted(p.name for p in data_files(tmp_path))
    assert ".notes.csv" not in served and "extra.csv" not in served and "more.csv" not in served
    assert served == sorted(p.name for p in (ROOT / "data").iterdir())


def test_nothing_is_served_from_a_malformed_descriptor(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "datapackage.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "data" / "studies.csv").write_text("a\n", encoding="utf-8")
    assert data_files(tmp_path) == []


def test_the_data_page_describes_each_file_with_version_and_licence_and_shows_data_as_text(tmp_path: Path):
    import json

    from analysis.tools.buildtools import _data_index_html

    shutil.copytree(ROOT / "data", tmp_path / "data")
    descriptor = json.loads((tmp_path / "data" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["description"] = "Studies <img src=x onerror=alert(1)>"
    page = _data_index_html(data_files(tmp_path), descriptor, "0.2.0 with changes not yet released")
    assert "Data version 0.2.0 with changes not yet released" in page
    assert "Creative Commons Attribution 4.0" in page
    assert "Studies &lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    for resource in descriptor["resources"][1:]:
        assert f'href="{Path(resource["path"]).name}"' in page and str(resource["title"]) in page
