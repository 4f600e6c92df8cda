"""Statistics: effect sizes, proportions and their intervals, pooling, GRADE arithmetic.

* :mod:`analysis.stats.numeric` -- small numeric helpers defined once (inverse logit,
  normal quantile, half-up rounding);
* :mod:`analysis.stats.effects` -- effect sizes behind one ``escalc``-style entry point,
  and intervals for single proportions;
* :mod:`analysis.stats.pooling` -- equal- and random-effects meta-analysis, checked against metafor.

Nothing here reads files or draws: these modules take numbers and return numbers.
"""
