"""Terminal front ends of ``atende simulate`` and ``atende telegram-polling``."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
import time
import urllib.error
from typing import Any, Callable, Dict, List

from bot.channels.render import read_button
from bot.channels.simulate import (
    CallSimulator,
    TelegramSimulator,
    WhatsAppSimulator,
    default_base_url,
    http_request,
)
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

REAL_MODE = "(o servidor envia as respostas pela API real; veja o aparelho de destino ou o log do servidor)"


def _lines(prompt: str) -> str | None:
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        print()
        return None


def _unreachable(base_url: str, error: Exception) -> int:
    print(f"Bot indisponível em {base_url}: {error}. Ele está rodando (make run)?", file=sys.stderr)
    return 1


def simulate(channel: str, base_url: str | None = None, sender: str | None = None) -> int:
    """Run one channel's simulator until end of input or ``/fim``.

    Args:
        channel: ``whatsapp``, ``ivr`` (or ``ura``) or ``telegram``.
        base_url: The Rasa server (default: the one ``make run`` starts).
        sender: Phone number (WhatsApp, IVR) or chat id (Telegram); required when real credentials are set,
            so that a simulation never writes to a stranger.
    """
    settings = get_settings()
    base_url = base_url or default_base_url()
    real = {"whatsapp": settings.twilio_account_sid, "telegram": settings.telegram_bot_token}.get(channel)
    if real and not sender:
        print("Credenciais reais configuradas: informe --de com o seu número ou chat, ou rode sem elas.",
              file=sys.stderr)
        return 2
    runner: Callable[[str, Settings, str | None], int] = {
        "whatsapp": _whatsapp,
        "ivr": _ivr,
        "ura": _ivr,
        "telegram": _telegram,
    }[channel]
    try:
        return runner(base_url, settings, sender)
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return _unreachable(base_url, error)


def watch_agents(fetch: Callable[[float], List[Dict[str, Any]]], interval: float = 2.0) -> threading.Event:
    """Print, as they arrive, the messages an agent sends from the console (local mode); returns a stop flag."""
    stop = threading.Event()

    def mostrar(found: List[Dict[str, Any]]) -> None:
        for message in found:
            quem = message.get("agente") or "Atende"
            print(f"\nAtendente ({quem}): {message['texto']}\nVocê: ", end="", flush=True)

    after = time.time()
    try:
        # What an agent wrote since the person last wrote, while this simulator was closed.
        mostrar(fetch(-1))
    except (OSError, ValueError):
        pass

    def run() -> None:
        nonlocal after
        while not stop.wait(interval):
            try:
                found = fetch(after)
            except (OSError, ValueError):
                continue  # the bot restarting: try again on the next tick
            for message in found:
                after = max(after, float(message["quando"]))
            mostrar(found)

    threading.Thread(target=run, name="atendente", daemon=True).start()
    return stop


def _whatsapp(base_url: str, settings: Settings, sender: str | None) -> int:
    user = WhatsAppSimulator(base_url, settings, **({"number": sender} if sender else {}))
    watch_agents(user.agent_messages)
    print(f"WhatsApp (Twilio) simulado em {user.webhook}, como whatsapp:{user.number}.")
    print("Escreva como no WhatsApp. /foto envia uma imagem, /local uma localização, /fim encerra. Experimente: oi")
    while (text := _lines("\nVocê: ")) is not None and text.strip() != "/fim":
        media = {"/foto": "image", "/local": "location"}.get(text.strip())
        status, sid = user.send("" if media else text, media)
        if status != 200:
            print(f"(o webhook respondeu {status})")
            continue
        answers = user.answers(sid)
        for chunk in answers if answers is not None else [REAL_MODE]:
            print(f"Bot: {chunk}")
    return 0


def _ivr(base_url: str, settings: Settings, sender: str | None) -> int:
    call = CallSimulator(base_url, settings, **({"number": sender} if sender else {}))
    print(f"Ligação simulada para a URA ({call.webhook}), de {call.number}.")
    print("Digite as teclas e termine com #; Enter vazio é silêncio; texto com letras é fala; /fim desliga.")
    status, spoken = call.step()
    while True:
        if status != 200:
            print(f"(o webhook respondeu {status})")
            return 1
        for sentence in spoken.said:
            print(f"🔊 {sentence}")
        if spoken.transfer:
            print(f"☎  Transferida: {spoken.transfer}")
            return 0
        if not spoken.gather_action:
            print("☎  Ligação encerrada.")
            return 0
        hint = "uma tecla" if spoken.single_key else "teclas e #"
        typed = _lines(f"\nTeclado ({hint}) ou fala: ")
        if typed is None or typed.strip() == "/fim":
            return 0
        typed = typed.strip()
        is_keys = all(ch.isdigit() or ch in "*#" for ch in typed)
        status, spoken = call.step(digits=typed if is_keys else "", speech="" if is_keys else typed)


def _telegram(base_url: str, settings: Settings, sender: str | None) -> int:
    user = TelegramSimulator(base_url, settings, **({"chat_id": int(sender)} if sender else {}))
    watch_agents(user.agent_messages)
    print(f"Telegram simulado em {user.webhook}, conversa privada {user.chat_id}.")
    print("Escreva como no Telegram; /botao N toca o botão N; /fim encerra. Experimente: /start")
    # "/botao 2" presses the button "2" of the latest answer, whose data may carry its question's tag; an old
    # button's data still reaches the webhook, which then says the question has passed.
    botoes: Dict[str, str] = {}
    while (text := _lines("\nVocê: ")) is not None and text.strip() != "/fim":
        if text.startswith("/botao "):
            numero = text.split(maxsplit=1)[1].strip()
            status, update_id = user.press(botoes.get(numero, numero))
        else:
            status, update_id = user.send(text)
        if status != 200:
            print(f"(o webhook respondeu {status})")
            continue
        answers = user.answers(update_id)
        if answers is None:
            print(f"Bot: {REAL_MODE}")
            continue
        for message in answers:
            print(f"Bot: {message['html']}")
            for label, data in message["botoes"]:
                numero = read_button(data)[0]
                botoes[numero] = data
                print(f"     [{label}]  (/botao {numero})")
    return 0


def telegram_polling(base_url: str | None = None, remove_webhook: bool = False) -> int:
    """Relay Telegram's long polling to the local webhook, for a machine without a public address.

    The server answers through the Bot API as in production; this only replaces Telegram's webhook calls.

    Args:
        base_url: The Rasa server (default: the one ``make run`` starts).
        remove_webhook: Delete the bot's webhook first (Telegram refuses polling while one is set).
    """
    settings = get_settings()
    if not settings.telegram_bot_token:
        print("Defina TELEGRAM_BOT_TOKEN (o token do @BotFather) para receber mensagens do Telegram.", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_poll(settings, base_url or default_base_url(), remove_webhook))
    except KeyboardInterrupt:
        return 0


async def _poll(settings: Settings, base_url: str, remove_webhook: bool) -> int:
    from telegram.error import Conflict

    from bot.channels.telegram import make_bot

    relay = TelegramSimulator(base_url, settings)
    offset: int | None = None
    async with make_bot(settings) as bot:
        if remove_webhook:
            await bot.delete_webhook()
        print(f"Recebendo mensagens de @{bot.username} e repassando a {relay.webhook} (Ctrl+C para parar).")
        while True:
            try:
                updates = await bot.get_updates(offset=offset, timeout=25, allowed_updates=None)
            except Conflict:
                print("O bot tem um webhook configurado: rode com --remover-webhook.", file=sys.stderr)
                return 2
            for update in updates:
                body = json.dumps(update.to_dict()).encode()
                headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": relay.secret}
                try:
                    status, _ = await asyncio.to_thread(http_request, relay.webhook, body, headers)
                except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                    # Not confirmed to Telegram (offset unchanged): the update comes again once the bot is back.
                    print(f"Bot indisponível em {base_url} ({error}); tentando de novo.", file=sys.stderr)
                    await asyncio.sleep(2)
                    break
                if status != 200:
                    logger.warning("webhook respondeu %s à atualização %s", status, update.update_id)
                offset = update.update_id + 1
