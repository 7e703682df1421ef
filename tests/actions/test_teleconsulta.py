"""The teleconsultation desk's form: name, then NIF or, from a client in Brazil, CPF (procedure 004)."""

from __future__ import annotations

import pytest
import yaml

from actions import base
from actions.teleconsulta import ValidateTeleconsultaForm
from bot.settings import PROJECT_ROOT
from routing.nif import check_digit, is_valid_nif
from tests.actions.conftest import make_tracker, slot_events, texts


def _nif(value, dispatcher):
    tracker = make_tracker({"requested_slot": "tele_nif", "tele_texto": "a receita não chegou"}, text=value)
    return ValidateTeleconsultaForm().validate_tele_nif(value, dispatcher, tracker, {})


@pytest.mark.parametrize(
    ("reply", "kept"),
    [("123456789", "123456789"), ("o meu NIF é 123 456 789", "123456789"), ("529.982.247-25", "52998224725"),
     ("não tenho NIF, o meu CPF é 52998224725", "52998224725")],
)
def test_a_valid_nif_or_cpf_is_kept(dispatcher, reply, kept):
    assert _nif(reply, dispatcher) == {"tele_nif": kept}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        ("123456780", "Esse NIF não é válido: o dígito de controlo não confere."),
        ("529.982.247-26", "Esse CPF não é válido: os dígitos verificadores não conferem."),
        ("não tenho NIF, sou do Brasil", "Escreva o CPF (11 dígitos) ou, em Portugal, o NIF (9 dígitos)"),
        ("12345", "o NIF tem 9 dígitos e o CPF, 11"),
    ],
)
def test_anything_else_says_what_is_wrong_and_how_to_go_on(dispatcher, reply, said):
    assert _nif(reply, dispatcher) == {"tele_nif": None}
    assert said in texts(dispatcher)[0]


# -- The name question answered with the NIF too ("Sofia Martins, NIF ...") -------------------------------------

def _nif_valido(oito: str = "24681357") -> str:
    """A made-up NIF whose check digit is computed by the validator the bot uses."""
    nif = oito + str(check_digit(oito))
    assert is_valid_nif(nif)
    return nif


def _nif_invalido(oito: str = "24681357") -> str:
    """The same first eight digits with another check digit: the validator refuses it."""
    nif = oito + str((check_digit(oito) + 1) % 10)
    assert not is_valid_nif(nif)
    return nif


async def _responde_ao_nome(texto: str, dispatcher, nif_antes=None):
    """Run the form's validation as Rasa does after the user answers the name question.

    Returns the slots the validation set and the next question: as Rasa's FormAction does, the first required
    slot of ``teleconsulta_form`` (domain.yml) still empty, or None when the form is complete.
    """
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    tracker = make_tracker(
        {"requested_slot": "tele_nome", "tele_nome": texto, "tele_nif": nif_antes},
        text=texto,
        events=[
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": texto},
            {"event": "slot", "name": "tele_nome", "value": texto},
        ],
    )
    definidos = slot_events(await ValidateTeleconsultaForm().run(dispatcher, tracker, domain))
    slots = {**tracker.slots, **definidos}
    obrigatorios = domain["forms"]["teleconsulta_form"]["required_slots"]
    return definidos, next((slot for slot in obrigatorios if slots.get(slot) is None), None)


@pytest.mark.parametrize(
    ("mensagem", "numero"),
    [
        ("Sofia Martins, NIF {nif}", None),
        ("Sofia Martins {nif}", None),
        ("sou a Sofia Martins, o meu nif é {nif}", None),
        ("o meu nome é Sofia Martins e o meu NIF é {nif_espacado}", None),
        ("NIF: {nif} - Sofia Martins", None),
        ("Sofia Martins, CPF 529.982.247-25", "52998224725"),
    ],
)
async def test_name_and_nif_in_one_message_fill_both_and_the_nif_is_not_asked(dispatcher, mensagem, numero):
    nif = _nif_valido()
    texto = mensagem.format(nif=nif, nif_espacado=f"{nif[:3]} {nif[3:6]} {nif[6:]}")
    definidos, proxima = await _responde_ao_nome(texto, dispatcher)
    assert definidos["tele_nome"] == "Sofia Martins"
    assert definidos["tele_nif"] == (numero or nif)
    assert proxima is None  # both answered: the form is done and the request goes to its inbox
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "mensagem", ["Sofia Martins, NIF {invalido}", "Sofia Martins {invalido}", "Sofia Martins 12345"]
)
async def test_an_invalid_nif_with_the_name_keeps_the_name_and_the_nif_is_asked_next(dispatcher, mensagem):
    definidos, proxima = await _responde_ao_nome(mensagem.format(invalido=_nif_invalido()), dispatcher)
    assert definidos["tele_nome"] == "Sofia Martins"
    assert definidos.get("tele_nif") is None
    assert proxima == "tele_nif"
    assert "Escreva o nome completo" not in " ".join(texts(dispatcher))


async def test_an_invalid_nif_with_the_name_does_not_erase_the_one_of_the_request(dispatcher):
    nif = _nif_valido()
    definidos, proxima = await _responde_ao_nome(f"Sofia Martins, NIF {_nif_invalido()}", dispatcher, nif_antes=nif)
    assert definidos == {"tele_nome": "Sofia Martins"}
    assert proxima is None


@pytest.mark.parametrize(
    ("mensagem", "nome"),
    [("Sofia Martins", "Sofia Martins"), ("o meu nome é Ana Sofia Ramos", "Ana Sofia Ramos"),
     ("chamo-me João d'Ávila-Costa.", "João d'Ávila-Costa")],
)
async def test_a_plain_name_still_works_and_the_nif_is_asked_next(dispatcher, mensagem, nome):
    definidos, proxima = await _responde_ao_nome(mensagem, dispatcher)
    assert definidos == {"tele_nome": nome}
    assert proxima == "tele_nif"
    assert dispatcher.messages == []


@pytest.mark.parametrize("valido", [False, True])
async def test_only_digits_are_still_refused_as_a_name(dispatcher, valido):
    nif = _nif_valido() if valido else _nif_invalido()
    definidos, proxima = await _responde_ao_nome(nif, dispatcher)
    assert definidos["tele_nome"] is None
    assert proxima == "tele_nome"
    assert texts(dispatcher) == [
        "Escreva o nome completo (nome e sobrenome). Para desistir do pedido, escreva *cancelar*."
    ]
    # A valid NIF is not lost: once the name is given, the NIF question is skipped.
    assert definidos.get("tele_nif") == (nif if valido else None)


@pytest.mark.parametrize("reply", ["cancelar", "desisto", "esqueça, obrigado", "que teleconsulta? nao pedi isso"])
async def test_giving_up_at_either_question_ends_the_request_without_a_ticket(dispatcher, reply):
    # "cancelar", "desisto" got "Escreva o NIF (9 dígitos)..." forever; only "menu" left the form.
    from actions.teleconsulta import DESISTIU, ActionEncaminharTeleconsulta

    for slot in ("tele_nome", "tele_nif"):
        tracker = make_tracker({"requested_slot": slot}, text=reply)
        validator = getattr(ValidateTeleconsultaForm(), f"validate_{slot}")
        assert validator(reply, dispatcher, tracker, {}) == {"tele_nome": DESISTIU, "tele_nif": DESISTIU}
    done = make_tracker({"tele_nome": DESISTIU, "tele_nif": DESISTIU, "tele_categoria": "tele_tecnologia",
                         "tele_texto": "a chamada caiu"})
    events = await ActionEncaminharTeleconsulta().run(dispatcher, done, {})
    assert texts(dispatcher)[-1].startswith("Tudo bem, não encaminhei nada à teleconsulta.")
    assert {e["name"]: e["value"] for e in events} == {s: None for s in ("tele_nome", "tele_nif", "tele_categoria",
                                                                         "tele_texto")}


async def test_a_bare_greeting_at_either_question_starts_over_with_the_welcome(dispatcher):
    # u16: Telegram's /start (sent as "oi") at "Qual é o seu CPF?" got the question again; a name with a greeting
    # ("Olá, Sofia Martins") still answers it.
    from actions.teleconsulta import DESISTIU, ActionEncaminharTeleconsulta

    for slot in ("tele_nome", "tele_nif"):
        tracker = make_tracker({"requested_slot": slot}, text="oi")
        validator = getattr(ValidateTeleconsultaForm(), f"validate_{slot}")
        assert validator("oi", dispatcher, tracker, {}) == {"tele_nome": DESISTIU, "tele_nif": DESISTIU}
    nome = make_tracker({"requested_slot": "tele_nome"}, text="Olá, Sofia Martins")
    assert ValidateTeleconsultaForm().validate_tele_nome("Olá, Sofia Martins", dispatcher, nome, {})["tele_nome"]
    done = make_tracker({"tele_nome": DESISTIU, "tele_nif": DESISTIU, "tele_categoria": "tele_tecnologia",
                         "tele_texto": "a chamada caiu"}, text="oi", intent="saudacao")
    said = type(dispatcher)()
    events = await ActionEncaminharTeleconsulta().run(said, done, {})
    assert texts(said) == []
    assert [e["parse_data"]["intent"]["name"] for e in events if e.get("event") == "user"] == ["saudacao"]


async def test_an_identified_beneficiary_is_not_asked_name_and_cpf_again(dispatcher):
    from actions.teleconsulta import ActionPrepararTeleconsulta
    from bot.db import repository, seed

    with base.db_session() as session:
        maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session)
        maria_id, name = maria.id, maria.name
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)},
                           text="a videochamada congelou", intent="tele_tecnologia")
    events = await ActionPrepararTeleconsulta().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["tele_nome"] == name and slots["tele_nif"] == seed.DEMO_TITULAR_CPF
    assert not any("preciso do seu nome" in (t or "") for t in texts(dispatcher))


async def test_a_call_that_dropped_gets_how_to_get_back_in_before_the_questions(dispatcher):
    # "a chamada de vídeo travou, o médico sumiu. e agora??" got only the name and NIF questions, then a ticket.
    from actions.teleconsulta import ActionPrepararTeleconsulta

    tracker = make_tracker(text="tava na teleconsulta e a chamada de video travou, o medico sumiu. e agora??",
                           intent="tele_tecnologia")
    await ActionPrepararTeleconsulta().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("Se a chamada parou durante a consulta, entre de novo na plataforma")
    assert "4000-1896" in said[0] and "preciso do seu nome completo" in said[1]
    # Another technical problem goes straight to the questions.
    other = type(dispatcher)()
    await ActionPrepararTeleconsulta().run(other, make_tracker(text="o app não abre", intent="tele_tecnologia"), {})
    assert "entre de novo" not in " ".join(texts(other))


@pytest.mark.parametrize("texto", ["marcar teleconsulta", "como agendo uma consulta online?"])
async def test_asking_how_to_book_an_online_consultation_gets_how_not_the_desks_questions(dispatcher, texto):
    # "marcar teleconsulta" (tele_tecnologia, 0.57) asked name and CPF to open a ticket about nothing.
    from actions.orientacoes import MARCAR_CONSULTA_ONLINE
    from actions.teleconsulta import ActionPrepararTeleconsulta

    events = await ActionPrepararTeleconsulta().run(dispatcher, make_tracker(text=texto, intent="tele_tecnologia"), {})
    assert texts(dispatcher) == [MARCAR_CONSULTA_ONLINE] and [e["name"] for e in events] == ["action_listen"]
    assert "24 horas" in MARCAR_CONSULTA_ONLINE and "zoom" in MARCAR_CONSULTA_ONLINE
    # A problem while booking is still the desk's request.
    other = type(dispatcher)()
    await ActionPrepararTeleconsulta().run(
        other, make_tracker(text="não aparece o botão de marcar a teleconsulta", intent="tele_tecnologia"), {}
    )
    assert "preciso do seu nome completo" in " ".join(texts(other))


def test_why_the_nif_is_asked_is_answered_and_a_name_after_ok_is_taken(dispatcher):
    # pt-PT: "porque precisam do meu NIF?" was ignored; "está bem, Rita Carvalho Santos" was not a name.
    tracker = make_tracker({"requested_slot": "tele_nif"}, text="porque precisam do meu NIF?")
    result = ValidateTeleconsultaForm().validate_tele_nif("porque precisam do meu NIF?", dispatcher, tracker, {})
    assert result == {"tele_nif": None}
    assert texts(dispatcher)[0].startswith("O NIF identifica o seu registo") and "CPF" not in texts(dispatcher)[0]
    named = make_tracker({"requested_slot": "tele_nome"}, text="está bem, Rita Carvalho Santos")
    result = ValidateTeleconsultaForm().validate_tele_nome("está bem, Rita Carvalho Santos", dispatcher, named, {})
    assert result["tele_nome"] == "Rita Carvalho Santos"


async def test_an_identified_beneficiarys_question_naming_no_consultation_opens_no_request(dispatcher):
    # "ta mas e se passar do dia 15 e ninguem me responder, faço o q?" (tele_procedimento) after a reanalysis
    # opened a desk request at once, with a protocol nobody asked for.
    from actions.teleconsulta import ActionPrepararTeleconsulta
    from bot.db import repository, seed

    with base.db_session() as session:
        maria_id = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session).id
    texto = "ta mas e se passar do dia 15 e ninguem me responder, faço o q?"
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id),
                            "protocolo_da_conversa": "41750520261206000001"}, text=texto, intent="tele_procedimento")
    events = await ActionPrepararTeleconsulta().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("Se o prazo do protocolo 41750520261206000001") and "Ouvidoria" in said[0]
    assert [e["name"] for e in events] == ["action_listen"]


async def test_a_prescription_the_patient_is_allergic_to_gets_what_to_do_now_first(dispatcher):
    # pt-PT: the request went to the clinical inbox, answered in up to nine days, with no word about not taking it.
    from actions.teleconsulta import ActionPrepararTeleconsulta

    tracker = make_tracker(text="a médica receitou-me um antibiótico mas sou alérgica à penicilina",
                           intent="tele_clinica")
    await ActionPrepararTeleconsulta().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("⚠️ Não tome um medicamento a que você tem alergia")
    assert "192" in said[0] and "112" in said[0] and "preciso do seu nome completo" in said[1]
    other = type(dispatcher)()
    await ActionPrepararTeleconsulta().run(other, make_tracker(text="a receita não chegou", intent="tele_documentos"),
                                           {})
    assert "alergia" not in " ".join(texts(other))


def test_a_sentence_at_the_name_question_is_not_taken_for_the_name(dispatcher):
    # "e o atendesto tbm nao veio" was saved as the full name and the CPF was asked next.
    tracker = make_tracker({"requested_slot": "tele_nome"}, text="e o atendesto tbm nao veio")
    slots = ValidateTeleconsultaForm().validate_tele_nome("e o atendesto tbm nao veio", dispatcher, tracker, {})
    assert slots["tele_nome"] is None and "nome completo" in texts(dispatcher)[0]


async def test_a_follow_up_that_cannot_wait_for_the_desk_gets_the_pa_online(dispatcher):
    # pt-PT: "Entretanto posso ir a outro médico? o miúdo precisa do remédio" got two protocols and no answer.
    from actions.teleconsulta import ActionEncaminharTeleconsulta

    slots = {"tele_categoria": "tele_documentos", "tele_nome": "Rita Carvalho", "tele_nif": "123456789",
             "tele_texto": "Entretanto posso ir a outro médico? o miúdo precisa do remédio",
             "tele_protocolo": "41750520261202000001"}
    await ActionEncaminharTeleconsulta().run(dispatcher, make_tracker(slots, text=slots["tele_texto"]), {})
    said = texts(dispatcher)
    assert said[0].startswith("Obrigado. Encaminhei esta mensagem à equipa responsável, ligada ao seu pedido "
                              "anterior (41750520261202000001).")
    assert "Pronto Atendimento Online atende agora" in said[-1] and "SNS 24 (808 24 24 24)" in said[-1]


async def test_cancelling_a_consultation_due_tomorrow_is_told_to_cancel_it_in_the_app_now(dispatcher):
    # u12: "quero cancelar a minha teleconsulta marcada para amanhã às 10h" got a deadline in working days only.
    from actions.teleconsulta import ActionEncaminharTeleconsulta

    slots = {"tele_categoria": "tele_cobranca_cancelada", "tele_nome": "Rita Carvalho", "tele_nif": "123456789",
             "tele_texto": "quero cancelar a minha teleconsulta marcada para amanhã às 10h"}
    await ActionEncaminharTeleconsulta().run(dispatcher, make_tracker(slots, text="123456789"), {})
    said = texts(dispatcher)
    assert "Prazo de resposta" in said[0] and said[-1].startswith("A resposta da equipa pode chegar depois da hora")
    assert "desmarque-a já na app" in said[-1]


async def test_a_reaction_after_the_prescribed_medicine_gets_the_emergency_number_first(dispatcher):
    # u12: "fiquei com manchas vermelhas no corpo todo e a cara inchada" got "preciso do seu nome completo" and a
    # deadline of nine days, with no word about an emergency.
    from actions.teleconsulta import ActionPrepararTeleconsulta

    tracker = make_tracker(text="Comecei a tomar o antibiótico que o médico da teleconsulta receitou e fiquei com "
                                "manchas vermelhas no corpo todo e a cara inchada", intent="tele_clinica")
    await ActionPrepararTeleconsulta().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("⚠️") and "192 (SAMU; em Portugal, 112)" in said[0]
    assert "preciso do seu nome completo" in said[1]


async def _pedido_de_rita(dispatcher, sender: str) -> str:
    """A request to the desk from Rita, in Portugal (NIF 245678905); its protocol."""
    from actions.teleconsulta import ActionEncaminharTeleconsulta

    slots = {"tele_categoria": "tele_documentos", "tele_nome": "Rita Carvalho", "tele_nif": "245678905",
             "tele_texto": "a receita da consulta de ontem não chegou"}
    events = await ActionEncaminharTeleconsulta().run(type(dispatcher)(), make_tracker(slots, text="ok", sender=sender),
                                                      {})
    return next(e["value"] for e in events if e.get("name") == "tele_protocolo")


async def test_a_desk_client_sees_the_status_with_the_protocol_and_the_nif(dispatcher):
    # u12: "queria saber o estado do meu pedido 4175..." was asked for a CPF or a 16-digit card, which a client in
    # Portugal does not have; the request could never be followed.
    from actions.identificacao_fluxo import ActionSolicitarIdentificacao

    protocol = await _pedido_de_rita(dispatcher, "mesa-estado")

    async def ask(text):
        said = type(dispatcher)()
        await ActionSolicitarIdentificacao().run(said, make_tracker(text=text, intent="consultar_protocolo",
                                                                    sender="mesa-outra"), {})
        return "\n".join(t for t in texts(said) if t)

    without = await ask(f"Olá, queria saber o estado do meu pedido {protocol}")
    assert without.startswith("Esse é um pedido à equipe da teleconsulta") and "CPF (11 dígitos)" not in without
    wrong = await ask(f"estado do pedido {protocol} NIF 123456789")
    assert wrong.startswith("Esse é um pedido à equipe da teleconsulta") and "Aberto em" not in wrong
    right = await ask(f"estado do pedido {protocol}, o meu NIF é 245 678 905")
    assert right.startswith(f"Protocolo {protocol}: ") and "Prazo de resposta: até" in right
    # u14: the number and the NIF alone, as the bot's own example writes them, read as an identification.
    said = type(dispatcher)()
    await ActionSolicitarIdentificacao().run(said, make_tracker(text=f"{protocol} NIF 245678905",
                                                                intent="informar_identificacao", sender="mesa-x"), {})
    assert texts(said)[0].startswith(f"Protocolo {protocol}: ")
    assert "receita" not in right  # nothing the request said, only where it stands


async def test_a_desk_client_answering_with_the_nif_alone_or_at_the_cpf_question_sees_the_status(dispatcher):
    # u26: after "envie na mesma mensagem o número do protocolo e o NIF", "o meu NIF é 245678905" was asked for a
    # CPF, and then "4175... NIF 245678905", the bot's own example, was "consulto ele assim que confirmar quem é
    # você": a client in Portugal, who has no CPF, could not follow her request.
    from actions.identificacao import ValidateIdentificacaoForm
    from actions.identificacao_fluxo import ActionSolicitarIdentificacao
    from actions.pedido import DESISTIU
    from actions.protocolo import PROTOCOLO_E_NIF

    protocol = await _pedido_de_rita(dispatcher, "mesa-nif")
    asked = [{"event": "user", "text": f"como está o meu pedido {protocol}?"},
             {"event": "bot", "text": PROTOCOLO_E_NIF.format(protocolo=protocol)},
             {"event": "user", "text": "o meu NIF é 245678905"}]
    tracker = make_tracker(text="o meu NIF é 245678905", intent="informar_identificacao", events=asked,
                           sender="mesa-nif2")
    await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith(f"Protocolo {protocol}: ")
    assert not any("CPF (11 dígitos)" in t for t in texts(dispatcher))
    # The NIF alone with nothing asked before is no lookup.
    alone = type(dispatcher)()
    await ActionSolicitarIdentificacao().run(alone, make_tracker(text="o meu NIF é 245678905",
                                                                 intent="informar_identificacao"), {})
    assert not any(t.startswith("Protocolo") for t in texts(alone) if t)
    # At the CPF question, the protocol and the NIF show the status and end the question.
    at_cpf = type(dispatcher)()
    tracker = make_tracker({"requested_slot": "identificacao_documento"}, text=f"{protocol} NIF 245678905",
                           intent="informar_identificacao", sender="mesa-nif3")
    result = ValidateIdentificacaoForm().validate_identificacao_documento(
        f"{protocol} NIF 245678905", at_cpf, tracker, {})
    assert texts(at_cpf)[0].startswith(f"Protocolo {protocol}: ")
    assert result == {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}


async def test_a_desk_clients_follow_up_goes_with_the_request_not_to_the_cpf_question(dispatcher):
    # u12: "Quanto tempo demora a devolução do dinheiro?" after a request about a cancelled consultation drew the
    # reimbursements and "Informe seu CPF", which a client in Portugal cannot give.
    from actions.identificacao_fluxo import ActionSolicitarIdentificacao

    events = [{"event": "user", "text": "fui cobrado por uma teleconsulta cancelada",
               "parse_data": {"intent": {"name": "tele_cobranca_cancelada"}}},
              {"event": "bot", "text": "O seu pedido foi encaminhado..."},
              {"event": "user", "text": "Quanto tempo demora a devolução do dinheiro?",
               "parse_data": {"intent": {"name": "reembolso"}}}]
    slots = {"tele_protocolo": "41750520261206000003", "tele_nome": "Rui Sousa", "tele_nif": "123456789"}
    tracker = make_tracker(slots, text="Quanto tempo demora a devolução do dinheiro?", intent="reembolso",
                           events=events)
    result = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    reread = [e for e in result if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == "tele_cobranca_cancelada"
    # Naming an option of the plan is the plan's: a member may also have asked the desk something.
    other = make_tracker(slots, text="quero meu boleto", intent="financeiro",
                         events=[*events[:2], {"event": "user", "text": "quero meu boleto",
                                               "parse_data": {"intent": {"name": "financeiro"}}}])
    result = await ActionSolicitarIdentificacao().run(type(dispatcher)(), other, {})
    assert not [e for e in result if e.get("event") == "user"]


async def test_a_client_in_portugal_asking_about_the_refund_by_name_stays_with_the_desk(dispatcher):
    # u27: "E quanto tempo demora o reembolso? O valor já saiu do meu cartão." after a request about a cancelled
    # consultation got "Sinto muito pela demora… Informe seu CPF"; she has a NIF and no plan.
    from actions.identificacao_fluxo import ActionSolicitarIdentificacao

    texto = "E quanto tempo demora o reembolso? O valor já saiu do meu cartão."
    events = [{"event": "user", "text": "fui cobrado por uma teleconsulta cancelada",
               "parse_data": {"intent": {"name": "tele_cobranca_cancelada"}}},
              {"event": "bot", "text": "O seu pedido foi encaminhado..."},
              {"event": "user", "text": texto, "parse_data": {"intent": {"name": "reembolso"}}}]
    slots = {"tele_protocolo": "41750520261206000003", "tele_nome": "Rita Carvalho", "tele_nif": "245678905"}
    result = await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(slots, text=texto, intent="reembolso",
                                                                               events=events), {})
    reread = [e for e in result if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == "tele_cobranca_cancelada"
    assert not any("CPF" in t for t in texts(dispatcher) if t)


async def test_the_medis_phone_asked_by_a_desk_client_is_given_without_a_second_request(dispatcher):
    # u27: "Então qual é o número de telefone da Médis?" opened a second request to the desk.
    from actions.teleconsulta import ActionPrepararTeleconsulta

    tracker = make_tracker({"tele_protocolo": "41750520261206000003", "tele_nif": "245678905"},
                           text="Então qual é o número de telefone da Médis?", intent="tele_apolice")
    events = await ActionPrepararTeleconsulta().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert "218 458 888" in said[0] and "apoioaocliente@medis.pt" in said[0]
    assert not any(e.get("event") == "active_loop" and e.get("name") for e in events)


# -- The number asked by where the client is (u16: "(em Portugal, o NIF)" read by Brazilians) ------------------

@pytest.mark.parametrize(
    ("sender", "slots", "asked", "not_asked"),
    [
        ("whatsapp:+5531991180001", {"tele_texto": "a receita não chegou"}, "Qual é o seu CPF (11 dígitos)?",
         "NIF"),
        ("whatsapp:+351912345678", {"tele_texto": "a receita não chegou"}, "Qual é o seu NIF (9 dígitos)?",
         "CPF"),
        # Telegram names no country: the request's words do, or both numbers are asked for.
        ("telegram:918000001", {"tele_texto": "estou a tentar entrar na consulta e não dá"},
         "Qual é o seu NIF (9 dígitos)?", "CPF"),
        ("telegram:918000002", {"tele_texto": "a receita não chegou"},
         "Qual é o seu CPF (11 dígitos)? Em Portugal, informe o NIF (9 dígitos).", None),
    ],
)
async def test_the_number_asked_is_the_one_a_client_where_they_are_has(dispatcher, sender, slots, asked, not_asked):
    from actions.teleconsulta import ActionAskTeleNif

    tracker = make_tracker({"requested_slot": "tele_nif", **slots}, text="Rita Carvalho", sender=sender)
    await ActionAskTeleNif().run(dispatcher, tracker, {})
    [question] = texts(dispatcher)
    assert question.startswith(asked) and question.endswith("escreva *cancelar*.")
    assert not_asked is None or not_asked not in question


async def test_a_caller_from_brazil_is_asked_for_the_cpf_only(dispatcher):
    from actions.teleconsulta import ActionAskTeleNif

    tracker = make_tracker({"requested_slot": "tele_nif", "tele_texto": "a receita não veio"}, sender="ura:CA01")
    tracker.latest_message["metadata"] = {"chamada": "CA01", "telefone": "+553132100000"}
    await ActionAskTeleNif().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith("Qual é o seu CPF (11 dígitos)?") and "NIF" not in texts(dispatcher)[0]


async def test_a_brazilian_request_names_the_cpf_and_a_wrong_answer_says_so(dispatcher):
    from actions.teleconsulta import ActionPrepararTeleconsulta

    pedido = make_tracker(text="a receita da teleconsulta não chegou", intent="tele_documentos",
                          sender="whatsapp:+5531991180002")
    await ActionPrepararTeleconsulta().run(dispatcher, pedido, {})
    said = " ".join(texts(dispatcher))
    assert "preciso do seu nome completo e do seu CPF." in said and "Portugal" not in said
    dispatcher.messages.clear()
    resposta = make_tracker({"requested_slot": "tele_nif", "tele_texto": "a receita da teleconsulta não chegou"},
                            text="não sei", sender="whatsapp:+5531991180002")
    ValidateTeleconsultaForm().validate_tele_nif("não sei", dispatcher, resposta, {})
    assert texts(dispatcher)[0].startswith("Escreva o CPF (11 dígitos).") and "NIF" not in texts(dispatcher)[0]


def _after_pa_online(text: str, intent: str, sender: str = "whatsapp:+5531912200030"):
    asked = [{"event": "user", "text": "no pronto atendimento online a câmera não funciona, estou no iphone",
              "parse_data": {"intent": {"name": "pronto_atendimento_online"}}},
             {"event": "bot", "text": "Para liberar câmera, microfone e pop-ups (Safari no iPhone)..."},
             {"event": "user", "text": "menu", "parse_data": {"intent": {"name": "menu"}}},
             {"event": "bot", "text": "..."},
             {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]
    return make_tracker(text=text, intent=intent, events=asked, sender=sender)


@pytest.mark.parametrize(
    ("text", "intent", "topic"),
    [
        # u22: each opened a request to the desk in Portugal ("Prazo de resposta: até 16/12/2026") for someone
        # trying to see the PA Online's doctor now.
        ("não consigo entrar na consulta online, dá erro de câmera", "tele_tecnologia", "pronto_atendimento_online"),
        ("e a receita, onde fica?", "tele_documentos", "pronto_atendimento_online"),
        ("o médico do pronto atendimento online foi grosseiro comigo", "tele_clinica", "ouvidoria"),
    ],
)
async def test_a_pa_online_problem_stays_with_the_pa_online(dispatcher, text, intent, topic):
    from actions.teleconsulta import ActionPrepararTeleconsulta

    result = await ActionPrepararTeleconsulta().run(dispatcher, _after_pa_online(text, intent), {})
    reread = [e for e in result if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == topic
    assert not texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "sender"),
    [
        ("não consigo entrar na consulta online, dá erro de câmera", "whatsapp:+351912345678"),  # in Portugal
        ("a videochamada do Médico Online não abre a câmera", "whatsapp:+5531912200030"),  # the desk's service
    ],
)
async def test_the_desks_clients_still_reach_the_desk_after_pa_online(dispatcher, text, sender):
    from actions.teleconsulta import ActionPrepararTeleconsulta

    result = await ActionPrepararTeleconsulta().run(dispatcher, _after_pa_online(text, "tele_tecnologia", sender),
                                                    {})
    assert not [e for e in result if e.get("event") == "user"]
    assert any(e.get("name") == "tele_categoria" and e.get("value") == "tele_tecnologia" for e in result)
