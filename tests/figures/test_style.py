"""The book's figures as deterministic SVG, linked full size and for download (analysis/figures/style.py)."""

from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt

from analysis.figures.style import figure_image, html_figure, svg_bytes


def chart():
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["placebo", "ketamine"], [3, 5])
    ax.set_ylabel("Patients with relief")
    return fig


def test_a_figure_is_an_svg_identical_from_one_run_to_the_next_with_its_text_as_paths():
    first, second = chart(), chart()
    try:
        one, two = svg_bytes(first), svg_bytes(second)
    finally:
        plt.close(first)
        plt.close(second)
    assert one == two
    assert one.lstrip().startswith(b"<?xml") and b"<svg" in one
    assert b"<dc:date>" not in one and b"<text" not in one  # no date; text drawn as paths (no font needed)


def test_a_very_large_svg_falls_back_to_png():
    fig = chart()
    try:
        assert figure_image(fig)[0] == "image/svg+xml"
        mime, data = figure_image(fig, max_svg_bytes=100)
    finally:
        plt.close(fig)
    assert mime == "image/png" and data.startswith(b"\x89PNG")


def test_html_figure_carries_the_svg_inline_for_the_build_to_write_out():
    html = html_figure(chart(), "Bar chart of patients with relief by arm", "Patients with relief, by arm").data
    match = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert match is not None, html[:200]
    assert b"<svg" in base64.b64decode(match.group(1))


def test_on_a_narrow_screen_a_figure_is_no_narrower_than_its_smallest_text_needs():
    """The smallest text (here the 8 pt tick labels) shows at 10 px: the figure is at least 10 / (8 * 4/3) of its
    natural width, never more than that width (analysis/figures/style.py, READABLE_TEXT_PX)."""
    from analysis.figures.style import READABLE_TEXT_PX, readable_width_px, smallest_text_pt

    fig = chart()
    for label in fig.axes[0].get_xticklabels() + fig.axes[0].get_yticklabels():
        label.set_fontsize(8)
    try:
        mime, image = figure_image(fig)
        natural = float(re.search(rb'width="([0-9.]+)pt"', image).group(1)) * 4 / 3
        assert smallest_text_pt(fig) == 8
        assert readable_width_px(fig, image, mime) == round(natural * READABLE_TEXT_PX / (8 * 4 / 3))
        for text in fig.findobj(lambda artist: hasattr(artist, "get_fontsize")):
            text.set_fontsize(5)  # text too small to be readable below the natural width: never wider than that
        assert readable_width_px(fig, image, mime) == round(natural)
    finally:
        plt.close(fig)
    html = html_figure(chart(), "Bar chart of patients with relief by arm", "Patients with relief, by arm").data
    assert re.search(r'style="max-width:100%;height:auto;--review-figure-min-width:\d+px"', html), html[-300:]


def test_every_log_axis_of_the_book_is_labelled_with_plain_numbers():
    """Ratios are read on a log axis labelled 0.5, 1, 2 (plain_log_axis), never matplotlib's mathtext powers of ten
    ("10⁰"), which also need fonts an installation may lack (a warning was written into the Reviews page)."""
    import matplotlib.pyplot as plt

    from analysis.data import load_table
    from analysis.figures.style import plain_log_axis
    from analysis.pages.reviews import results_figure

    fig, ax = plt.subplots()
    ax.plot([0.3, 4.0], [1, 2])
    plain_log_axis(ax)
    fig.canvas.draw()
    shown = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "1" in shown and "0.5" in shown and not any("$" in t for t in shown), shown
    plt.close(fig)

    fig, _alt = results_figure(load_table("review_results"), load_table("studies"))
    fig.canvas.draw()
    logs = [ax for ax in fig.axes if ax.get_xscale() == "log"]
    labels = [t.get_text() for ax in logs for t in ax.get_xticklabels() if t.get_text()]
    assert logs and labels and all(float(t) > 0 for t in labels), labels
    plt.close(fig)
