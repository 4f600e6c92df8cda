"""Figures: one style module and one module per kind of figure.

* :mod:`analysis.figures.style` -- backend, palette (:data:`~analysis.figures.style.OKABE_ITO`) and
  :func:`~analysis.figures.style.html_figure`;
* :mod:`analysis.figures.forest` -- forest plots;
* :mod:`analysis.figures.robplot` -- risk-of-bias traffic lights;
* :mod:`analysis.figures.schematics` -- the synapse schematic.
"""

from analysis.figures.style import OKABE_ITO, html_figure, png_bytes

__all__ = ["OKABE_ITO", "html_figure", "png_bytes"]
