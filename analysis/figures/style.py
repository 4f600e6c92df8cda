"""The one style module of the book's figures: backend, palette, and the HTML figure.

* the headless ``Agg`` backend, set here once (every figure module imports this module first);
* :data:`OKABE_ITO`, the colour-blind-safe palette of Okabe and Ito (2008), used by every figure;
* :func:`plain_label`: text from the data as matplotlib shows it literally (never as mathtext);
* :func:`html_figure`: a matplotlib figure shown in a book page with alt text and a caption
  computed from the data.

Static MyST figure options cannot hold alt text that depends on the data, so each
figure is rendered here to a deterministic PNG (no timestamp, no software tag) and
written into the page as ``<figure><img alt=…><figcaption>…</figcaption></figure>``,
with every text HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

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


def png_bytes(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes, identical across runs for the same figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def html_figure(fig: Figure, alt: str, caption: str, name: str | None = None) -> HTML:
    """An HTML figure with the PNG inline, its alt text and caption (escaped); closes ``fig``.

    The book's build numbers it and writes the PNG to a file the caption links to, full size
    (analysis/tools/numbering.py); ``name`` ('fig-…') makes it a target for ``{numref}``."""
    if not alt.strip() or not caption.strip():
        raise ValueError("a figure needs alt text and a caption naming its data and methods")
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    plt.close(fig)
    ref = f' data-ref="{html.escape(name, quote=True)}"' if name else ""
    return HTML(
        f'<figure class="review-figure"{ref}>'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )
