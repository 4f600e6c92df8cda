"""Text from the data is shown literally in figures, never read as mathtext (issue 14): analysis.figures.style.plain_label."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text
import pytest

from analysis.figures.forest import forest_plot
from analysis.figures.style import plain_label, png_bytes
from analysis.stats.pooling import pool

HOSTILE = [r"$\cmd$", r"Smith $x^2$ 2004", "cost $5 to $10", r"a\$b", r"$\frac{1}{0}$"]


def shown(text: matplotlib.text.Text) -> tuple[str, bool]:
    """What matplotlib draws for a text: (the string, whether it is typeset as mathtext)."""
    return text._preprocess_math(text.get_text())


def test_a_raw_dollar_label_is_mathtext_and_fails_to_draw():
    """The hazard is real: without the helper, '$\\cmd$' is parsed as mathtext and the figure cannot be drawn."""
    fig = plt.figure()
    fig.text(0.1, 0.5, r"$\cmd$")
    with pytest.raises(ValueError):
        png_bytes(fig)
    plt.close(fig)


@pytest.mark.parametrize("label", HOSTILE)
def test_a_label_through_plain_label_draws_and_is_shown_as_written(label: str):
    fig = plt.figure()
    text = fig.text(0.1, 0.5, plain_label(label))
    assert png_bytes(fig).startswith(b"\x89PNG")
    assert shown(text) == (label, False)
    plt.close(fig)


def test_forest_plot_study_labels_columns_and_title_from_the_data_are_literal():
    result = pool([0.1, 0.2, -0.1], [0.04, 0.05, 0.03], method="REML", labels=HOSTILE[:3])
    fig, _ = forest_plot(result, measure="MD", labels=HOSTILE[:3], data_columns={r"$n$": [r"$\cmd$", "2", "3"]}, title=r"Title $\cmd$")
    assert png_bytes(fig).startswith(b"\x89PNG")
    drawn = {shown(t) for t in fig.findobj(matplotlib.text.Text)}
    for label in HOSTILE[:3] + [r"$n$", r"$\cmd$", r"Title $\cmd$"]:
        assert (label, False) in drawn, label
    plt.close(fig)
