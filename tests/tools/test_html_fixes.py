"""Accessibility repairs of the theme's HTML (analysis/tools/html_fixes.py), on the markup the theme writes."""

from __future__ import annotations

from pathlib import Path

from analysis.tools.html_fixes import citation_list_roles, drop_icon_script, icons, inline_icons, name_toctree_toggles, repair, rewrite_pages

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
    assert rewrite_pages(tmp_path, repair) == 1
    assert (tmp_path / "book" / "a.html").read_text(encoding="utf-8") == repair(SIDEBAR + CITATIONS)
    assert rewrite_pages(tmp_path, repair) == 0


HEADER = (
    '<script defer src="../_static/scripts/bootstrap.js?digest=55c2"></script>\n'
    '<script defer src="../_static/scripts/fontawesome.js?digest=55c2"></script>\n'
    '<button class="sidebar-toggle primary-toggle btn btn-sm" title="Toggle primary sidebar"><span class="fa-solid fa-bars"></span></button>'
    '<button class="btn dropdown-toggle" aria-label="Download this page"> <i class="fas fa-download"></i> </button>'
    '<span class="btn__icon-container"> <i class="fab fa-github"></i> </span>'
    '<button class="btn theme-switch-button" aria-label="Color mode">'
    '<i class="theme-switch fa-solid fa-sun                fa-lg" data-mode="light" title="Light"></i></button>'
    '<i class="fa-solid fa-no-such-icon"></i>'
)


def test_the_theme_s_icons_are_inline_svg_and_fontawesome_js_is_not_loaded():
    fixed = inline_icons(HEADER)
    assert "fontawesome.js" not in fixed and "bootstrap.js" in fixed
    assert "<span class=\"fa-solid fa-bars\">" not in fixed and '<i class="fas fa-download">' not in fixed
    assert ('<svg class="svg-inline--fa fa-bars" aria-hidden="true" focusable="false" role="img" xmlns="http://www.w3.org/2000/svg"'
            f' viewBox="0 0 448 512"><path fill="currentColor" d="{icons()["bars"]["path"]}"></path></svg>') in fixed
    assert '<svg class="svg-inline--fa fa-github"' in fixed and icons()["github"]["path"] in fixed
    # the colour-mode icons keep what the theme's CSS shows and hides them by, and their names
    assert '<svg class="svg-inline--fa theme-switch fa-sun fa-lg" data-mode="light" aria-hidden="true"' in fixed
    assert "<title>Light</title>" in fixed
    # an icon without path data is left for the theme's web font
    assert '<i class="fa-solid fa-no-such-icon"></i>' in fixed
    assert inline_icons(fixed) == fixed


def test_every_icon_has_a_view_box_and_one_path_and_the_licence_is_kept():
    import json

    from analysis.tools.html_fixes import ICONS_FILE

    assert "CC BY 4.0" in json.loads(ICONS_FILE.read_text(encoding="utf-8"))["_licence"]
    for name, icon in icons().items():
        assert icon["viewBox"].startswith("0 0 ") and icon["path"].startswith("M"), name
    # the icons of the header's buttons
    assert {"bars", "outdent", "list", "rocket", "github", "download", "expand", "sun", "moon", "circle-half-stroke", "magnifying-glass"} <= set(icons())


def test_the_published_site_carries_no_fontawesome_script(tmp_path: Path):
    (tmp_path / "_static" / "scripts").mkdir(parents=True)
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt", "bootstrap.js"):
        (tmp_path / "_static" / "scripts" / name).write_text("x", encoding="utf-8")
    drop_icon_script(tmp_path)
    assert sorted(p.name for p in (tmp_path / "_static" / "scripts").iterdir()) == ["bootstrap.js", "fontawesome.js.LICENSE.txt"]
