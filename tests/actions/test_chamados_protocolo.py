"""Protocol lookups beyond tickets (issue 13): reimbursement and authorization protocols, other families, no number.

``test_chamados.py`` covers tickets, a dependant's own reimbursement and the plain question without a number. Here:
the titular is sent to option 1 or 5 for a dependant's reimbursement or authorization, a dependant to option 5 for
their own authorization; every protocol of another family (ticket, reimbursement, authorization) reads exactly like
a number that does not exist; a number that is not a 20-digit protocol gets the question for the 20 digits; and
after identification the number typed before it is the one looked up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

import pytest
from sqlalchemy import delete, select

from actions.identificacao_fluxo import ActionConcluirIdentificacao
from actions.protocolo import NAO_ENCONTRADO, ActionConsultarProtocolo
from bot.db import repository, seed
from bot.db.models import Authorization, Beneficiary, OutboxMessage, Reimbursement, Ticket
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.identifiers import card_family_number
from bot.settings import get_settings
from routing.decision import Decision
from routing.tickets import open_ticket
from tests.actions.conftest import make_tracker, texts

REIMBURSEMENT_REPLY = "Esse é um protocolo de reembolso: digite 1 para ver a situação."
AUTHORIZATION_REPLY = "Esse é um protocolo de autorização: digite 5 para ver a situação."
ASK_NUMBER = "Informe o número do protocolo (20 dígitos) para eu consultar a situação."
UNKNOWN = "41750520261202999999"
DECISION = Decision(inbox="relacionamento@cemigsaude.org.br", cc=(), tier="primeira_instancia", rule="geral",
                    reason="teste", footer=None, tips=(), flags=(), required_fields=(), confidential=False)
PEOPLE = {"maria": seed.DEMO_TITULAR_CPF, "jose": seed.DEMO_SPOUSE_CPF, "ana": seed.DEMO_DAUGHTER_CPF}


def _factory():
    return make_session_factory(make_engine(get_settings()))


def _id(who: str) -> int:
    with _factory()() as session:
        return repository.find_beneficiary_by_cpf(PEOPLE[who], session=session).id


def _protocol(model, who: str) -> str:
    """A protocol of one of the demo family's requests (reimbursement or authorization)."""
    with _factory()() as session:
        return session.scalars(select(model.protocol).where(model.beneficiary_id == _id(who))).first()


def _other_family() -> tuple[int, str, str]:
    """A beneficiary outside the demo family with a reimbursement and an authorization: id and the two protocols."""
    demo_family = seed.DEMO_FAMILY_NUMBER
    with _factory()() as session:
        for person in session.scalars(select(Beneficiary).order_by(Beneficiary.id)):
            if int(card_family_number(person.card_number)) == demo_family:
                continue
            reimbursement = session.scalars(
                select(Reimbursement.protocol).where(Reimbursement.beneficiary_id == person.id)
            ).first()
            authorization = session.scalars(
                select(Authorization.protocol).where(Authorization.beneficiary_id == person.id)
            ).first()
            if reimbursement and authorization:
                return person.id, reimbursement, authorization
    raise AssertionError("the demo data has no other family with both kinds of request")


@pytest.fixture
def other_family_ticket() -> Iterator[str]:
    """A ticket of a beneficiary of another family; removed afterwards."""
    owner, _, _ = _other_family()
    factory = _factory()
    with session_scope(factory) as session:
        protocol = open_ticket(DECISION, session=session, channel="whatsapp", category="falar_atendente",
                               summary="teste", context={}, beneficiary_id=owner,
                               now=datetime.fromisoformat("2026-12-02T10:00:00-03:00")).protocol
    yield protocol
    with session_scope(factory) as session:
        ticket = session.scalars(select(Ticket.id).where(Ticket.protocol == protocol)).one()
        session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id == ticket))
        session.execute(delete(Ticket).where(Ticket.id == ticket))


async def _ask(dispatcher, who: str, text: str) -> str:
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(_id(who))}, text=text,
                           intent="consultar_protocolo")
    await ActionConsultarProtocolo().run(dispatcher, tracker, {})
    return "\n".join(t for t in texts(dispatcher) if t)


# --- same family: redirected to the option that shows it ------------------------------------------------


@pytest.mark.parametrize("owner", ["jose", "ana"])
async def test_titular_is_sent_to_option_1_for_a_dependants_reimbursement(dispatcher, owner):
    protocol = _protocol(Reimbursement, owner)
    assert await _ask(dispatcher, "maria", f"qual a situação do protocolo {protocol}?") == REIMBURSEMENT_REPLY


async def test_titular_is_sent_to_option_1_for_her_own_reimbursement(dispatcher):
    assert await _ask(dispatcher, "maria", _protocol(Reimbursement, "maria")) == REIMBURSEMENT_REPLY


@pytest.mark.parametrize(("who", "owner"), [("ana", "ana"), ("maria", "maria"), ("maria", "jose"), ("maria", "ana")])
async def test_authorization_protocol_is_sent_to_option_5(dispatcher, who, owner):
    protocol = _protocol(Authorization, owner)
    assert await _ask(dispatcher, who, f"protocolo {protocol}") == AUTHORIZATION_REPLY


async def test_protocol_typed_in_groups_is_still_found(dispatcher):
    protocol = _protocol(Authorization, "maria")
    grouped = " ".join(protocol[i : i + 4] for i in range(0, 20, 4))
    assert await _ask(dispatcher, "maria", f"protocolo {grouped}") == AUTHORIZATION_REPLY


async def test_a_dependant_is_not_sent_to_the_titulars_authorization(dispatcher):
    protocol = _protocol(Authorization, "maria")
    assert await _ask(dispatcher, "jose", protocol) == NAO_ENCONTRADO.format(protocolo=protocol)


# --- another family: reads exactly like a number that does not exist ---------------------------------------


@pytest.mark.parametrize("kind", ["reimbursement", "authorization"])
async def test_request_of_another_family_reads_as_not_found(dispatcher, kind):
    _, reimbursement, authorization = _other_family()
    protocol = reimbursement if kind == "reimbursement" else authorization
    shown = await _ask(dispatcher, "maria", f"protocolo {protocol}")
    assert shown == NAO_ENCONTRADO.format(protocolo=protocol)
    dispatcher.messages.clear()
    unknown = await _ask(dispatcher, "maria", f"protocolo {UNKNOWN}")
    assert shown.replace(protocol, "N") == unknown.replace(UNKNOWN, "N")


async def test_ticket_of_another_family_reads_as_not_found(dispatcher, other_family_ticket):
    shown = await _ask(dispatcher, "maria", other_family_ticket)
    assert shown == NAO_ENCONTRADO.format(protocolo=other_family_ticket)
    assert "aberto" not in shown


# --- no 20-digit protocol in the request ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "protocolo 4175052026112490000",  # 19 digits: one missing
        "como está o protocolo do meu reembolso?",
        "protocolo de 12/03/2026",  # a date is not a protocol
    ],
)
async def test_request_without_a_protocol_asks_for_the_20_digits(dispatcher, text):
    assert await _ask(dispatcher, "maria", text) == ASK_NUMBER


def _identified_after_asking(question: str):
    """The tracker right after the birth date matched, with the lookup pending from ``question``."""
    events = [
        {"event": "user", "text": question, "parse_data": {"intent": {"name": "consultar_protocolo"}, "entities": []}},
        {"event": "bot", "text": "Para sua segurança, informe seu CPF ou o número do cartão."},
        {"event": "user", "text": seed.DEMO_TITULAR_CPF,
         "parse_data": {"intent": {"name": "informar_identificacao"}, "entities": []}},
        {"event": "user", "text": "12/03/1975", "parse_data": {"intent": {"name": "informar_identificacao"}}},
    ]
    slots = {"identificado": True, "beneficiario_id": str(_id("maria")), "beneficiario_nome": seed.DEMO_TITULAR_NAME,
             "opcao_pendente": "consultar_protocolo"}
    return make_tracker(slots, text="12/03/1975", intent="informar_identificacao", events=events)


async def test_after_identification_the_number_typed_before_it_is_looked_up(dispatcher):
    protocol = _protocol(Reimbursement, "ana")
    tracker = _identified_after_asking(f"quero saber do protocolo {protocol}")
    await ActionConcluirIdentificacao().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["Obrigado, Maria! Identificação confirmada.", REIMBURSEMENT_REPLY]


async def test_after_identification_without_a_number_the_20_digits_are_asked(dispatcher):
    # Neither the CPF (11 digits) nor the birth date typed during identification is taken for a protocol.
    tracker = _identified_after_asking("quero saber a situação de um protocolo")
    await ActionConcluirIdentificacao().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["Obrigado, Maria! Identificação confirmada.", ASK_NUMBER]
