"""Files the bot hands to a user (the income-tax statement PDF), kept under var/arquivos.

The action server writes a file under an unguessable name; the Rasa server
serves it at ``/webhooks/arquivos/<nome>.pdf`` (bot.channels.arquivos), so any
channel can carry it as a link. A file older than :data:`VALIDADE_DIAS` days is
never served (checked on every download) and is deleted by
:func:`purgar_expirados`, which runs when a new file is written and daily
(bot/housekeeping.py).
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from bot.canais import Canal
from bot.settings import Settings, get_settings

VALIDADE_DIAS = 7
# The phone cannot carry a file; every other channel gets it as a link.
CANAIS_SEM_ARQUIVO = frozenset({Canal.URA.value})
# u22: "pode mandar o boleto no meu whatsapp?", "como eu pego esse documento?" on the phone were "não entendi":
# where a caller gets the PDF the line cannot send (source 000: the app, the portal, the WhatsApp service).
ONDE_PEGAR_O_PDF = (
    "O PDF está no Aplicativo e no Portal do beneficiário (entre com o CPF ou o número do cartão e sua senha), e o "
    "atendimento automático pelo WhatsApp também envia o arquivo, 24 horas."
)
NOME = re.compile(r"^[0-9a-f]{32}\.pdf$")


def pasta(settings: Settings | None = None) -> Path:
    """The folder that holds the files."""
    return (settings or get_settings()).var_dir / "arquivos"


def _expirado(arquivo: Path, agora: float) -> bool:
    # guardar_pdf stamps the file with this process's clock, so its age is read on one clock even when the
    # file system's stamps and the process's clock disagree (a shifted clock, libfaketime, a container).
    return arquivo.stat().st_mtime < agora - VALIDADE_DIAS * 86400


def purgar_expirados(settings: Settings | None = None, agora: float | None = None) -> int:
    """Delete the files past :data:`VALIDADE_DIAS`; returns how many were deleted."""
    destino = pasta(settings)
    agora = time.time() if agora is None else agora
    apagados = 0
    for arquivo in destino.glob("*.pdf") if destino.is_dir() else []:
        if _expirado(arquivo, agora):
            arquivo.unlink(missing_ok=True)
            apagados += 1
    return apagados


def guardar_pdf(conteudo: bytes, settings: Settings | None = None) -> str:
    """Store a PDF, readable by this user only, and return its file name (32 random hex digits + ``.pdf``)."""
    destino = pasta(settings)
    destino.mkdir(mode=0o700, parents=True, exist_ok=True)
    purgar_expirados(settings)
    nome = f"{secrets.token_hex(16)}.pdf"
    descritor = os.open(destino / nome, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descritor, "wb") as arquivo:
        arquivo.write(conteudo)
    agora = time.time()
    os.utime(destino / nome, (agora, agora))
    return nome


def caminho(nome: str, settings: Settings | None = None, agora: float | None = None) -> Path | None:
    """The stored file called ``nome``, or None for a malformed, unknown or expired name (deleted then)."""
    if not NOME.match(nome):
        return None
    arquivo = pasta(settings) / nome
    if not arquivo.is_file():
        return None
    if _expirado(arquivo, time.time() if agora is None else agora):
        arquivo.unlink(missing_ok=True)
        return None
    return arquivo


def url_publica(nome: str, settings: Settings | None = None) -> str:
    """Where a user downloads the file: ATENDE_PUBLIC_URL, else the local Rasa server."""
    settings = settings or get_settings()
    base = settings.public_url.rstrip("/") or f"http://127.0.0.1:{os.environ.get('ATENDE_RASA_PORT', '5005')}"
    return f"{base}/webhooks/arquivos/{nome}"
