"""Helpers for the tests that build the book: a copy of the repository limited to some pages.

Building the whole book for every test would take minutes; most guards work per page, so a
few pages show them as well as all of them.
"""

from __future__ import annotations

import re
from pathlib import Path


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
