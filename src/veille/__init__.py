"""veille — open-source community intelligence.

The library comes first: :mod:`veille.pipeline` ingests, :mod:`veille.store` keeps,
:mod:`veille.connectors` read. The CLI (:mod:`veille.cli`) is a thin layer over them.
"""

__version__ = "0.1.0"
