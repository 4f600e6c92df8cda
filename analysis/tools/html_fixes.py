"""Accessibility repairs of the HTML that the theme and docutils write (applied to every page after the build).

Each repair is a small function from HTML text to HTML text, safe to apply twice, found by axe-core
(WCAG 2.1 AA) on the built site:

* :func:`name_toctree_toggles` -- the sidebar's expand buttons are ``<summary>`` elements holding only
  an icon, so a screen reader announces an unnamed control on every page (axe ``summary-name``). Each
  gets an ``aria-label`` naming the chapter it opens.
* :func:`citation_list_roles` -- the reference list is ``<div role="list">`` whose entries carry the
  deprecated ``doc-biblioentry`` role (axe ``aria-deprecated-role``) and so are not list items
  (``aria-required-children``). Each entry becomes a ``listitem``.

and one repair of page weight:

* :func:`inline_icons` -- the theme draws its icons (menu, search, download, launch, full screen, colour
  mode, repository, ...) with Font Awesome's ``fontawesome.js``, a 1.5 MB script loaded by every page that
  swaps each ``<i class="fa-solid fa-bars">`` for an SVG once the page has loaded. The same SVG is
  written into the page here (the icons' path data, CC BY 4.0, are in ``theme/fontawesome-icons.json``)
  and the script's tag is removed; ``theme/static/icons.css`` sizes the icons as the script's own CSS did.
  An icon not in that file is left as it is: the theme's CSS then draws it with Font Awesome's web font.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable
from pathlib import Path

ICONS_FILE = Path(__file__).resolve().parents[2] / "theme" / "fontawesome-icons.json"

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


# An icon element of the theme's templates: <i class="fa-solid fa-bars"></i>, <span class="fa-solid fa-bars"></span>,
# <i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i> (always empty).
_ICON = re.compile(r'<(?P<tag>i|span) class="(?P<classes>[^"]*\bfa-[^"]*)"(?P<attrs>(?:\s+[\w-]+="[^"]*")*)\s*>\s*</(?P=tag)>')
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_FONTAWESOME_SCRIPT = re.compile(r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js(?:\?[^"]*)?"[^>]*>\s*</script>\n?')
# The classes that name Font Awesome's style (solid, regular, brands), which the SVG does not need.
_STYLE_CLASSES = {"fa", "fas", "far", "fab", "fa-solid", "fa-regular", "fa-brands", "fa-classic"}


@functools.cache
def icons() -> dict[str, dict[str, str]]:
    """Font Awesome's icons the pages use: name -> viewBox and path (``theme/fontawesome-icons.json``)."""
    return json.loads(ICONS_FILE.read_text(encoding="utf-8"))["icons"]


def icon_svg(match: re.Match[str]) -> str:
    """The inline SVG of one icon element (as fontawesome.js would make it), or the element unchanged."""
    classes = match.group("classes").split()
    known = icons()
    name = next((c[3:] for c in classes if c.startswith("fa-") and c[3:] in known), None)
    if name is None:
        return match.group(0)
    attrs = dict(_ATTR.findall(match.group("attrs")))
    title = attrs.pop("title", "")
    kept = " ".join(f'{key}="{value}"' for key, value in attrs.items() if key.startswith("data-"))
    icon = known[name]
    return (
        f'<svg class="{" ".join(["svg-inline--fa"] + [c for c in classes if c not in _STYLE_CLASSES])}"'
        + (f" {kept}" if kept else "")
        + f' aria-hidden="true" focusable="false" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="{icon["viewBox"]}">'
        + (f"<title>{title}</title>" if title else "")
        + f'<path fill="currentColor" d="{icon["path"]}"></path></svg>'
    )


def inline_icons(text: str) -> str:
    """Font Awesome's icons as inline SVG, and no ``fontawesome.js`` (1.5 MB) on the page."""
    return _FONTAWESOME_SCRIPT.sub("", _ICON.sub(icon_svg, text))


REPAIRS = (name_toctree_toggles, citation_list_roles, inline_icons)


def repair(text: str) -> str:
    for fix in REPAIRS:
        text = fix(text)
    return text


def rewrite_pages(out: Path, transform: Callable[[str], str]) -> int:
    """Apply ``transform`` to every HTML page under ``out``, each read once; return how many files changed (rewritten
    only then). The build passes every change it makes to the built pages as one transform (one pass over the site)."""
    changed = 0
    for path in sorted(out.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        fixed = transform(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed


def drop_icon_script(out: Path) -> None:
    """No page loads Font Awesome's script once :func:`inline_icons` has run: it and its source map (4.7 MB) are not published."""
    for name in ("fontawesome.js", "fontawesome.js.map"):
        (out / "_static" / "scripts" / name).unlink(missing_ok=True)
