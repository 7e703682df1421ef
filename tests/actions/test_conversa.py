"""Fallback: one request to rephrase, then the menu and the offer of a person."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.chamados import PROTOCOLO_DA_CONVERSA
from actions.conversa import ESTOU_AQUI, ActionFallback, ActionForaDeEscopo
from tests.actions.conftest import make_tracker, texts


def _user(intent: str) -> dict:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


async def test_first_misunderstanding_asks_to_rephrase(dispatcher):
    events = [_user("saudacao"), {"event": "bot", "text": "Olá"}, _user("nlu_fallback")]
    await ActionFallback().run(dispatcher, make_tracker(events=events), {})
    assert texts(dispatcher) == ["utter_ask_rephrase"]


async def test_second_misunderstanding_shows_menu_and_person(dispatcher):
    events = [_user("nlu_fallback"), {"event": "bot", "text": "?"}, _user("nlu_fallback")]
    await ActionFallback().run(dispatcher, make_tracker(events=events), {})
    shown = texts(dispatcher)
    assert "atendente" in shown[0]
    assert shown[1] == "utter_menu"


async def test_a_close_call_offers_both_topics_as_numbered_choices(dispatcher):
    from actions.conversa import ActionEsclarecer

    tracker = make_tracker(text="a consulta online travou e preciso de um médico agora", intent="esclarecer")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.25},
        {"name": "pronto_atendimento_online", "confidence": 0.49},
        {"name": "afirmar", "confidence": 0.48},  # never offered: an answer, not a topic
        {"name": "tele_tecnologia", "confidence": 0.47},
    ]
    await ActionEsclarecer().run(dispatcher, tracker, {})
    [question, hint] = dispatcher.messages
    assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
        ("Pronto Atendimento Online (médico por vídeo, 24 h)", "/pronto_atendimento_online"),
        ("Teleconsulta: problema técnico na plataforma", "/tele_tecnologia"),
    ]
    assert "nenhum dos dois" in hint["text"]


async def test_several_demands_in_one_message_answer_the_first_named_instead_of_asking(dispatcher):
    # Tester: "preciso de varias coisas: a segunda via do boleto, ver meu reembolso de outubro e tambem o informe do
    # imposto de renda" asked "qual destes assuntos?" with two of the three.
    from actions.conversa import ActionEsclarecer

    text = ("oi, preciso de varias coisas: a segunda via do boleto, ver meu reembolso de outubro e tambem o informe "
            "do imposto de renda")
    tracker = make_tracker(text=text, intent="esclarecer")
    tracker.latest_message["intent_ranking"] = [
        {"name": "imposto_renda", "confidence": 0.41}, {"name": "reembolso", "confidence": 0.39},
    ]
    events = await ActionEsclarecer().run(dispatcher, tracker, {})
    reread = [e for e in events if e.get("event") == "user"]
    assert dispatcher.messages == [] and reread[0]["parse_data"]["intent"]["name"] == "financeiro"


def _asked(intent: str, text: str = "x") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def test_a_follow_up_stays_in_the_latest_topic():
    from actions.contexto import assunto_atual

    follow_up = _asked("continuar_assunto", "e o prazo?")
    # Answers and identifiers in between keep the topic; the follow-up itself is not a topic.
    assert assunto_atual([_asked("reembolso"), _asked("informar_identificacao"), _asked("afirmar"), follow_up]) == (
        "reembolso"
    )
    assert assunto_atual([_asked("financeiro"), _asked("reembolso"), follow_up]) == "reembolso"
    # The menu, a goodbye or leaving the identification close the topic.
    assert assunto_atual([_asked("reembolso"), _asked("menu"), follow_up]) is None
    assert assunto_atual([_asked("reembolso"), _asked("sair"), follow_up]) is None
    assert assunto_atual([follow_up]) is None
    # Too far back is not the topic any more.
    assert assunto_atual([_asked("reembolso"), *[_asked("afirmar")] * 8, follow_up]) is None


def test_a_digit_answering_a_question_is_not_the_menu_option_of_that_digit():
    from actions.contexto import assunto_atual

    follow_up = _asked("continuar_assunto", "e se for urgente?")
    asking = {"event": "active_loop", "name": "escolha_pessoa_form"}
    done = {"event": "active_loop", "name": None}
    # "1" answered "de quem você quer ver as autorizações?": the NLU read it as option 1 (reembolso), and the
    # follow-up went to the reimbursements.
    events = [_asked("autorizacao", "preciso da autorização de uma ressonância"), asking,
              _asked("reembolso", "1"), done, follow_up]
    assert assunto_atual(events) == "autorizacao"
    # Typed at the menu, the same digit is the option.
    assert assunto_atual([_asked("autorizacao"), done, _asked("reembolso", "1"), follow_up]) == "reembolso"


async def test_a_follow_up_is_put_back_as_a_question_about_the_topic(dispatcher):
    from actions.conversa import ActionContinuarAssunto

    tracker = make_tracker(
        text="e o prazo?", intent="continuar_assunto",
        events=[_asked("reembolso", "meu reembolso"), {"event": "bot", "text": "..."},
                _asked("continuar_assunto", "e o prazo?")],
    )
    tracker.latest_message["metadata"] = {"canal": "whatsapp"}
    events = await ActionContinuarAssunto().run(dispatcher, tracker, {})
    assert [e["event"] for e in events] == ["rewind", "action", "user"]
    assert events[1]["name"] == "action_listen"
    copy = events[2]
    assert copy["text"] == "e o prazo?"
    assert copy["parse_data"]["intent"] == {"name": "reembolso", "confidence": 1.0}
    # The copy keeps the channel's metadata and is marked, so transcripts show the message once.
    assert copy["metadata"] == {"canal": "whatsapp", "continuacao": True}
    assert dispatcher.messages == []


async def test_a_follow_up_without_a_topic_asks_which_topic(dispatcher):
    from actions.conversa import ActionContinuarAssunto

    tracker = make_tracker(text="e o prazo?", intent="continuar_assunto", events=[_asked("continuar_assunto")])
    assert await ActionContinuarAssunto().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher) == [
        "Sobre qual assunto é a sua pergunta? Escreva o assunto ou digite *menu* para ver as opções."
    ]


async def test_a_bare_urgency_gets_the_ways_to_urgent_help():
    # "é urgente!!" was "não entendi": the emergency number first, then PA Online and the 24-hour line.
    for action in (ActionFallback(), ActionForaDeEscopo()):
        said = CollectingDispatcher()
        await action.run(said, make_tracker(text="é urgente!!", intent="nlu_fallback"), {})
        first = texts(said)[0]
        assert first.index("192") < first.index("Pronto Atendimento Online") < first.index("0800 030 9009")
        assert texts(said)[-1] == "utter_algo_mais"


async def test_a_question_about_the_network_gets_the_central_and_the_emergency_number():
    # "qual hospital credenciado atende 24h em bh?" was "não entendi".
    said = CollectingDispatcher()
    await ActionForaDeEscopo().run(said, make_tracker(text="qual hospital credenciado atende 24h em bh?",
                                                      intent="fora_de_escopo"), {})
    first = texts(said)[0]
    assert "rede credenciada" in first and "0800 030 9009" in first and "192" in first


async def test_when_will_you_answer_after_a_ticket_gets_its_protocol(dispatcher):
    # "quando vão me responder?" after a dispute was "só consigo ajudar com assuntos do seu plano".
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: "41750520261202000009"}, text="quando vao me responder?",
                           intent="fora_de_escopo")
    await ActionForaDeEscopo().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith("Seu pedido tem o protocolo 41750520261202000009.")
    # Without a ticket in the conversation, the question is not about one.
    other = CollectingDispatcher()
    await ActionForaDeEscopo().run(other, make_tracker(text="quando vao me responder?", intent="fora_de_escopo"), {})
    assert "41750520261202000009" not in "\n".join(texts(other))


async def test_a_payment_report_the_classifier_missed_goes_to_the_boletos(dispatcher):
    # "paguei sabado no app do banco" was out of scope.
    events = await ActionForaDeEscopo().run(
        dispatcher, make_tracker(text="paguei sabado no app do banco", intent="fora_de_escopo"), {}
    )
    relido = [e for e in events if e.get("event") == "user"]
    assert relido and relido[0]["parse_data"]["intent"]["name"] == "financeiro" and not texts(dispatcher)


async def test_ages_after_the_plans_are_a_price_question(dispatcher):
    # "quanto eu ia economizar? somos eu com 51, meu marido 54 e minha filha de 14" was "não entendi".
    texto = "quanto eu ia economizar? somos eu com 51, meu marido 54 e minha filha de 14"
    events = [_asked("novos_planos", "quero mudar meu plano pra enfermaria"), {"event": "bot", "text": "..."},
              _asked("nlu_fallback", texto)]
    relido = [e for e in await ActionFallback().run(dispatcher, make_tracker(text=texto, events=events), {})
              if e.get("event") == "user"]
    assert relido and relido[0]["parse_data"]["intent"]["name"] == "novos_planos"


async def test_a_comparison_of_boletos_the_classifier_missed_goes_to_option_4(dispatcher):
    texto = "pq o de dezembro ta mais caro que o de setembro?"
    events = await ActionFallback().run(dispatcher, make_tracker(text=texto, intent="nlu_fallback"), {})
    relido = [e for e in events if e.get("event") == "user"]
    assert relido and relido[0]["parse_data"]["intent"]["name"] == "financeiro"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("vcs aceitam pix?", "boleto que a Cemig Saúde emite"), ("qual o horario de voces", "utter_falar_atendente")],
)
async def test_how_to_pay_and_the_opening_hours_are_not_out_of_scope(dispatcher, text, expected):
    # Both were "Desculpe, só consigo ajudar com assuntos do seu plano Cemig Saúde".
    await ActionForaDeEscopo().run(dispatcher, make_tracker(text=text, intent="fora_de_escopo"), {})
    assert expected in texts(dispatcher)[0] and "utter_fora_de_escopo" not in texts(dispatcher)


async def test_a_short_question_between_two_topics_is_about_the_one_being_talked_about(dispatcher):
    # "como eu peço?" right after the authorizations got "Autorização ou Número de cartão?".
    from actions.conversa import ActionEsclarecer

    events = [
        {"event": "user", "text": "como funciona a autorização?", "parse_data": {"intent": {"name": "autorizacao"}}},
        {"event": "bot", "text": "Como funciona a autorização prévia..."},
        {"event": "user", "text": "como eu peço?", "parse_data": {"intent": {"name": "esclarecer"}}},
    ]
    tracker = make_tracker(text="como eu peço?", intent="esclarecer", events=events)
    tracker.latest_message["intent_ranking"] = [{"name": "autorizacao", "confidence": 0.21},
                                                {"name": "numero_cartao", "confidence": 0.2}]
    reread = await ActionEsclarecer().run(dispatcher, tracker, {})
    assert [e["parse_data"]["intent"]["name"] for e in reread if e.get("event") == "user"] == ["autorizacao"]
    assert not dispatcher.messages
    # Outside that topic, the question is asked.
    other = type(dispatcher)()
    fresh = make_tracker(text="como eu peço?", intent="esclarecer")
    fresh.latest_message["intent_ranking"] = tracker.latest_message["intent_ranking"]
    await ActionEsclarecer().run(other, fresh, {})
    assert other.messages[0]["buttons"]


async def test_naming_a_doctor_after_the_cps_answer_tells_who_books_and_where(dispatcher):
    from actions.cps import AGENDA_CPS

    # "com clinico geral" after "quero marcar consulta no cps" was "não entendi".
    events = [_asked("agendamento_cps", "quero marcar consulta no cps"), {"event": "bot", "text": "..."},
              _asked("nlu_fallback", "com clinico geral")]
    await ActionFallback().run(dispatcher, make_tracker(text="com clinico geral", events=events), {})
    assert texts(dispatcher) == [AGENDA_CPS, "utter_algo_mais"]
    assert "3253-4888" in AGENDA_CPS and "Nova Consulta" in AGENDA_CPS
    # Without the CPS before it, the same words are not understood.
    other = CollectingDispatcher()
    await ActionFallback().run(other, make_tracker(text="com clinico geral", events=events[2:]), {})
    assert texts(other) == ["utter_ask_rephrase"]


@pytest.mark.parametrize("text", ["e o relatorio do medico eu mando como? por aqui?",
                                  "quero mandar o laudo do medico como faço"])
async def test_asking_how_to_send_a_document_says_where(dispatcher, text):
    from actions.conversa import ENVIO_POR_AQUI

    # Was "Ainda não consegui entender" and "só consigo ajudar com assuntos do seu plano".
    await ActionFallback().run(dispatcher, make_tracker(text=text, events=[_user("nlu_fallback")]), {})
    assert texts(dispatcher) == [ENVIO_POR_AQUI, "utter_algo_mais"]
    assert "aplicativo ou pelo Portal Cemig Saúde" in ENVIO_POR_AQUI


async def test_a_relative_after_the_cancellation_rules_gets_the_dependants_part(dispatcher):
    from actions.conversa import DEPENDENTES_NO_CANCELAMENTO, ActionContinuarAssunto

    # "e a minha filha continua?" after "quero cancelar meu plano" asked which topic.
    events = [_asked("cancelar_plano", "quero cancelar meu plano"), {"event": "bot", "text": "..."},
              _asked("continuar_assunto", "e a minha filha continua?")]
    tracker = make_tracker(text="e a minha filha continua?", intent="continuar_assunto", events=events)
    assert await ActionContinuarAssunto().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher) == [DEPENDENTES_NO_CANCELAMENTO, "utter_algo_mais"]
    assert "Art. 26, §1º" in DEPENDENTES_NO_CANCELAMENTO


async def test_coming_back_after_cancelling_is_answered_after_the_cancellation_rules(dispatcher):
    from actions.conversa import VOLTAR_DEPOIS_DO_CANCELAMENTO, ActionContinuarAssunto

    # u17: "e se eu cancelar e quiser voltar depois?" got "Sobre qual assunto é a sua pergunta?".
    pergunta = "e se eu cancelar e quiser voltar depois?"
    events = [_asked("cancelar_plano", "quero cancelar meu plano, ta muito caro"), {"event": "bot", "text": "..."},
              _asked("continuar_assunto", pergunta)]
    tracker = make_tracker(text=pergunta, intent="continuar_assunto", events=events)
    assert await ActionContinuarAssunto().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher) == [VOLTAR_DEPOIS_DO_CANCELAMENTO, "utter_algo_mais"]
    assert "Art. 20, §5º" in VOLTAR_DEPOIS_DO_CANCELAMENTO


async def test_how_long_after_a_protocol_of_this_conversation_gets_its_deadline(dispatcher):
    from actions.conversa import ActionContinuarAssunto

    # u17: "e quanto tempo demora?" right after the desk's protocol got "Sobre qual assunto é a sua pergunta?".
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: "41750520261202000009"}, text="e quanto tempo demora?",
                           intent="continuar_assunto", events=[_asked("continuar_assunto", "e quanto tempo demora?")])
    assert await ActionContinuarAssunto().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher)[0].startswith("Seu pedido tem o protocolo 41750520261202000009.")


@pytest.mark.parametrize(
    ("contado", "perguntas", "respostas"),
    [
        # u17: "qual o prazo pra avisar?" after the rules for a death got the plans on sale.
        ("meu marido faleceu, ele era o titular, o que acontece com o plano?",
         ["qual o prazo pra avisar?", "e quanto tempo eles tem pra decidir?"],
         ["em até 72 horas do falecimento (Art. 26, §3º", "30 dias corridos para formalizar o interesse"]),
        ("minha filha era dependente e faleceu", ["e qual o prazo?"], ["em até 72 horas do falecimento"]),
    ],
)
async def test_a_follow_up_to_the_rules_after_a_death_gets_the_part_it_asks(dispatcher, contado, perguntas,
                                                                              respostas):
    from actions.conversa import ActionContinuarAssunto

    events = [_asked("novos_planos", contado), {"event": "bot", "text": "Sinto muito pela perda."}]
    for pergunta, resposta in zip(perguntas, respostas, strict=True):
        events.append(_asked("continuar_assunto", pergunta))
        tracker = make_tracker(text=pergunta, intent="continuar_assunto", events=events)
        dispatcher.messages.clear()
        assert await ActionContinuarAssunto().run(dispatcher, tracker, {}) == []
        said = texts(dispatcher)
        assert resposta in said[0] and said[1] == "utter_algo_mais" and "planos à venda" not in said[0]
    # A dependant's death leaves nobody deciding whether to stay: that part is not said.
    assert ("dependente" in contado) == ("30 dias" not in said[0])


async def test_anyone_there_with_nothing_open_is_the_bot_saying_it_is_there(dispatcher):
    # "tem alguém aí?" was "Desculpe, não entendi": the person learns who answers and how to reach a person.
    await ActionFallback().run(dispatcher, make_tracker(text="tem alguém aí?", intent="nlu_fallback"), {})
    said = texts(dispatcher)
    assert said == [ESTOU_AQUI] and "digite 0" in said[0]


async def test_an_identified_spouse_saying_his_wife_allows_it_is_told_how_she_can_see_hers(dispatcher):
    # u26: José, identified, wrote "sou o marido dela, ela deixou" to see Maria's reimbursements: "não entendi".
    tracker = make_tracker({"identificado": True, "beneficiario_id": "2"}, text="sou o marido dela, ela deixou",
                           intent="nlu_fallback")
    await ActionFallback().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("Mesmo com a permissão da pessoa") and said[0].endswith("depois de digitar *sair*.")


async def test_emojis_alone_are_asked_in_words(dispatcher):
    # u26: "🙏🙏😭😭" got "Desculpe, não entendi. Pode escrever de outra forma?".
    from actions.conversa import SO_EMOJIS

    await ActionFallback().run(dispatcher, make_tracker(text="🙏🙏😭😭", intent="nlu_fallback"), {})
    assert texts(dispatcher) == [SO_EMOJIS]
    assert "0 para falar com um atendente" in SO_EMOJIS


async def test_a_desk_client_needing_the_medicine_today_is_told_where_care_is_now(dispatcher):
    # u26: "e se precisar do antibiotico hoje ainda?" after a request to the desk from Portugal was "Sobre qual
    # assunto é a sua pergunta?"; the desk answers in days.
    from actions.conversa import ActionContinuarAssunto

    tracker = make_tracker({"tele_protocolo": "41750520261207000001", "tele_nif": "245678905"},
                           text="e se precisar do antibiotico hoje ainda?", intent="continuar_assunto")
    await ActionContinuarAssunto().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0].startswith("Se precisa de um médico ou de uma receita hoje, em Portugal ligue para o SNS 24")


async def test_question_marks_alone_are_not_called_emojis(dispatcher):
    # u27: "??" after waiting got "Recebi só emojis".
    await ActionFallback().run(dispatcher, make_tracker(text="??", intent="nlu_fallback"), {})
    assert not any("emojis" in t for t in texts(dispatcher) if t)


@pytest.mark.parametrize("insulto", ["bot inutil, lixo", "que porcaria de atendimento"])
async def test_an_insult_gets_the_anger_acknowledged_and_a_person_offered(dispatcher, insulto):
    # u27: insults got "Desculpe, só consigo ajudar com assuntos do seu plano", twice.
    from actions.conversa import IRRITACAO

    await ActionForaDeEscopo().run(dispatcher, make_tracker(text=insulto, intent="fora_de_escopo"), {})
    assert texts(dispatcher) == [IRRITACAO]
