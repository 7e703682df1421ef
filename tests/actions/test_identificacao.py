"""Identification: CPF or card, then date of birth; three failures end it."""

from __future__ import annotations

import pytest

import actions.cartao  # noqa: F401 - registers option 3, served once identification ends
from actions import base
from actions.identificacao import FALHOU, ValidateIdentificacaoForm, ler_documento
from actions.identificacao_fluxo import ActionConcluirIdentificacao, ActionSolicitarIdentificacao
from actions.sessao import ActionSair
from bot.db import seed
from tests.actions.conftest import make_tracker, slot_events, texts

BAD_CHECKSUM_CPF = seed.DEMO_TITULAR_CPF[:-1] + str((int(seed.DEMO_TITULAR_CPF[-1]) + 1) % 10)
UNREGISTERED_CPF = "11122233396"  # valid check digits, not in the demo data


def validate_document(value, dispatcher, **slots):
    slots.setdefault("requested_slot", "identificacao_documento")
    form = ValidateIdentificacaoForm()
    return form.validate_identificacao_documento(value, dispatcher, make_tracker(slots), {})


def validate_birth(value, dispatcher, **slots):
    slots.setdefault("requested_slot", "identificacao_nascimento")
    form = ValidateIdentificacaoForm()
    return form.validate_identificacao_nascimento(value, dispatcher, make_tracker(slots), {})


def test_reads_formatted_cpf_and_spaced_card():
    assert ler_documento("meu cpf é 529.982.247-25") == ("cpf", "52998224725")
    card = seed.DEMO_TITULAR_CARD
    spaced = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    assert ler_documento(spaced) == ("numero_cartao", card)
    assert ler_documento("não sei")[0] is None


def test_registered_and_unregistered_cpfs_are_accepted_alike(dispatcher):
    registered = validate_document("529.982.247-25", dispatcher)
    assert registered == {"identificacao_documento": seed.DEMO_TITULAR_CPF}
    unknown = validate_document(UNREGISTERED_CPF, dispatcher)
    assert unknown == {"identificacao_documento": UNREGISTERED_CPF}
    assert dispatcher.messages == []  # nothing tells a member's CPF from a stranger's


def test_wrong_checksum_is_told_apart(dispatcher):
    wrong = validate_document(BAD_CHECKSUM_CPF, dispatcher)
    assert wrong["identificacao_documento"] is None
    assert "dígitos verificadores" in texts(dispatcher)[0]


def test_unknown_cpf_and_wrong_date_read_the_same(dispatcher):
    unknown = validate_birth("12/03/1975", dispatcher, identificacao_documento=UNREGISTERED_CPF)
    other = type(dispatcher)()
    wrong = validate_birth("13/03/1975", other, identificacao_documento=seed.DEMO_TITULAR_CPF)
    assert unknown == wrong == {
        "tentativas_identificacao": 1, "identificacao_nascimento": None, "identificacao_documento": None
    }
    assert texts(dispatcher) == texts(other) == [
        "Os dados informados não conferem com o nosso cadastro. Você ainda tem 2 tentativas."
    ]


def test_card_with_bad_check_digit_is_rejected(dispatcher):
    card = seed.DEMO_TITULAR_CARD
    bad = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert validate_document(bad, dispatcher)["identificacao_documento"] is None
    assert "dígito verificador" in texts(dispatcher)[0]


def test_third_failure_ends_identification(dispatcher):
    result = validate_document("123.456.789-00", dispatcher, tentativas_identificacao=2)
    assert result["identificacao_documento"] == FALHOU
    assert result["identificacao_nascimento"] == FALHOU
    assert result["tentativas_identificacao"] == 3


def test_remaining_attempts_are_announced(dispatcher):
    validate_document("123.456.789-00", dispatcher, tentativas_identificacao=0)
    assert "2 tentativas" in texts(dispatcher)[0]


@pytest.mark.parametrize("answer", ["12/03/1975", "12031975", "12 de março de 1975", "12-03-75"])
def test_matching_birth_date_identifies(dispatcher, answer):
    result = validate_birth(answer, dispatcher, identificacao_documento=seed.DEMO_TITULAR_CPF)
    assert result["identificado"] is True
    assert result["beneficiario_nome"] == "Maria Aparecida Souza"


def test_wrong_birth_date_does_not_identify(dispatcher):
    result = validate_birth("13/03/1975", dispatcher, identificacao_documento=seed.DEMO_TITULAR_CPF)
    assert "identificado" not in result
    assert result["identificacao_nascimento"] is None
    assert "não confere" in texts(dispatcher)[0]


def test_unreadable_birth_date_asks_for_the_format(dispatcher):
    result = validate_birth("ontem", dispatcher, identificacao_documento=seed.DEMO_TITULAR_CPF)
    assert result["identificacao_nascimento"] is None
    assert "dd/mm/aaaa" in texts(dispatcher)[0]


async def test_identifiers_in_the_first_message_prefill_the_form(dispatcher):
    tracker = make_tracker(text="cpf 529.982.247-25 nasci em 12/03/1975", intent="informar_identificacao")
    events = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    slots = slot_events(events)
    assert slots["identificacao_documento"] == seed.DEMO_TITULAR_CPF
    assert slots["identificacao_nascimento"] == "1975-03-12"


async def test_pending_option_is_served_after_identification(dispatcher):
    validated = validate_birth("12/03/1975", type(dispatcher)(), identificacao_documento=seed.DEMO_TITULAR_CPF)
    tracker = make_tracker({**validated, "opcao_pendente": "numero_cartao"})
    await ActionConcluirIdentificacao().run(dispatcher, tracker, {})
    shown = "\n".join(texts(dispatcher))
    assert "Identificação confirmada" in shown
    assert "4175" in shown


async def test_the_topic_asked_just_before_identifying_is_served_after_it(dispatcher):
    # u19: "minha carteirinha, qual o número?" got how to ask, then the CPF and the date got the menu.
    validated = validate_birth("12/03/1975", type(dispatcher)(), identificacao_documento=seed.DEMO_TITULAR_CPF)

    def user(text, intent):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}

    events = [user("qual o número da minha carteirinha?", "numero_cartao"), {"event": "bot", "text": "..."},
              user("529.982.247-25", "informar_identificacao"), user("12/03/1975", "informar_identificacao")]
    await ActionConcluirIdentificacao().run(dispatcher, make_tracker(validated, events=events), {})
    shown = texts(dispatcher)
    assert "Identificação confirmada" in shown[0] and "4175" in "\n".join(shown) and "utter_menu" not in shown
    # Without a topic before it, identifying shows the menu, as before.
    menu = type(dispatcher)()
    await ActionConcluirIdentificacao().run(menu, make_tracker(validated, events=events[2:]), {})
    assert texts(menu)[1:] == ["utter_menu"]


async def test_failed_identification_offers_a_person(dispatcher):
    tracker = make_tracker({"identificacao_documento": FALHOU, "tentativas_identificacao": 3})
    events = await ActionConcluirIdentificacao().run(dispatcher, tracker, {})
    assert "atendente" in texts(dispatcher)[0]
    assert slot_events(events)["tentativas_identificacao"] == 0


async def test_sair_forgets_the_beneficiary(dispatcher):
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1", "beneficiario_nome": "Maria"}, text="sair")
    slots = slot_events(await ActionSair().run(dispatcher, tracker, {}))
    assert slots["identificado"] is False
    assert slots["beneficiario_id"] is None
    assert "encerrada" in texts(dispatcher)[0]


async def test_a_guess_of_leaving_without_words_of_leaving_logs_nobody_out(dispatcher):
    # "ok quero fazer a troca" (of plan) was read as leaving, and the person was logged out.
    offer = {"event": "bot", "text": "Para pedir a mudança, digite 0 e fale com um atendente."}
    slots = {"identificado": True, "beneficiario_id": "1", "beneficiario_nome": "Maria"}
    events = await ActionSair().run(dispatcher, make_tracker(slots, text="ok quero fazer a troca", events=[offer]), {})
    assert "identificado" not in slot_events(events)
    # It accepted the person offered.
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_falar_atendente"]
    other = type(dispatcher)()
    events = await ActionSair().run(other, make_tracker(slots, text="tanto faz"), {})
    assert texts(other) == ["utter_ask_rephrase"] and "identificado" not in slot_events(events)


def test_the_message_that_opens_the_form_is_not_an_attempt(dispatcher):
    result = validate_document("3", dispatcher, requested_slot=None)
    assert result == {"identificacao_documento": None}
    assert dispatcher.messages == []


async def test_a_guide_number_in_the_request_is_not_taken_for_a_cpf(dispatcher):
    # Guide numbers have 11 digits, like a CPF; with a wrong CPF check digit it is not an answer to the form.
    tracker = make_tracker(text="como está a guia 20261202001?", intent="autorizacao")
    events = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert "identificacao_documento" not in {k for k, v in slot_events(events).items() if v}
    tracker = make_tracker(text="meu cpf é 529.982.247-25", intent="informar_identificacao")
    events = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert slot_events(events)["identificacao_documento"] == seed.DEMO_TITULAR_CPF


def test_a_reply_without_any_number_spends_no_attempt(dispatcher):
    # A question is not a guess: the limit of attempts is for wrong identifiers.
    result = validate_document("por que vocês precisam do meu cpf?", dispatcher, tentativas_identificacao=2)
    assert result == {"identificacao_documento": None}
    assert "preciso confirmar quem é você" in texts(dispatcher)[0] and "*menu*" in texts(dispatcher)[0]
    result = validate_birth("não lembro", dispatcher, identificacao_documento=seed.DEMO_TITULAR_CPF,
                            tentativas_identificacao=2)
    assert result == {"identificacao_nascimento": None}
    # A CPF with a wrong check digit is a guess, and counts.
    assert validate_document("52998224726", dispatcher, tentativas_identificacao=2)["identificacao_documento"] == FALHOU


def test_a_short_number_or_the_birth_date_first_spends_no_attempt(dispatcher):
    # "de 2025" or "1" cannot be a guess at anyone's CPF or card: before, the third of them ended the form.
    for reply in ("de 2025", "1", "opção 3"):
        assert validate_document(reply, dispatcher, tentativas_identificacao=2) == {"identificacao_documento": None}
    assert all("tentativa" not in t for t in texts(dispatcher))
    # The birth date given before the document: the order is explained, nothing counted.
    said = len(texts(dispatcher))
    assert validate_document("20/05/1978", dispatcher, tentativas_identificacao=2) == {
        "identificacao_documento": None}
    assert texts(dispatcher)[said] == (
        "Essa parece ser a data de nascimento: vou pedir ela logo depois. Primeiro, o CPF ou o número da carteirinha."
    )


def test_another_data_request_during_identification_is_the_one_served_after_it(dispatcher):
    tracker = make_tracker({"requested_slot": "identificacao_documento", "opcao_pendente": "reembolso"},
                           text="e o boleto?", intent="financeiro")
    result = ValidateIdentificacaoForm().validate_identificacao_documento("e o boleto?", dispatcher, tracker, {})
    assert result == {"identificacao_documento": None, "opcao_pendente": "financeiro"}
    # u25: "Certo, vejo isso" left the person guessing what "isso" was: the topic is named.
    assert texts(dispatcher)[0].startswith("Certo, Financeiro: vejo isso assim que você se identificar.")


async def test_a_network_question_that_drew_an_option_is_answered_without_the_cpf(dispatcher):
    # "rede credenciada" was read as the reimbursements: CPF, birth date, then "de quem?" forever.
    tracker = make_tracker(text="rede credenciada", intent="reembolso")
    events = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert "rede credenciada" in texts(dispatcher)[0] and "0800 030 9009" in texts(dispatcher)[0]
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_listen"]


def test_an_acknowledgement_at_the_birth_date_question_spends_no_attempt_and_is_not_a_wrong_date(dispatcher):
    # After the emergency answer in the middle of the identification, "ok já liguei pro samu" was
    # "Não entendi a data".
    slots = {"requested_slot": "identificacao_nascimento", "identificacao_documento": seed.DEMO_TITULAR_CPF,
             "tentativas_identificacao": 1}
    tracker = make_tracker(slots, text="ok já liguei pro samu", intent="nlu_fallback")
    result = ValidateIdentificacaoForm().validate_identificacao_nascimento("ok já liguei pro samu", dispatcher,
                                                                           tracker, {})
    assert result == {"identificacao_nascimento": None}
    assert texts(dispatcher)[0].startswith("Tudo bem, sem pressa.")
    # Words that are neither a date nor an acknowledgement still get the format.
    said = type(dispatcher)()
    tracker = make_tracker(slots, text="sei lá", intent="fora_de_escopo")
    ValidateIdentificacaoForm().validate_identificacao_nascimento("sei lá", said, tracker, {})
    assert texts(said)[0].startswith("Não entendi a data: use o formato dd/mm/aaaa")


@pytest.mark.parametrize("texto", ["30/08/19772", "30 do 8", "3008"])
def test_an_unreadable_birth_date_spends_no_attempt(dispatcher, texto):
    # "30 de agosto de 72" (an elderly caller, before it was read) said "Você ainda tem 2 tentativas": three such
    # answers locked the identification without a single wrong date.
    from actions.identificacao import DATA_ILEGIVEL

    slots = {"requested_slot": "identificacao_nascimento", "identificacao_documento": seed.DEMO_SPOUSE_CPF,
             "tentativas_identificacao": 2}
    tracker = make_tracker(slots, text=texto, intent="informar_identificacao")
    result = ValidateIdentificacaoForm().validate_identificacao_nascimento(texto, dispatcher, tracker, {})
    assert result == {"identificacao_nascimento": None} and texts(dispatcher) == [DATA_ILEGIVEL]


def test_a_birth_date_still_to_come_spends_no_attempt_and_locks_nothing(dispatcher):
    # u22: "12/03/2030" said "não conferem… Você ainda tem 2 tentativas", and counted toward locking Maria out.
    from sqlalchemy import select

    from bot.db import repository
    from bot.db.models import IdentificationGuard

    slots = {"requested_slot": "identificacao_nascimento", "identificacao_documento": seed.DEMO_TITULAR_CPF,
             "tentativas_identificacao": 2}
    tracker = make_tracker(slots, text="12/03/2030", intent="informar_identificacao")
    result = ValidateIdentificacaoForm().validate_identificacao_nascimento("12/03/2030", dispatcher, tracker, {})
    assert result == {"identificacao_nascimento": None}
    [answer] = texts(dispatcher)
    assert answer.startswith("A data 12/03/2030 ainda não chegou") and "não conta como tentativa" in answer
    subjects = repository.guard_subjects(seed.DEMO_TITULAR_CPF, tracker.sender_id)
    with base.db_session() as session:
        counted = session.scalars(select(IdentificationGuard.failures)
                                  .where(IdentificationGuard.subject.in_(subjects))).all()
    assert not any(counted)


def test_a_birth_date_in_words_with_a_two_digit_year_identifies(dispatcher):
    slots = {"requested_slot": "identificacao_nascimento", "identificacao_documento": seed.DEMO_SPOUSE_CPF}
    tracker = make_tracker(slots, text="30 de agosto de 72", intent="informar_identificacao")
    result = ValidateIdentificacaoForm().validate_identificacao_nascimento("30 de agosto de 72", dispatcher, tracker,
                                                                           {})
    assert result.get("identificado") is True, result


def test_a_guide_number_at_the_cpf_question_spends_no_attempt(dispatcher):
    # A clinic's secretary: "o numero da guia é 20260000003" was "Esse CPF não é válido... 2 tentativas".
    result = validate_document("o numero da guia é 20260000003", dispatcher, tentativas_identificacao=1)
    assert result == {"identificacao_documento": None}
    assert texts(dispatcher)[0].startswith("Esse parece ser o número de uma guia")


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [("como pedir reembolso", "reembolso", "*Como pedir reembolso*"),
     ("pra que cpf? so quero saber se cobre parto", "autorizacao", "parto a termo tem carência")],
)
def test_a_general_question_at_the_cpf_prompt_is_answered_and_the_prompt_stays(dispatcher, text, intent, expected):
    # "como pedir reembolso" at the CPF question got "Certo, vejo isso assim que você se identificar".
    tracker = make_tracker({"requested_slot": "identificacao_documento"}, text=text, intent=intent)
    result = ValidateIdentificacaoForm().validate_identificacao_documento(text, dispatcher, tracker, {})
    assert result == {"identificacao_documento": None}
    said = texts(dispatcher)
    assert expected in said[0] and said[-1].startswith("Para ver os seus dados, continue a identificação")


async def test_the_protocol_just_given_is_told_again_without_a_cpf(dispatcher):
    # A client in Portugal (no CPF) asked "Qual é o número do meu pedido?" right after the desk's protocol and was
    # asked a CPF in a loop.
    from actions.chamados import PROTOCOLO_DA_CONVERSA

    slots = {PROTOCOLO_DA_CONVERSA: "41750520261206000006"}
    tracker = make_tracker(slots, text="Qual é o número do meu pedido?", intent="numero_cartao")
    events = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith("O protocolo aberto nesta conversa é 41750520261206000006.")
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_listen"]
    # Already inside the identification, the same question is answered and nothing is spent.
    said = type(dispatcher)()
    tracker = make_tracker({**slots, "requested_slot": "identificacao_documento"},
                           text="Qual é o número do meu pedido?", intent="numero_cartao")
    result = ValidateIdentificacaoForm().validate_identificacao_documento(tracker.latest_message["text"], said,
                                                                          tracker, {})
    assert result == {"identificacao_documento": None}
    assert texts(said)[0].startswith("O protocolo aberto nesta conversa é 41750520261206000006.")


def test_a_cpf_typed_in_two_messages_is_joined_and_a_part_spends_no_attempt(dispatcher):
    # "529.982" then "247-25": each half got "Para mostrar dados do plano, preciso confirmar quem é você".
    from bot.db import seed as demo

    first = make_tracker({"requested_slot": "identificacao_documento", "tentativas_identificacao": 2},
                         text="meu cpf e 529.982", events=[{"event": "user", "text": "meu cpf e 529.982"}])
    result = ValidateIdentificacaoForm().validate_identificacao_documento("meu cpf e 529.982", dispatcher, first, {})
    assert result == {"identificacao_documento": None}
    assert texts(dispatcher)[0].startswith("Recebi 6 dígitos; o CPF tem 11.")
    events = [{"event": "user", "text": "meu cpf e 529.982"}, {"event": "user", "text": "247-25"}]
    second = make_tracker({"requested_slot": "identificacao_documento"}, text="247-25", events=events)
    result = ValidateIdentificacaoForm().validate_identificacao_documento("247-25", dispatcher, second, {})
    assert result == {"identificacao_documento": demo.DEMO_TITULAR_CPF}


async def test_giving_up_the_identification_stops_it_without_the_failure_message(dispatcher):
    # "cancelar", "desisto" at the birth date question got "Não entendi a data" again and again.
    from actions.identificacao_fluxo import ActionConcluirIdentificacao
    from actions.pedido import DESISTIU

    tracker = make_tracker({"identificacao_documento": seed.DEMO_TITULAR_CPF,
                            "requested_slot": "identificacao_nascimento"}, text="desisto")
    result = ValidateIdentificacaoForm().validate_identificacao_nascimento("desisto", dispatcher, tracker, {})
    assert result == {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
    assert texts(dispatcher)[0].startswith("Tudo bem, parei a identificação.")
    said = type(dispatcher)()
    await ActionConcluirIdentificacao().run(said, make_tracker(result), {})
    assert texts(said) == []


async def test_a_prospect_at_the_cpf_question_leaves_it_for_the_plans(dispatcher):
    # "eu nao sou cliente ainda, quero contratar" was asked for the CPF again; the only way out was an agent.
    from actions.pedido import DESISTIU

    texto = "eu nao sou cliente ainda, quero contratar"
    tracker = make_tracker({"requested_slot": "identificacao_documento", "opcao_pendente": "autorizacao"},
                           text=texto, intent="afirmar")
    result = ValidateIdentificacaoForm().validate_identificacao_documento(texto, dispatcher, tracker, {})
    assert result == {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
    assert "não é preciso se identificar" in texts(dispatcher)[0]
    said = type(dispatcher)()
    events = await ActionConcluirIdentificacao().run(said, make_tracker(result, text=texto, intent="afirmar"), {})
    asked = [e for e in events if e.get("event") == "user"]
    assert asked[0]["parse_data"]["intent"]["name"] == "novos_planos" and asked[0]["text"] == texto
    assert slot_events(events)["opcao_pendente"] is None


async def test_o_meu_pedido_in_the_reimbursements_is_the_reimbursement_served_after_identifying(dispatcher):
    # After questions about reimbursements, "quero ver o status do meu pedido" drew the authorizations.
    events = [{"event": "user", "text": "como peço reembolso?", "parse_data": {"intent": {"name": "reembolso"}}},
              {"event": "user", "text": "quero ver o status do meu pedido",
               "parse_data": {"intent": {"name": "autorizacao"}}}]
    tracker = make_tracker(text="quero ver o status do meu pedido", intent="autorizacao", events=events)
    result = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert slot_events(result)["opcao_pendente"] == "reembolso"


async def test_a_cpf_typed_after_someone_else_took_over_keeps_the_request(dispatcher):
    # Maria's identification ended when José said he was writing; his CPF then must lead to what he asked.
    tracker = make_tracker({"opcao_pendente": "utilizacao"}, text="111.444.777-35", intent="informar_identificacao")
    result = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert slot_events(result)["opcao_pendente"] == "utilizacao"
    assert slot_events(result)["identificacao_documento"] == "11144477735"


def test_a_member_the_lookup_did_not_find_is_not_offered_the_plans(dispatcher):
    # u13: after "os dados não conferem", "pq nao acha? eu sou do plano sim" (read as the plans on sale) got "Sem
    # problema: para conhecer os planos, não é preciso se identificar" and the catalogue.
    texto = "pq nao acha? eu sou do plano sim"
    tracker = make_tracker({"requested_slot": "identificacao_documento"}, text=texto, intent="novos_planos")
    result = ValidateIdentificacaoForm().validate_identificacao_documento(texto, dispatcher, tracker, {})
    assert result["identificacao_documento"] is None  # asked again, no attempt spent, not left for the plans
    said = texts(dispatcher)[0]
    assert said.startswith("Se você é do plano, confira o CPF") and "0800 030 9009" in said


async def test_asking_for_a_person_at_the_cpf_question_ends_it_and_serves_the_request(dispatcher):
    # u16: "não sei meu cpf de cabeça, quero falar com uma pessoa" got where to find a CPF and the question again.
    from actions.pedido import DESISTIU

    text = "não sei meu cpf de cabeça, quero falar com uma pessoa"
    tracker = make_tracker({"requested_slot": "identificacao_documento"}, text=text,
                           intent="informar_identificacao")
    result = ValidateIdentificacaoForm().validate_identificacao_documento(text, dispatcher, tracker, {})
    assert result == {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
    assert texts(dispatcher) == []
    closing = make_tracker({"identificacao_documento": DESISTIU}, text=text, intent="informar_identificacao")
    events = await ActionConcluirIdentificacao().run(type(dispatcher)(), closing, {})
    reread = [e for e in events if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == "falar_atendente"


async def test_a_greeting_at_the_cpf_question_starts_over_with_the_welcome(dispatcher):
    # u16: coming back later, "oi bom dia" got "preciso confirmar quem é você primeiro".
    from actions.pedido import DESISTIU

    tracker = make_tracker({"requested_slot": "identificacao_documento"}, text="oi bom dia", intent="saudacao")
    result = ValidateIdentificacaoForm().validate_identificacao_documento("oi bom dia", dispatcher, tracker, {})
    assert result == {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
    closing = make_tracker({"identificacao_documento": DESISTIU}, text="oi bom dia", intent="saudacao")
    events = await ActionConcluirIdentificacao().run(type(dispatcher)(), closing, {})
    assert [e["parse_data"]["intent"]["name"] for e in events if e.get("event") == "user"] == ["saudacao"]


def test_cpf_and_birth_date_in_digits_only_in_one_message_identify(dispatcher):
    # u17: "52998224725 12031975" was one 19-digit number: "Não encontrei um CPF", and an attempt spent.
    result = validate_document(f"{seed.DEMO_TITULAR_CPF} 12031975", dispatcher)
    assert result["identificacao_documento"] == seed.DEMO_TITULAR_CPF and result["identificado"] is True
    assert ler_documento("52998224725 12031975") == ("cpf", "52998224725")


def test_a_greeting_at_the_birth_date_question_keeps_the_cpf(dispatcher):
    # u17: "bom dia!" there showed the menu; the CPF was forgotten and the date typed next got "Informe seu CPF".
    slots = {"requested_slot": "identificacao_nascimento", "identificacao_documento": seed.DEMO_TITULAR_CPF}
    tracker = make_tracker(slots, text="bom dia!", intent="saudacao")
    result = ValidateIdentificacaoForm().validate_identificacao_nascimento("bom dia!", dispatcher, tracker, {})
    assert result == {"identificacao_nascimento": None}
    assert texts(dispatcher)[0].startswith("Olá! Falta só a data de nascimento")


def test_a_corrected_cpf_at_the_birth_date_question_replaces_the_first(dispatcher):
    # u17: someone who noticed a wrong CPF and typed the right one got "Não entendi a data".
    result = validate_birth("529.982.247-25", dispatcher, identificacao_documento=UNREGISTERED_CPF)
    assert result == {"identificacao_documento": seed.DEMO_TITULAR_CPF, "identificacao_nascimento": None}
    assert texts(dispatcher) == ["Certo, vou usar esse número."]
    # A number that is no valid CPF is still no date, and says so.
    said = type(dispatcher)()
    assert validate_birth(BAD_CHECKSUM_CPF, said, identificacao_documento=UNREGISTERED_CPF) == {
        "identificacao_nascimento": None
    }


async def test_a_death_told_before_identifying_is_answered_without_asking_the_cpf(dispatcher):
    # u17: "meu marido faleceu..., ele era o titular, o que eu faço com o plano" (read as utilização) got only
    # "Informe seu CPF": no condolence, no rule, although nobody's data is needed to answer.
    texto = "meu marido faleceu semana passada, ele era o titular, o que eu faço com o plano"
    tracker = make_tracker(text=texto, intent="utilizacao")
    events = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("Sinto muito pela perda. Quando o titular falece") and "72 horas" in said[0]
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


async def test_a_complaint_about_a_late_reimbursement_is_acknowledged_before_the_cpf(dispatcher):
    # u17: "meu reembolso ta atrasado ja faz mais de mes e ninguem me fala nada 😡" got the CPF question alone.
    texto = "boa noite, meu reembolso ta atrasado ja faz mais de mes e ninguem me fala nada 😡"
    await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=texto, intent="reembolso"), {})
    assert texts(dispatcher) == ["Sinto muito pela demora. Vou ver o que aconteceu com o seu pedido."]
    # A late boleto is the person's own delay: no apology for it.
    said = type(dispatcher)()
    await ActionSolicitarIdentificacao().run(said, make_tracker(text="meu boleto ta atrasado", intent="financeiro"), {})
    assert texts(said) == []


async def test_a_threat_to_go_to_the_ans_gets_an_apology_the_way_there_and_the_reimbursement_looked_up(dispatcher):
    # u25: "que absurdo, meu reembolso ainda não caiu, vou reclamar na ANS" got the way to the ANS and "para
    # acompanhar os seus pedidos, é só pedir": no apology, and the reimbursement the person is upset about was not
    # looked up.
    texto = "que absurdo, meu reembolso ainda não caiu, vou reclamar na ANS"
    events = await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=texto, intent="reembolso"), {})
    said = texts(dispatcher)
    assert said[0].startswith("Sinto muito pela demora.") and "Ouvidoria" in said[0] and "www.ans.gov.br" in said[0]
    assert said[1:] == ["Vou ver o que aconteceu com o seu pedido."]
    # The identification goes on, for the reimbursement.
    assert {"event": "slot", "name": "opcao_pendente", "value": "reembolso", "timestamp": None} in events
    assert all(e.get("event") != "followup" for e in events)
    # A question about the ANS with no complaint of ours is still only answered.
    calmo = type(dispatcher)()
    texto = "se a ouvidoria não resolver meu reembolso, posso reclamar na ANS?"
    events = await ActionSolicitarIdentificacao().run(calmo, make_tracker(text=texto, intent="reembolso"), {})
    assert texts(calmo)[0].startswith("Pode. O caminho é")
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


@pytest.mark.parametrize(
    "message",
    [
        # u19: he said whose it was, and entered as Maria, with her family's data.
        "sou o marido da maria, o cpf dela é 52998224725 e ela nasceu em 12/03/1975",
        "o cpf da minha mãe é 529.982.247-25",
    ],
)
def test_a_document_the_writer_says_is_someone_elses_does_not_identify(dispatcher, message):
    from actions.identificacao_leitura import DOCUMENTO_DE_OUTRA_PESSOA

    result = validate_document(message, dispatcher)
    assert result == {"identificacao_documento": None, "identificacao_nascimento": None}
    assert texts(dispatcher) == [DOCUMENTO_DE_OUTRA_PESSOA] and "tentativas_identificacao" not in result
    # The same numbers given as one's own are accepted.
    assert validate_document("meu cpf é 529.982.247-25", type(dispatcher)()) == {
        "identificacao_documento": seed.DEMO_TITULAR_CPF
    }


async def test_the_protocol_of_a_request_already_closed_is_not_called_open(dispatcher, db):
    # u24: after "já resolvi, pode cancelar", "qual o protocolo?" still read "O protocolo aberto nesta conversa é …".
    from datetime import datetime, timezone

    from actions.chamados import PROTOCOLO_DA_CONVERSA
    from bot.db.models import Ticket

    db.add(Ticket(protocol="41750520261207000077", created_at=datetime(2026, 12, 7, 13, tzinfo=timezone.utc),
                  channel="whatsapp", category="falar_atendente", status="encerrado", summary="0",
                  context_json={"conversa": "x"}, resolution="Cancelado pelo beneficiário no chat: já resolvi"))
    db.commit()
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: "41750520261207000077"}, text="qual o protocolo?",
                           intent="consultar_protocolo")
    await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    said = texts(dispatcher)[0]
    assert said.startswith("O protocolo desta conversa é 41750520261207000077, que já está encerrado."), said
    assert "Cancelado" not in said and "aberto" not in said


def test_a_daughter_saying_her_mother_allows_it_is_told_the_mother_identifies_herself(dispatcher):
    # u26: at the CPF question, "ela ta aqui do meu lado e autoriza" (read as the authorizations) became "Certo,
    # Autorização: vejo isso assim que você se identificar", a topic nobody had asked for.
    tracker = make_tracker({"requested_slot": "identificacao_documento", "opcao_pendente": "numero_cartao"},
                           text="ela ta aqui do meu lado e autoriza", intent="autorizacao")
    result = ValidateIdentificacaoForm().validate_identificacao_documento(
        "ela ta aqui do meu lado e autoriza", dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("Mesmo com a permissão da pessoa, por segurança não mostro os dados")
    assert "ela mesma pode se identificar, com o CPF e a data de nascimento dela." in said[0]
    assert not any("Autorização" in t for t in said)
    # Nothing counted as an attempt, and the card she asked for stays the request.
    assert result == {"identificacao_documento": None}


def test_a_teenager_asking_to_use_her_mothers_cpf_is_not_entered_as_her_mother(dispatcher):
    # u27: "sou a ana, dependente da minha mae… posso usar o da minha mae? 52998224725" was asked for the birth
    # date and then saw the whole family's cards as Maria.
    texto = "sou a ana, dependente da minha mae, posso usar o da minha mae? 52998224725"
    tracker = make_tracker({"requested_slot": "identificacao_documento"}, text=texto, intent="informar_identificacao")
    result = ValidateIdentificacaoForm().validate_identificacao_documento(texto, dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith("Cada pessoa se identifica com o próprio CPF ou carteirinha")
    assert result["identificacao_documento"] is None


def test_the_last_wrong_cpf_does_not_ask_to_type_it_again(dispatcher):
    # u27: the third CPF with a typo read "Confira e digite de novo." and then "encerrei esta etapa".
    tracker = make_tracker({"requested_slot": "identificacao_documento", "tentativas_identificacao": 2},
                           text="529.982.247-28", intent="informar_identificacao")
    result = ValidateIdentificacaoForm().validate_identificacao_documento("529.982.247-28", dispatcher, tracker, {})
    assert texts(dispatcher) == ["Esse CPF não é válido: os dígitos verificadores não conferem."]
    assert result["identificacao_documento"] == FALHOU
