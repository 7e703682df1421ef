"""Mutation score per core module, from mutmut's results (``make mutation``; docs/mutacao.md).

Reads ``mutmut results --all true`` in the project folder, prints the score of each module (killed or
timed out over all mutants) and, with ``--write``, replaces the generated part of docs/mutacao.md: the
table and the list of mutants that survived, each shown as the one line mutmut changed. The reasons
given for survivors stay in the hand-written part of that page. A run limited to some modules (``only_mutate``
narrowed, or a run stopped early) replaces only those modules' rows and survivors; the other modules keep the
figures of the run that measured them.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BAR = 85.0
START, END = "<!-- mutacao:inicio -->", "<!-- mutacao:fim -->"
KILLED = {"killed", "timeout"}
NOT_CHECKED = "not checked"


def _mutmut() -> str:
    return str(Path(sys.executable).with_name("mutmut"))


def parse_results(text: str) -> Dict[str, Dict[str, str]]:
    """Mutant name -> status, grouped by module, from the lines of ``mutmut results --all true``.

    >>> parse_results("    routing.nif.x_valid_nif__mutmut_3: survived")
    {'routing.nif': {'routing.nif.x_valid_nif__mutmut_3': 'survived'}}
    """
    grouped: Dict[str, Dict[str, str]] = collections.defaultdict(dict)
    for line in text.splitlines():
        name, _, status = line.strip().rpartition(": ")
        module = re.match(r"(.+?)\.x[_ǁ]", name)
        if module:
            grouped[module.group(1)][name] = status
    return dict(grouped)


def scores(grouped: Dict[str, Dict[str, str]]) -> List[Tuple[str, int, int, float, int]]:
    """(module, mutants run, killed, percent, mutants not run) per module that mutmut ran, sorted by name.

    Mutants left "not checked" (a run limited to some modules, or stopped) count in neither the mutants run
    nor the killed; they are shown apart so a partial figure never passes for a whole one.
    """
    table = []
    for module, mutants in sorted(grouped.items()):
        run = [status for status in mutants.values() if status != NOT_CHECKED]
        if not run:
            continue
        killed = sum(status in KILLED for status in run)
        table.append((module, len(run), killed, 100.0 * killed / len(run), len(mutants) - len(run)))
    return table


def _changed_line(name: str) -> str:
    shown = subprocess.run([_mutmut(), "show", name], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout
    added = [line[1:].strip() for line in shown.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return added[0][:110] if added else "?"


def render(grouped: Dict[str, Dict[str, str]], bar: float) -> str:
    """The generated Markdown: the score table, then the survivors of each module."""
    lines = ["| módulo | mutantes rodados | mortos | escore | não rodados |", "|---|---:|---:|---:|---:|"]
    for module, total, killed, percent, pending in scores(grouped):
        mark = "" if percent >= bar and not pending else " ⚠"
        lines.append(f"| `{module}` | {total} | {killed} | {percent:.1f}%{mark} | {pending} |")
    lines += ["", "Sobreviventes (a linha que o mutante mudou):", ""]
    for module, mutants in sorted(grouped.items()):
        alive = sorted(name for name, status in mutants.items() if status not in KILLED | {NOT_CHECKED})
        if not alive:
            continue
        lines.append(f"- `{module}`:")
        for name in alive:
            short = name[len(module) + 1:]
            lines.append(f"  - `{short}` ({mutants[name]}): `{_changed_line(name)}`")
    return "\n".join(lines)


def _split(block: str) -> Tuple[Dict[str, str], Dict[str, List[str]]]:
    """Table rows and survivor lines per module, from a block :func:`render` wrote."""
    rows: Dict[str, str] = {}
    survivors: Dict[str, List[str]] = {}
    current = None
    for line in block.splitlines():
        row = re.match(r"\| `([^`]+)` \|", line)
        if row:
            rows[row.group(1)] = line
            continue
        head = re.match(r"- `([^`]+)`:$", line)
        if head:
            current = head.group(1)
            survivors[current] = []
        elif current and line.startswith("  - "):
            survivors[current].append(line)
    return rows, survivors


def merge(old_block: str, new_block: str) -> str:
    """``new_block`` plus the rows and survivors of the modules only ``old_block`` has, sorted by module.

    A run limited to some modules thus replaces their figures and keeps every other module's.
    """
    old_rows, old_survivors = _split(old_block)
    new_rows, new_survivors = _split(new_block)
    kept = set(old_rows) - set(new_rows)
    rows = {**{module: old_rows[module] for module in kept}, **new_rows}
    survivors = {**{m: lines for m, lines in old_survivors.items() if m in kept}, **new_survivors}
    lines = ["| módulo | mutantes rodados | mortos | escore | não rodados |", "|---|---:|---:|---:|---:|"]
    lines += [rows[module] for module in sorted(rows)]
    lines += ["", "Sobreviventes (a linha que o mutante mudou):", ""]
    for module in sorted(survivors):
        if survivors[module]:
            lines += [f"- `{module}`:", *survivors[module]]
    return "\n".join(lines)


def main(argv: List[str] | None = None) -> int:
    """Print the scores; ``--write`` updates docs/mutacao.md. Exit 1 when a module is under the bar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="página a atualizar entre os marcadores (docs/mutacao.md)")
    parser.add_argument("--bar", type=float, default=BAR)
    args = parser.parse_args(argv)
    text = subprocess.run([_mutmut(), "results", "--all", "true"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, check=True).stdout
    grouped = parse_results(text)
    if not grouped:
        print("nenhum resultado do mutmut: rode `make mutation`", file=sys.stderr)
        return 1
    below = [module for module, _, _, percent, pending in scores(grouped) if percent < args.bar or pending]
    for module, total, killed, percent, pending in scores(grouped):
        rest = f"  ({pending} não rodados)" if pending else ""
        print(f"{module:32} {killed:5d}/{total:<5d} {percent:6.1f}%{rest}")
    if args.write:
        page = args.write.read_text(encoding="utf-8")
        head, _, rest = page.partition(START)
        previous, _, tail = rest.partition(END)
        block = merge(previous, render(grouped, args.bar))
        args.write.write_text(f"{head}{START}\n{block}\n{END}{tail}", encoding="utf-8")
    if below:
        print(f"abaixo de {args.bar:.0f}% de mutantes mortos ou não rodados: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
