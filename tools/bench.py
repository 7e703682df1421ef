"""Latency, throughput and memory of the bot through its REST webhook (``make bench``).

One run compares two models trained on the same domain and data:

* ``models/atende.tar.gz``, the bot's own pipeline (``config.yml``);
* ``models/stock.tar.gz``, the configuration Rasa 3.6 gives a ``rasa init``
  project (``tools/config_stock.yml``), trained here when missing or stale.

For each model the Rasa server and the action server are started with
``scripts/serve.sh`` on dedicated loopback ports, over a freshly seeded SQLite
database in a temporary folder, and whole conversations (greeting, menu digit,
identification by CPF and birth date, card number, a free-text question, menu,
sair) are sent to ``POST /webhooks/rest/webhook``: first by one user in
sequence, then by 20 concurrent users. The report is printed and written to
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

from bot.settings import PROJECT_ROOT

OURS_MODEL = PROJECT_ROOT / "models" / "atende.tar.gz"
STOCK_MODEL = PROJECT_ROOT / "models" / "stock.tar.gz"
STOCK_CONFIG = PROJECT_ROOT / "tools" / "config_stock.yml"
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
RUN_DIR = PROJECT_ROOT / "var" / "run"
LOG_ROOT = PROJECT_ROOT / "var" / "log" / "bench"
HOST = "127.0.0.1"

WARMUP_MESSAGES = 20
SEQUENTIAL_MESSAGES = 300
CONCURRENT_USERS = 20
CONCURRENT_MESSAGES = 1000
REQUEST_TIMEOUT_S = 30.0
# Upper bound on conversations per phase, whatever happens to the answers.
MAX_CONVERSATIONS = 1000

# Before each phase, wait (bounded) until other processes use at most this share of the CPU.
QUIET_MAX_OTHER_CPU = 0.10
QUIET_SAMPLE_S = 3.0
QUIET_WAIT_S = 300

TARGET_P50_MS = 30.0
TARGET_THROUGHPUT = 40.0


@dataclass(frozen=True)
class Target:
    """One model to measure and the loopback ports of its servers.

    Attributes:
        key: Short name used for log folders.
        label: Name shown in the report.
        model: Path of the trained model archive.
        rasa_port: Port of the Rasa server.
        actions_port: Port of the action server.
        plain_rasa: Start the stock ``rasa run`` instead of ``bot.server`` (without bot.speedups).
    """

    key: str
    label: str
    model: Path
    rasa_port: int
    actions_port: int
    plain_rasa: bool = False

    @property
    def pid_files(self) -> Dict[str, Path]:
        """Pid files written by ``scripts/serve.sh``, by server name."""
        return {
            "rasa": RUN_DIR / f"rasa-{self.rasa_port}.pid",
            "actions": RUN_DIR / f"actions-{self.actions_port}.pid",
        }

    @property
    def webhook(self) -> str:
        """URL of the REST webhook."""
        return f"http://{HOST}:{self.rasa_port}/webhooks/rest/webhook"


TARGETS = (
    Target("atende", "Atende (config.yml)", OURS_MODEL, 5105, 5155),
    Target("stock", "Rasa 3.6 padrão (rasa init)", STOCK_MODEL, 5205, 5255),
    # The same stock pipeline on the unmodified server: what a plain `rasa init` project gets.
    Target("stock_plain", "Rasa 3.6 padrão, `rasa run` sem bot.speedups", STOCK_MODEL, 5305, 5355, plain_rasa=True),
)


@dataclass(frozen=True)
class Step:
    """One user message and a fragment its answer is expected to contain.

    Attributes:
        text: What the user types.
        expect: Fragment of the expected answer (case-insensitive); only counted, never fatal.
    """

    text: str
    expect: str


def _scripts() -> List[List[Step]]:
    """The conversations users hold, one per demo person, each a complete visit."""
    from actions.formatting import format_card
    from bot.db import seed

    def cpf(digits: str) -> str:
        return f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"

    def birth(day) -> str:
        return day.strftime("%d/%m/%Y")

    return [
        [
            Step("oi", "1 - Reembolso"),
            Step("3", "CPF"),
            Step(cpf(seed.DEMO_TITULAR_CPF), "data de nascimento"),
            Step(birth(seed.DEMO_TITULAR_BIRTH_DATE), "Identificação confirmada"),
            Step("qual o numero da minha carteirinha?", format_card(seed.DEMO_TITULAR_CARD)),
            Step("preciso da segunda via do boleto", "boleto"),
            Step("menu", "1 - Reembolso"),
            Step("sair", "encerrada"),
        ],
        [
            Step("bom dia", "1 - Reembolso"),
            Step("3", "CPF"),
            Step(seed.DEMO_SPOUSE_CPF, "data de nascimento"),
            Step(birth(seed.DEMO_SPOUSE_BIRTH_DATE), "Identificação confirmada"),
            Step("me passa o número do meu cartão do plano", format_card(seed.DEMO_SPOUSE_CARD)),
            Step("como faço para pedir reembolso de uma consulta?", "reembolso"),
            Step("menu", "1 - Reembolso"),
            Step("sair", "encerrada"),
        ],
        [
            Step("olá, boa tarde", "1 - Reembolso"),
            Step("3", "CPF"),
            Step(cpf(seed.DEMO_DAUGHTER_CPF), "data de nascimento"),
            Step(birth(seed.DEMO_DAUGHTER_BIRTH_DATE), "Identificação confirmada"),
            Step("perdi minha carteirinha", format_card(seed.DEMO_DAUGHTER_CARD)),
            Step("quero o informe de imposto de renda", "imposto de renda"),
            Step("menu", "1 - Reembolso"),
            Step("sair", "encerrada"),
        ],
    ]


@dataclass
class Samples:
    """What one measurement phase observed.

    Attributes:
        latencies_ms: Round-trip time of every measured message.
        errors: Messages with no text answer, an HTTP error or a timeout.
        unexpected: Answers without the expected fragment (the bot answered something else).
        wall_s: Wall time of the measured part.
        other_cpu: Share of the machine's CPU used by processes other than the bench and its
            servers during the measured part (0 to 1); high values make the figures pessimistic.
        error_examples: A few error descriptions, for the report.
        unexpected_examples: A few off-script answers, for the terminal.
    """

    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    unexpected: int = 0
    wall_s: float = 0.0
    other_cpu: float = 0.0
    error_examples: List[str] = field(default_factory=list)
    unexpected_examples: List[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Number of measured messages."""
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        """Messages per second over the wall time."""
        return self.count / self.wall_s if self.wall_s else 0.0


@dataclass
class Result:
    """Figures of one model.

    Attributes:
        target: The measured model.
        sequential: One user, conversations in sequence.
        concurrent: Concurrent users.
        rss_mb: Resident memory in MiB after the run, by server name.
    """

    target: Target
    sequential: Samples
    concurrent: Samples
    rss_mb: Dict[str, float | None]


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile.

    Args:
        values: Observations, in any order.
        fraction: Between 0 and 1, e.g. 0.95.

    Returns:
        The smallest observation with at least ``fraction`` of them at or below it (NaN when empty).
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


# --- database and model ---------------------------------------------------------------------------


def prepare_database(folder: Path) -> str:
    """Create, migrate and seed a SQLite database, as the end-to-end tests do.

    Args:
        folder: Folder that will hold ``atende.db``.

    Returns:
        Its SQLAlchemy URL.
    """
    from bot.db.migrate import upgrade
    from bot.db.seed import seed_demo
    from bot.db.session import make_engine, make_session_factory
    from bot.settings import Settings

    url = f"sqlite:///{folder / 'atende.db'}"
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    try:
        seed_demo(session_factory=make_session_factory(engine))
    finally:
        engine.dispose()
    return url


def stock_inputs() -> List[Path]:
    """Files the stock model is trained from."""
    data = sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")) + sorted(
        (PROJECT_ROOT / "data" / "dialogue").glob("*.yml")
    )
    return [STOCK_CONFIG, PROJECT_ROOT / "domain.yml", *data]


def stock_is_stale() -> bool:
    """Whether ``models/stock.tar.gz`` is missing or older than one of its inputs."""
    if not STOCK_MODEL.exists():
        return True
    built = STOCK_MODEL.stat().st_mtime
    return any(path.stat().st_mtime > built for path in stock_inputs())


def ensure_stock_model() -> None:
    """Train the stock model with the bot's domain and data when it is missing or stale.

    Raises:
        SystemExit: When ``rasa train`` fails.
    """
    if not stock_is_stale():
        print(f"Modelo padrão em dia: {STOCK_MODEL.relative_to(PROJECT_ROOT)}")
        return
    log = LOG_ROOT / "train-stock.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"Treinando o modelo padrão do Rasa (alguns minutos; log em {log.relative_to(PROJECT_ROOT)})...", flush=True)
    command = [
        str(PROJECT_ROOT / ".venv" / "bin" / "rasa"),
        "train",
        "--config", str(STOCK_CONFIG.relative_to(PROJECT_ROOT)),
        "--domain", "domain.yml",
        "--data", "data/nlu", "data/dialogue",
        "--out", "models",
        "--fixed-model-name", "stock",
    ]  # fmt: skip
    started = time.time()
    with log.open("w", encoding="utf-8") as output:
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, env=_server_env({}), stdout=output, stderr=subprocess.STDOUT, check=False
        )
    if done.returncode != 0 or not STOCK_MODEL.exists():
        raise SystemExit(f"Falha ao treinar o modelo padrão (código {done.returncode}); veja {log}")
    # Dated at the start of training: an input edited meanwhile makes the next run train again.
    os.utime(STOCK_MODEL, (started, started))
    print(f"Modelo padrão treinado em {time.time() - started:.0f} s")


# --- servers --------------------------------------------------------------------------------------


def _server_env(extra: Dict[str, str]) -> Dict[str, str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
    env.update(extra)
    return env


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _serves_port(pid: int, port: int) -> bool:
    """Whether a live process is a server started on ``port`` (guards against a reused PID)."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except (FileNotFoundError, PermissionError):
        return False
    # The Rasa server gets --port; the action server (`atende actions`) reads its port from the environment.
    by_argument = b"--port" in arguments and str(port).encode() in arguments
    by_environment = f"ATENDE_ACTIONS_PORT={port}".encode() in environment and b"actions" in arguments
    return _alive(pid) and (by_argument or by_environment)


@dataclass
class Servers:
    """The two running servers of a model.

    The PIDs are kept here as soon as ``scripts/serve.sh`` has written them, so the
    servers can be measured and stopped even if someone removes the pid files.

    Attributes:
        target: Model and ports.
        pids: PID by server name (``rasa``, ``actions``).
    """

    target: Target
    pids: Dict[str, int]

    def ports(self) -> Dict[str, int]:
        """Port by server name."""
        return {"rasa": self.target.rasa_port, "actions": self.target.actions_port}

    def stop(self) -> None:
        """Stop both servers (SIGTERM, up to 15 s, then SIGKILL) and remove their pid files."""
        for name, pid in self.pids.items():
            _terminate(pid, self.ports()[name])
            pid_file = self.target.pid_files[name]
            if _read_pid(pid_file) == pid:
                pid_file.unlink(missing_ok=True)
        self.pids = {}


def _terminate(pid: int, port: int) -> None:
    if not _serves_port(pid, port):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(150):
        if not _alive(pid):
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_leftovers(target: Target) -> None:
    """Stop servers an interrupted bench left on this model's own ports, found by their pid files.

    Args:
        target: Model and ports.
    """
    ports = {"rasa": target.rasa_port, "actions": target.actions_port}
    for name, pid_file in target.pid_files.items():
        pid = _read_pid(pid_file)
        if pid is not None:
            _terminate(pid, ports[name])
            pid_file.unlink(missing_ok=True)


def start_servers(target: Target, database_url: str) -> Servers:
    """Start both servers of a model with ``scripts/serve.sh`` and wait until they answer.

    Args:
        target: Model and ports.
        database_url: Database the action server reads.

    Returns:
        The running servers; the caller stops them.

    Raises:
        SystemExit: When a port is taken or a server does not come up.
    """
    stop_leftovers(target)
    for port in (target.rasa_port, target.actions_port):
        if _port_in_use(port):
            raise SystemExit(f"A porta {port} já está em uso; pare o processo que a ocupa e rode de novo.")
    log_dir = LOG_ROOT / target.key
    log_dir.mkdir(parents=True, exist_ok=True)
    env = _server_env(
        {
            "DATABASE_URL": database_url,
            "ATENDE_MODEL": str(target.model),
            "ATENDE_RASA_PORT": str(target.rasa_port),
            "ATENDE_ACTIONS_PORT": str(target.actions_port),
            "ATENDE_REST_ENABLED": "1",
            "ATENDE_LOG_DIR": str(log_dir),
            "ATENDE_RASA_PLAIN": "1" if target.plain_rasa else "0",
        }
    )
    print(f"Iniciando servidores de {target.label} (Rasa :{target.rasa_port}, ações :{target.actions_port})...")
    started = time.monotonic()
    try:
        done = subprocess.run(
            [str(PROJECT_ROOT / "scripts" / "serve.sh")],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = done.stdout + done.stderr if done.returncode != 0 else ""
    except subprocess.TimeoutExpired:
        output = "scripts/serve.sh não terminou em 300 s"
    pids = {name: _read_pid(pid_file) for name, pid_file in target.pid_files.items()}
    servers = Servers(target, {name: pid for name, pid in pids.items() if pid is not None})
    if output or len(servers.pids) != 2:
        servers.stop()
        raise SystemExit(f"Os servidores de {target.label} não subiram (logs em {log_dir}):\n{output}")
    print(f"Servidores prontos em {time.monotonic() - started:.0f} s; logs em {log_dir.relative_to(PROJECT_ROOT)}")
    return servers


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process, from ``/proc/PID/status``.

    Args:
        pid: Process id.

    Returns:
        VmRSS in MiB, or None when the process is gone.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


# --- CPU taken by other processes -----------------------------------------------------------------


def _busy_ticks() -> int:
    """Busy CPU time of the whole machine, in clock ticks (first line of ``/proc/stat``)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq + steal


def _process_ticks(pid: int) -> int:
    """CPU time (user + system) of a process, in clock ticks; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    return int(fields[11]) + int(fields[12])


class CpuWatch:
    """Share of the machine's CPU used by processes other than a given set, over a span of time.

    Args:
        pids: Processes whose CPU time is ours (the bench itself is always included).
    """

    def __init__(self, pids: Sequence[int] = ()) -> None:
        self.pids = [os.getpid(), *pids]
        self.start = self._read()

    def _read(self) -> Tuple[float, int, int]:
        return time.monotonic(), _busy_ticks(), sum(_process_ticks(pid) for pid in self.pids)

    def others(self) -> float:
        """Share of all cores (0 to 1) used by other processes since the watch started."""
        started, busy, ours = self.start
        now, busy_now, ours_now = self._read()
        capacity = (now - started) * os.sysconf("SC_CLK_TCK") * len(os.sched_getaffinity(0))
        if capacity <= 0:
            return 0.0
        return min(1.0, max(0.0, (busy_now - busy - (ours_now - ours)) / capacity))


def wait_for_quiet(pids: Sequence[int] = ()) -> None:
    """Wait, at most ``QUIET_WAIT_S`` seconds, until other processes leave the CPU mostly idle.

    Args:
        pids: Processes that belong to the bench (their CPU time is not counted).
    """
    deadline = time.monotonic() + QUIET_WAIT_S
    told = False
    while True:
        watch = CpuWatch(pids)
        time.sleep(QUIET_SAMPLE_S)
        share = watch.others()
        if share <= QUIET_MAX_OTHER_CPU:
            return
        if time.monotonic() >= deadline:
            print(f"    aviso: outros processos ainda usam {share:.0%} da CPU; medindo assim mesmo", flush=True)
            return
        if not told:
            print(f"    outros processos usam {share:.0%} da CPU; aguardando até {QUIET_WAIT_S} s...", flush=True)
            told = True


# --- load -----------------------------------------------------------------------------------------


class Load:
    """Conversations sent to one webhook.

    Args:
        url: The REST webhook.
        scripts: Conversations to play, in turn.
    """

    def __init__(self, url: str, scripts: List[List[Step]]) -> None:
        self.url = url
        self.scripts = scripts
        self._next_script = itertools.cycle(range(len(scripts)))

    def next_script(self) -> List[Step]:
        """The next conversation of the rotation."""
        return self.scripts[next(self._next_script)]

    async def send(self, session, sender: str, step: Step, samples: Samples | None) -> None:
        """Send one message, time it and check the answer.

        Args:
            session: An ``aiohttp.ClientSession``.
            sender: Conversation id.
            step: Message and expected fragment.
            samples: Where to record; None for warm-up messages.
        """
        import aiohttp

        started = time.perf_counter()
        problem = None
        texts: List[str] = []
        try:
            async with session.post(self.url, json={"sender": sender, "message": step.text}) as response:
                if response.status != 200:
                    problem = f"HTTP {response.status} para {step.text!r}"
                else:
                    body = await response.json(content_type=None)
                    texts = [item.get("text") or "" for item in body if isinstance(item, dict)]
                    if not any(text.strip() for text in texts):
                        problem = f"resposta vazia para {step.text!r}"
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            problem = f"{type(error).__name__} para {step.text!r}: {error}"
        elapsed_ms = (time.perf_counter() - started) * 1000
        if samples is None:
            return
        samples.latencies_ms.append(elapsed_ms)
        if problem:
            samples.errors += 1
            if len(samples.error_examples) < 5:
                samples.error_examples.append(problem)
        elif step.expect.lower() not in "\n".join(texts).lower():
            samples.unexpected += 1
            if len(samples.unexpected_examples) < 5:
                answer = " | ".join(texts).replace("\n", " ")
                samples.unexpected_examples.append(f"{step.text!r} -> {answer[:120]!r}")

    async def conversation(self, session, samples: Samples | None, steps: List[Step] | None = None) -> int:
        """Play one whole conversation under a fresh sender id.

        Args:
            session: An ``aiohttp.ClientSession``.
            samples: Where to record; None for warm-up.
            steps: Messages to send; the next script of the rotation by default.

        Returns:
            Number of messages sent.
        """
        steps = steps if steps is not None else self.next_script()
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for step in steps:
            await self.send(session, sender, step, samples)
        return len(steps)

    async def warm_up(self, session, users: int) -> None:
        """Send ``WARMUP_MESSAGES`` unmeasured messages from ``users`` parallel conversations.

        Args:
            session: An ``aiohttp.ClientSession``.
            users: Number of parallel conversations.
        """
        flat = [step for script in self.scripts for step in script]
        messages = list(itertools.islice(itertools.cycle(flat), WARMUP_MESSAGES))
        shares = [messages[i::users] for i in range(users)]
        await asyncio.gather(*(self.conversation(session, None, share) for share in shares if share))

    async def run(self, users: int, minimum: int, pids: Sequence[int] = ()) -> Samples:
        """Warm up, then let ``users`` workers hold conversations back to back.

        Workers stop taking new conversations once ``minimum`` messages have been
        started, so every conversation is complete and at least ``minimum`` are measured.

        Args:
            users: Concurrent workers (1 for the sequential phase).
            minimum: Messages to measure at least.
            pids: The servers' processes, so that their CPU time is not counted as someone else's.

        Returns:
            The measured samples.
        """
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        connector = aiohttp.TCPConnector(limit=users)
        samples = Samples()
        budget = {"messages": 0, "conversations": 0}
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await self.warm_up(session, users)

            async def worker() -> None:
                while budget["messages"] < minimum and budget["conversations"] < MAX_CONVERSATIONS:
                    steps = self.next_script()
                    budget["messages"] += len(steps)
                    budget["conversations"] += 1
                    await self.conversation(session, samples, steps)

            watch = CpuWatch(pids)
            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(users)))
            samples.wall_s = time.perf_counter() - started
            samples.other_cpu = watch.others()
        return samples


def measure(target: Target, database_url: str, started: List[Servers]) -> Result:
    """Start the servers of a model, run both phases, read memory, stop the servers.

    Args:
        target: Model and ports.
        database_url: Database the action server reads.
        started: Running servers are appended here, so the caller can stop them on any exit.

    Returns:
        The figures of the model.
    """
    servers = start_servers(target, database_url)
    started.append(servers)
    pids = list(servers.pids.values())
    try:
        load = Load(target.webhook, _scripts())
        wait_for_quiet(pids)
        print(f"  1 usuário: {SEQUENTIAL_MESSAGES}+ mensagens após {WARMUP_MESSAGES} de aquecimento...", flush=True)
        sequential = asyncio.run(load.run(1, SEQUENTIAL_MESSAGES, pids))
        _print_phase(sequential)
        wait_for_quiet(pids)
        print(f"  {CONCURRENT_USERS} usuários simultâneos: {CONCURRENT_MESSAGES}+ mensagens...", flush=True)
        concurrent = asyncio.run(load.run(CONCURRENT_USERS, CONCURRENT_MESSAGES, pids))
        _print_phase(concurrent)
        memory = {name: rss_mb(pid) for name, pid in servers.pids.items()}
    finally:
        servers.stop()
    return Result(target, sequential, concurrent, memory)


def _print_phase(samples: Samples) -> None:
    print(
        f"    {samples.count} mensagens em {samples.wall_s:.1f} s: p50 {percentile(samples.latencies_ms, 0.5):.1f} ms, "
        f"p95 {percentile(samples.latencies_ms, 0.95):.1f} ms, {samples.throughput:.1f} msg/s, "
        f"{samples.errors} erros, {samples.unexpected} respostas fora do roteiro, "
        f"CPU de outros processos {samples.other_cpu:.0%}",
        flush=True,
    )
    for example in samples.error_examples:
        print(f"      erro: {example}")
    for example in samples.unexpected_examples:
        print(f"      fora do roteiro: {example}")


# --- report ---------------------------------------------------------------------------------------


def machine() -> Dict[str, str]:
    """Description of the machine and software the figures were measured on."""
    cpu = "desconhecida"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "desconhecida"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break
    system = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    except FileNotFoundError:
        pass
    return {
        "CPU": cpu,
        "Núcleos (nproc)": str(len(os.sched_getaffinity(0))),
        "Memória": memory,
        "Sistema": system,
        "Python": platform.python_version(),
        "Rasa": metadata.version("rasa"),
        "Rasa SDK": metadata.version("rasa-sdk"),
    }


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def rows(results: List[Result]) -> Iterator[Tuple[str, List[str], str]]:
    """Table rows: label, one value per model, and the verdict of the bot's target.

    Args:
        results: Figures per model, the bot's own first.

    Yields:
        ``(label, values, verdict)``.
    """
    ours = results[0]
    p50_ok = percentile(ours.sequential.latencies_ms, 0.5) <= TARGET_P50_MS
    throughput_ok = ours.concurrent.throughput >= TARGET_THROUGHPUT

    def verdict(ok: bool, goal: str) -> str:
        return f"{'✅ passa' if ok else '❌ falha'} ({goal})"

    def each(fn) -> List[str]:
        return [fn(result) for result in results]

    def latency(phase: str, fraction: float) -> List[str]:
        return each(lambda r: f"{percentile(getattr(r, phase).latencies_ms, fraction):.1f}")

    users = f"{CONCURRENT_USERS} simultâneos"
    yield "p50, 1 usuário (ms)", latency("sequential", 0.5), verdict(p50_ok, f"≤ {TARGET_P50_MS:.0f} ms")
    yield "p95, 1 usuário (ms)", latency("sequential", 0.95), ""
    yield f"p50, {users} (ms)", latency("concurrent", 0.5), ""
    yield f"p95, {users} (ms)", latency("concurrent", 0.95), ""
    yield (
        f"Vazão, {users} (msg/s)",
        each(lambda r: f"{r.concurrent.throughput:.1f}"),
        verdict(throughput_ok, f"≥ {TARGET_THROUGHPUT:.0f} msg/s"),
    )
    yield "RSS servidor Rasa (MiB)", each(lambda r: _mb(r.rss_mb.get("rasa"))), ""
    yield "RSS servidor de ações (MiB)", each(lambda r: _mb(r.rss_mb.get("actions"))), ""
    yield f"Mensagens medidas (1 usuário / {users})", each(lambda r: f"{r.sequential.count} / {r.concurrent.count}"), ""
    yield "Erros (sem resposta, HTTP, timeout)", each(lambda r: str(r.sequential.errors + r.concurrent.errors)), ""
    yield "Respostas fora do roteiro", each(lambda r: str(r.sequential.unexpected + r.concurrent.unexpected)), ""
    yield (
        f"CPU de outros processos (1 usuário / {users})",
        each(lambda r: f"{r.sequential.other_cpu:.0%} / {r.concurrent.other_cpu:.0%}"),
        "",
    )


def print_table(results: List[Result]) -> None:
    """Print the comparison table on the terminal.

    Args:
        results: Figures per model, the bot's own first.
    """
    header = ["", *(result.target.label for result in results), "Meta (Atende)"]
    table = [header, *([label, *values, verdict] for label, values, verdict in rows(results))]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print()
    for number, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


def write_report(results: List[Result], when: datetime, path: Path = REPORT) -> None:
    """Write ``docs/benchmarks.md``.

    Args:
        results: Figures per model, the bot's own first.
        when: Start of the run.
        path: Output file.
    """
    header = ["", *(result.target.label for result in results), "Meta (Atende)"]
    lines = [
        "# Benchmarks",
        "",
        "Latência, vazão e memória do bot pelo webhook REST, com o servidor de ações e o banco no circuito.",
        "Gerado por `tools/bench.py`; não edite à mão.",
        "",
        "Como reproduzir: `make bench` (treina `models/stock.tar.gz` se faltar; leva alguns minutos).",
        "",
        "## Máquina",
        "",
        *(f"- {name}: {value}" for name, value in machine().items()),
        f"- Data: {when.strftime('%Y-%m-%d %H:%M %Z').strip()}",
        "",
        "## Método",
        "",
        "- Três colunas: o bot e o pipeline padrão, ambos no servidor `bot.server` (Rasa com `bot/speedups.py`: "
        "um validador jsonschema reutilizado para as respostas do servidor de ações e tipos de evento memorizados), "
        "e o pipeline padrão no `rasa run` sem ajustes, como um projeto `rasa init` roda.",
        "- Dois modelos treinados com o mesmo `domain.yml` e os mesmos dados (`data/nlu`, `data/dialogue`):",
        "  - **Atende**: `models/atende.tar.gz`, configuração do bot (`config.yml`);",
        "  - **Rasa 3.6 padrão**: `models/stock.tar.gz`, a configuração que um projeto `rasa init` usa "
        "(`tools/config_stock.yml`: WhitespaceTokenizer, RegexFeaturizer, LexicalSyntacticFeaturizer, "
        "CountVectorsFeaturizer palavra e char_wb 1-4, DIETClassifier, EntitySynonymMapper, ResponseSelector, "
        "FallbackClassifier; MemoizationPolicy, RulePolicy, UnexpecTEDIntentPolicy, TEDPolicy), com `language: pt`.",
        "- Para cada modelo, `scripts/serve.sh` sobe o servidor de ações e o servidor Rasa em portas próprias de "
        "127.0.0.1 (Atende 5105/5155, padrão 5205/5255), sobre um SQLite semeado (`seed_demo`) em pasta temporária.",
        "- Conversas completas em `POST /webhooks/rest/webhook`, cada uma com `sender` novo: saudação, dígito do "
        "menu (3), CPF, data de nascimento dd/mm/aaaa, pergunta do número do cartão, pergunta em texto livre, "
        "`menu`, `sair`; três roteiros, um por pessoa da família demo.",
        f"- 1 usuário: conversas em sequência, {WARMUP_MESSAGES} mensagens de aquecimento descartadas, "
        f"depois pelo menos {SEQUENTIAL_MESSAGES} mensagens medidas.",
        f"- {CONCURRENT_USERS} simultâneos: {CONCURRENT_USERS} workers asyncio (aiohttp) emendando conversas, "
        f"{WARMUP_MESSAGES} mensagens de aquecimento, depois pelo menos {CONCURRENT_MESSAGES} medidas; vazão = "
        "mensagens medidas / tempo de parede.",
        "- Latência = ida e volta do POST no cliente (percentil por posição). RSS = `VmRSS` de `/proc/PID/status` "
        "de cada servidor ao fim da medição.",
        f"- Antes de cada fase, espera-se (até {QUIET_WAIT_S} s) que outros processos usem no máximo "
        f"{QUIET_MAX_OTHER_CPU:.0%} da CPU; a tabela mostra quanto da CPU outros processos usaram durante a medição "
        "(/proc/stat menos o bench e seus servidores). Acima de uns 10%, os números ficam pessimistas.",
        "- Erro = resposta HTTP diferente de 200, timeout (30 s) ou nenhuma mensagem com texto. "
        '"Fora do roteiro" = a resposta não contém o trecho esperado (só contado, não é erro).',
        "",
        "## Resultados",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---", *(["---:"] * len(results)), "---"]) + "|",
        *("| " + " | ".join([label, *values, verdict]) + " |" for label, values, verdict in rows(results)),
        "",
        f"Metas do Atende: p50 ≤ {TARGET_P50_MS:.0f} ms com 1 usuário e vazão ≥ {TARGET_THROUGHPUT:.0f} msg/s "
        f"com {CONCURRENT_USERS} simultâneos.",
    ]
    examples = [
        f"- {result.target.label}: {example}"
        for result in results
        for example in result.sequential.error_examples + result.concurrent.error_examples
    ]
    if examples:
        lines += ["", "Exemplos de erros:", "", *examples]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- entry point ----------------------------------------------------------------------------------


def _raise_on_sigterm(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: List[str] | None = None) -> int:
    """Train the stock model if needed, measure both models and write the report.

    Args:
        argv: Command-line arguments (none are needed).

    Returns:
        Exit status: 0 when the run completed, whatever the figures.
    """
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--no-report", action="store_true", help="só imprime, não escreve docs/benchmarks.md")
    args = parser.parse_args(argv)

    if not OURS_MODEL.exists():
        print(f"Modelo {OURS_MODEL.relative_to(PROJECT_ROOT)} ausente: rode `make model`.", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    when = datetime.now().astimezone()
    ensure_stock_model()
    results = []
    started: List[Servers] = []
    try:
        with tempfile.TemporaryDirectory(prefix="atende-bench-") as folder:
            database_url = prepare_database(Path(folder))
            for target in TARGETS:
                results.append(measure(target, database_url, started))
    finally:
        for servers in started:
            servers.stop()
        for target in TARGETS:
            stop_leftovers(target)
    print_table(results)
    from tools.bench_escala import append_report, run

    print("Conversas longas, NLU e réplicas:", flush=True)
    section = run()
    print("\n".join(section))
    if not args.no_report:
        write_report(results, when)
        append_report(section)
        print(f"\nRelatório em {REPORT.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
