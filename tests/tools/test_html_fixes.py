"""Accessibility repairs of the theme's HTML (analysis/tools/html_fixes.py), on the markup the theme writes."""

from __future__ import annotations

from pathlib import Path

from analysis.tools.html_fixes import citation_list_roles, name_toctree_toggles, repair, repair_site

SIDEBAR = (
    '<li class="toctree-l1"><a class="reference internal" href="intro.html">Introduction</a></li>\n'
    '<li class="toctree-l1 has-children"><a class="reference internal" href="evidence-crps.html">CRPS &amp; <em>the</em> evidence</a>'
    '<details><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i></span></summary><ul>'
    '<li class="toctree-l1 current active has-children"><a class="current reference internal" href="#">Pelvic pain</a>'
    '<details open="open"><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i></span></summary><ul>'
)
CITATIONS = '<div role="list" class="citation-list">\n<div class="citation" id="id44" role="doc-biblioentry">\n<p>Entry</p></div></div>'


def test_each_sidebar_toggle_is_named_by_its_chapter():
    fixed = name_toctree_toggles(SIDEBAR)
    assert '<summary aria-label="Show the sections of CRPS &amp; the evidence">' in fixed
    assert '<summary aria-label="Show the sections of Pelvic pain">' in fixed  # the page's own chapter
    assert "<summary>" not in fixed and 'aria-label="Show the sections of Introduction' not in fixed
    assert name_toctree_toggles(fixed) == fixed  # applying it twice changes nothing


def test_reference_entries_are_list_items():
    fixed = citation_list_roles(CITATIONS)
    assert 'role="listitem"' in fixed and "doc-biblioentry" not in fixed


def test_the_site_is_repaired_in_place_and_only_where_needed(tmp_path: Path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text(SIDEBAR + CITATIONS, encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>nothing to repair</p>", encoding="utf-8")
    assert repair_site(tmp_path) == 1
    assert (tmp_path / "book" / "a.html").read_text(encoding="utf-8") == repair(SIDEBAR + CITATIONS)
    assert repair_site(tmp_path) == 0
