"""argmap's extension of other tools' formats: what AIF and Argdown have no word for (an
item's ratings, an assumption, a weight, a proof standard) travels under an ``argmap`` key,
holding the case's own keys as a case file writes them (docs/interchange.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..problems import ArgmapError

__all__ = ["EXTENSION", "checked"]

EXTENSION = "argmap"
"""The key that holds argmap's extension, in AIF nodes and documents and in Argdown data."""


def checked(
    model: type[BaseModel],
    entry: dict[str, Any],
    where: str,
    first: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``entry`` checked by ``model`` and written as a case file writes it: defaults left
    out, the keys of ``first`` (by default ``entry``'s own) first. ``where`` names the
    extension in the one-line error when it is not what argmap's export writes."""
    try:
        item = model.model_validate(entry)
    except ValidationError as err:
        problem = err.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise ArgmapError(
            f"{where}: {field + ': ' if field else ''}{problem['msg']}; the extension holds "
            "the case's own keys (docs/interchange.md), as argmap's export writes them"
        ) from None
    dumped: dict[str, Any] = item.model_dump(mode="json", exclude_defaults=True)
    order = entry if first is None else first
    return {**{k: dumped[k] for k in order if k in dumped}, **dumped}
