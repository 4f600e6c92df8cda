"""The one style module of the book's figures: backend, palette, and the HTML figure.

* the headless ``Agg`` backend, set here once (every figure module imports this module first);
* :data:`OKABE_ITO`, the colour-blind-safe palette of Okabe and Ito (2008), used by every figure;
* :func:`plain_label`: text from the data as matplotlib shows it literally (never as mathtext);
* :func:`plain_log_axis`: a logarithmic x axis labelled with plain numbers (0.5, 1, 2), as every ratio is shown;
* :func:`legend_in_columns`: a seaborn legend of several variables, one column each under its heading;
* :func:`html_figure`: a matplotlib figure shown in a book page with alt text and a caption
  computed from the data, as SVG (:func:`figure_image`).

Static MyST figure options cannot hold alt text that depends on the data, so each
figure is rendered here to a deterministic SVG (text drawn as paths, element ids from a
fixed salt, no date; :func:`figure_image`) and written into the page as
``<figure><img alt=…><figcaption>…</figcaption></figure>``, with every text HTML-escaped.
An SVG stays sharp when the reader zooms or opens it full size; a figure whose SVG would
be very large (thousands of shapes) is a PNG instead.
"""

from __future__ import annotations

import base64
import html
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",  # not one of the eight; a neutral for "no information"
}


def plain_label(text: object) -> str:
    """Text from the data for a matplotlib label, title, tick or annotation, shown as written.

    matplotlib reads text between two unescaped ``$`` as mathtext, so a label such as ``$\\cmd$`` from
    the data would fail the figure ("Unknown symbol") or render as a formula. Every ``$`` is escaped
    (``\\$``, which matplotlib shows as ``$``); outside mathtext a backslash is shown as it is. Every text
    from the data reaches a figure through this function.
    """
    return str(text).replace("$", r"\$")


def plain_log_axis(ax: plt.Axes) -> None:
    """Make the x axis of ``ax`` logarithmic, with ticks at 1, 2 and 5 times powers of ten labelled as plain numbers
    (0.2, 0.5, 1, 2). matplotlib's own labels are powers of ten written in mathtext ("10⁰"), which readers of ratios
    do not expect and which needs mathematical fonts that an installation may lack (matplotlib then writes a warning
    into the page)."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def legend_in_columns(ax: plt.Axes, headings: tuple[str, ...], **options: object) -> Legend:
    """The legend seaborn made for ``ax`` (one flat list, each variable's entries after its heading), redrawn with one
    column per variable, its heading in bold at the top (the flat list, cut into columns, put headings mid-column)."""
    handles, labels = ax.get_legend_handles_labels()
    starts = [labels.index(h) for h in headings]
    assert starts == sorted(starts) and starts[0] == 0, f"the legend's headings are not in the order given: {labels}"
    groups = [list(range(a, b)) for a, b in zip(starts, starts[1:] + [len(labels)])]
    tallest = max(len(g) for g in groups)
    blank = Line2D([], [], linestyle="none", marker=None)
    cells: list[tuple[Artist, str]] = []
    for group in groups:  # matplotlib fills a legend column by column: each variable padded to the tallest
        cells += [(handles[i], labels[i]) for i in group] + [(blank, "")] * (tallest - len(group))
    legend = ax.legend([h for h, _ in cells], [t for _, t in cells], loc="upper center", ncol=len(groups), frameon=False, **options)
    for text in legend.get_texts():
        if text.get_text() in headings:
            text.set_fontweight("bold")
    return legend


def png_bytes(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes, identical across runs for the same figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


# The SVG of every figure is written with these settings: text as paths (the figure does not depend on the fonts
# of the reader's machine, and reads the same everywhere), element ids derived from a fixed salt instead of random
# numbers (builds are byte-identical).
SVG_FONTTYPE, SVG_HASHSALT = "path", "ketamine-review"
# A figure whose SVG is larger than this is shown as a PNG instead: past about a megabyte (thousands of markers,
# an embedded raster) an SVG is heavier than the picture and slow to draw on a phone. The book's figures are
# 50-400 kB as SVG, each smaller than its 200-dpi PNG.
SVG_MAX_BYTES = 1_000_000


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG bytes, identical across runs for the same figure (no date, fixed ids)."""
    buffer = io.BytesIO()
    with plt.rc_context({"svg.fonttype": SVG_FONTTYPE, "svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def figure_image(fig: Figure, max_svg_bytes: int = SVG_MAX_BYTES) -> tuple[str, bytes]:
    """The figure as the page shows it: ``("image/svg+xml", SVG)``, or ``("image/png", PNG)`` when the SVG
    would be larger than ``max_svg_bytes``."""
    svg = svg_bytes(fig)
    if len(svg) <= max_svg_bytes:
        return "image/svg+xml", svg
    return "image/png", png_bytes(fig)


# The smallest text of a figure should show at least this large (CSS px): on a narrow screen a figure is shown no
# narrower than that allows (and no wider than its natural size), in a box that scrolls sideways (the style
# sheet's --review-figure-min-width), instead of being shrunk to the screen with labels of 4 px.
READABLE_TEXT_PX = 10.0
PX_PER_PT = 4 / 3


def smallest_text_pt(fig: Figure) -> float | None:
    """The size (pt) of the smallest visible text of the figure (labels, ticks, legend); None without text."""
    sizes = [float(t.get_fontsize()) for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else None


def readable_width_px(fig: Figure, image: bytes, mime: str) -> int | None:
    """The narrowest width (CSS px) at which the figure's smallest text is :data:`READABLE_TEXT_PX` px, capped at the
    image's natural width; None when that cannot be known."""
    smallest = smallest_text_pt(fig)
    if smallest is None:
        return None
    if mime == "image/svg+xml":
        found = re.search(rb'<svg[^>]*\swidth="([0-9.]+)pt"', image[:2000])
        if found is None:
            return None
        natural = float(found.group(1)) * PX_PER_PT
    else:
        natural = fig.get_figwidth() * 96
    return round(natural * min(1.0, READABLE_TEXT_PX / (smallest * PX_PER_PT)))


def html_figure(fig: Figure, alt: str, caption: str, name: str | None = None) -> HTML:
    """An HTML figure with the image inline (SVG, see :func:`figure_image`), its alt text and caption (escaped);
    closes ``fig``.

    The book's build numbers it and writes the image to a file the caption links to, full size and for
    download (analysis/tools/numbering.py); ``name`` ('fig-…') makes it a target for ``{numref}``."""
    if not alt.strip() or not caption.strip():
        raise ValueError("a figure needs alt text and a caption naming its data and methods")
    mime, image = figure_image(fig)
    data = base64.b64encode(image).decode("ascii")
    readable = readable_width_px(fig, image, mime)
    plt.close(fig)
    ref = f' data-ref="{html.escape(name, quote=True)}"' if name else ""
    minimum = f";--review-figure-min-width:{readable}px" if readable else ""
    return HTML(
        f'<figure class="review-figure"{ref}>'
        f'<img src="data:{mime};base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto{minimum}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )
