"""Helpers for the tests that build the book: a copy of the repository limited to some pages.

Building the whole book for every test would take minutes; most guards work per page, so a
few pages show them as well as all of them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What a copy of the repository leaves out: environments, builds, caches, and what no build reads.
COPY_IGNORE = shutil.ignore_patterns(".venv", ".lock-venv", "_build", ".git", ".pytest_cache", "__pycache__", "research", "benchmarks", "node_modules")
# Variables of the calling process that would point a copy's build at this repository's data or read log.
OUTER_ENV = ("KETAMINE_REVIEW_DATA", "KETAMINE_REVIEW_READS")


def copy_repository(target: Path) -> Path:
    """A copy of the repository at ``target`` (see :data:`COPY_IGNORE`); returns ``target``."""
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE)
    return target


def run_analysis(root: Path, *args: str, timeout: int = 1200, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """``python -m analysis ARGS`` in the copy ``root``, importing the copy's own package (as a fresh clone would)."""
    env = {**os.environ, "PYTHONPATH": str(root), **extra_env}
    for key in OUTER_ENV:
        if key not in extra_env:
            env.pop(key, None)
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def built_html(root: Path, page: str) -> str:
    """The built HTML of ``book/PAGE`` in the copy ``root``."""
    return (root / "_build" / "html" / "book" / f"{page}.html").read_text(encoding="utf-8")


def page_text(root: Path, page: str) -> str:
    """The text of a built page: tags replaced by spaces, runs of white space by one (entities kept)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", built_html(root, page)))


def figure_sources(html: str) -> list[str]:
    """The figures of a page: inline SVGs or PNGs, or the files the build writes them to (analysis/tools/numbering.py; named by their content)."""
    return re.findall(r'src="(data:image/(?:svg\+xml|png);base64,[^"]+|[^"]*_images/figure-[0-9a-f]+\.(?:svg|png))"', html)


def linked_pages(root: Path, pages: tuple[str, ...], follow_intro: bool = True) -> list[str]:
    """``pages`` plus every page they (and, if ``follow_intro``, the intro) link to with {doc} or {term}, transitively."""
    wanted, todo = list(pages), (["intro"] if follow_intro else []) + list(pages)
    while todo:
        text = (root / "book" / f"{todo.pop()}.md").read_text(encoding="utf-8")
        targets = re.findall(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", text)
        if "{term}`" in text:  # a glossary term links to the glossary, which must then be built too
            targets.append("glossary")
        if "reference_link(" in text:  # its tables link names to the references page (analysis/pages/report.py)
            targets.append("references")
        for target in targets:
            name = target.split("/")[-1]
            if name not in wanted and name != "intro" and (root / "book" / f"{name}.md").exists():
                wanted.append(name)
                todo.append(name)
    return wanted


def limit_toc(root: Path, pages: tuple[str, ...], caption: str = "Pages under test", follow_intro: bool = True) -> list[str]:
    """Rewrite the copy's table of contents to the intro plus ``pages`` and what they link to; return the pages.

    With ``follow_intro=False`` the pages the intro links to are left out: the caller then
    replaces the intro by a page without links (or the build warns about them)."""
    chosen = linked_pages(root, pages, follow_intro=follow_intro)
    chapters = "".join(f"      - file: book/{page}\n" for page in chosen)
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nparts:\n  - caption: {caption}\n    chapters:\n{chapters}", encoding="utf-8")
    return chosen


def rewrite_csv(path: Path, change: Callable[[list[list[str]]], None]) -> None:
    """Apply ``change`` to the rows (header first) of the CSV file at ``path`` and write them back."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


FICTITIOUS_CONDITIONS = ["crps", "fibromyalgia", "cancer_pain", "headache", "pelvic_pain"]


def add_fictitious_trials(data: Path, count: int = 10) -> list[str]:
    """Add ``count`` FICTITIOUS parallel placebo-controlled trials (test data only, in a temporary copy) to
    the data folder ``data``: studies, reports, 50%-responder outcomes at the end of the infusion and at
    week 3, and RoB 2 judgements. Trial ``i`` is "Fictitious Trial {2000 + i}", in the conditions above in
    turn, with 8 + i % 5 of 20 responders on ketamine and 3 + i % 3 of 20 on placebo (one fewer of each
    at week 3). Returns the study ids."""
    ids = [f"zz_fictitious{2000 + i}" for i in range(count)]

    def add_studies(rows: list[list[str]]) -> None:
        h = rows[0]
        for i, sid in enumerate(ids):
            r = dict.fromkeys(h, "")
            r.update(study_id=sid, label=f"Fictitious Trial {2000 + i}", title="FICTITIOUS TEST TRIAL: not a real report", year=str(2000 + i),
                     design="rct_parallel", condition=FICTITIOUS_CONDITIONS[i % len(FICTITIOUS_CONDITIONS)],
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
        rewrite_csv(data / f"{name}.csv", change)
    return ids
