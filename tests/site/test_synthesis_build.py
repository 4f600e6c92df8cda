"""The synthesis on built pages: one changed value reaches every place that uses it.

(That a larger, constructed evidence base builds every page is checked on the session's site, whose
copy of the data has ten fictitious trials added: tests/site/test_site.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

from build_helpers import built_html, copy_repository, figure_sources, limit_toc, page_text, rewrite_csv, run_analysis

PRIMARY = "responders50_during_or_just_after_the_infusion"


def build(root: Path) -> None:
    done = run_analysis(root, "build", "--root", str(root))
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]


def primary_result(root: Path) -> dict:
    records = json.loads((root / "_build" / "html" / "data" / "results.json").read_text(encoding="utf-8"))
    return next(r for r in records if r["id"] == PRIMARY)


def test_one_changed_count_changes_the_synthesis_the_figure_the_abstract_and_the_results(tmp_path: Path):
    root = copy_repository(tmp_path / "copy")
    limit_toc(root, ("trials",))
    build(root)
    before = (page_text(root, "intro"), figure_sources(built_html(root, "trials")), primary_result(root), page_text(root, "trials"))
    assert "Mantel–Haenszel" in before[0] and before[2]["k"] >= 2

    def fewer_responders(rows: list[list[str]]) -> None:  # Kvarnström 2004, ketamine arm: 5 of 10 -> 4 of 10
        h = rows[0]
        hits = [r for r in rows[1:] if r[h.index("study_id")] == "kvarnstrom2004" and r[h.index("arm")] == "ketamine"
                and r[h.index("outcome_id")] == "responders_50"]
        assert len(hits) == 1 and hits[0][h.index("events")] == "5"
        hits[0][h.index("events")] = "4"

    rewrite_csv(root / "data" / "outcomes.csv", fewer_responders)
    build(root)
    after = (page_text(root, "intro"), figure_sources(built_html(root, "trials")), primary_result(root), page_text(root, "trials"))
    rr_before = re.search(r"risk ratio ([0-9.]+) \(95% CI", before[0]).group(1)
    rr_after = re.search(r"risk ratio ([0-9.]+) \(95% CI", after[0]).group(1)
    assert rr_before != rr_after, "the abstract still shows the old pooled risk ratio"
    assert f"{after[2]['estimate']:.2f}" == rr_after, "the results JSON and the abstract disagree"
    assert after[2]["estimate"] != before[2]["estimate"]
    assert before[1] != after[1], "the trials page's figures did not change"
    assert "33 of 64" in after[3] and "34 of 64" in before[3]  # the pooled ketamine responders, in the synthesis table
