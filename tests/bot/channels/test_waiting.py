"""A person waiting for an agent asks the system something (u23: "menu", "já resolvi", "tem alguém aí?" got silence).

Rasa's own tracker and lock stores hold a conversation paused for an agent, and the tickets live in the migrated
database of each backend. The handler that stands in for Rasa does what Rasa does with a paused conversation: it
records the message and answers nothing; once the conversation is resumed it answers.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels import waiting
from bot.channels.common import run_bot
from bot.db import repository
from bot.db.models import Ticket, TicketEvent
from tests.painel.conftest import CRIADO

SENDER = "whatsapp:+5531999990000"
MENU = "Escolha uma opção: 1 Reembolso..."


class Rasa:
    """Rasa's handler as a paused conversation sees it: the message is recorded, and answered only when resumed."""

    def __init__(self, store: InMemoryTrackerStore) -> None:
        self.store = store

    async def __call__(self, message) -> None:
        tracker = await self.store.retrieve(message.sender_id)
        tracker.update(UserUttered(message.text))
        if not tracker.is_paused():
            await message.output_channel.send_text_message(message.sender_id, MENU)
            tracker.update(ActionExecuted("action_listen"))
        await self.store.save(tracker)


@pytest.fixture
def store() -> InMemoryTrackerStore:
    store = InMemoryTrackerStore(Domain.empty())
    tracker = DialogueStateTracker.from_events(SENDER, [
        ActionExecuted("action_listen"), UserUttered("0"), ActionExecuted("action_falar_atendente"),
        ConversationPaused(),
    ])
    asyncio.run(store.save(tracker))
    return store


@pytest.fixture
def escrever(db, store, monkeypatch):
    monkeypatch.setattr(waiting, "session_factory", lambda: db.session_factory)
    locks = InMemoryLockStore()

    def enviar(texto: str) -> list[str]:
        answers = asyncio.run(run_bot(Rasa(store), texto, SENDER, "whatsapp", tracker_store=store, lock_store=locks))
        return [a["text"] for a in answers]

    return enviar


def _paused(store) -> bool:
    return asyncio.run(store.retrieve(SENDER)).is_paused()


def _written(store) -> list[str]:
    return [e.text for e in asyncio.run(store.retrieve(SENDER)).events if isinstance(e, UserUttered)]


def _said(store) -> list[str]:
    return [e.text for e in asyncio.run(store.retrieve(SENDER)).events if isinstance(e, BotUttered)]


def _ticket(db, ticket_id: int) -> tuple[Ticket, list[TicketEvent]]:
    with db.session_factory() as session:
        ticket = session.get(Ticket, ticket_id)
        events = list(session.query(TicketEvent).filter_by(ticket_id=ticket_id).order_by(TicketEvent.id))
        return ticket, events


def _with_agent(db, ticket_id: int, agent_id: int) -> None:
    with db.session_factory() as session:
        ticket = session.get(Ticket, ticket_id)
        ticket.assigned_agent_id, ticket.status = agent_id, "em_atendimento"
        session.commit()


def test_someone_in_the_queue_asking_if_anyone_is_there_learns_the_protocol_and_the_queue(db, store, escrever,
                                                                                          novo_chamado):
    novo_chamado()
    [answer] = escrever("boa tarde, tem alguém aí??")
    assert "Seu pedido 2026120200000001 está na fila de Atendimento Cemig Saúde: " in answer
    assert "instância" not in answer  # u25: the agents' jargon
    assert "digite *menu*" in answer and "*pode cancelar*" in answer
    assert "09/12/2026" not in answer  # u24: a live wait for a person read as a deadline nine days away
    # The message still reaches the agent, who also reads what the person was told; the bot stays quiet for them.
    assert _written(store)[-1] == "boa tarde, tem alguém aí??" and _paused(store)
    assert _said(store)[-1] == answer


def test_with_an_agent_the_person_reads_who_has_the_request_and_zero_does_not_open_another(db, store, escrever,
                                                                                             novo_chamado,
                                                                                             novo_agente):
    ticket_id = novo_chamado()
    _with_agent(db, ticket_id, novo_agente("ana", ["relacionamento"]))
    for texto in ("qual o protocolo?", "0"):
        [answer] = escrever(texto)
        assert answer.startswith("Seu pedido 2026120200000001 está com Ana, que lê o que você escreve aqui")
    assert _paused(store)
    with db.session_factory() as session:
        assert session.query(Ticket).count() == 1


def test_menu_gives_the_conversation_back_to_the_bot_and_the_request_stays_open(db, store, escrever, novo_chamado,
                                                                                novo_agente):
    ticket_id = novo_chamado()
    _with_agent(db, ticket_id, novo_agente("ana", ["relacionamento"]))
    first, menu = escrever("voltar ao menu")
    assert first.startswith("Seu pedido 2026120200000001 continua aberto: quando Ana responder")
    assert menu == MENU and not _paused(store)
    ticket, events = _ticket(db, ticket_id)
    assert ticket.status == "em_atendimento" and ticket.assigned_agent_id is not None
    assert events[-1].kind == "devolucao_ao_bot" and "voltou ao assistente automático" in events[-1].text
    assert events[-1].agent_id is None
    # Back with the bot, "menu" is the bot's alone.
    assert escrever("menu") == [MENU]


def test_withdrawing_a_request_nobody_took_closes_it_and_the_bot_answers_again(db, store, escrever, novo_chamado):
    ticket_id = novo_chamado()
    [answer] = escrever("ok obrigada, já resolvi, pode cancelar. meu cpf 529.982.247-25")
    assert answer.startswith("Pronto: cancelei o pedido 2026120200000001")
    ticket, events = _ticket(db, ticket_id)
    assert ticket.status == "encerrado" and "529.982.247-25" not in ticket.resolution
    assert ticket.resolution.startswith("Cancelado pelo beneficiário no chat: ok obrigada, já resolvi")
    assert not _paused(store) and escrever("oi") == [MENU]


def test_withdrawing_a_request_an_agent_has_tells_the_person_that_agent_closes_it(db, store, escrever, novo_chamado,
                                                                                  novo_agente):
    ticket_id = novo_chamado()
    _with_agent(db, ticket_id, novo_agente("ana", ["relacionamento"]))
    [answer] = escrever("não preciso mais, consegui resolver")
    assert answer == (
        "Recebido: Ana, que está com o seu pedido 2026120200000001, lê esta mensagem e encerra o atendimento."
    )
    ticket, events = _ticket(db, ticket_id)
    assert ticket.status == "em_atendimento" and _paused(store)
    # Ana reads that the person asked to close it, and what they were promised.
    assert events[-1].kind == "nota" and "pediu na conversa para encerrar" in events[-1].text
    assert "não preciso mais" in events[-1].text and _said(store)[-1] == answer


def test_a_complaint_back_in_the_queue_is_not_closed_by_a_chat_message(db, store, escrever, novo_chamado):
    ticket_id = novo_chamado(caixa="ouvidoria", category="ouvidoria", tier="ouvidoria")
    [answer] = escrever("deixa pra lá")
    assert answer == "Recebido: quem atender o seu pedido 2026120200000001 lê esta mensagem e o encerra."
    assert _ticket(db, ticket_id)[0].status == "aberto" and _paused(store)
    [answer] = escrever("tem alguém aí?")
    assert "fila de Ouvidoria" in answer and "até 09/12/2026 (prazo de resposta)" in answer
    assert "pode cancelar" not in answer


def test_a_request_for_a_person_sent_on_to_the_ombudsman_is_not_closed_by_a_chat_message(db, store, escrever,
                                                                                           novo_chamado):
    # u24: Ana transferred "0"'s ticket to the Ombudsman; "já resolvi, pode cancelar" closed it before anyone read it.
    ticket_id = novo_chamado(caixa="ouvidoria", category="falar_atendente", tier="ouvidoria")
    [answer] = escrever("já resolvi, pode cancelar")
    assert answer.startswith("Recebido: quem atender o seu pedido")
    assert _ticket(db, ticket_id)[0].status == "aberto" and _paused(store)


def test_the_ticket_an_agent_answered_last_is_the_one_told_about(db, store, escrever, novo_chamado, novo_agente):
    novo_chamado(conversa="whatsapp:+5531977776666")  # another person's
    novo_chamado(category="reembolso")
    respondido = novo_chamado(category="autorizacao")
    novo_chamado(category="reembolso")
    ana = novo_agente("ana", ["relacionamento"])
    with db.session_factory() as session:
        session.add(TicketEvent(ticket_id=respondido, agent_id=ana, at=CRIADO, kind="pausa_do_bot", public=False,
                                attempts=0))
        session.commit()
    [answer] = escrever("cadê o atendente?")
    assert "2026120200000003" in answer


def test_an_ordinary_message_and_a_paused_conversation_without_a_ticket(db, store, escrever, novo_chamado):
    novo_chamado(status="resolvido")
    assert escrever("segue o número da nota: 4471") == []  # for the agent
    # Nothing open to wait for: "menu" is the bot's, with nothing said about a request.
    assert escrever("menu") == [MENU] and not _paused(store)


def test_an_emergency_is_never_taken_for_a_command(db, store, escrever, novo_chamado):
    novo_chamado()
    [answer] = escrever("cadê o atendente, meu pai está com dor no peito forte e falta de ar")
    assert "192" in answer and _paused(store) and _said(store)[-1] == answer


def test_another_conversation_s_ticket_is_not_this_conversation_s(db, novo_chamado):
    novo_chamado(conversa="whatsapp:+5531977776666")
    with db.session_factory() as session:
        assert repository.ticket_holding_conversation(SENDER, session=session) is None
        assert repository.ticket_holding_conversation("whatsapp:+5531977776666", session=session) is not None


def test_after_menu_and_zero_the_new_request_is_the_one_waited_on(db, store, escrever, novo_chamado, novo_agente):
    # A clinical exchange the agent answered, then "menu" and "0" for another matter: the person waits on the new one.
    clinico = novo_chamado(caixa="area_clinica", category="tele_clinica", tier="teleconsulta")
    with db.session_factory() as session:
        session.add(TicketEvent(ticket_id=clinico, agent_id=novo_agente("bia", ["area_clinica"], clinical=True),
                                at=CRIADO, kind="pausa_do_bot", public=False, attempts=0))
        session.commit()
    novo_chamado(created_at=CRIADO + timedelta(minutes=5))
    [answer] = escrever("tem alguém aí?")
    assert "2026120200000002" in answer and "fila de Atendimento" in answer


def test_a_photo_sent_while_waiting_is_told_which_protocol_to_cite(db, store, novo_chamado, monkeypatch):
    # u24: "…Cite o número do protocolo." without the number.
    from bot.channels.common import media_to_agent

    monkeypatch.setattr(waiting, "session_factory", lambda: db.session_factory)
    novo_chamado()
    answer = asyncio.run(media_to_agent(Rasa(store), store, SENDER, "whatsapp", "sua imagem", "MM1"))
    assert answer.startswith("Recebi sua imagem") and answer.endswith("Cite o protocolo 2026120200000001.")
    assert _written(store)[-1] == "[enviou imagem, que não chega por aqui]"
