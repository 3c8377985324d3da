"""The examples in every module's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

from .test_layers import MODULES, module_name


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_docstring_examples(path):
    module = importlib.import_module(module_name(path))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
