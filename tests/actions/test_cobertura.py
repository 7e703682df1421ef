"""Where the plan covers: questions answered before any CPF, whichever option the classifier guessed."""

from __future__ import annotations

import pytest

from actions.abrangencia import pergunta_abrangencia
from actions.autorizacao import ActionConsultarAutorizacao
from actions.conversa import ActionEsclarecer, ActionForaDeEscopo
from actions.identificacao_fluxo import ActionSolicitarIdentificacao
from actions.orientacoes import ActionOrientarProntoAtendimento
from bot.db import repository, seed
from tests.actions.conftest import identified_tracker, make_tracker, read_text, texts


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("o plano cobre no Rio?", "autorizacao"),
        ("vou viajar pra SP semana que vem, tenho cobertura lá?", "autorizacao"),
        ("meu plano vale em outro estado?", "numero_cartao"),
    ],
)
async def test_coverage_outside_minas_is_answered_without_the_cpf(dispatcher, text, intent):
    # "o plano cobre no Rio?" was read as the authorizations and asked for the CPF.
    events = await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=text, intent=intent), {})
    answer = texts(dispatcher)[0]
    assert "Minas Gerais" in answer and "todo o Brasil" in answer and "Art. 7º" in answer
    assert "0800 030 9009" in answer
    assert "CPF" not in answer
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_listen"]


async def test_abroad_is_told_first_that_there_is_no_coverage(dispatcher):
    await ActionSolicitarIdentificacao().run(
        dispatcher, make_tracker(text="vou pra Portugal nas férias, o plano cobre lá?", intent="autorizacao"), {}
    )
    assert texts(dispatcher)[0].startswith("Fora do Brasil o plano não cobre")


@pytest.mark.parametrize(
    "text",
    [
        "moro em Portugal e fui a uma consulta particular, como faço para ser reembolsado?",
        "estou em lisboa, paguei uma consulta num médico privado, posso pedir reembolso?",
        "to nos EUA e paguei o pronto socorro, como peço o reembolso?",
    ],
)
async def test_care_paid_abroad_is_told_there_is_no_coverage_there(dispatcher, text):
    # u25: someone in Portugal asking how to be paid back for a private consultation got the Brazilian network and
    # the CPS, or the list of documents, as if the consultation could be reimbursed.
    events = await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=text, intent="reembolso"), {})
    answer = texts(dispatcher)[0]
    assert answer.startswith("Atendimento fora do Brasil não é coberto nem reembolsado") and "Art. 7º" in answer
    assert "seguro viagem" in answer
    assert not any("rede credenciada" in t or "Documentos" in t for t in texts(dispatcher))
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_listen"]


async def test_a_desk_client_in_portugal_asking_back_a_cancelled_teleconsultation_is_not_told_about_travel(dispatcher):
    texto = "estou em Lisboa e paguei uma teleconsulta que foi cancelada, quero o reembolso"
    await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=texto, intent="reembolso"), {})
    assert not any("seguro viagem" in t for t in texts(dispatcher))


async def test_someone_ill_away_from_home_reads_the_emergency_number_first(dispatcher):
    # Between two topics, the bot asked "Novos planos ou Autorização?" to someone ill in Salvador.
    tracker = make_tracker(text="tô em Salvador e passei mal, o plano cobre?", intent="esclarecer")
    tracker.latest_message["intent_ranking"] = [
        {"name": "novos_planos", "confidence": 0.27},
        {"name": "autorizacao", "confidence": 0.17},
    ]
    await ActionEsclarecer().run(dispatcher, tracker, {})
    answer = texts(dispatcher)[0]
    assert answer.index("192") < answer.index("Urgência e emergência são cobertas em todo o Brasil")
    assert not any(m.get("buttons") for m in dispatcher.messages)
    assert texts(dispatcher)[-1] == "utter_algo_mais"


async def test_out_of_scope_travel_question_gets_the_coverage_area(dispatcher):
    tracker = make_tracker(text="vou pra praia em cabo frio, se eu precisar de medico o plano atende?",
                           intent="fora_de_escopo")
    await ActionForaDeEscopo().run(dispatcher, tracker, {})
    assert "Fora dela, esse atendimento não é coberto" in texts(dispatcher)[0]


def test_an_identified_member_asking_about_travel_gets_the_rule_not_her_authorizations(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    tracker = identified_tracker(maria.id, "vou viajar pro nordeste, o plano cobre por lá?", "autorizacao")
    ActionConsultarAutorizacao().atender(dispatcher, tracker, maria.id)
    shown = read_text(dispatcher)
    assert "Cobertura fora de Minas Gerais" in shown and "Pedidos de autorização" not in shown


@pytest.mark.parametrize(
    "text",
    [
        "fiz uma consulta em SP, como peço reembolso?",
        "tem plano novo com cobertura nacional?",
        "quero cancelar o plano porque vou morar no Rio",
        "tô viajando e passando mal, tem médico online agora?",
    ],
)
def test_a_request_of_a_topic_that_names_a_place_is_that_topics(text):
    assert not pergunta_abrangencia(text)


async def test_prior_authorization_in_an_emergency_is_answered_first(dispatcher):
    # "preciso ir no pronto socorro, tem que pedir autorização antes?" asked for the CPF.
    tracker = make_tracker(text="preciso ir no pronto socorro, tem que pedir autorização antes?",
                           intent="autorizacao")
    await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert answer[0].startswith("Em urgência ou emergência não precisa pedir autorização antes")
    assert "2 dias úteis" in answer[0] and "Art. 77, §1º" in answer[0]
    assert "Como funciona a autorização prévia" not in answer[1]
    # Without an urgency, the whole procedure.
    said = type(dispatcher)()
    await ActionSolicitarIdentificacao().run(said, make_tracker(text="ressonância precisa de guia?",
                                                                intent="autorizacao"), {})
    assert texts(said)[0].startswith("*Como funciona a autorização prévia*")


async def test_a_toothache_is_told_the_online_care_has_no_dentist(dispatcher):
    # "dor de dente" got the PA Online tutorial ending in "um clínico ou pediatra".
    await ActionOrientarProntoAtendimento().run(
        dispatcher, make_tracker(text="dor de dente muito forte, o que eu faço?"), {}
    )
    answer = texts(dispatcher)[0]
    assert "não com dentista" in answer and "0800 030 9009" in answer and "192" in answer
    assert "sala de espera virtual" not in answer


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("o plano cobre dentista?", "esclarecer", "não com dentista"),
        ("cobre psicologo? quantas sessoes", "nlu_fallback", "no número de sessões do Rol de Procedimentos da ANS"),
        ("o plano cobre parto?", "autorizacao", "parto a termo tem carência de 300 dias"),
    ],
)
async def test_what_the_plan_covers_is_answered_without_the_cpf(dispatcher, text, intent, expected):
    # "cobre dentista?" got "Novos planos / Autorização?", "cobre psicologo?" was "não entendi", "cobre parto?" asked
    # the CPF and then showed only the waiting periods, never saying yes.
    tracker = make_tracker(text=text, intent=intent)
    tracker.latest_message["intent_ranking"] = [{"name": "novos_planos", "confidence": 0.3},
                                                {"name": "autorizacao", "confidence": 0.28}]
    if intent == "esclarecer":
        await ActionEsclarecer().run(dispatcher, tracker, {})
    elif intent == "nlu_fallback":
        from actions.conversa import ActionFallback

        await ActionFallback().run(dispatcher, tracker, {})
    else:
        await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert expected in texts(dispatcher)[0] and "CPF" not in texts(dispatcher)[0]


def test_a_request_about_a_covered_treatment_is_left_to_its_topic():
    from actions.cobertura import cobertura_de

    for text in ("minha fisio foi negada, o plano não cobre?", "quantas sessões de fono meu filho já fez?",
                 "o meu seguro Médis inclui psicologia online?"):
        assert cobertura_de(text) is None, text


async def test_which_maternity_hospitals_is_a_network_question(dispatcher):
    # "quais maternidades em bh?" was "só consigo ajudar com assuntos do seu plano".
    await ActionForaDeEscopo().run(dispatcher, make_tracker(text="quais maternidades em bh?",
                                                            intent="fora_de_escopo"), {})
    assert "Por aqui eu não consulto a rede credenciada" in texts(dispatcher)[0]


def test_taking_a_case_to_the_ans_gets_the_order_of_the_instances():
    from actions.cobertura import orientacao_sem_cadastro
    from actions.ouvidoria_leitura import RECLAMAR_NA_ANS

    # "e se negarem de novo? posso ir na ANS?" got a question between income tax and the plans on sale.
    assert orientacao_sem_cadastro("e se negarem de novo? posso ir na ANS?") == RECLAMAR_NA_ANS
    assert "Ouvidoria" in RECLAMAR_NA_ANS and "www.ans.gov.br" in RECLAMAR_NA_ANS
    # Registering with the Ombudsman first is the Ombudsman's form.
    assert orientacao_sem_cadastro("quero abrir manifestação na ouvidoria antes de ir na ANS") is None


async def test_whether_a_procedure_is_covered_gets_the_rol_not_the_list_of_guides(dispatcher, db):
    from actions.cobertura import COBERTURA_ROL

    # "o plano cobre cirurgia de catarata?" asked the CPF and showed José's denied arthroscopy, twice.
    jose = repository.find_beneficiary_by_cpf(seed.DEMO_SPOUSE_CPF, session=db).id
    tracker = identified_tracker(jose, "o plano cobre cirurgia de catarata?", "autorizacao")
    await ActionConsultarAutorizacao().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0] == COBERTURA_ROL
    assert "Artroscopia" not in " ".join(t or "" for t in texts(dispatcher))


async def test_a_member_asking_coverage_and_her_waiting_period_gets_both(dispatcher):
    # u27: "o plano cobre cirurgia bariatrica? entrei faz 3 meses, qual a carencia pra mim?" got the Rol and nothing
    # about the waiting period nor the pre-existing-disease rule that matters most for that surgery.
    texto = "o plano cobre cirurgia bariatrica? entrei faz 3 meses, qual a carencia pra mim?"
    await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=texto, intent="autorizacao"), {})
    answer = texts(dispatcher)[0]
    assert "Rol de Procedimentos" in answer and "180 dias da adesão" in answer and "24 meses" in answer
    assert "*minhas carências*" in answer
