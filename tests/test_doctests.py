"""The worked examples in docstrings are tests too: every module of the product is searched for them."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

from bot.settings import PROJECT_ROOT

PACKAGES = ("bot", "actions", "routing")
# Modules that need a running server, an optional tool or a database to import are still imported here:
# importing must never do I/O (settings, engines and clients are built by factories).
SKIP = {"bot.db.migrations"}


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for info in pkgutil.walk_packages([str(PROJECT_ROOT / package)], prefix=f"{package}."):
            if not any(info.name == skip or info.name.startswith(skip + ".") for skip in SKIP):
                names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_the_product_has_worked_examples():
    with_examples = [name for name in MODULES if doctest.DocTestFinder().find(importlib.import_module(name))
                     and any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))]
    # The collection is automatic; this guards against it silently finding nothing.
    assert {"bot.nlu.parsing", "bot.identifiers", "actions.formatting", "routing.engine"} <= set(with_examples)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
