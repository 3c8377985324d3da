"""Renderers: pure functions from a validated case (and its scores) to text or bytes.

Nothing here reads case files; the Graphviz binary is reached only through
:mod:`argmap.render.engine`.
"""

__all__: list[str] = []
