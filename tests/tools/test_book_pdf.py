"""The whole-book PDF's parts that need no browser (analysis/tools/book_pdf.py): the reading order, the one print
HTML assembled from the built pages, the download menu's items, the data page's link, and what happens without chromium.
The PDF itself is checked over the session's built site (tests/site/test_site.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analysis.tools import book_pdf
from analysis.tools.buildtools import _book_pdf_button, _data_index_html

ROOT = Path(__file__).resolve().parents[2]


def test_reading_order_is_the_table_of_contents():
    entries = book_pdf.toc_entries(ROOT)
    docs = [doc for _caption, doc in entries]
    assert docs[0] == "book/intro" and docs[-1] == "book/about", docs
    assert docs.index("book/crps-retrospective") == docs.index("book/evidence-crps") + 1  # a section follows its chapter
    assert len(docs) == len(set(docs)) and all((ROOT / f"{doc}.md").is_file() for doc in docs)
    assert dict((doc, caption) for caption, doc in entries)["book/trials"] == "The answer"


PAGE = """<!DOCTYPE html><html><head><title>{title} &#8212; The book</title>
<link rel="stylesheet" href="../_static/site.css"><script src="../_static/nav.js"></script></head>
<body><nav><a href="b.html">navigation, not printed</a></nav><article class="bd-article">
<section id="top"><h1>{title}<a class="headerlink" href="#top">#</a></h1>
<p id="p">See <a href="b.html#x">the other page</a>, <a href="#top">this one</a>, <a href="../data/index.html">the data</a>
and <a href="https://example.org/">elsewhere</a>.</p><img src="../_images/f.png" alt="a figure"><script>alert(1)</script>
</section></article></body></html>"""


@pytest.fixture
def small_site(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/a\nparts:\n  - caption: Part one\n    chapters:\n      - file: book/b\n", encoding="utf-8")
    (root / "_config.yml").write_text("title: The book\nauthor: Its authors\nrepository:\n  url: https://example.org/repo\n", encoding="utf-8")
    site = root / "_build" / "html"
    (site / "book").mkdir(parents=True)
    (site / "book" / "a.html").write_text(PAGE.format(title="Page A"), encoding="utf-8")
    (site / "book" / "b.html").write_text(PAGE.format(title="Page B").replace('id="p"', 'id="x"'), encoding="utf-8")
    (site / "index.html").write_text("<meta http-equiv='refresh' content='0; url=book/a.html'>", encoding="utf-8")
    return root, site


def test_the_print_html_holds_every_page_once_with_links_inside_it(small_site: tuple[Path, Path]):
    root, site = small_site
    html = book_pdf.print_html(root, site, "1.2.3 with changes not yet released", "2026-12-04")
    soup = BeautifulSoup(html, "html.parser")
    title_page = soup.select_one(".book-title-page").get_text(" ")
    for text in ("The book", "Its authors", "Data version 1.2.3 with changes not yet released", "Built on 2026-12-04", "not medical advice"):
        assert text in title_page, text
    assert [a.get_text() for a in soup.select(".book-contents li.book-doc a")] == ["Page A", "Page B"]
    assert [li.get_text() for li in soup.select(".book-contents li.book-part")] == ["Part one"]
    chapters = soup.select("section.book-chapter")
    assert [c["id"] for c in chapters] == ["doc-book-a", "doc-book-b"]
    assert "navigation, not printed" not in html and "alert(1)" not in html and "headerlink" not in html
    ids = [e["id"] for e in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)) and "doc-book-b--x" in ids and "doc-book-a--top" in ids
    first = chapters[0]
    hrefs = [a.get("href") for a in first.find_all("a")]
    # another page's anchor and this page's own: inside the document; a file of the site: no link (its text stays); the web: kept
    assert hrefs == ["#doc-book-b--x", "#doc-book-a--top", None, "https://example.org/"], hrefs
    assert "the data" in first.get_text()
    assert first.find("img")["src"] == "_images/f.png"  # the print HTML sits next to index.html
    assert '<link rel="stylesheet" href="_static/site.css">' in html and "nav.js" not in html
    assert "@page landscape" in html


def test_the_download_menu_offers_the_book_pdf_and_prints_the_page():
    buttons = [
        {"type": "link", "url": "../_sources/book/a.md", "text": ".md", "label": "download-source-button"},
        {"type": "javascript", "javascript": "window.print()", "text": ".pdf", "label": "download-pdf-button", "icon": "fas fa-file-pdf"},
    ]
    _book_pdf_button(buttons, lambda name, relative: f"../{name}")
    assert [b["label"] for b in buttons] == ["download-source-button", "download-book-pdf-button", "download-pdf-button"]
    assert buttons[1]["url"] == f"../{book_pdf.PDF_NAME}" and buttons[1]["type"] == "link" and "pdf" in buttons[1]["text"]
    assert buttons[2]["text"] == "print page" and buttons[2]["javascript"] == "window.print()"


def test_the_data_page_links_the_pdf_only_when_it_is_made(tmp_path: Path):
    data = tmp_path / "studies.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    assert "ketamine-for-chronic-pain.pdf" not in _data_index_html([data], {}, "1.0")
    page = _data_index_html([data], {}, "1.0", f"../{book_pdf.PDF_NAME}")
    assert f'href="../{book_pdf.PDF_NAME}"' in page


def test_without_chromium_the_pdf_is_not_made_and_says_why(small_site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys):
    root, site = small_site
    monkeypatch.setenv(book_pdf.CHROMIUM_ENV, str(root / "no-such-chromium"))
    assert "chromium is missing" in (book_pdf.unavailable() or "")
    assert book_pdf.main(root) == 1
    assert "chromium is missing" in capsys.readouterr().out
    assert not (site / book_pdf.PDF_NAME).exists() and not (site / book_pdf.PRINT_NAME).exists()


def test_the_pdf_is_dated_to_the_day_of_its_build_with_its_byte_offsets_kept():
    """chromium writes the second it printed; the PDF keeps only the build's day, so a rebuild the same day makes the same bytes."""
    made = b"%PDF-1.4\n1 0 obj\n<</Producer (Skia/PDF m156)\n/CreationDate (D:20261205003257+00'00')\n/ModDate (D:20261205003257+00'00')>>\nendobj\n"
    fixed = book_pdf.dated_to_the_day(made, "2026-12-05")
    assert len(fixed) == len(made)
    assert fixed.count(b"(D:20261205000000+00'00')") == 2 and b"003257" not in fixed
    assert book_pdf.dated_to_the_day(fixed, "2026-12-05") == fixed
    with pytest.raises(ValueError):
        book_pdf.dated_to_the_day(made, "5 December")
