"""Files the bot hands to a user (the income-tax statement PDF), kept under var/arquivos.

The action server writes a file under an unguessable name; the Rasa server
serves it at ``/webhooks/arquivos/<nome>.pdf`` (bot.channels.arquivos), so any
channel can carry it as a link. Files older than :data:`VALIDADE` are removed
whenever a new one is written.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from bot.settings import Settings, get_settings

VALIDADE_DIAS = 7
NOME = re.compile(r"^[0-9a-f]{32}\.pdf$")


def pasta(settings: Settings | None = None) -> Path:
    """The folder that holds the files."""
    return (settings or get_settings()).var_dir / "arquivos"


def guardar_pdf(conteudo: bytes, settings: Settings | None = None) -> str:
    """Store a PDF and return its file name (32 random hex digits + ``.pdf``)."""
    destino = pasta(settings)
    destino.mkdir(parents=True, exist_ok=True)
    limite = time.time() - VALIDADE_DIAS * 86400
    for antigo in destino.glob("*.pdf"):
        if antigo.stat().st_mtime < limite:
            antigo.unlink(missing_ok=True)
    nome = f"{secrets.token_hex(16)}.pdf"
    (destino / nome).write_bytes(conteudo)
    return nome


def caminho(nome: str, settings: Settings | None = None) -> Path | None:
    """The stored file called ``nome``, or None for a malformed or unknown name."""
    if not NOME.match(nome):
        return None
    arquivo = pasta(settings) / nome
    return arquivo if arquivo.is_file() else None


def url_publica(nome: str, settings: Settings | None = None) -> str:
    """Where a user downloads the file: ATENDE_PUBLIC_URL, else the local Rasa server."""
    settings = settings or get_settings()
    base = settings.public_url.rstrip("/") or f"http://127.0.0.1:{os.environ.get('ATENDE_RASA_PORT', '5005')}"
    return f"{base}/webhooks/arquivos/{nome}"
