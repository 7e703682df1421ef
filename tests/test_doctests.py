"""The worked examples in docstrings are tests too."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "actions.formatting",
    "actions.navegacao",
    "actions.orientacoes",
    "actions.ouvidoria",
    "actions.teleconsulta",
    "bot.nlu.parsing",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
    assert result.attempted > 0
