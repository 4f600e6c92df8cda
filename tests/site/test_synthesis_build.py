"""The synthesis on built pages: one changed value reaches every place that uses it, and a larger,
constructed evidence base (ten fictitious trials, in a temporary copy only) builds every page."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from build_helpers import limit_toc

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


def rewrite(path: Path, change) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


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

    rewrite(root / "data" / "outcomes.csv", fewer_responders)
    build(root)
    after = (text_of(root, "intro"), images_of(root, "trials"), primary_result(root), text_of(root, "trials"))
    rr_before = re.search(r"risk ratio ([0-9.]+) \(95% CI", before[0]).group(1)
    rr_after = re.search(r"risk ratio ([0-9.]+) \(95% CI", after[0]).group(1)
    assert rr_before != rr_after, "the abstract still shows the old pooled risk ratio"
    assert f"{after[2]['estimate']:.2f}" == rr_after, "the results JSON and the abstract disagree"
    assert after[2]["estimate"] != before[2]["estimate"]
    assert before[1] != after[1], "the trials page's figures did not change"
    assert "33 of 64" in after[3] and "34 of 64" in before[3]  # the pooled ketamine responders, in the synthesis table


def test_a_constructed_set_of_ten_trials_builds_every_page(tmp_path: Path):
    """Ten FICTITIOUS parallel trials (test data only, in a temporary copy) added to today's data."""
    root = tmp_path / "copy"
    shutil.copytree(ROOT, root, ignore=COPY_IGNORE)
    data = root / "data"
    ids = [f"zz_fictitious{2000 + i}" for i in range(10)]

    def add_studies(rows: list[list[str]]) -> None:
        h = rows[0]
        for i, sid in enumerate(ids):
            r = dict.fromkeys(h, "")
            r.update(study_id=sid, label=f"Fictitious Trial {2000 + i}", title="FICTITIOUS TEST TRIAL: not a real report", year=str(2000 + i),
                     design="rct_parallel", condition=["crps", "fibromyalgia", "cancer_pain", "headache", "pelvic_pain"][i % 5],
                     population="Fictitious test patients", route="iv", comparator="placebo (saline)", comparator_kind="placebo",
                     n_enrolled="40", n_ketamine="20", n_control="20", role="included", primary_report=sid, source_report=sid,
                     source_location="Table 2", source_quote="fictitious", source_kind="primary", status="confirmed",
                     extractor="test", verifier="test-second")
            rows.append([r[c] for c in h])

    def add_reports(rows: list[list[str]]) -> None:
        h = rows[0]
        for sid in ids:
            r = dict.fromkeys(h, "")
            r.update(report_id=sid, study_id=sid, kind="journal_article", citation=f"{sid}: a fictitious test report")
            rows.append([r[c] for c in h])

    def add_outcomes(rows: list[list[str]]) -> None:
        h = rows[0]
        for i, sid in enumerate(ids):
            for arm, events in (("ketamine", 8 + i % 5), ("placebo", 3 + i % 3)):
                for days, when in ((0, "end of infusion"), (21, "week 3")):
                    r = dict.fromkeys(h, "")
                    r.update(study_id=sid, arm=arm, outcome_id="responders_50", timepoint=when, timepoint_days=str(days),
                             population="patients analysed in this arm", events=str(events - (days > 0)), n="20", value_type="reported",
                             source_report=sid, source_location="Table 2", source_quote="fictitious", source_kind="primary",
                             status="confirmed", extractor="test", verifier="test-second")
                    rows.append([r[c] for c in h])

    def add_rob(rows: list[list[str]]) -> None:
        h = rows[0]
        for sid in ids:
            for domain, j in (("D1 randomization process", "low"), ("D2 deviations from intended interventions", "some_concerns"),
                              ("D3 missing outcome data", "low"), ("D4 measurement of the outcome", "some_concerns"),
                              ("D5 selection of the reported result", "low"), ("overall", "some_concerns")):
                r = dict.fromkeys(h, "")
                r.update(study_id=sid, result="all", tool="rob2", tool_version="RoB 2, 22 August 2019", domain=domain, judgement=j,
                         support="fictitious", source_report=sid, source_location="Methods", assessor="test")
                rows.append([r[c] for c in h])

    for name, change in (("studies", add_studies), ("reports", add_reports), ("outcomes", add_outcomes), ("risk_of_bias", add_rob)):
        rewrite(data / f"{name}.csv", change)
    check = subprocess.run([sys.executable, "-m", "analysis", "validate", "data"], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]
    build(root)  # every page of the table of contents
    pages = sorted(p.stem for p in (root / "_build" / "html" / "book").glob("*.html"))
    assert {"trials", "reviews", "conclusions", "evidence-headache", "evidence-pelvic"} <= set(pages)
    primary = primary_result(root)
    assert primary["k"] == 14 and primary["pi_low"] is not None  # 4 real trials + 10 constructed; a prediction interval for k >= 3
    three_to_five = next(r for r in json.loads((root / "_build" / "html" / "data" / "results.json").read_text()) if r["id"] == "responders50_3_to_5_weeks")
    assert three_to_five["k"] == 10
    assert "Fictitious Trial 2004" in text_of(root, "evidence-pelvic")
