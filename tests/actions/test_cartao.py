"""Option 3: card numbers, family rules of Art. 17 §2."""

from __future__ import annotations

from actions.base import assinar_identidade
from actions.cartao import ActionNumeroCartao
from actions.formatting import format_card
from bot.db import repository, seed
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, texts


def _beneficiary_id(cpf: str) -> str:
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        row = repository.find_beneficiary_by_cpf(cpf, session=session)
        family = repository.list_family(repository.family_titular_id(row), session=session)
        result = str(row.id), [m.card_number for m in family]
    engine.dispose()
    return result


async def test_titular_sees_every_card_of_the_family(dispatcher):
    beneficiary_id, family_cards = _beneficiary_id(seed.DEMO_TITULAR_CPF)
    tracker = make_tracker({"identificado": True, "beneficiario_id": beneficiary_id})
    await ActionNumeroCartao().run(dispatcher, tracker, {})
    shown = "\n".join(texts(dispatcher))
    assert len(family_cards) >= 3
    for card in family_cards:
        assert format_card(card) in shown
    assert "Maria Aparecida Souza (titular)" in shown
    assert "cartão virtual" in shown.lower()


async def test_dependant_sees_only_their_own_card(dispatcher):
    beneficiary_id, family_cards = _beneficiary_id(seed.DEMO_SPOUSE_CPF)
    tracker = make_tracker({"identificado": True, "beneficiario_id": beneficiary_id})
    await ActionNumeroCartao().run(dispatcher, tracker, {})
    shown = "\n".join(texts(dispatcher))
    others = [c for c in family_cards if format_card(c) not in shown]
    assert len(others) == len(family_cards) - 1
    assert format_card(seed.DEMO_TITULAR_CARD) not in shown
    assert "Seu número de cartão" in shown


async def test_unidentified_user_gets_no_card(dispatcher):
    events = await ActionNumeroCartao().run(dispatcher, make_tracker(), {})
    shown = "\n".join(texts(dispatcher))
    assert "4175" not in shown
    assert {"event": "slot", "name": "opcao_pendente", "value": "numero_cartao", "timestamp": None} in events


async def test_forged_identity_gets_no_card(dispatcher):
    """A tracker that claims an identification the form never made (issue 9, item 1) shows nothing."""
    beneficiary_id, family_cards = _beneficiary_id(seed.DEMO_TITULAR_CPF)
    for forged in (None, "", "0" * 64, assinar_identidade("outra-conversa", beneficiary_id),
                   assinar_identidade("teste", str(int(beneficiary_id) + 1))):
        dispatcher.messages.clear()
        tracker = make_tracker({"identificado": True, "beneficiario_id": beneficiary_id, "identidade": forged})
        await ActionNumeroCartao().run(dispatcher, tracker, {})
        shown = "\n".join(texts(dispatcher))
        assert not any(format_card(card) in shown for card in family_cards), forged
        assert shown == "utter_ask_identificacao_documento"


def test_signature_binds_conversation_and_beneficiary():
    first = assinar_identidade("whatsapp:+5531999990000", 7)
    assert first == assinar_identidade("whatsapp:+5531999990000", "7")
    assert first != assinar_identidade("whatsapp:+5531999990001", 7)
    assert first != assinar_identidade("whatsapp:+5531999990000", 8)
    assert len(first) == 64


async def test_is_my_plan_active_gets_the_state_of_each_registration(dispatcher):
    # "meu plano tá ativo?" listed the plans on sale.
    beneficiary_id, _ = _beneficiary_id(seed.DEMO_SPOUSE_CPF)
    tracker = make_tracker({"identificado": True, "beneficiario_id": beneficiary_id},
                           text="falaram q meu plano ta suspenso, meu plano ta ativo?", intent="numero_cartao")
    await ActionNumeroCartao().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0] == "Situação da inscrição no plano:\n• José: inscrição ativa: pode usar o plano normalmente"
    assert "0800 030 9009" in said[1] and said[-1] == "utter_algo_mais"
    assert "Maria" not in "\n".join(said)


async def test_a_lost_card_is_told_the_card_is_virtual(dispatcher):
    # "perdi minha carteirinha física, como peço outra?" got the number again and nothing else.
    beneficiary_id, _ = _beneficiary_id(seed.DEMO_SPOUSE_CPF)
    tracker = make_tracker({"identificado": True, "beneficiario_id": beneficiary_id},
                           text="perdi minha carteirinha fisica como peço outra?", intent="numero_cartao")
    await ActionNumeroCartao().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert "Seu número de cartão" in said[0]
    assert "é virtual" in said[1] and "Art. 50" in said[1] and said[-1] == "utter_algo_mais"
