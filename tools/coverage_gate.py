"""Branch coverage of the core modules (issue 13), printed by ``make test`` and held at 90% each.

The report finds untested code; the mutation score (``make mutation``, docs/mutacao.md) says whether the
tests would notice a mistake in it. Run after ``coverage run -m pytest``::

    .venv/bin/python -m tools.coverage_gate            # table of the core modules, exit 1 under the bar
    .venv/bin/python -m coverage report -m             # every module, with missing lines
"""

from __future__ import annotations

import argparse
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import Dict, List, Tuple

import coverage

# The modules issue 13 calls core: the regulation, the identifier validators, the rule engine, the NIF
# check, the outbox, the channels' request handling and the importer's validation.
CORE = (
    "bot/regulation/*.py",
    "bot/identifiers.py",
    "routing/engine.py",
    "routing/nif.py",
    "routing/outbox.py",
    "bot/channels/common.py",
    "bot/channels/whatsapp.py",
    "bot/channels/telegram.py",
    "bot/channels/ura.py",
    "bot/db/importer.py",
)
BAR = 90.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def branch_figures(data: coverage.Coverage) -> Dict[str, Tuple[int, int, int, int]]:
    """Statements, missed statements, branches and missed branches of each measured core file."""
    figures = {}
    for path in sorted(data.get_data().measured_files()):
        try:
            relative = Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
        except ValueError:
            continue
        if not any(fnmatch(relative, pattern) for pattern in CORE) or relative.endswith("__init__.py"):
            continue
        numbers = data._analyze(path).numbers  # noqa: SLF001 - coverage's own per-file numbers
        figures[relative] = (numbers.n_statements, numbers.n_missing, numbers.n_branches, numbers.n_missing_branches)
    return figures


def main(argv: List[str] | None = None) -> int:
    """Print the core modules' coverage; non-zero exit when one is under the bar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bar", type=float, default=BAR)
    args = parser.parse_args(argv)
    data = coverage.Coverage()
    data.load()
    figures = branch_figures(data)
    if not figures:
        print("nenhum módulo central medido: rode `coverage run -m pytest` antes", file=sys.stderr)
        return 1
    below = []
    print(f"{'módulo central':40} {'linhas':>7} {'ramos':>7} {'cobertura':>10}")
    for name, (statements, missed, branches, missed_branches) in figures.items():
        covered = statements - missed + branches - missed_branches
        percent = 100.0 * covered / max(statements + branches, 1)
        mark = "" if percent >= args.bar else f"  < {args.bar:.0f}%"
        print(f"{name:40} {statements:7d} {branches:7d} {percent:9.1f}%{mark}")
        if mark:
            below.append(name)
    if below:
        print(f"abaixo de {args.bar:.0f}% de cobertura de ramos: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
