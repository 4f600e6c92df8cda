"""The synthesis on built pages: one changed value reaches every place that uses it.

(That a larger, constructed evidence base builds every page is checked on the session's site, whose
copy of the data has ten fictitious trials added: tests/site/test_site.py.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from build_helpers import limit_toc, rewrite_csv

ROOT = Path(__file__).resolve().parents[2]
COPY_IGNORE = shutil.ignore_patterns(".venv", ".lock-venv", "_build", ".git", ".pytest_cache", "__pycache__", "research", "benchmarks", "node_modules")
PRIMARY = "responders50_during_or_just_after_the_infusion"


def build(root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("KETAMINE_REVIEW_DATA", None)
    done = subprocess.run([sys.executable, "-m", "analysis", "build", "--root", str(root)], cwd=root, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]


def text_of(root: Path, page: str) -> str:
    html = (root / "_build" / "html" / "book" / f"{page}.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def images_of(root: Path, page: str) -> list[str]:
    html = (root / "_build" / "html" / "book" / f"{page}.html").read_text(encoding="utf-8")
    # inline SVGs or PNGs, or the files the build writes the figures to (analysis/tools/numbering.py; named by their content)
    return re.findall(r'<img src="(data:image/(?:svg\+xml|png);base64,[^"]+|[^"]*_images/figure-[0-9a-f]+\.(?:svg|png))"', html)


def primary_result(root: Path) -> dict:
    records = json.loads((root / "_build" / "html" / "data" / "results.json").read_text(encoding="utf-8"))
    return next(r for r in records if r["id"] == PRIMARY)


def test_one_changed_count_changes_the_synthesis_the_figure_the_abstract_and_the_results(tmp_path: Path):
    root = tmp_path / "copy"
    shutil.copytree(ROOT, root, ignore=COPY_IGNORE)
    limit_toc(root, ("trials",))
    build(root)
    before = (text_of(root, "intro"), images_of(root, "trials"), primary_result(root), text_of(root, "trials"))
    assert "Mantel–Haenszel" in before[0] and before[2]["k"] >= 2

    def fewer_responders(rows: list[list[str]]) -> None:  # Kvarnström 2004, ketamine arm: 5 of 10 -> 4 of 10
        h = rows[0]
        hits = [r for r in rows[1:] if r[h.index("study_id")] == "kvarnstrom2004" and r[h.index("arm")] == "ketamine"
                and r[h.index("outcome_id")] == "responders_50"]
        assert len(hits) == 1 and hits[0][h.index("events")] == "5"
        hits[0][h.index("events")] = "4"

    rewrite_csv(root / "data" / "outcomes.csv", fewer_responders)
    build(root)
    after = (text_of(root, "intro"), images_of(root, "trials"), primary_result(root), text_of(root, "trials"))
    rr_before = re.search(r"risk ratio ([0-9.]+) \(95% CI", before[0]).group(1)
    rr_after = re.search(r"risk ratio ([0-9.]+) \(95% CI", after[0]).group(1)
    assert rr_before != rr_after, "the abstract still shows the old pooled risk ratio"
    assert f"{after[2]['estimate']:.2f}" == rr_after, "the results JSON and the abstract disagree"
    assert after[2]["estimate"] != before[2]["estimate"]
    assert before[1] != after[1], "the trials page's figures did not change"
    assert "33 of 64" in after[3] and "34 of 64" in before[3]  # the pooled ketamine responders, in the synthesis table
