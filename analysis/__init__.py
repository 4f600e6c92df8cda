"""Analysis library of the executable review "Ketamine for Chronic Pain".

Modules, each named for what it holds:

* :mod:`analysis.data` -- locate the data folder and load its tables, validated, with pandas types;
* :mod:`analysis.validate` -- the validator behind ``python -m analysis validate``;
* :mod:`analysis.effects` -- effect sizes and intervals for single proportions;
* :mod:`analysis.pooling` -- meta-analysis (equal and random effects) checked against metafor;
* :mod:`analysis.forest` -- forest plots;
* :mod:`analysis.report` -- the sentences and numbers the book glues into its prose;
* :mod:`analysis.buildtools` -- the book build: strict, and never stale.

The command line is ``python -m analysis`` (see ``python -m analysis --help``).
"""

__version__ = "0.1.0"
