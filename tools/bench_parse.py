"""Third part of ``make bench``: the classifier alone, one stage against two (issue 12).

Both models are loaded in this process and parse the same messages (every text of ``tests/nlu``), one at a time,
after 50 warm-up messages: the shipped model (``models/atende.tar.gz``, ``bot.nlu.classifier.TwoStageClassifier``)
and the same pipeline and data with the one-stage classifier (``models/um_estagio.tar.gz``, trained here when
missing or older than the data). The figures are the NLU's own cost, without HTTP; the served ``/model/parse``
figure is in the section written by ``tools/bench_escala.py``. Writes its section of docs/benchmarks.md between
markers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List

from tools.bench import OURS_MODEL, REPORT, CpuWatch, machine, percentile, wait_for_quiet

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONE_STAGE_MODEL = PROJECT_ROOT / "models" / "um_estagio.tar.gz"
START, END = "<!-- parse:inicio -->", "<!-- parse:fim -->"
WARM_UP = 50


def _texts() -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for path in sorted((PROJECT_ROOT / "tests" / "nlu").glob("*.yml"))
            for m in load_data(str(path)).intent_examples]


def ensure_one_stage_model() -> None:
    """Train the one-stage comparison model from config.yml when it is missing or older than the data."""
    inputs = [PROJECT_ROOT / "config.yml", *(PROJECT_ROOT / "data" / "nlu").rglob("*.yml")]
    if ONE_STAGE_MODEL.exists() and ONE_STAGE_MODEL.stat().st_mtime > max(p.stat().st_mtime for p in inputs):
        return
    config = (PROJECT_ROOT / "config.yml").read_text(encoding="utf-8").replace(
        "bot.nlu.classifier.TwoStageClassifier", "bot.nlu.components.BlankSafeLogisticRegressionClassifier"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False, encoding="utf-8") as handle:
        handle.write(config)
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "nlu", "--config", handle.name, "--nlu", "data/nlu",
         "--out", "models", "--fixed-model-name", ONE_STAGE_MODEL.name.removesuffix(".tar.gz")],
        cwd=PROJECT_ROOT, check=True,
    )
    Path(handle.name).unlink()


async def _time_parse(model: Path, texts: List[str]) -> Dict[str, float]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    for text in texts[:WARM_UP]:
        await agent.parse_message(text)
    times = []
    for text in texts:
        started = time.perf_counter()
        await agent.parse_message(text)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times)}


def run() -> List[str]:
    """Measure both models and return the report section's lines."""
    ensure_one_stage_model()
    texts = _texts()
    results = {}
    for label, model in (("dois estágios (config.yml)", OURS_MODEL), ("um estágio", ONE_STAGE_MODEL)):
        wait_for_quiet((os.getpid(),))
        watch = CpuWatch((os.getpid(),))
        results[label] = {**asyncio.run(_time_parse(model, texts)), "others": watch.others()}
        print(f"  {label}: p50 {results[label]['p50']:.2f} ms", flush=True)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [START, "", "## Classificador sozinho: um estágio × dois estágios", "",
             f"Medido por `tools/bench_parse.py` em {when}: os dois modelos no mesmo processo, as mesmas "
             f"{results['um estágio']['n']} mensagens de `tests/nlu` uma a uma, depois de {WARM_UP} de aquecimento; "
             "sem HTTP (o `/model/parse` servido está na seção anterior).", ""]
    lines += [f"- {key}: {value}" for key, value in machine().items()]
    lines += ["", "| modelo | p50 (ms) | p95 (ms) | CPU de outros processos | meta |", "|---|---:|---:|---:|---|"]
    for label, figures in results.items():
        goal = ("p50 ≤ 10 ms (" + ("ok" if figures["p50"] <= 10 else "acima da meta") + ")") if "dois" in label else ""
        lines.append(f"| {label} | {figures['p50']:.2f} | {figures['p95']:.2f} | {figures['others']:.0%} | {goal} |")
    return [*lines, "", END]


def write_section(lines: List[str], path: Path = REPORT) -> None:
    """Put the section between its markers in the report, or at its end the first time."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = "\n".join(lines)
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    """Measure and write the section."""
    write_section(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
