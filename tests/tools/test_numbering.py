"""Numbered captions for the notebooks' tables and figures (analysis/tools/numbering.py), without a build."""

from __future__ import annotations

import pandas as pd
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from analysis.pages.report import captioned
from analysis.tools import numbering


def test_captioned_styler_has_an_escaped_caption_and_a_name():
    html = captioned(pd.DataFrame({"a": [1]}), "Harms <pooled>", name="tbl-harms").to_html()
    assert "<caption>Harms &lt;pooled&gt;</caption>" in html and 'data-ref="tbl-harms"' in html


def _document_with(outputs: list[str]) -> nodes.document:
    document = new_document("<test>", get_default_settings(Parser))
    section = nodes.section(ids=["harms"], names=["harms"])
    section += nodes.title("", "Harms of ketamine")
    for html in outputs:
        cell = nodes.container(classes=["cell_output"])
        cell += nodes.raw("", html, format="html", classes=["output", "text_html"])
        section += cell
    document += section
    return document


def _apply(document: nodes.document) -> None:
    transform = numbering.NumberOutputs(document)
    transform.apply()


def test_tables_and_figures_become_numbered_nodes_captioned_and_named():
    figure = '<figure class="review-figure" data-ref="fig-x"><img src="data:image/png;base64,AAAA" alt="a b c"><figcaption>A chart</figcaption></figure>'
    document = _document_with([
        captioned(pd.DataFrame({"a": [1]}), "Counts", name="tbl-counts").to_html(),
        pd.DataFrame({"a": [1]}).style.to_html(),  # no caption: the section's title
        figure,
        "<p>not a table</p>",
    ])
    _apply(document)
    tables = list(document.findall(numbering.numbered_table))
    figures = list(document.findall(numbering.numbered_figure))
    assert [t["caption"] for t in tables] == ["Counts", "Harms of ketamine"]
    assert tables[0]["ids"] == ["tbl-counts"] and tables[1]["ids"]
    assert "<caption>Harms of ketamine</caption>" in tables[1]["html"]
    assert [f["caption"] for f in figures] == ["A chart"] and figures[0]["ids"] == ["fig-x"]
    assert len(list(document.findall(nodes.raw))) == 4  # the outputs stay as children (search index) and the paragraph
    assert document.ids["tbl-counts"] is tables[0]


def test_plain_text_of_a_caption():
    assert numbering.plain("<b>Risk</b> &amp; bias\n  ratio") == "Risk & bias ratio"


def test_long_words_in_table_cells_may_wrap_and_number_ranges_may_not():
    """Issue 13: a table holds web addresses and words joined by '/' or '+' that had no place to wrap, so their
    columns pushed the table past the page; they get <wbr> (the text itself unchanged), ranges stay whole."""
    import html as html_module
    import re

    table = ('<style type="text/css">#T_x td.a.b { color: red; }</style><table><caption>http://example.org/a/long/path</caption>'
             '<tr><th>placebo/remifentanil</th><td class="data">See (http://www.ketamineadvocacynetwork.org) &amp; '
             'methadone+ketamine), 59–87%; 58–89%, &lt;script&gt;alert(1)&lt;/script&gt;</td><td>short words only</td></tr></table>')
    out = numbering.breakable(table)
    assert out.startswith('<style type="text/css">#T_x td.a.b { color: red; }</style>'), "the style sheet was changed"
    assert "<caption>http://example.org/a/long/path</caption>" in out, "only cells are changed"
    assert "placebo/<wbr>remifentanil" in out and "methadone+<wbr>ketamine" in out and "http://<wbr>www.<wbr>" in out
    assert "<td>short words only</td>" in out
    assert '<span class="review-nowrap">59–87%</span>; <span class="review-nowrap">58–89%</span>' in out
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out, "escaped text must stay escaped"
    # every run of the address without a place to wrap is at most 19 characters, and the text read is the same
    address = re.search(r"See \((.*?)\)", out).group(1)
    assert max(len(html_module.unescape(w)) for w in address.split("<wbr>")) < 20

    def text(s: str) -> str:
        return html_module.unescape(re.sub(r"<[^>]+>", "", s))

    assert text(out) == text(table)
class _Builder:
    def __init__(self, outdir):
        self.outdir, self.imagedir, self.imgpath = str(outdir), "_images", "../_images"


class _Translator:
    """What visit_numbered_figure needs of Sphinx's HTML translator."""

    def __init__(self, outdir):
        self.builder, self.body = _Builder(outdir), []

    def add_fignumber(self, node):
        self.body.append('<span class="caption-number">Figure 7 </span>')


def _visit(tmp_path, image: bytes, mime: str) -> str:
    import base64

    import pytest

    data = base64.b64encode(image).decode("ascii")
    node = numbering.numbered_figure(
        html=f'<figure class="review-figure"><img src="data:{mime};base64,{data}" alt="a b c"><figcaption>A chart</figcaption></figure>',
        caption="A chart", classes=["output"], ids=["figure-1"])
    translator = _Translator(tmp_path)
    with pytest.raises(nodes.SkipNode):
        numbering.visit_numbered_figure(translator, node)
    return "".join(translator.body)


def test_a_figure_is_written_to_a_file_linked_full_size_and_for_download(tmp_path):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt"></svg>'
    out = _visit(tmp_path, svg, "image/svg+xml")
    files = sorted(p.name for p in (tmp_path / "_images").iterdir())
    assert len(files) == 1 and files[0].startswith("figure-") and files[0].endswith(".svg")
    assert (tmp_path / "_images" / files[0]).read_bytes() == svg
    assert "data:image" not in out and f'src="../_images/{files[0]}"' in out
    assert f'<a class="review-figure-full" href="../_images/{files[0]}">Open the figure full size (SVG)</a>' in out
    assert f'<a class="review-figure-download" href="../_images/{files[0]}" download="ketamine-review-figure-7.svg">download it</a>' in out
    assert "Figure 7. </span>A chart" in out


def test_a_png_figure_is_linked_as_a_png(tmp_path):
    out = _visit(tmp_path, b"\x89PNG\r\n\x1a\n fake", "image/png")
    assert "Open the figure full size (PNG)" in out and 'download="ketamine-review-figure-7.png"' in out
