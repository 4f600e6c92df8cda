"""Numbered, captioned tables and figures from the notebooks' outputs (a Sphinx extension).

The chapters show their tables as pandas Styler HTML and their figures as
:func:`analysis.figures.style.html_figure` HTML: raw HTML to Sphinx, which numbers
only its own figure and table nodes. Before Sphinx collects the cross-reference
targets of a page, this extension turns each such output into a node that Sphinx numbers
like its own figures and tables (``numfig``), book-wide in the order of the table of
contents, and that ``{numref}`` can refer to:

* a table keeps its ``<caption>`` (set by the chapter with ``Styler.set_caption``; a table
  without one is captioned with the title of the section it is in), and the caption starts
  with its number ("Table 12");
* a figure keeps its ``<figcaption>``, which starts with its number ("Figure 3") and ends
  with links to the figure's image at full size and to download it: the SVG (or PNG) embedded
  by ``html_figure`` is written to ``_images/`` (named by its content) and the page links to
  that file instead of carrying it inline.

A chapter names a table or figure for ``{numref}`` with ``data-ref="tbl-…"`` on the table
(``Styler.set_table_attributes``) or ``name=`` of ``html_figure``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

_FIGURE = re.compile(r'<figure class="review-figure"[^>]*>', re.IGNORECASE)
_TABLE = re.compile(r"<table\b[^>]*>", re.IGNORECASE)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.IGNORECASE | re.DOTALL)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
_REF = re.compile(r'data-ref="([A-Za-z][\w-]*)"')
_CELL = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)", re.IGNORECASE | re.DOTALL)
_TEXT = re.compile(r"(?<=>)([^<]+)|^([^<]+)")
_LONG_WORD = re.compile(r"[^\s<>]{16,}")
_BREAK_AFTER = re.compile(r"(?<=[/+_.,;:=?&-])(?=[^\s/+_.,;:=?&)\]-])|(?<=[a-z0-9])(?=\()")
_UNBROKEN = re.compile(r"[^\x00]{20,}")
_RANGE = re.compile(r"(?<![\w.])[−-]?\d[\d.,]*%?–[−-]?\d[\d.,]*%?")
_IMAGE = re.compile(r'src="data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=]+)"')
_SUFFIX = {"png": "png", "svg+xml": "svg"}


class numbered_table(nodes.General, nodes.Element):  # noqa: N801 - docutils node classes are lower case
    """A notebook's table output, numbered by Sphinx as a table."""


class numbered_figure(nodes.General, nodes.Element):  # noqa: N801
    """A notebook's figure output, numbered by Sphinx as a figure."""


def plain(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section_title(node: nodes.Node) -> str:
    """The title of the section a node is in (the page's title at the top level)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section) and parent.children and isinstance(parent[0], nodes.title):
            return parent[0].astext()
        parent = parent.parent
    return ""


def with_caption(table_html: str, caption: str) -> str:
    """The table's HTML with ``caption`` as its <caption> (inserted after the <table> tag)."""
    match = _TABLE.search(table_html)
    if match is None:
        return table_html
    return table_html[: match.end()] + f"<caption>{html.escape(caption)}</caption>" + table_html[match.end():]


def breakable(table_html: str) -> str:
    """The table's HTML with a line-break opportunity (``<wbr>``) inside each long word of its cells.

    A web address, a path or a run of words joined by '/' or '+' ("placebo/remifentanil",
    "methadone+ketamine") has no place where a line may break, so its column is at least as wide as
    the whole word, and a table of such columns was wider than the page. A ``<wbr>`` after each '/',
    '+', '_', '.', '=', '?', '&', ',', ';' or '-' and before '(' of a word of 16 characters or more lets
    it wrap there, and a run of 20 characters or more without such a place (a domain name) may wrap
    every 12 characters. A range of numbers ("59–87%") never breaks at its dash. The text (as read,
    copied or searched) is unchanged."""

    def every_12(match: re.Match[str]) -> str:
        run = match.group(0)
        return "\x00".join(run[i:i + 12] for i in range(0, len(run), 12))

    def words(segment: str) -> str:
        text = html.unescape(segment)
        if not _LONG_WORD.search(text) and not _RANGE.search(text):
            return segment
        marked = _LONG_WORD.sub(lambda m: _UNBROKEN.sub(every_12, _BREAK_AFTER.sub("\x00", m.group(0))), text)
        marked = _RANGE.sub(lambda m: "\x01" + m.group(0) + "\x02", marked)
        return (html.escape(marked, quote=False).replace("\x00", "<wbr>")
                .replace("\x01", '<span class="review-nowrap">').replace("\x02", "</span>"))

    def cell(match: re.Match[str]) -> str:
        inner = _TEXT.sub(lambda t: words(t.group(0)), match.group(2))
        return match.group(1) + inner + match.group(3)

    return _CELL.sub(cell, table_html)


class NumberOutputs(SphinxTransform):
    """Replace table and figure outputs of the notebooks (raw HTML) by numbered nodes."""

    default_priority = 400  # before SphinxDomains (850) collects the targets

    def apply(self, **kwargs: Any) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split() or "text_html" not in raw.get("classes", []):
                continue
            text = raw.astext()
            node: nodes.Element
            if _FIGURE.search(text):
                caption = _FIGCAPTION.search(text)
                node = numbered_figure(html=text, caption=plain(caption.group(1)) if caption else "", classes=list(raw["classes"]))
            elif len(_TABLE.findall(text)) == 1:
                caption = _CAPTION.search(text)
                title = plain(caption.group(1)) if caption else section_title(raw)
                if not title:
                    continue
                node = numbered_table(html=text if caption else with_caption(text, title), caption=title, classes=list(raw["classes"]))
            else:
                continue
            if not node["caption"]:
                continue
            # the output itself stays a child, for the search index (the HTML writer skips it: the node writes it)
            node += nodes.raw("", text, format="html")
            ref = _REF.search(text)
            if ref:
                node["names"].append(ref.group(1))
                self.document.note_explicit_target(node, node)
            else:
                self.document.set_id(node)
            raw.replace_self(node)


def _number(translator: Any, node: nodes.Element) -> str:
    """The '<span class="caption-number">Table 3 </span>' Sphinx writes for this node ('' when unnumbered)."""
    start = len(translator.body)
    translator.add_fignumber(node)
    number = "".join(translator.body[start:])
    del translator.body[start:]
    # 'Table 3. ' in the caption ('Table 3' where the text refers to it)
    return re.sub(r"(\S) </span>$", r"\1. </span>", number)


def _wrap(node: nodes.Element, inner: str) -> str:
    return f'<div class="{" ".join(node["classes"])}" id="{node["ids"][0]}">{inner}</div>'


def visit_numbered_table(translator: Any, node: nodes.Element) -> None:
    number = _number(translator, node)
    out = _CAPTION.sub(lambda m: m.group(0).replace(m.group(1), number + m.group(1), 1), breakable(node["html"]), count=1)
    translator.body.append(_wrap(node, out))
    raise nodes.SkipNode


def _image_file(translator: Any, data: bytes, suffix: str = "png") -> str:
    """Write the image into the site's _images/ (named by its content); its address relative to the page."""
    name = f"figure-{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"
    folder = Path(translator.builder.outdir) / translator.builder.imagedir
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)
    return f"{translator.builder.imgpath}/{name}"


def visit_numbered_figure(translator: Any, node: nodes.Element) -> None:
    number = _number(translator, node)
    out = node["html"]
    image = _IMAGE.search(out)
    link = ""
    if image and getattr(translator.builder, "imgpath", None) is not None:
        suffix = _SUFFIX[image.group(1)]
        address = html.escape(_image_file(translator, base64.b64decode(image.group(2)), suffix))
        out = out[: image.start()] + f'src="{address}"' + out[image.end():]
        numbers = re.findall(r"\d+", plain(number))
        saved = f"ketamine-review-figure-{'-'.join(numbers) or 'image'}.{suffix}"
        link = (f' <a class="review-figure-full" href="{address}">Open the figure full size ({suffix.upper()})</a>'
                f' or <a class="review-figure-download" href="{address}" download="{saved}">download it</a>.')
    out = _FIGCAPTION.sub(lambda m: m.group(0).replace(m.group(1), number + m.group(1) + link, 1), out, count=1)
    translator.body.append(_wrap(node, out))
    raise nodes.SkipNode


def _skip(translator: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    app.add_enumerable_node(numbered_table, "table", lambda node: node["caption"], html=(visit_numbered_table, None),
                            latex=(_skip, None), text=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    app.add_enumerable_node(numbered_figure, "figure", lambda node: node["caption"], html=(visit_numbered_figure, None),
                            latex=(_skip, None), text=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    app.add_transform(NumberOutputs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
