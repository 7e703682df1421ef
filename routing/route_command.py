"""``atende route``: the decision the bot would take for a message, as JSON (issue 4, "A command for operators").

The text is parsed by the same Rasa model the bot serves (``models/atende.tar.gz``)
and routed by the same rules (``routing/rules.yaml``). The predicted intent is
the category; the collected data come from the message itself: a valid NIF, a
CPF or a protocol number found by the model's identifier extractor, and
``--protocol``. Without a text, one message per line is read from standard
input and one JSON line is printed per message, with the model loaded once.
Only JSON goes to standard output; TensorFlow and Rasa are kept quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, TextIO, Tuple

from bot.clock import parse_fixed_now
from routing.decision import RoutingRequest

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "atende.tar.gz"
FALLBACK_CATEGORY = "nlu_fallback"


def _silence() -> None:
    # Before TensorFlow is imported: its C++ start-up messages go by this variable.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("rasa", "tensorflow", "absl", "sqlalchemy", "matplotlib", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _no_warning(*args: Any, **kwargs: Any) -> None:
    return None


class Router:
    """Parses messages with the Rasa model and routes them by the rules; load once, use for many messages.

    Args:
        model: Path of the trained Rasa model.
        rules: A validated :class:`routing.ruleset.RuleSet`.
        now: Fixed time for the time conditions (``ATENDE_NOW``); None uses the clock.
    """

    def __init__(self, model: Path, rules: Any, now: datetime | None = None) -> None:
        _silence()
        # Whatever Rasa prints while loading must not reach the JSON on standard output.
        # Deprecation notices of Rasa's dependencies are noise for an operator. Filters are not enough:
        # sanic turns DeprecationWarning back on in the middle of Rasa's imports.
        warnings.simplefilter("ignore")
        warnings.showwarning = _no_warning
        with contextlib.redirect_stdout(sys.stderr):
            from rasa.core.agent import Agent
            from rasa.utils.log_utils import configure_structlog

            configure_structlog(logging.ERROR)
            self.agent = Agent.load(str(model))
        self.rules = rules
        self.now = now
        self.loop = asyncio.new_event_loop()

    def close(self) -> None:
        """Release the event loop."""
        self.loop.close()

    def parse(self, text: str) -> Dict[str, Any]:
        """Return the model's parse (intent, entities) of ``text``."""
        with contextlib.redirect_stdout(sys.stderr):
            return self.loop.run_until_complete(self.agent.parse_message(text))

    def request(
        self, text: str, *, channel: str = "whatsapp", protocol: str | None = None
    ) -> Tuple[RoutingRequest, List[str]]:
        """The routing request of a message, and the two topics the bot would ask between (empty if none).

        The intent is the category and the identifiers in the text are the collected data. Where the bot
        would ask which of two topics was meant, a batch has nobody to ask: the likelier of the two is the
        category, as a person reading the message would guess, and the question is reported.
        """
        from bot.intencoes import ESCLARECER, opcoes_de_esclarecimento
        from routing.nif import find_nif

        parsed = self.parse(text)
        intent = (parsed.get("intent") or {}).get("name") or FALLBACK_CATEGORY
        question = opcoes_de_esclarecimento(parsed.get("intent_ranking")) if intent == ESCLARECER else []
        if question:
            intent = question[0]
        collected: Dict[str, Any] = {}
        nif = find_nif(text)
        if nif:
            collected["nif"] = nif
        for entity in parsed.get("entities") or []:
            if entity.get("entity") in ("cpf", "protocolo") and entity.get("entity") not in collected:
                collected[entity["entity"]] = entity.get("value")
        if protocol:
            collected["protocolo"] = "".join(ch for ch in protocol if ch.isdigit()) or protocol.strip()
        request = RoutingRequest(category=intent, text=text, channel=channel, collected=collected, now=self.now)
        return request, question

    def route(self, text: str, *, channel: str = "whatsapp", protocol: str | None = None) -> Dict[str, Any]:
        """Return the JSON object of the decision for one message.

        The decision's keys, plus ``intent`` and ``pergunta``: the two topics the bot would offer before
        routing (the first is the one routed), or an empty list when it would not ask.
        """
        from routing.engine import decide

        request, question = self.request(text, channel=channel, protocol=protocol)
        decision = decide(request, self.rules)
        return {"intent": request.category, "pergunta": question, **decision.to_json()}


def _fixed_now(settings: Any) -> datetime | None:
    if not getattr(settings, "fixed_now", ""):
        return None
    return parse_fixed_now(settings.fixed_now, settings.timezone)


def _lines(stream: TextIO) -> Iterable[str]:
    for line in stream:
        text = line.strip()
        if text:
            yield text


def run(
    text: str | None,
    *,
    channel: str = "whatsapp",
    protocol: str | None = None,
    model: str | None = None,
    rules_path: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run ``atende route``; return the exit code.

    Args:
        text: The message; None reads one message per line from ``stdin``.
        channel: a :class:`bot.canais.Canal` value (``whatsapp``, ``telegram``, ``ura``, ``rest``).
        protocol: A first-instance protocol number already known (collected as ``protocolo``).
        model: Rasa model; ``models/atende.tar.gz`` by default.
        rules_path: Rules file; ``Settings.routing_rules_path`` by default.
        stdin: Input stream for the batch mode (standard input by default).
        stdout: Where the JSON goes (standard output by default).

    Returns:
        0 on success, 2 when the rules or the model cannot be loaded.
    """
    from bot.settings import get_settings
    from routing.loader import RulesError, load_rules

    out = stdout or sys.stdout
    settings = get_settings()
    try:
        rules = load_rules(rules_path, settings)
    except RulesError as error:
        print(f"Regras de encaminhamento inválidas: {error}", file=sys.stderr)
        return 2
    model_path = Path(model) if model else DEFAULT_MODEL
    if not model_path.exists():
        print(f"Modelo não encontrado: {model_path} (treine com 'make model')", file=sys.stderr)
        return 2
    router = Router(model_path, rules, now=_fixed_now(settings))
    try:
        messages = [text] if text is not None else _lines(stdin or sys.stdin)
        for message in messages:
            result = router.route(message, channel=channel, protocol=protocol)
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        router.close()
    return 0
