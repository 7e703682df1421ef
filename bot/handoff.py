"""Giving a conversation back to the bot after an agent handled it.

The action that hands a conversation to the attendants pauses it in Rasa
(the bot stays silent). The agent resumes it through Rasa's HTTP API, which
``scripts/serve.sh`` enables on 127.0.0.1 with a token of its own.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

from bot.settings import get_settings


def rasa_token() -> str:
    """The Rasa API token: ``ATENDE_RASA_TOKEN`` or the one serve.sh generated under var/run."""
    token = os.environ.get("ATENDE_RASA_TOKEN", "")
    path = get_settings().var_dir / "run" / "rasa-token"
    if not token and path.exists():
        token = path.read_text(encoding="utf-8").strip()
    return token


def hand_back(sender: str, url: str | None = None) -> int:
    """Resume a paused conversation so the bot answers it again.

    Args:
        sender: The conversation id (as in the ticket e-mail).
        url: Base URL of the Rasa server; default the one of ``make run``.

    Returns:
        Process exit code: 0 when Rasa accepted the event.
    """
    base = url or f"http://127.0.0.1:{os.environ.get('ATENDE_RASA_PORT', '5005')}"
    query = urllib.parse.urlencode({"token": rasa_token()})
    # Sanic does not decode %3A in a path parameter: ':' and '+' (whatsapp:+55...) must go as they are.
    target = f"{base}/conversations/{urllib.parse.quote(sender, safe=':+')}/tracker/events?{query}"
    # The listen marks where the bot waits again; without it the next message follows the
    # handoff action directly and no rule recognises the turn.
    body = json.dumps([{"event": "resume"}, {"event": "action", "name": "action_listen"}]).encode()
    request = urllib.request.Request(target, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except (urllib.error.URLError, TimeoutError) as error:
        print(f"Não foi possível devolver a conversa {sender}: {error}", file=sys.stderr)
        return 1
    print(f"Conversa {sender} devolvida ao atendimento automático.")
    return 0
