"""Analysis library of the executable review "Ketamine for Chronic Pain".

The package is laid out by what each part does; lower layers never import higher ones::

    analysis/
      stats/    numbers in, numbers out: effect sizes (one ``escalc`` entry point),
                proportions and their intervals, pooling (matched to metafor), numeric helpers
      data/     the data package: validate it, load it, and the review's rules
                (which conditions form a chapter, what may be pooled)
      figures/  one style module (backend, palette, HTML figure) and one module per figure kind
      pages/    page helpers, by chapter: tables, sentences and figures a page shows
      tools/    the build, the Colab export and the command line -- no page imports these

Layers: ``stats`` <- ``data`` <- ``figures`` <- ``pages``; ``tools`` may use any of them.
The command line is ``python -m analysis`` (see ``python -m analysis --help``).
"""

__version__ = "0.1.0"
