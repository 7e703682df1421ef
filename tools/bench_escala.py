"""Second part of ``make bench``: long conversations, the classifier alone, and two Rasa replicas.

Writes the section "Conversas longas, NLU e réplicas" at the end of docs/benchmarks.md, after tools/bench.py has
written the comparison with the stock pipeline in the same run.

- Long conversation: one sender (as a WhatsApp number always is), identified once, 400 messages; p50 of messages
  1-50 against 351-400 (issue 11: at most 1.5x), and whether the identification held to the end.
- ``/model/parse`` alone: p50 over the held-out messages (issue 12: at most 10 ms on 2 cores).
- Replicas: 40 simultaneous conversations against one Rasa server, then against two (round-robin by
  conversation) sharing PostgreSQL (plan data and conversations) and Redis (locks), one action server.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List, Sequence

from tools.bench import (
    HOST,
    OURS_MODEL,
    REPORT,
    RUN_DIR,
    _read_pid,
    _server_env,
    _terminate,
    percentile,
    prepare_database,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LONG_MESSAGES = 400
LONG_CYCLE = ("3", "menu", "7", "oi")
REPLICA_USERS = 40
REPLICA_MESSAGES = 1200
PORTS = {"rasa": 5405, "rasa2": 5406, "actions": 5455}


def _post(url: str, payload: Dict, headers: Dict[str, str] | None = None) -> List[Dict]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _serve(env: Dict[str, str], only_rasa: bool = False) -> None:
    extra = {"ATENDE_SERVE_ONLY": "rasa"} if only_rasa else {}
    done = subprocess.run([str(PROJECT_ROOT / "scripts" / "serve.sh")], cwd=PROJECT_ROOT, env={**env, **extra},
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise SystemExit(f"servidores não subiram:\n{done.stdout}{done.stderr}")


def _stop(ports: Sequence[int]) -> None:
    for name, port in PORTS.items():
        if port in ports:
            pid = _read_pid(RUN_DIR / f"{'actions' if name == 'actions' else 'rasa'}-{port}.pid")
            if pid:
                _terminate(pid, port)


def long_conversation(webhook: str) -> Dict[str, float]:
    """One identified sender, 400 messages; the p50 of the first and last 50 and whether cards still show."""
    sender = f"longa-{uuid.uuid4().hex[:8]}"
    _post(webhook, {"sender": sender, "message": "cpf 529.982.247-25 nascimento 12/03/1975"})
    times, kept = [], True
    for index in range(LONG_MESSAGES):
        text = LONG_CYCLE[index % len(LONG_CYCLE)]
        started = time.perf_counter()
        answer = _post(webhook, {"sender": sender, "message": text})
        times.append((time.perf_counter() - started) * 1000)
        if text == "3":
            kept = kept and any("4175 0500 0000 1004" in (m.get("text") or "") for m in answer)
    first, last = statistics.median(times[:50]), statistics.median(times[-50:])
    return {"p50_1_50": first, "p50_351_400": last, "ratio": last / first, "identified": kept}


def parse_p50(rasa_url: str, token: str) -> Dict[str, float]:
    """p50 and p95 of ``/model/parse`` over the held-out messages (after 50 warm-up calls)."""
    from rasa.shared.nlu.training_data.loading import load_data

    texts = [m.get("text") for path in sorted((PROJECT_ROOT / "tests" / "nlu").glob("*.yml"))
             for m in load_data(str(path)).intent_examples]
    url = f"{rasa_url}/model/parse?token={token}"
    for text in texts[:50]:
        _post(url, {"text": text})
    times = []
    for text in texts:
        started = time.perf_counter()
        _post(url, {"text": text})
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times)}


async def _load(webhooks: Sequence[str]) -> Dict[str, float]:
    import aiohttp

    sent = {"n": 0, "errors": 0}
    steps = ["oi", "7", "plano para 45 anos", "menu", "3", "sair"]

    async def worker(number: int, session) -> None:
        while sent["n"] < REPLICA_MESSAGES:
            sender, url = f"rep-{uuid.uuid4().hex[:10]}", webhooks[number % len(webhooks)]
            for text in steps:
                sent["n"] += 1
                async with session.post(url, json={"sender": sender, "message": text}) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200 or not body:
                        sent["errors"] += 1

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=REPLICA_USERS)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(n, session) for n in range(REPLICA_USERS)))
        wall = time.perf_counter() - started
    return {"throughput": sent["n"] / wall, "errors": sent["errors"], "messages": sent["n"]}


def replicas() -> Dict[str, Dict[str, float]]:
    """Throughput of one Rasa server and of two, on PostgreSQL and Redis (started like make test does)."""
    # Stopped at the end only if this run started them: a make test or a developer may be using them.
    started = [script for script in ("pg-test.sh", "redis-test.sh")
               if subprocess.run([str(PROJECT_ROOT / "scripts" / script), "status"], capture_output=True).returncode]
    for script in ("pg-test.sh", "redis-test.sh"):
        subprocess.run([str(PROJECT_ROOT / "scripts" / script), "start"], check=True, capture_output=True)
    base_url = subprocess.run([str(PROJECT_ROOT / "scripts" / "pg-test.sh"), "url"], check=True,
                              capture_output=True, text=True).stdout.strip()
    redis = subprocess.run([str(PROJECT_ROOT / "scripts" / "redis-test.sh"), "url"], check=True,
                           capture_output=True, text=True).stdout.strip()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.db.migrate import upgrade
    from bot.db.seed import seed_demo
    from bot.db.session import make_engine, make_session_factory
    from bot.settings import Settings

    name = f"atende_bench_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = str(make_url(base_url).set(database=name))
    upgrade(Settings(database_url=url))
    engine = make_engine(Settings(database_url=url))
    seed_demo(session_factory=make_session_factory(engine))
    engine.dispose()
    results: Dict[str, Dict[str, float]] = {}
    env = _server_env({"DATABASE_URL": url, "REDIS_URL": redis, "ATENDE_REST_ENABLED": "1",
                       "ATENDE_ACTIONS_PORT": str(PORTS["actions"]), "ATENDE_MODEL": str(OURS_MODEL),
                       "ATENDE_LOG_DIR": str(PROJECT_ROOT / "var" / "log" / "bench" / "replicas")})
    try:
        _serve({**env, "ATENDE_RASA_PORT": str(PORTS["rasa"])})
        one = [f"http://{HOST}:{PORTS['rasa']}/webhooks/rest/webhook"]
        results["1 réplica"] = asyncio.run(_load(one))
        _serve({**env, "ATENDE_RASA_PORT": str(PORTS["rasa2"])}, only_rasa=True)
        results["2 réplicas"] = asyncio.run(_load([*one, f"http://{HOST}:{PORTS['rasa2']}/webhooks/rest/webhook"]))
    finally:
        _stop(list(PORTS.values()))
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        for script in started:
            subprocess.run([str(PROJECT_ROOT / "scripts" / script), "stop"], check=False, capture_output=True)
    return results


def run() -> List[str]:
    """Measure everything and return the report section's lines."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="atende-bench-longa-") as folder:
        env = _server_env({"DATABASE_URL": prepare_database(Path(folder)), "ATENDE_REST_ENABLED": "1",
                           "ATENDE_RASA_PORT": str(PORTS["rasa"]), "ATENDE_ACTIONS_PORT": str(PORTS["actions"]),
                           "ATENDE_MODEL": str(OURS_MODEL),
                           "ATENDE_LOG_DIR": str(PROJECT_ROOT / "var" / "log" / "bench" / "longa")})
        _serve(env)
        try:
            print("  conversa longa (400 mensagens de um remetente)...", flush=True)
            longa = long_conversation(f"http://{HOST}:{PORTS['rasa']}/webhooks/rest/webhook")
            token = os.environ.get("ATENDE_RASA_TOKEN") or (RUN_DIR / "rasa-token").read_text().strip()
            print("  /model/parse...", flush=True)
            parse = parse_p50(f"http://{HOST}:{PORTS['rasa']}", token)
        finally:
            _stop([PORTS["rasa"], PORTS["actions"]])
    print("  réplicas (PostgreSQL + Redis)...", flush=True)
    rep = replicas()
    ratio_ok = "ok" if longa["ratio"] <= 1.5 and longa["identified"] else "acima da meta"
    parse_ok = "ok" if parse["p50"] <= 10 else "acima da meta"
    return [
        "",
        "## Conversas longas, NLU e réplicas",
        "",
        "Medido por `tools/bench_escala.py` na mesma execução, modelo `models/atende.tar.gz`, servidores em "
        f"127.0.0.1 ({PORTS['rasa']}/{PORTS['rasa2']}, ações {PORTS['actions']}).",
        "",
        "| medida | valor | meta |",
        "|---|---:|---|",
        f"| conversa longa: p50 das mensagens 1-50 | {longa['p50_1_50']:.1f} ms | |",
        f"| conversa longa: p50 das mensagens 351-400 | {longa['p50_351_400']:.1f} ms | |",
        f"| razão 351-400 / 1-50 (identificação mantida: {'sim' if longa['identified'] else 'não'}) | "
        f"{longa['ratio']:.2f} | ≤ 1,5 ({ratio_ok}) |",
        f"| `/model/parse`: p50 / p95 em {parse['n']} mensagens dos conjuntos de avaliação | "
        f"{parse['p50']:.1f} / {parse['p95']:.1f} ms | p50 ≤ 10 ms ({parse_ok}) |",
        *(f"| {label}, {REPLICA_USERS} conversas simultâneas (PostgreSQL + Redis): vazão | "
          f"{figures['throughput']:.1f} msg/s ({int(figures['errors'])} erros em {int(figures['messages'])}) | |"
          for label, figures in rep.items()),
        "",
        "Cada réplica é um processo Rasa com um só laço de eventos: numa máquina de 2 núcleos a segunda réplica "
        "passa a usar o núcleo que sobrava, ainda dividido com o servidor de ações, o PostgreSQL e o Redis na mesma "
        "máquina. As conversas alternam entre as réplicas sem erro porque o estado está no PostgreSQL e as travas "
        "no Redis (docs/escala.md).",
    ]


def append_report(lines: List[str], path: Path = REPORT) -> None:
    """Add the section to the report tools/bench.py has just written."""
    with path.open("a", encoding="utf-8") as report:
        report.write("\n".join(lines) + "\n")
