"""Answering "de quem?" (a titular choosing whose data to see) and changing the subject instead."""

from __future__ import annotations

import pytest

from actions.base import TODOS
from actions.familia import Pessoa
from actions.navegacao import ValidateEscolhaPessoaForm, ler_escolha
from bot.db import repository, seed
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, texts

FAMILIA = [
    Pessoa(1, "Maria Aparecida Souza", "1", "titular", True, "ativo"),
    Pessoa(2, "José Carlos Souza", "2", "conjuge", False, "ativo"),
    Pessoa(3, "Ana Luiza Souza", "3", "filha", False, "ativo"),
]


@pytest.mark.parametrize(
    ("resposta", "escolha"),
    [
        ("2", "2"),
        ("opção 3", "3"),
        ("4", TODOS),
        ("todos", TODOS),
        ("a família toda", TODOS),
        ("Ana", "3"),
        ("do JOSÉ", "2"),
        ("da minha filha", "3"),
        # The relationship words map to the register's codes, whatever the word's gender.
        ("minha esposa", "2"),
        ("do meu marido", "2"),
        ("eu", "1"),
        ("os meus", "1"),
        ("só os meus mesmo", "1"),
        ("pra mim", "1"),
        ("e o prazo?", None),
        # A count in a sentence is not the person's number: this showed Ana's claims to Maria.
        ("o meu, que pedi faz 3 semanas", "1"),
        ("o que pedi faz 3 semanas", None),
        ("ja liguei 2 vezes", None),
        ("a minha ue, eu falei minha", "1"),
        ("a menina", "3"),
        ("7", None),
        ("", None),
    ],
)
def test_the_answer_to_whose_data_names_a_person(resposta, escolha):
    assert ler_escolha(resposta, FAMILIA) == escolha


def test_a_word_that_fits_two_people_names_nobody():
    familia = [*FAMILIA, Pessoa(4, "Pedro Souza", "4", "filho", False, "ativo"),
               Pessoa(5, "Lia Souza", "5", "filha", False, "ativo")]
    assert ler_escolha("da minha filha", familia) is None
    assert ler_escolha("do meu filho", familia) == "4"


def _id(cpf: str) -> int:
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        beneficiary_id = repository.find_beneficiary_by_cpf(cpf, session=session).id
    engine.dispose()
    return beneficiary_id


def _asking(text: str, intent: str, opcao: str = "reembolso"):
    maria = _id(seed.DEMO_TITULAR_CPF)
    return make_tracker(
        {"identificado": True, "beneficiario_id": str(maria), "requested_slot": "pessoa_escolhida",
         "opcao_pendente": opcao, "escolher_pessoa": True},
        text=text,
        intent=intent,
    )


def _validate(dispatcher, text: str, intent: str, opcao: str = "reembolso"):
    tracker = _asking(text, intent, opcao)
    return ValidateEscolhaPessoaForm().validate_pessoa_escolhida(text, dispatcher, tracker, {})


def test_a_request_for_another_topic_replaces_the_pending_one(dispatcher):
    # Invoices need no choice of person: answered at once.
    assert _validate(dispatcher, "quero a segunda via do boleto", "financeiro") == {
        "pessoa_escolhida": TODOS, "opcao_pendente": "financeiro"}
    # The new request names its person: answered for her.
    assert _validate(dispatcher, "quero ver a utilização da minha filha", "utilizacao") == {
        "pessoa_escolhida": str(_id(seed.DEMO_DAUGHTER_CPF)), "opcao_pendente": "utilizacao"}
    assert _validate(dispatcher, "e a utilização de todos?", "utilizacao") == {
        "pessoa_escolhida": TODOS, "opcao_pendente": "utilizacao"}
    # It names nobody: the form asks "de quem?" again, about the new subject.
    assert _validate(dispatcher, "quero ver minha utilização", "utilizacao") == {
        "pessoa_escolhida": None, "opcao_pendente": "utilizacao"}
    # None of these is told "não entendi".
    assert dispatcher.messages == []


def test_a_short_answer_naming_a_person_is_an_answer_whatever_the_classifier_guessed(dispatcher):
    ana = str(_id(seed.DEMO_DAUGHTER_CPF))
    assert _validate(dispatcher, "da minha filha", "utilizacao") == {"pessoa_escolhida": ana}
    assert _validate(dispatcher, "3", "numero_cartao") == {"pessoa_escolhida": ana}


def test_a_mistyped_number_or_small_talk_asks_again_and_says_how_to_leave(dispatcher):
    for text, intent in (("7", "novos_planos"), ("hum", "nlu_fallback"), ("obrigada", "agradecimento")):
        assert _validate(dispatcher, text, intent) == {"pessoa_escolhida": None}, text
    said = texts(dispatcher)
    assert len(said) == 3
    assert all("número da pessoa" in s and "*todos*" in s and "*menu*" in s for s in said)


def _follow_up(text: str, pessoa_do_assunto: str | None, *, continuacao: bool = True):
    from bot.intencoes import CONTINUACAO

    maria = _id(seed.DEMO_TITULAR_CPF)
    tracker = make_tracker(
        {"identificado": True, "beneficiario_id": str(maria), "pessoa_do_assunto": pessoa_do_assunto},
        text=text,
        intent="reembolso",
    )
    if continuacao:
        tracker.latest_message["metadata"] = {CONTINUACAO: True}
    return tracker


def _slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_follow_up_question_keeps_the_person_the_last_answer_showed(dispatcher):
    from actions.reembolso import ActionConsultarReembolso

    maria, ana = _id(seed.DEMO_TITULAR_CPF), _id(seed.DEMO_DAUGHTER_CPF)
    # Before, "e o prazo?" after the daughter's reimbursements asked "de quem?" all over again.
    events = ActionConsultarReembolso().atender(dispatcher, _follow_up("e o prazo?", str(ana)), maria)
    assert _slots(events)["escolher_pessoa"] is False and _slots(events)["pessoa_do_assunto"] == str(ana)
    shown = "\n".join(t for t in texts(dispatcher) if t)
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        hers = [r.protocol for r in repository.list_reimbursements([ana], session=session)]
        others = [r.protocol for r in repository.list_reimbursements([maria], session=session)]
    engine.dispose()
    assert hers and all(p in shown for p in hers)
    assert not any(p in shown for p in others)


def test_and_when_after_everyones_reimbursements_is_about_everyones(dispatcher):
    from actions.reembolso import ActionConsultarReembolso

    maria = _id(seed.DEMO_TITULAR_CPF)

    def user(text, intent):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}

    # Older items: "e quando cai o dinheiro?" after "todos" was read as the topic itself and asked "de quem?" again.
    before = [user("reembolso", "reembolso"), {"event": "active_loop", "name": "identificacao_form"},
              user("todos", "saudacao"), {"event": "active_loop", "name": None}]
    tracker = _follow_up("e quando cai o dinheiro?", "todos", continuacao=False)
    tracker.events = [*before, user("e quando cai o dinheiro?", "reembolso")]
    events = ActionConsultarReembolso().atender(dispatcher, tracker, maria)
    assert _slots(events)["pessoa_do_assunto"] == "todos" and _slots(events)["escolher_pessoa"] is False
    assert texts(dispatcher)[0].startswith("Prazos dos pedidos em aberto")
    # The same words after another topic's answer are a new request: whose data is asked.
    other = _follow_up("e quando cai o dinheiro?", "todos", continuacao=False)
    other.events = [user("boleto", "financeiro"), user("e quando cai o dinheiro?", "reembolso")]
    assert _slots(ActionConsultarReembolso().atender(type(dispatcher)(), other, maria))["escolher_pessoa"] is True


def test_a_follow_up_naming_someone_else_follows_the_name(dispatcher):
    from actions.reembolso import ActionConsultarReembolso

    ana, jose = str(_id(seed.DEMO_DAUGHTER_CPF)), str(_id(seed.DEMO_SPOUSE_CPF))
    events = ActionConsultarReembolso().atender(
        dispatcher, _follow_up("e o do meu marido?", ana), _id(seed.DEMO_TITULAR_CPF))
    assert _slots(events)["pessoa_do_assunto"] == jose


def test_e_o_meu_after_the_daughters_is_the_users_own(dispatcher):
    from actions.reembolso import ActionConsultarReembolso

    maria, ana = _id(seed.DEMO_TITULAR_CPF), str(_id(seed.DEMO_DAUGHTER_CPF))
    # "e o meu?" after Ana's reimbursements showed Ana's again.
    # "e quais consultas eu fiz em 2025?", "e as minhas consultas?" too: any first person naming no relative.
    for text in ("e o meu?", "e os meus", "e eu?", "e quais reembolsos eu pedi em 2025?", "e os meus reembolsos?"):
        said = type(dispatcher)()
        events = ActionConsultarReembolso().atender(said, _follow_up(text, ana), maria)
        assert _slots(events)["pessoa_do_assunto"] == str(maria), text
        assert "Pedidos de reembolso de Maria" in texts(said)[0], text


def test_a_new_request_or_a_stale_person_is_asked_whose_data_again(dispatcher):
    from actions.reembolso import ActionConsultarReembolso

    maria, ana = _id(seed.DEMO_TITULAR_CPF), str(_id(seed.DEMO_DAUGHTER_CPF))
    # A new request that names nobody is not a follow-up: "de quem?" again.
    events = ActionConsultarReembolso().atender(dispatcher, _follow_up("quero ver reembolso", ana, continuacao=False),
                                                maria)
    assert _slots(events) == {"opcao_pendente": "reembolso", "escolher_pessoa": True}
    # A person no longer visible (another family's id) is never used.
    events = ActionConsultarReembolso().atender(dispatcher, _follow_up("e o prazo?", "999999"), maria)
    assert _slots(events) == {"opcao_pendente": "reembolso", "escolher_pessoa": True}
    assert dispatcher.messages == []


def test_a_period_typed_instead_of_the_person_is_kept_for_the_answer(dispatcher):
    # Before: "o do ano passado" asked "de quem?" again as if nothing had been said, and the year was lost.
    assert _validate(dispatcher, "o de 2024", "fora_de_escopo", "imposto_renda") == {"pessoa_escolhida": None}
    assert texts(dispatcher) == ["Certo, o de 2024. E de quem?"]


def test_the_request_carries_the_period_typed_while_choosing_the_person():
    from actions.base import mensagem_do_pedido

    def user(text, intent):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}

    events = [
        user("6", "imposto_renda"),  # the request, typed as the menu digit
        {"event": "active_loop", "name": "identificacao_form"},
        user("12/03/1975", "informar_identificacao"),  # a birth date is not a period of the request
        {"event": "active_loop", "name": None},
        {"event": "active_loop", "name": "escolha_pessoa_form"},
        user("o de 2023", "fora_de_escopo"),
        user("1", "reembolso"),  # the answer to "de quem?", whatever NLU read
    ]
    tracker = make_tracker(text="1", intent="reembolso", events=events)
    assert mensagem_do_pedido(tracker, "imposto_renda")["text"] == "6 o de 2023"
    # A later request of the same topic starts afresh.
    later = [*events, {"event": "active_loop", "name": None}, user("meu informe de IR", "imposto_renda")]
    tracker = make_tracker(text="x", intent="afirmar", events=later)
    assert mensagem_do_pedido(tracker, "imposto_renda")["text"] == "meu informe de IR"


def test_a_period_typed_as_a_follow_up_is_echoed_cleanly(dispatcher):
    # "e de 2024?" was echoed "Certo, e de 2024?. E de quem?".
    tracker = make_tracker({"requested_slot": "pessoa_escolhida", "identificado": True, "beneficiario_id": "1"},
                           text="e de 2024?", intent="continuar_assunto")
    ValidateEscolhaPessoaForm().validate_pessoa_escolhida("e de 2024?", dispatcher, tracker, {})
    assert texts(dispatcher) == ["Certo, de 2024. E de quem?"]


def test_everyone_after_one_persons_list_shows_the_family(dispatcher):
    from actions.base import TODOS
    from actions.reembolso import ActionConsultarReembolso

    maria, ana = _id(seed.DEMO_TITULAR_CPF), str(_id(seed.DEMO_DAUGHTER_CPF))
    # "mostra de todo mundo" after Ana's list was "Não há mais itens para mostrar".
    events = ActionConsultarReembolso().atender(dispatcher, _follow_up("mostra de todo mundo", ana), maria)
    assert _slots(events)["pessoa_do_assunto"] == TODOS


async def test_everyone_read_as_the_next_page_goes_back_to_the_topic(dispatcher):
    from actions.navegacao import ActionMais

    events = [{"event": "user", "text": "reembolso", "parse_data": {"intent": {"name": "reembolso"}}},
              {"event": "bot", "text": "..."},
              {"event": "user", "text": "mostra de todo mundo", "parse_data": {"intent": {"name": "mais"}}}]
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text="mostra de todo mundo",
                           intent="mais", events=events)
    result = await ActionMais().run(dispatcher, tracker, {})
    reread = [e for e in result if e.get("event") == "user"]
    assert reread[0]["parse_data"]["intent"]["name"] == "reembolso" and not texts(dispatcher)


@pytest.mark.parametrize("text", ["qnd vence o proximo", "quando vence o próximo?"])
async def test_a_question_about_the_next_invoice_is_not_the_next_page(dispatcher, text):
    # "qnd vence o proximo" after the invoices was read as "mais" (0.57): "Não há mais itens para mostrar".
    from actions.navegacao import ActionMais

    events = [{"event": "user", "text": "boleto", "parse_data": {"intent": {"name": "financeiro"}}},
              {"event": "bot", "text": "..."},
              {"event": "user", "text": text, "parse_data": {"intent": {"name": "mais"}}}]
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text=text, events=events)
    tracker.latest_message["intent"] = {"name": "mais", "confidence": 0.57}
    result = await ActionMais().run(dispatcher, tracker, {})
    reread = [e for e in result if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == "financeiro" and not texts(dispatcher)


def test_a_corrected_period_replaces_the_one_given_before_and_is_echoed_without_the_no(dispatcher):
    # u24: in the income tax, "o de 2024" then "não, o de 2025" echoed "Certo, não, o de 2025." and showed both years.
    from actions.base import mensagem_do_pedido

    tracker = make_tracker({"requested_slot": "pessoa_escolhida", "identificado": True, "beneficiario_id": "1"},
                           text="não, o de 2025", intent="continuar_assunto")
    ValidateEscolhaPessoaForm().validate_pessoa_escolhida("não, o de 2025", dispatcher, tracker, {})
    assert texts(dispatcher) == ["Certo, o de 2025. E de quem?"]

    def user(text, intent):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}

    events = [user("6", "imposto_renda"), {"event": "active_loop", "name": "escolha_pessoa_form"},
              user("o de 2024", "fora_de_escopo"), user("não, o de 2025", "continuar_assunto"), user("1", "reembolso")]
    tracker = make_tracker(text="1", intent="reembolso", events=events)
    assert mensagem_do_pedido(tracker, "imposto_renda")["text"] == "6 não, o de 2025"


def test_a_greeting_at_whose_question_picks_up_where_it_stopped(dispatcher):
    # u24: "oi, voltei" at "De quem você quer ver os reembolsos?" showed the bare menu and lost the question.
    tracker = make_tracker({"requested_slot": "pessoa_escolhida", "identificado": True, "beneficiario_id": "1"},
                           text="oi, voltei", intent="saudacao")
    result = ValidateEscolhaPessoaForm().validate_pessoa_escolhida("oi, voltei", dispatcher, tracker, {})
    assert result == {"pessoa_escolhida": None} and texts(dispatcher) == ["Oi! Continuando de onde paramos:"]
