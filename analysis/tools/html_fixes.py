"""Accessibility repairs of the HTML that the theme and docutils write (applied to every page after the build).

Each repair is a small function from HTML text to HTML text, safe to apply twice, found by axe-core
(WCAG 2.1 AA) on the built site:

* :func:`name_toctree_toggles` -- the sidebar's expand buttons are ``<summary>`` elements holding only
  an icon, so a screen reader announces an unnamed control on every page (axe ``summary-name``). Each
  gets an ``aria-label`` naming the chapter it opens.
* :func:`citation_list_roles` -- the reference list is ``<div role="list">`` whose entries carry the
  deprecated ``doc-biblioentry`` role (axe ``aria-deprecated-role``) and so are not list items
  (``aria-required-children``). Each entry becomes a ``listitem``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

_TOGGLE = re.compile(
    r'(<a class="[^"]*\breference internal\b[^"]*" href="[^"]*">(?P<title>[^<]*(?:<(?!/?a[\s>])[^>]*>[^<]*)*)</a>\s*<details[^>]*>\s*)<summary>(?=\s*<span class="toctree-toggle")'
)
_TAG = re.compile(r"<[^>]+>")


def name_toctree_toggles(text: str) -> str:
    """``<summary>`` of each sidebar chapter gets ``aria-label="Show the sections of <chapter>"``."""

    def label(match: re.Match[str]) -> str:
        title = html.unescape(_TAG.sub("", match.group("title"))).strip()
        return f'{match.group(1)}<summary aria-label="{html.escape("Show the sections of " + title, quote=True)}">'

    return _TOGGLE.sub(label, text)


def citation_list_roles(text: str) -> str:
    """Reference entries as list items of their list (``doc-biblioentry`` is deprecated in WAI-ARIA)."""
    return text.replace('role="doc-biblioentry"', 'role="listitem"')


REPAIRS = (name_toctree_toggles, citation_list_roles)


def repair(text: str) -> str:
    for fix in REPAIRS:
        text = fix(text)
    return text


def repair_site(out: Path) -> int:
    """Apply :data:`REPAIRS` to every HTML page under ``out``; return how many files changed (rewritten only then)."""
    changed = 0
    for path in sorted(out.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        fixed = repair(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed
