"""Reading the project's own YAML data files so that a broken one names the file, the line and the reason.

The routing rules (routing/loader.py) and the short-replies lexicon (bot/nlu/short_replies.py) are read as YAML
node trees, not plain objects, so that every complaint can point at a line.
"""

from __future__ import annotations

from typing import Type

import yaml
from yaml.nodes import Node


class DataFileError(ValueError):
    """A data file is broken; the message says where and why, in Portuguese.

    Attributes:
        source: The file (or ``<texto>``).
        line: 1-based line of the problem, or None when it concerns the whole file.
        reason: What is wrong.
    """

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        where = f"{source}, linha {line}" if line else source
        super().__init__(f"{where}: {reason}")


def line_of(node: Node | None) -> int | None:
    """The 1-based line where ``node`` starts, or None without a node."""
    return node.start_mark.line + 1 if node is not None else None


def compose(loader: yaml.SafeLoader, source: str, error: Type[DataFileError] = DataFileError) -> Node | None:
    """Compose the single document of ``loader`` into a node tree; None for an empty document.

    Args:
        loader: A loader over the document's text (the caller disposes of it).
        source: Name used in error messages (the file path).
        error: The :class:`DataFileError` subclass to raise.

    Raises:
        DataFileError: As ``error``, with the line of invalid YAML.

    >>> compose(yaml.SafeLoader("a: [1"), "regras.yaml")
    Traceback (most recent call last):
    ...
    bot.yaml_files.DataFileError: regras.yaml, linha 1: YAML inválido: while parsing a flow sequence ...
    """
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        reason = " ".join(filter(None, [problem.context, problem.problem]))
        raise error(source, mark.line + 1 if mark else None, f"YAML inválido: {reason}") from None
    except yaml.YAMLError as problem:
        raise error(source, None, f"YAML inválido: {problem}") from None
