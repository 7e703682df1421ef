"""PA Online guidance: browser troubleshooting and the support line."""

from __future__ import annotations

import pytest

from actions.orientacoes import ActionOrientarProntoAtendimento, orientacao
from actions.sinais import LIGUE_AGORA, LIGUE_AGORA_PT
from bot.canais import EMERGENCIA_TELEFONE
from tests.actions.conftest import make_tracker, texts


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("a câmera não funciona, uso firefox no pc", "Usar a câmera"),
        ("chrome no computador", "Configurações do site"),
        ("chrome no meu celular android", "mova a chave até ficar azul"),
        ("safari no iphone", "“aA”"),
        ("safari no mac", "Preferências do Sistema"),
    ],
)
def test_each_browser_gets_its_own_steps_and_the_support_line(message, expected):
    answer = orientacao(message)
    assert expected in answer
    assert "4000-1896" in answer and "4004-1896" not in answer


def test_camera_problem_without_browser_asks_which_one():
    answer = orientacao("minha câmera não liga na consulta online")
    assert "navegador" in answer and "Safari no iPhone" in answer


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("não recebi o código de validação", "Código de validação"),
        ("como minha filha de 10 anos faz a consulta online?", "Acesse o perfil dos seus dependentes"),
        ("onde fica a receita do médico online?", "Meus Medicamentos"),
        ("como uso o pronto atendimento online?", "Novo Pronto Atendimento Online"),
    ],
)
def test_topics(message, expected):
    assert expected in orientacao(message)


async def test_action_answers_and_offers_more(dispatcher):
    await ActionOrientarProntoAtendimento().run(dispatcher, make_tracker(text="safari no iphone"), {})
    assert "“aA”" in texts(dispatcher)[0]
    assert texts(dispatcher)[1] == "utter_algo_mais"


def test_a_parent_whose_child_needs_a_doctor_now_reads_how_to_get_in_first():
    answer = orientacao("boa noite, meu filho ta com febre alta, tem medico online agora?")
    assert answer.index("Novo Pronto Atendimento Online") < answer.index("Acesse o perfil dos seus dependentes")
    assert "pediatra" in answer
    # Asking how it works for a child, with no hurry, is only the dependant's step.
    assert "Novo Pronto Atendimento Online" not in orientacao("como minha filha de 10 anos faz a consulta online?")


def test_a_symptom_gets_the_way_in_and_when_to_call_192():
    from actions.orientacoes import ACESSO, EMERGENCIA, SE_PIORAR

    answer = orientacao("estou com dor de cabeça forte desde ontem")
    assert answer == f"{ACESSO}\n\n{SE_PIORAR}"
    # Signs that cannot wait for a video call: the emergency number, and no tutorial of the platform after it
    # (a tester found the SAMU line buried under the steps for minors).
    urgent = orientacao("minha mãe está com falta de ar")
    # u20: what to do (the number) first, then the signs.
    assert urgent.startswith(f"{LIGUE_AGORA.format(numero=EMERGENCIA_TELEFONE)}\nTambém são emergência: falta de ar")
    assert urgent.endswith(EMERGENCIA.split(". ")[-1]) and ACESSO not in urgent
    # u24: two warnings in a row, both "ligue 192": the number is said once.
    assert urgent.count("192") == 1 and urgent.count("⚠️") == 1
    # A baby is a dependant: the way in, then the dependant's profile step.
    baby = orientacao("meu bebê está com diarreia")
    assert "Novo Pronto Atendimento Online" in baby and "perfil dos seus dependentes" in baby and SE_PIORAR in baby
    # A question about the platform is not told about emergencies.
    assert "192" not in orientacao("como faço o primeiro acesso no pronto atendimento online?")


async def test_in_the_middle_of_an_identification_the_answer_does_not_ask_anything_else(dispatcher):
    # "Posso ajudar em algo mais?" then "Agora, informe sua data de nascimento": two questions at once.
    tracker = make_tracker(text="meu marido tá com dor no peito")
    tracker.active_loop = {"name": "identificacao_form"}
    await ActionOrientarProntoAtendimento().run(dispatcher, tracker, {})
    assert "192" in texts(dispatcher)[0] and "utter_algo_mais" not in texts(dispatcher)


def test_a_call_that_dropped_in_the_online_care_gets_how_to_get_back_in():
    # "tava na teleconsulta com o medico e a chamada caiu, e agora??" got how to enter PA Online for the first time.
    from actions.orientacoes import CHAMADA_CAIU_PA

    answer = orientacao("tava na teleconsulta com o medico e a chamada caiu, e agora??")
    assert answer.startswith(CHAMADA_CAIU_PA) and "4000-1896" in answer and "Primeiro acesso" not in answer


@pytest.mark.parametrize("texto", ["e é preciso pagar alguma coisa?", "quanto custa?", "tem coparticipação?"])
def test_the_pa_online_costs_nothing(texto):
    # Art. 82 §4º, II: no co-payment; before, the question drew the invoices and a CPF was asked.
    assert orientacao(texto).startswith("Não há nada a pagar") and "art. 82, § 4º, II" in orientacao(texto)


@pytest.mark.parametrize(("texto", "intent"), [("e é preciso pagar alguma coisa?", "financeiro"),
                                               ("como faço para aceder?", "numero_cartao")])
async def test_a_question_about_the_pa_online_after_it_needs_no_cpf(dispatcher, texto, intent):
    from actions.identificacao_fluxo import ActionSolicitarIdentificacao

    events = [{"event": "user", "text": "a minha filha tem febre, há médico agora?",
               "parse_data": {"intent": {"name": "pronto_atendimento_online"}}},
              {"event": "user", "text": texto, "parse_data": {"intent": {"name": intent}}}]
    tracker = make_tracker(text=texto, intent=intent, events=events)
    result = await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    again = [e for e in result if e.get("event") == "user"]
    assert again[0]["parse_data"]["intent"]["name"] == "pronto_atendimento_online" and texts(dispatcher) == []


def test_breathing_trouble_said_in_ptpt_is_an_emergency():
    # u12: "custa-lhe respirar" got the PA Online sign-up steps and "se aparecer falta de ar, ligue 192".
    from actions.orientacoes import EMERGENCIA_PT, orientacao
    from actions.sinais import SINAIS_EM_CRIANCA

    answer = orientacao("O meu filho de 2 anos está com febre de 40 e custa-lhe respirar, o que faço?")
    assert answer.startswith(f"{LIGUE_AGORA_PT}\nTambém são emergência") and answer.endswith(SINAIS_EM_CRIANCA)
    assert "ligue 112" in answer.lower() and "SNS 24" in answer and EMERGENCIA_PT not in answer


def test_the_price_of_a_medico_online_teleconsultation_is_the_medis_policys():
    # u12: "Quanto custa uma teleconsulta no Médico Online?" got the PA Online's "Não há nada a pagar", while the
    # desk's clients in Portugal pay by their Médis policy.
    answer = orientacao("Quanto custa uma teleconsulta no Médico Online?")
    assert answer.startswith("O Médico Online da Médis (Portugal) não é o Pronto Atendimento Online")
    assert "apoioaocliente@medis.pt" in answer and "218 458 888" in answer and "nada a pagar" not in answer
    assert orientacao("quanto custa o pa online?").startswith("Não há nada a pagar")


def test_someone_writing_from_portugal_reads_112_and_sns_24():
    # u14: "falta de ar e os lábios estão a ficar roxos. Estamos em Lisboa." read "ligue 192 (SAMU...)" first, and a
    # feverish baby at night in Portugal got the plan's PA Online, which needs the plan's card.
    from actions.orientacoes import EM_PORTUGAL

    urgent = orientacao("O meu pai está com falta de ar e os lábios estão a ficar roxos. Estamos em Lisboa.")
    assert urgent.startswith(f"{LIGUE_AGORA_PT}\nTambém são emergência") and "808 24 24 24" in urgent
    assert "192" not in urgent
    fever = orientacao("A minha filha tem febre alta, 40,2, estou a ficar aflita. Para onde ligo a esta hora?")
    assert fever == EM_PORTUGAL
    asthma = orientacao("minha filha asmática tá com chiado no peito e não consegue completar uma frase")
    assert asthma.startswith("⚠️") and "192" in asthma


@pytest.mark.parametrize(
    ("mensagem", "primeiro"),
    [
        # u19: a stroke told as a relative sees it got "não entendi" or the PA Online; only "AVC" got 192.
        ("meu marido tem 80 anos ta falando enrolado e com a boca torta de repente", "sinais de AVC"),
        ("minha mae ta com o braco dormente e a boca torta", "sinais de AVC"),
        ("minha mae de 85 anos ta muito confusa, nao fala coisa com coisa desde hoje a noite", "sinais de AVC"),
        ("meu marido tá com a boca torta e não consegue mexer o braço", "sinais de AVC"),
        # u19: "caiu" was the video call that dropped: "feche e reabra o navegador".
        ("meu pai de 82 anos caiu e bateu a cabeca, agora ta muito sonolento e vomitou", "Depois de uma queda"),
        ("minha mae de 90 anos caiu e nao consegue levantar, ta com muita dor no quadril", "Depois de uma queda"),
    ],
)
def test_a_stroke_or_a_bad_fall_gets_the_emergency_number_first_with_its_own_signs(mensagem, primeiro):
    from bot.nlu.symptoms import symptom_intent

    answer = orientacao(mensagem)
    assert answer.startswith("⚠️") and primeiro in answer.splitlines()[0] and "192" in answer.splitlines()[0]
    assert "navegador" not in answer and "chamada caiu" not in answer
    # Whatever the classifier guessed ("não entendi", "which of these two?"), the message is PA Online's.
    assert symptom_intent(mensagem, "nlu_fallback") == symptom_intent(mensagem, "tele_tecnologia") == (
        "pronto_atendimento_online"
    )


def test_a_call_that_dropped_is_still_the_call():
    answer = orientacao("tava no pa online e a chamada caiu, e agora?")
    assert "entre de novo no Pronto Atendimento Online" in answer and "⚠️" not in answer


def test_someone_who_cannot_use_the_platform_alone_gets_people_who_can_help():
    # u19: a 78-year-old with pain and fever, "como entro… nao sei mexer", got the same site steps again.
    from actions.orientacoes import NAO_SABE_USAR

    answer = orientacao("tô com muita dor na barriga e febre, como entro? nao sei mexer nisso")
    assert answer.startswith(NAO_SABE_USAR) and "0800 030 9009" in answer and "4000-1896" in answer
    assert "192" in answer  # when to stop trying and call
    assert "cadastrar" not in answer  # not the site's steps again


async def test_a_client_in_portugal_is_sent_to_the_desk_and_reads_112_first(dispatcher):
    # u20: "+351… a videochamada do Médico Online ficou congelada" got the PA Online's Brazilian support line, and
    # "a minha avó caiu e bateu com a cabeça, está confusa" (written with no Portuguese-only word) read 192 first.
    congelada = make_tracker(text="Olá. A videochamada do Médico Online ficou congelada e paguei a consulta na mesma",
                             intent="pronto_atendimento_online", sender="whatsapp:+351912000003")
    events = await ActionOrientarProntoAtendimento().run(dispatcher, congelada, {})
    assert any(e.get("event") == "user" and e["parse_data"]["intent"]["name"] == "tele_tecnologia" for e in events)
    assert texts(dispatcher) == []
    queda = make_tracker(text="a minha avó caiu e bateu com a cabeça, está confusa",
                         intent="pronto_atendimento_online", sender="whatsapp:+351912000006")
    await ActionOrientarProntoAtendimento().run(dispatcher, queda, {})
    first = texts(dispatcher)[0].splitlines()[0]
    assert first.startswith("⚠️ Depois de uma queda") and "ligue 112" in first and "192" not in first
