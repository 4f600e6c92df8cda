"""The whole book as one PDF (``python -m analysis pdf``; also the last step of ``python -m analysis build``).

From the built site (``_build/html``) one print HTML is assembled: a title page (title, authors, data
version, build date, contents), then the article of every page in the order of ``_toc.yml``, with
the figures as served, links between pages turned into links inside the document and ids made
unique. Chromium (driven by playwright, as the browser tests drive it) prints it with the site's own
print CSS (theme/static/ketamine-review.css: tables wrap to the text column, headings start no new
sheet) onto A4 sheets, with the data version, build date and page numbers at the foot of every
sheet, and writes ``_build/html/ketamine-for-chronic-pain.pdf``. The print HTML is removed after.

Chromium is found at ``KETAMINE_REVIEW_CHROMIUM`` or ``/usr/bin/chromium`` (or on the PATH). Without
chromium or playwright the PDF is not made: :func:`unavailable` says why, the build says so and goes
on, and the site links no PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import re
import shutil
import time
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

PDF_NAME = "ketamine-for-chronic-pain.pdf"
PRINT_NAME = "_book-print.html"  # written next to the site's index.html while printing, removed after
CHROMIUM_ENV = "KETAMINE_REVIEW_CHROMIUM"
# set by python -m analysis build for its Sphinx run: the pages link the PDF that the build then prints
LINK_ENV = "KETAMINE_REVIEW_LINK_PDF"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """The chromium executable, or None."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable() -> str | None:
    """Why the PDF cannot be printed here (None: it can)."""
    if chromium_path() is None:
        return (f"chromium is missing (looked at ${CHROMIUM_ENV}, /usr/bin/chromium and the PATH); "
                "install it (Debian: apt-get install chromium) to get the whole-book PDF")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; it drives chromium)"
    return None


# --------------------------------------------------------------------------
# The print HTML


def toc_entries(root: Path) -> list[tuple[str, str]]:
    """``(part caption, docname)`` of every page of ``_toc.yml``, in reading order (the root page's caption is '')."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [("", str(toc["root"]))]

    def walk(items: list[dict[str, Any]], caption: str) -> None:
        for item in items or []:
            if "file" in item:
                entries.append((caption, str(item["file"])))
            walk(item.get("sections", []), caption)

    for part in toc.get("parts", []):
        walk(part.get("chapters", []), str(part.get("caption") or ""))
    walk(toc.get("chapters", []), "")
    walk(toc.get("sections", []), "")
    return [(caption, re.sub(r"\.(md|ipynb|rst)$", "", doc)) for caption, doc in entries]


def _anchor(docname: str, fragment: str = "") -> str:
    base = "doc-" + re.sub(r"[^A-Za-z0-9_-]+", "-", docname)
    return f"{base}--{fragment}" if fragment else base


def _article(site: Path, docname: str, printed: set[str]) -> tuple[str, Any]:
    """The page's title and its article, ready to be printed inside the one document."""
    from bs4 import BeautifulSoup

    text = (site / f"{docname}.html").read_text(encoding="utf-8")
    # only the title and the article are parsed (the navigation around them is most of each page)
    found = re.search(r"<title>(.*?)</title>", text, re.S)
    title = html.unescape(found.group(1)).split(" \u2014 ")[0].strip() if found else docname
    start, end = text.find('<article class="bd-article">'), text.rfind("</article>")
    article = BeautifulSoup(text[start:end + len("</article>")], "html.parser").article if 0 <= start < end else None
    if article is None:
        raise ValueError(f"{docname}.html has no article")
    for element in article.select("script, a.headerlink, button, .d-print-none, form"):
        element.decompose()
    for details in article.find_all("details"):
        details["open"] = ""
    here = PurePosixPath(docname).parent
    for element in article.find_all(id=True):
        element["id"] = _anchor(docname, str(element["id"]))
    for element in article.find_all(["img", "source"]):
        for attribute in ("src", "srcset"):
            value = element.get(attribute)
            if value and not urlsplit(str(value)).scheme and not str(value).startswith("/"):
                element[attribute] = _site_path(here, str(value))
    for link in article.find_all("a", href=True):
        href = str(link["href"])
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto"):
            continue
        target = docname if not parts.path else _site_path(here, unquote(parts.path))
        target_doc = re.sub(r"\.html$", "", target)
        if target_doc in printed:
            link["href"] = "#" + _anchor(target_doc, unquote(parts.fragment))
        else:  # a file of the site (data, sources) means nothing on paper: the text stays (and its class), the link goes
            del link["href"]
    return title, article


def _site_path(here: PurePosixPath, relative: str) -> str:
    """A path relative to a page in folder ``here`` as a path from the site's root."""
    parts: list[str] = list(here.parts)
    for piece in relative.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _head(site: Path, docnames: list[str]) -> str:
    """The stylesheets of the site's pages, and MathJax if any printed page typesets mathematics."""
    from bs4 import BeautifulSoup

    styles: list[str] = []
    scripts: list[str] = []
    for docname in docnames:
        here = PurePosixPath(docname).parent
        text = (site / f"{docname}.html").read_text(encoding="utf-8")
        head = BeautifulSoup(text[: text.find("</head>") + len("</head>")], "html.parser").head
        if head is None:
            continue
        for link in head.find_all("link", rel="stylesheet"):
            href = _site_path(here, str(link["href"]))
            tag = f'<link rel="stylesheet" href="{html.escape(href, quote=True)}">'
            if tag not in styles:
                styles.append(tag)
        for script in head.find_all("script"):
            src = str(script.get("src") or "")
            body = script.string or ""
            if "mathjax" in src.lower():
                tag = f'<script defer src="{html.escape(_site_path(here, src), quote=True)}"></script>'
            elif "MathJax" in body and not src:
                tag = f"<script>{body}</script>"
            else:
                continue
            if tag not in scripts:
                scripts.append(tag)
    return "\n".join(styles + scripts)


# Only for the whole-book print: each chapter starts a sheet (its sections do not: the site's print CSS),
# a title page, and the contents list.
BOOK_CSS = """
@page { size: A4; }
@page landscape { size: A4 landscape; }
html, body { background: #fff; }
body { margin: 0; }
/* sphinx-book-theme's print CSS hides each page's first h1 (it prints the title above the page instead) */
html .bd-main .bd-content .bd-article h1:first-of-type { display: block; }
html .bd-main .bd-content { margin-left: 0; }
.bd-main .bd-content .bd-article-container { max-width: none; padding: 0; }
html .bd-main .bd-content .bd-article { padding: 0; }
/* each chapter starts a sheet (the site's print CSS lets no section do so: more specific here) */
html .bd-main .bd-content .bd-article section.book-chapter { break-before: page !important; }
.book-title-page { text-align: center; padding-top: 5cm; break-after: page; }
html .bd-main .bd-content .bd-article .book-title-page h1 { font-size: 2rem; margin-bottom: 2rem; }
.book-title-page .book-facts { font-size: 1.05rem; line-height: 1.7; }
.book-contents h2 { font-size: 1.4rem; }
.book-contents ol { list-style: none; padding-left: 0; }
.book-contents li.book-part { margin-top: 0.8rem; font-weight: 600; }
.book-contents li.book-doc { padding-left: 1.2rem; }
.book-part-caption { font-size: 0.9rem; text-transform: uppercase; letter-spacing: 0.05em; color: #555; margin: 0 0 0.5rem; }
a { color: #0a58ca; text-decoration: none; }
/* a figure and its caption on one sheet */
html .bd-main .bd-content figure.review-figure img { max-height: 17cm; }
/* Tables (sorted by TABLES_JS): one that fits the text column with its words whole breaks no word; one that
   fits only a landscape sheet gets one; one too wide even for that gets one too, in smaller type, its long words broken. */
html .bd-main .bd-content table.print-fits th,
html .bd-main .bd-content table.print-fits td { overflow-wrap: break-word; min-width: 0; }
.print-landscape { page: landscape; }
html .bd-main .bd-content table.print-squeezed { font-size: 6.5pt; }
html .bd-main .bd-content table.print-squeezed th,
html .bd-main .bd-content table.print-squeezed td { overflow-wrap: anywhere !important; min-width: 0; padding: 0.1em 0.2em; }
"""


# Sorts the tables of the print HTML (laid out for print, in a window as wide as the sheet's text) into those
# whose words all fit the text column, those that fit a landscape sheet, and the rest; returns the counts.
TABLES_JS = """(landscape) => {
  const article = document.querySelector('article.bd-article');
  const right = article.getBoundingClientRect().right;
  const counts = {portrait: 0, landscape: 0, squeezed: 0};
  for (const table of article.querySelectorAll('table')) {
    table.classList.add('print-fits');
    const style = table.style.cssText;
    table.style.setProperty('width', 'min-content', 'important');
    const box = table.getBoundingClientRect();
    table.style.cssText = style;
    const width = right - box.left;  // the room from the table's left edge to the text's right edge
    if (box.width <= width) { counts.portrait++; continue; }
    if (box.width > width + landscape) {  // too wide even for a landscape sheet: smaller, and long words break
      table.classList.replace('print-fits', 'print-squeezed');
      counts.squeezed++;
    } else {
      counts.landscape++;
    }
    const sheet = table.closest('div.cell_output') || table.parentElement;
    sheet.classList.add('print-landscape');
    // as wide as a landscape sheet's text (chromium lays out every sheet as wide as a portrait one)
    table.style.setProperty('width', `${width + landscape}px`, 'important');
    table.style.setProperty('max-width', 'none', 'important');
  }
  return counts;
}"""
# A4 (210 x 297 mm) with these margins, in CSS pixels (96 per inch)
MARGIN_MM = {"top": 16, "bottom": 18, "left": 12, "right": 12}
PORTRAIT_TEXT_PX = int((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)
LANDSCAPE_EXTRA_PX = int((297 - 210) / 25.4 * 96)


def build_date() -> str:
    """Today (UTC) as YYYY-MM-DD."""
    return dt.datetime.now(dt.UTC).date().isoformat()


PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})")


def dated_to_the_day(pdf: bytes, date: str) -> bytes:
    """The PDF with its creation and modification times set to midnight of ``date`` (YYYY-MM-DD, the build date its
    sheets print), so that two builds of the same site on the same day make the same bytes. Each time is replaced by
    one of the same length, so the file's table of byte offsets stays right."""
    day = date.replace("-", "").encode("ascii")
    if not re.fullmatch(rb"\d{8}", day):
        raise ValueError(f"not a date (YYYY-MM-DD): {date!r}")
    return PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + day + b"000000", pdf)


def print_html(root: Path, site: Path, version: str, date: str) -> str:
    """The whole book as one HTML document, meant to be saved as ``site/PRINT_NAME``."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    book_title = str(config.get("title") or "Ketamine for Chronic Pain")
    author = str(config.get("author") or "")
    repository = str((config.get("repository") or {}).get("url") or "")
    entries = [(caption, doc) for caption, doc in toc_entries(root) if (site / f"{doc}.html").is_file()]
    if not entries:
        raise FileNotFoundError(f"{site} holds none of the pages of _toc.yml: build the book first")
    printed = {doc for _caption, doc in entries}
    contents: list[str] = []
    chapters: list[str] = []
    last_caption = None
    for caption, doc in entries:
        title, article = _article(site, doc, printed)
        label = ""
        if caption != last_caption and caption:
            contents.append(f'<li class="book-part">{html.escape(caption)}</li>')
            label = f'<p class="book-part-caption">{html.escape(caption)}</p>'
        last_caption = caption
        contents.append(f'<li class="book-doc"><a href="#{_anchor(doc)}">{html.escape(title)}</a></li>')
        chapters.append(f'<section class="book-chapter" id="{_anchor(doc)}">{label}{article.decode_contents()}</section>')
    facts = [f"Data version {html.escape(version)}", f"Built on {html.escape(date)}"]
    if author:
        facts.insert(0, html.escape(author))
    if repository:
        facts.append(f'Source and data: <a href="{html.escape(repository, quote=True)}">{html.escape(repository)}</a>')
    facts.append("An evidence review, not medical advice.")
    title_page = (
        '<section class="book-title-page">'
        f"<h1>{html.escape(book_title)}</h1>"
        f'<p class="book-facts">{"<br>".join(facts)}</p>'
        "</section>"
        '<nav class="book-contents" aria-label="Contents"><h2>Contents</h2>'
        f'<ol>{"".join(contents)}</ol></nav>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en" data-theme="light" data-mode="light"><head><meta charset="utf-8">'
        f"<title>{html.escape(book_title)} (data version {html.escape(version)}, {html.escape(date)})</title>\n"
        f"{_head(site, [doc for _c, doc in entries])}\n<style>{BOOK_CSS}</style></head>\n"
        '<body><div class="bd-main"><div class="bd-content"><div class="bd-article-container">'
        f'<article class="bd-article">{title_page}\n' + "\n".join(chapters) + "</article></div></div></div></body></html>\n"
    )


# --------------------------------------------------------------------------
# Printing


def _foot(version: str, date: str) -> str:
    return (
        '<div style="font-size:8px; width:100%; padding:0 12mm; display:flex; justify-content:space-between; color:#333;'
        ' font-family:sans-serif;">'
        f"<span>Ketamine for Chronic Pain &middot; data version {html.escape(version)} &middot; built {html.escape(date)}</span>"
        '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


def make_pdf(root: str | Path = ".", out: Path | None = None) -> Path:
    """Print the built site of ``root`` to one PDF; return its path. Raises if it cannot."""
    from analysis.tools.buildtools import data_label

    root = Path(root).resolve()
    site = root / "_build" / "html"
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} holds no built site: run 'python -m analysis build' first")
    why = unavailable()
    if why:
        raise RuntimeError(why)
    from playwright.sync_api import sync_playwright

    version, _data_date = data_label(root)
    date = build_date()
    target = out or site / PDF_NAME
    source = site / PRINT_NAME
    source.write_text(print_html(root, site, version, date), encoding="utf-8")
    partial = target.with_name(target.name + ".part")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": PORTRAIT_TEXT_PX, "height": 1000})
                page.goto(source.as_uri(), wait_until="load")
                page.wait_for_function(
                    "() => !window.MathJax || !window.MathJax.startup || !window.MathJax.startup.promise"
                    " || window.__mjDone === true || (window.MathJax.startup.promise.then(() => { window.__mjDone = true; }), false)",
                    timeout=60000,
                )
                page.emulate_media(media="print")
                tables = page.evaluate(TABLES_JS, LANDSCAPE_EXTRA_PX)
                print(f"[pdf] tables: {tables['portrait']} fit the page, {tables['landscape']} on landscape sheets, "
                      f"{tables['squeezed']} wrap their long words", flush=True)
                page.pdf(path=str(partial), format="A4", print_background=True, outline=True, prefer_css_page_size=True,
                         margin={"top": f"{MARGIN_MM['top']}mm", "bottom": f"{MARGIN_MM['bottom']}mm",
                                 "left": f"{MARGIN_MM['left']}mm", "right": f"{MARGIN_MM['right']}mm"},
                         display_header_footer=True, header_template="<span></span>", footer_template=_foot(version, date))
            finally:
                browser.close()
        partial.write_bytes(dated_to_the_day(partial.read_bytes(), date))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
        source.unlink(missing_ok=True)
    return target


def main(root: str | Path = ".") -> int:
    started = time.perf_counter()
    try:
        path = make_pdf(root)
    except (OSError, RuntimeError, ValueError) as error:
        print(f"pdf: the whole-book PDF was not made: {error}", flush=True)
        return 1
    print(f"Printed {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


def add_parser(commands: Any) -> None:
    pdf: argparse.ArgumentParser = commands.add_parser(
        "pdf", help=f"print the built site (_build/html) to one PDF, _build/html/{PDF_NAME} (needs chromium and playwright; "
                    "the pages link it when built with 'build --pdf', as make book does)"
    )
    pdf.add_argument("--root", default=".", help="the book's root folder (default: .)")
    pdf.set_defaults(func=lambda a: main(a.root))
