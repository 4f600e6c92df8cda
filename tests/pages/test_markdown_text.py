"""analysis/text.py: values from the data reach Markdown as text (no script, image, heading, link or frame can be injected), and p-values are written as journals print them."""

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


@pytest.mark.parametrize("p,shown", [
    (4.01e-05, "p < 0.001"), (0.00099, "p < 0.001"), (0.0, "p < 0.001"),  # never e-notation
    (0.001, "p = 0.001"), (0.0012, "p = 0.0012"), (0.034, "p = 0.034"), (0.123, "p = 0.12"), (0.05, "p = 0.05"),
    (0.994, "p = 0.99"), (0.995, "p > 0.99"), (1.0, "p > 0.99"),  # never 'p = 1'
])
def test_p_values_are_written_as_journals_print_them(p, shown):
    from analysis.text import p_text

    assert p_text(p) == shown


def test_a_p_value_outside_0_and_1_is_refused():
    from analysis.text import p_text

    with pytest.raises(ValueError, match="between 0 and 1"):
        p_text(1.2)
