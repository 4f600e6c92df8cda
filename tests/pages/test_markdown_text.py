"""Values from the data reach Markdown as text: no script, image, heading, link or frame can be injected."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from analysis.text import markdown_text

EVIL = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "Title\n# Fake heading [click](https://evil.example)",
    "<iframe src='https://evil.example'></iframe>",
    "![x](https://evil.example/x.png) `code` *em* $\\cmd$ | table |",
    "a & b < c > d",
]


@pytest.mark.parametrize("value", EVIL)
def test_data_values_render_as_text(value):
    html = MarkdownIt("commonmark").render(f"**Label**: {markdown_text(value)}")
    for bad in ("<img", "<script", "<iframe", "<h1", "<a ", "<code", "<em"):
        assert bad not in html, (value, html)
    assert html.count("<p>") == 1


def test_plain_text_is_unchanged_apart_from_spaces():
    assert markdown_text("Ketamine 0.5 mg/kg over 40 minutes") == "Ketamine 0\\.5 mg/kg over 40 minutes"
    assert markdown_text("two\nlines") == "two lines"
