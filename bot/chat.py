"""A chat with the running bot in a terminal, through its REST webhook."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import List

from bot.channels.console import watch_agents


def default_url() -> str:
    """The REST webhook of the Rasa server started by ``make run``."""
    port = os.environ.get("ATENDE_RASA_PORT", "5005")
    return f"http://127.0.0.1:{port}/webhooks/rest/webhook"


def _headers() -> dict:
    token = os.environ.get("ATENDE_REST_TOKEN", "")
    # The REST channel asks for the token when it is set (bot/channels/rest.py).
    return {"Authorization": f"Bearer {token}"} if token else {}


def send(url: str, sender: str, text: str, timeout: float = 30.0) -> List[str]:
    """Send one message and return the bot's answers in order (texts, and links to files)."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **_headers()})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answers = []
        for item in json.load(response):
            answers += [item["text"]] if item.get("text") else []
            # Choices offered as buttons are answered with their number, as on WhatsApp.
            answers += [f"{n} - {b.get('title', '')}" for n, b in enumerate(item.get("buttons") or [], start=1)]
            answers += [f"📄 {item['attachment']}"] if item.get("attachment") else []
        return answers


def agent_replies(url: str, sender: str, after: float, timeout: float = 10.0) -> List[dict]:
    """What an agent wrote from the console to this conversation since ``after`` (epoch seconds)."""
    query = urllib.parse.urlencode({"sender": sender, "depois": after})
    base = url.rsplit("/webhook", 1)[0]
    request = urllib.request.Request(f"{base}/atendente?{query}", headers=_headers())
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def chat(url: str | None = None, sender: str | None = None) -> int:
    """Read lines from the terminal and print the bot's answers until EOF or /sair.

    An agent's replies from the console (after ``0``) appear as they arrive.
    """
    url = url or default_url()
    sender = sender or f"terminal-{uuid.uuid4().hex[:8]}"
    watch_agents(lambda after: agent_replies(url, sender, after))
    print("Converse com o bot (Ctrl+D ou /fim para terminar). Experimente: oi")
    while True:
        try:
            text = input("\nVocê: ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.strip() == "/fim":
            return 0
        try:
            answers = send(url, sender, text)
        except (urllib.error.URLError, TimeoutError) as error:
            print(f"Bot indisponível em {url}: {error}", file=sys.stderr)
            return 1
        for answer in answers or ["(sem resposta)"]:
            print(f"Bot: {answer}")
