"""The data dictionary's download list: every file of the package, served where the site puts it."""

import csv
import json
import re
import shutil
from pathlib import Path

from analysis.pages import dictionary

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_of_the_package_is_listed_with_its_rows(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    descriptor = dictionary.load_descriptor(data)
    html = dictionary.downloads_html(descriptor, data)
    links = re.findall(r'<a href="\.\./data/([^"]+)" download>', html)
    local = [Path(r["path"]).name for r in descriptor["resources"] if not r["path"].startswith("http")]
    assert links == ["datapackage.json", *local]
    with (data / "studies.csv").open(encoding="utf-8", newline="") as handle:
        studies = sum(1 for _ in csv.reader(handle)) - 1
    assert f"studies.csv</a>: Studies ({studies:,} rows, " in html
    assert "references.bib</a>" in html and "references.bib</a>: " in html  # no row count for BibTeX


def test_titles_from_the_schema_are_escaped(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["title"] = "<script>alert(1)</script>"
    html = dictionary.downloads_html(descriptor, data)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
