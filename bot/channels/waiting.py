"""What the system answers, for itself, in a conversation a person has (the bot is silent there).

After "0" in hours, or once an agent has replied in the console, the bot stays silent and every message reaches the
agent. u23: "menu", "sair", "já resolvi, pode cancelar", "tem alguém aí?" and "qual o protocolo?" got silence; the
person could neither leave the queue nor learn they were in it, and the console's advice "escreva 0" went unheard.
Now (:func:`bot.nlu.handoff.while_waiting`):

- going back to the assistant ("menu", "sair") gives the conversation back to the bot, which answers the message
  itself; the ticket stays open, the agent's next reply reaches the person (and silences the bot again), and the
  ticket's history says the person went back;
- withdrawing a request nobody has taken closes it (as with the bot answering); one an agent has stays theirs, and
  the person is told that agent reads the message;
- asking how it stands, or for a person again, gets the protocol and who has it (the message still reaches them).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationResumed
from sqlalchemy.orm import sessionmaker

from actions.atendente import retirar, retiravel
from bot.canais import ORIGEM_SISTEMA
from bot.db import repository
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.identifiers import mask_personal_data
from bot.nlu.handoff import BACK_TO_THE_BOT, WITHDRAW
from bot.settings import get_settings
from routing.tickets import inbox_label

CONTINUA_ABERTO = (
    "Seu pedido {protocolo} continua aberto: quando {quem} responder, a mensagem chega aqui. Até lá, o assistente "
    "automático volta a responder."
)
COM_O_ATENDENTE = (
    "Seu pedido {protocolo} está com {nome}, que lê o que você escreve aqui e responde por esta conversa. Para voltar "
    "às opções do assistente enquanto isso, digite *menu*: o pedido continua aberto."
)
NA_FILA = (
    "Seu pedido {protocolo} está na fila de {caixa}: a próxima mensagem será de uma pessoa, por esta conversa{prazo}. "
    "O que você escreve aqui já chega ao pedido, não precisa repetir. Para voltar às opções do assistente enquanto "
    "espera, digite *menu*{cancelar}."
)
ENCERRA_O_ATENDENTE = (
    "Recebido: {nome}, que está com o seu pedido {protocolo}, lê esta mensagem e encerra o atendimento."
)
ENCERRA_QUEM_ATENDER = "Recebido: quem atender o seu pedido {protocolo} lê esta mensagem e o encerra."
PEDIU_PARA_ENCERRAR = (
    "O beneficiário pediu na conversa para encerrar: “{texto}”. Ele leu que quem está com o pedido o encerra."
)
VOLTOU_AO_BOT = "o beneficiário voltou ao assistente automático (escreveu “{texto}”); o pedido continua aberto"


@dataclass(frozen=True)
class Waiting:
    """The ticket a conversation waits on, as the person is told about it."""

    protocol: str
    agent: str | None
    inbox: str
    due: date | None
    withdrawable: bool


OnMessage = Callable[[], Awaitable[List[Dict[str, Any]]]]


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker:
    """The plan's database, opened on the first message that needs it (never at import)."""
    return make_session_factory(make_engine(get_settings()))


def how_it_stands(waiting: Waiting) -> str:
    """What a person waiting reads when asking how the request stands.

    >>> print(how_it_stands(Waiting("20261207-000012", "Ana Souza", "Atendimento", None, True)))
    Seu pedido 20261207-000012 está com Ana Souza, que lê o que você escreve aqui e responde por esta conversa. \
Para voltar às opções do assistente enquanto isso, digite *menu*: o pedido continua aberto.
    >>> print(how_it_stands(Waiting("20261207-000012", None, "Ouvidoria", date(2026, 12, 16), False)))
    Seu pedido 20261207-000012 está na fila de Ouvidoria: a próxima mensagem será de uma pessoa, por esta conversa, \
até 16/12/2026 (prazo de resposta). O que você escreve aqui já chega ao pedido, não precisa repetir. Para voltar \
às opções do assistente enquanto espera, digite *menu*.
    """
    if waiting.agent:
        return COM_O_ATENDENTE.format(protocolo=waiting.protocol, nome=waiting.agent)
    prazo = f", até {waiting.due:%d/%m/%Y} (prazo de resposta)" if waiting.due else ""
    cancelar = "; se já resolveu, escreva *pode cancelar*" if waiting.withdrawable else ""
    return NA_FILA.format(protocolo=waiting.protocol, caixa=waiting.inbox, prazo=prazo, cancelar=cancelar)


def _waiting(ticket: Any) -> Waiting:
    return Waiting(
        protocol=ticket.protocol,
        agent=ticket.assigned_agent.name if ticket.assigned_agent_id and ticket.assigned_agent else None,
        # u25: "fila de Atendimento Cemig Saúde (primeira instância)" is the agents' word, not the person's.
        inbox=re.sub(r"\s*\([^)]*\)$", "", inbox_label(ticket.inbox)),
        # A request for a person is answered live: its deadline in business days read as a wait of days (u24).
        due=None if ticket.category == "falar_atendente" else ticket.due_date,
        withdrawable=retiravel(ticket) and ticket.status == "aberto",
    )


def protocol_waited_on(sender: str, sessions: sessionmaker | None = None) -> str | None:
    """The protocol of the ticket the conversation waits on, or None (none open, or the database unreachable)."""
    try:
        with (sessions or session_factory())() as session:
            ticket = repository.ticket_holding_conversation(sender, session=session)
            return ticket.protocol if ticket is not None else None
    except Exception:  # noqa: BLE001 - a protocol is a courtesy here: the answer goes without it
        return None


async def _append(tracker_store: Any, lock_store: Any, sender: str, events: List[Any], *, if_paused: bool) -> None:
    """Append events to the conversation under its lock, so that no turn of the bot runs in between."""
    async with lock_store.lock(sender) if lock_store is not None else contextlib.nullcontext():
        tracker = await tracker_store.retrieve(sender)
        if tracker is None or (if_paused and not tracker.is_paused()):
            return
        for event in events:
            tracker.update(event)
        await tracker_store.save(tracker)


async def resume(tracker_store: Any, lock_store: Any, sender: str) -> None:
    """Give a paused conversation back to the bot, as the console's "Devolver ao bot" does."""
    # The listen marks where the bot waits again; without it no rule recognises the next turn.
    await _append(tracker_store, lock_store, sender, [ConversationResumed(), ActionExecuted(ACTION_LISTEN_NAME)],
                  if_paused=True)


async def record_answers(tracker_store: Any, lock_store: Any, sender: str, texts: List[str]) -> None:
    """Keep what the system told the person in the conversation, where the agent reads it.

    u24: the console's conversation left out the queue answer, the emergency number and "Ana lê esta mensagem e
    encerra o atendimento": the agent could not know what the person had been promised.
    """
    said = [BotUttered(text, metadata={"origem": ORIGEM_SISTEMA}) for text in texts]
    await _append(tracker_store, lock_store, sender, said, if_paused=False)


async def answer_while_waiting(
    command: str,
    text: str,
    sender: str,
    to_the_bot: OnMessage,
    tracker_store: Any,
    lock_store: Any = None,
    sessions: sessionmaker | None = None,
) -> List[Dict[str, Any]]:
    """Answer a command written in a paused conversation (see the module's docstring).

    Args:
        command: What :func:`bot.nlu.handoff.while_waiting` read in the message.
        text: The message.
        sender: The conversation id.
        to_the_bot: Passes the message to Rasa and returns the bot's answers (none while the conversation is
            paused: the message is only recorded, for the agent).
        tracker_store: Rasa's tracker store.
        lock_store: Rasa's lock store, so that giving the conversation back never races a turn.
        sessions: The plan's database; default :func:`session_factory`.

    Returns:
        The messages for the person, in order.
    """
    with session_scope(sessions or session_factory()) as session:
        ticket = repository.ticket_holding_conversation(sender, session=session)
        waiting = _waiting(ticket) if ticket is not None else None
        if ticket is None or command == BACK_TO_THE_BOT:
            # Nothing open to wait for (a ticket closed while the conversation stayed paused) is the same as going
            # back: the bot answers.
            if ticket is not None:
                repository.add_beneficiary_note(
                    ticket, VOLTOU_AO_BOT.format(texto=mask_personal_data(text)[:80]), session=session,
                    kind="devolucao_ao_bot",
                )
            session.commit()
            await resume(tracker_store, lock_store, sender)
            answers = await to_the_bot()
            if waiting is None:
                return answers
            quem = waiting.agent or "uma pessoa do atendimento"
            return [{"recipient_id": sender, "text": CONTINUA_ABERTO.format(protocolo=waiting.protocol, quem=quem)}
                    ] + answers
        # Recorded in the conversation first: the agent reads what the person wrote, whatever happens next. No read
        # transaction stays open on the plan's database meanwhile.
        session.commit()
        await to_the_bot()
        if command == WITHDRAW and waiting.withdrawable:
            said = retirar(ticket, text, session=session)
            session.commit()
            await resume(tracker_store, lock_store, sender)
            return [{"recipient_id": sender, "text": said}]
        if command == WITHDRAW:
            said = (ENCERRA_O_ATENDENTE.format(nome=waiting.agent, protocolo=waiting.protocol) if waiting.agent
                    else ENCERRA_QUEM_ATENDER.format(protocolo=waiting.protocol))
            # Whoever closes it reads that the person asked to, and what they were told.
            repository.add_beneficiary_note(ticket, PEDIU_PARA_ENCERRAR.format(texto=mask_personal_data(text)[:300]),
                                            session=session)
            session.commit()
        else:
            said = how_it_stands(waiting)
        await record_answers(tracker_store, lock_store, sender, [said])
        return [{"recipient_id": sender, "text": said}]
