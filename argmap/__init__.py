"""argmap: Analysis of Competing Hypotheses with provenance.

Validate a case folder, weigh its evidence, draw its argument map and write a
self-contained report.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
