"""End to end, as CONTRIBUTING.md tells a contributor: on a copy of the repository, add a
study with new-study, fill it in, validate, build the book, and find the study on the
pages. Two obviously fictitious test studies are added (so that a pooled estimate
exists), in a temporary copy only. The book is built once.
"""

from __future__ import annotations

import re
from pathlib import Path

from build_helpers import ROOT, copy_repository, limit_toc, page_text
from build_helpers import run_analysis as analysis
from contrib_helpers import fill_study, read_lines

A, B = "zz_fictitious2001", "zz_fictitious2002"


def contributing_example_row() -> str:
    """The filled-in outcome row of the worked example in CONTRIBUTING.md."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("doe2020,ketamine,complete_relief,"))


def test_a_contributor_adds_a_study_and_sees_it_in_the_book(tmp_path: Path):
    from analysis.tools.contribute import Appended  # where new-study said it wrote, for the fill-in helper

    root = copy_repository(tmp_path / "clone")
    data = root / "data"
    original = {p.name: read_lines(p) for p in data.glob("*.csv")}

    for study, year, counts in ((A, 2001, (10, 20)), (B, 2002, (30, 40))):
        added = analysis(root, "new-study", study)
        assert added.returncode == 0, added.stdout + added.stderr
        # placeholders fail validation until filled in
        check = analysis(root, "validate", "data")
        assert check.returncode == 1 and "placeholder not filled in" in check.stdout
        appended = [
            Appended(data / m.group(1), int(m.group(2)), int(m.group(3) or m.group(2)) - int(m.group(2)) + 1)
            for m in re.finditer(r"data/(\S+\.csv): lines? (\d+)(?:-(\d+))?", added.stdout)
        ]
        fill_study(data, appended, year, {"complete_relief": counts})
        check = analysis(root, "validate", "data")
        assert check.returncode == 0, check.stdout

    # the worked example's row of CONTRIBUTING.md is a valid outcome row too (in the copy only)
    example = contributing_example_row().replace("doe2020", A).replace("complete_relief", "partial_relief")
    with open(data / "outcomes.csv", "a", encoding="utf-8") as fh:
        fh.write(example + "\n")
    check = analysis(root, "validate", "data")
    assert check.returncode == 0, check.stdout

    for name, lines in original.items():  # nothing existing was rewritten
        assert read_lines(data / name)[: len(lines)] == lines

    changes = analysis(root, "changes")
    assert f"Added: Fictitious Test 2001 ({A})" in changes.stdout

    limit_toc(root, ("what-changed",))  # the pages this test reads, and the pages they link to
    built = analysis(root, "build", "--root", str(root))
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]

    what = page_text(root, "what-changed")
    assert f"Added: Fictitious Test 2001 ({A})" in what
    assert f"Added: Fictitious Test 2002 ({B})" in what
    # the pooled estimate includes both (and any real study with confirmed values for the same outcome)
    assert re.search(rf"\b\d+ studies \([^)]*{A}, {B}\)", what), what
    import json

    released = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert f"data version {released}" in what  # compared with the last release (releases/data-vX.Y.Z, the shipped version)
    import csv
    import io

    studies = len(list(csv.reader(io.StringIO("".join(original["studies.csv"]))))) - 1 + 2  # rows, not lines: a quoted cell may span lines
    assert re.search(rf"\b{studies} studies\b", page_text(root, "intro"))  # the first page's study count
