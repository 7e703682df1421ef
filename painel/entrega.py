"""How the console reaches a beneficiary and the conversation: Rasa's HTTP API and the channels' own APIs.

A reply goes out on the channel the beneficiary used (WhatsApp through Twilio's REST API, Telegram through
the Bot API) and is written into the Rasa conversation as a bot message marked with the agent, so the
transcript stays whole. Without channel credentials (local mode, and the REST/terminal chat) the message in
the conversation is the delivery: ``atende simulate`` and the terminal chat poll for it.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Sequence

import aiohttp

from bot.canais import ORIGEM_PAINEL as ORIGEM
from bot.canais import Canal
from bot.channels.telegram import make_bot
from bot.channels.whatsapp import make_twilio_client, whatsapp_address
from bot.handoff import rasa_token
from bot.identifiers import mask_personal_data
from bot.intencoes import CONTINUACAO
from bot.nlu.symptoms import is_urgent
from bot.settings import Settings

# WhatsApp lets a business write free text only within 24 hours of the user's last message.
JANELA_WHATSAPP_HORAS = 24


class EntregaError(RuntimeError):
    """A reply could not be delivered (message in Portuguese, shown on the ticket)."""


def canal_e_destino(conversa: str) -> tuple[str, str]:
    """Split a conversation id into channel and address.

    >>> canal_e_destino("whatsapp:+5531999990000"), canal_e_destino("telegram:123"), canal_e_destino("x")
    (('whatsapp', '+5531999990000'), ('telegram', '123'), ('rest', 'x'))
    """
    canal, sep, destino = conversa.partition(":")
    if not sep or canal not in {c.value for c in Canal}:
        return Canal.REST.value, conversa
    return canal, destino


@dataclass(frozen=True)
class Mensagem:
    """One line of the transcript, personal identifiers masked."""

    quem: str  # "beneficiario", "bot" or "atendente"
    texto: str
    quando: datetime
    agente: str = ""
    urgente: bool = False  # an emergency sign in the person's words (bot.nlu.symptoms.is_urgent)


class Rasa:
    """Rasa's HTTP API, with the token serve.sh generated (ATENDE_RASA_TOKEN or var/run/rasa-token)."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings.rasa_url.rstrip("/")

    def _url(self, conversa: str, sufixo: str) -> str:
        query = urllib.parse.urlencode({"token": rasa_token()})
        # Sanic does not decode %3A in a path parameter: ':' and '+' must go as they are.
        return f"{self.base}/conversations/{urllib.parse.quote(conversa, safe=':+')}/{sufixo}?{query}"

    async def _pedir(self, metodo: str, url: str, corpo: Any = None) -> Any:
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
                async with http.request(metodo, url, json=corpo) as resposta:
                    if resposta.status >= 400:
                        raise EntregaError(f"o servidor do bot recusou ({resposta.status})")
                    return await resposta.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as erro:
            raise EntregaError(f"servidor do bot inacessível ({erro.__class__.__name__})") from None

    async def eventos(self, conversa: str) -> List[Dict[str, Any]]:
        """The conversation's events (all sessions)."""
        tracker = await self._pedir("GET", self._url(conversa, "tracker") + "&include_events=ALL")
        return list(tracker.get("events") or [])

    async def pausada(self, conversa: str) -> bool:
        """Whether the conversation waits for a person (the bot is silent)."""
        tracker = await self._pedir("GET", self._url(conversa, "tracker") + "&include_events=NONE")
        return bool(tracker.get("paused"))

    async def escrever_resposta(self, conversa: str, texto: str, agente: str, protocolo: str = "") -> None:
        """Append the agent's reply to the conversation as a bot message marked with the agent and the ticket."""
        metadata = {"origem": ORIGEM, "agente": agente, **({"protocolo": protocolo} if protocolo else {})}
        evento = {"event": "bot", "text": texto, "timestamp": time.time(), "metadata": metadata}
        await self._pedir("POST", self._url(conversa, "tracker/events"), [evento])

    async def pausar(self, conversa: str) -> None:
        """Pause the conversation: the bot stays silent and what the beneficiary writes reaches the ticket."""
        await self._pedir("POST", self._url(conversa, "tracker/events"), [{"event": "pause"}])

    async def devolver(self, conversa: str) -> None:
        """Resume the paused conversation: the bot answers the next message."""
        # The listen marks where the bot waits again, so the next message starts a fresh turn.
        await self._pedir("POST", self._url(conversa, "tracker/events"),
                          [{"event": "resume"}, {"event": "action", "name": "action_listen"}])


async def entregar(
    canais: "Canais", rasa: Rasa, conversa: str, texto: str, agente: str, *, modelo: bool = False,
    protocolo: str = "",
) -> None:
    """Send ``texto`` on the conversation's channel, then write it into the conversation as ``agente``'s.

    ``protocolo`` marks which ticket the message belongs to (a clinical one's are hidden from the first line).

    Raises:
        EntregaError: The channel or the Rasa server refused or could not be reached.
    """
    await canais.enviar(conversa, texto, modelo=modelo)
    await rasa.escrever_resposta(conversa, texto, agente, protocolo)


OMITIDO = "[Mensagens de um pedido clínico confidencial: só a área clínica as lê.]"


def _intent(evento: Dict[str, Any]) -> str:
    return str(((evento.get("parse_data") or {}).get("intent") or {}).get("name") or "")


def _ocultos(eventos: List[Dict[str, Any]], protocolos: Sequence[str]) -> set[int]:
    """The positions of the events a non-clinical agent may not read, for the confidential ``protocolos``.

    Each request, from its first message (a teleconsultation intent) to the end of the turn that gave its protocol;
    and the clinical area's exchange, from its agent's first message until the bot or another ticket's agent
    speaks again.
    """
    ocultos: set[int] = set()
    for protocolo in protocolos:
        for k, evento in enumerate(eventos):
            do_bot = evento.get("event") == "bot" and (evento.get("metadata") or {}).get("origem") != ORIGEM
            if not do_bot or protocolo not in (evento.get("text") or ""):
                continue
            usuario = [j for j in range(k) if eventos[j].get("event") == "user"]
            pedido = [j for j in usuario if _intent(eventos[j]).startswith("tele_")]
            depois = [j for j in range(k + 1, len(eventos)) if eventos[j].get("event") == "user"]
            ocultos.update(range(pedido[-1] if pedido else 0, depois[0] if depois else len(eventos)))
        com_a_clinica = False
        for k, evento in enumerate(eventos):
            metadata = evento.get("metadata") or {}
            if evento.get("event") == "bot":
                com_a_clinica = metadata.get("origem") == ORIGEM and metadata.get("protocolo") == protocolo
            if com_a_clinica:
                ocultos.add(k)
    return ocultos


def transcricao(eventos: List[Dict[str, Any]], confidenciais: Sequence[str] = ()) -> List[Mensagem]:
    """The messages of a conversation, oldest first: CPF and card numbers masked, dates too where the person wrote.

    Args:
        eventos: The conversation's events, as Rasa's tracker API gives them.
        confidenciais: Protocols of confidential tickets of this conversation the reader may not see (u18: a
            clinical request, with the person's diagnosis, was read on their next, ordinary ticket). Their messages
            become one line, :data:`OMITIDO`.
    """
    ocultos = _ocultos(eventos, confidenciais)
    linhas: List[Mensagem] = []
    for posicao, evento in enumerate(eventos):
        if evento.get("event") not in ("user", "bot") or not evento.get("text"):
            continue
        instante = float(evento.get("timestamp") or 0)
        quando = datetime.fromtimestamp(instante, tz=timezone.utc)
        metadata = evento.get("metadata") or {}
        if evento["event"] == "user" and metadata.get(CONTINUACAO):
            continue  # a follow-up question put back as a question about its topic: already shown once
        if posicao in ocultos:
            if not linhas or linhas[-1].texto != OMITIDO:
                linhas.append(Mensagem("bot", OMITIDO, quando))
            continue
        if evento["event"] == "user":
            quem = "beneficiario"
        else:
            quem = "atendente" if metadata.get("origem") == ORIGEM else "bot"
        # The bot never writes a birth date and an agent has no reason to: their dates (the disputed item's, the
        # deadline) stay readable; the beneficiary's own words are masked whole.
        texto = mask_personal_data(str(evento["text"]), dates=quem == "beneficiario")
        # u23: an emergency told while waiting for a person was one more "Nova mensagem" in the queue.
        urgente = quem == "beneficiario" and is_urgent(str(evento["text"]))
        linhas.append(Mensagem(quem, texto, quando, str(metadata.get("agente", "")), urgente))
    return linhas


_PEDIDO_DA_IDENTIFICACAO = {
    "identificacao_documento": "o CPF ou o número do cartão",
    "identificacao_nascimento": "a data de nascimento",
}


def identificacao_em_curso(eventos: List[Dict[str, Any]]) -> str | None:
    """What the assistant is asking to identify the person right now, or None.

    u24: back with the assistant, the person was giving the CPF and the birth date when the agent replied; the
    reply paused the assistant and the date went to the agent, masked, and the identification was lost. The
    console says so before the agent writes.

    >>> pede = [{"event": "active_loop", "name": "identificacao_form"},
    ...         {"event": "slot", "name": "requested_slot", "value": "identificacao_nascimento"}]
    >>> identificacao_em_curso(pede)
    'a data de nascimento'
    >>> identificacao_em_curso(pede + [{"event": "active_loop", "name": None}]) is None
    True
    >>> identificacao_em_curso(pede + [{"event": "pause"}]) is None, identificacao_em_curso(pede + [{"event": "pause"},
    ...                                                                                  {"event": "resume"}])
    (True, 'a data de nascimento')
    """
    formulario, pedido, pausada = None, None, False
    for evento in eventos:
        tipo = evento.get("event")
        if tipo == "active_loop":
            formulario = evento.get("name")
        elif tipo == "slot" and evento.get("name") == "requested_slot":
            pedido = evento.get("value")
        elif tipo in ("pause", "resume"):
            pausada = tipo == "pause"
        elif tipo == "restart":
            formulario, pedido = None, None
    if formulario != "identificacao_form" or pausada:
        # Paused, the assistant asks nothing: what the person writes is the agent's. Resumed, the form goes on.
        return None
    return _PEDIDO_DA_IDENTIFICACAO.get(pedido or "", "os dados de identificação")


def janela_whatsapp_aberta(eventos: List[Dict[str, Any]], agora: datetime) -> bool:
    """Whether the beneficiary wrote within the last 24 hours (WhatsApp's customer-service window)."""
    ultimas = [float(e.get("timestamp") or 0) for e in eventos if e.get("event") == "user"]
    return bool(ultimas) and agora.timestamp() - max(ultimas) < JANELA_WHATSAPP_HORAS * 3600


class Canais:
    """Sends a reply on the beneficiary's channel; clients are built on first use from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._twilio: Any = None
        self._telegram: Any = None

    def modo_local(self, canal: str) -> bool:
        """The channel has no credentials here: the message in the conversation is the delivery."""
        if canal == Canal.WHATSAPP.value:
            return not (self.settings.twilio_account_sid and self.settings.twilio_auth_token)
        if canal == Canal.TELEGRAM.value:
            return not self.settings.telegram_bot_token
        return True

    async def enviar(self, conversa: str, texto: str, *, modelo: bool = False) -> None:
        """Send ``texto`` to the conversation's channel (``modelo``: the WhatsApp template instead).

        Raises:
            EntregaError: The channel refused, cannot be written to (phone), or is unreachable.
        """
        canal, destino = canal_e_destino(conversa)
        if canal == Canal.URA.value:
            raise EntregaError("uma ligação não recebe mensagens: retorne a ligação para o número do chamado")
        if self.modo_local(canal):
            return
        try:
            if canal == Canal.WHATSAPP.value:
                await self._whatsapp(destino, texto, modelo)
            elif canal == Canal.TELEGRAM.value:
                await self._telegram_enviar(destino, texto)
        except EntregaError:
            raise
        except Exception as erro:  # noqa: BLE001 - any failure of the provider is shown on the ticket, retryable
            raise EntregaError(f"{canal} recusou a mensagem: {mask_personal_data(str(erro))[:300]}") from None

    async def _whatsapp(self, destino: str, texto: str, modelo: bool) -> None:
        if self._twilio is None:
            self._twilio = make_twilio_client(self.settings)
        campos: Dict[str, Any] = {
            "to": whatsapp_address(destino), "from_": whatsapp_address(self.settings.twilio_whatsapp_from)
        }
        if modelo:
            if not self.settings.whatsapp_template_sid:
                raise EntregaError("nenhum modelo aprovado configurado (TWILIO_TEMPLATE_SID)")
            campos.update(content_sid=self.settings.whatsapp_template_sid, content_variables=json.dumps({"1": texto}))
        else:
            campos["body"] = texto
        await asyncio.to_thread(self._twilio.messages.create, **campos)

    async def _telegram_enviar(self, destino: str, texto: str) -> None:
        if self._telegram is None:
            self._telegram = make_bot(self.settings)
            await self._telegram.initialize()
        await self._telegram.send_message(chat_id=int(destino), text=texto)
