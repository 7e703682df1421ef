"""Follow-up questions ("e o prazo?") keep the conversation's topic (bot/nlu/followup.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.followup import CONTINUAR, FollowUpMarker, is_follow_up


@pytest.mark.parametrize(
    "text",
    ["e o prazo?", "E O DA MINHA FILHA?", "e pra minha mãe?", "e quanto fica?", "mas e se eu pagar dia 20?",
     "e o de outubro?", "e a coparticipação dela",
     # "e até sexta?" after the late fee of a boleto was "não entendi".
     "e ate sexta?", "e na quinta?",
     # u26: "ta bom, e os meus?" after being told he sees only his own data was "não entendi".
     "ta bom, e os meus?", "ok, e o prazo?", "entendi. e quanto fica?",
     # u26: "quero ver os da minha esposa" after the reimbursements was "não entendi".
     "quero ver os da minha esposa", "posso ver o do meu filho?",
     # u27: "e só da Ana?" and "agora só do José" after the usage were "não entendi".
     "e so da minha filha ana?", "e só da Ana?", "agora só do José"],
)
def test_short_questions_opening_with_e_are_follow_ups(text):
    assert is_follow_up(text)


@pytest.mark.parametrize(
    "text",
    ["eu quero o prazo", "e", "emitir a segunda via", "o prazo", "é o da minha filha", "é isso mesmo", "e isso",
     "e o prazo do reembolso que pedi em outubro pro meu filho?", "e os demais?", "E OS PRÓXIMOS",
     "e os outros? manda mais"],
)
def test_other_messages_are_not(text):
    assert not is_follow_up(text)


def _marked(text, intent, confidence):
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence},
                                   {"name": "mais", "confidence": confidence - 0.05}], add_to_output=True)
    FollowUpMarker(FollowUpMarker.get_default_config()).process([message])
    return message


def test_a_follow_up_the_classifier_reads_as_no_topic_continues_the_conversation():
    message = _marked("e o da minha filha?", "fora_de_escopo", 0.28)
    assert message.get("intent") == {"name": CONTINUAR, "confidence": 1.0}
    # Every other guess drops to zero, so the fallback does not call it a close call.
    assert [r["confidence"] for r in message.get("intent_ranking")] == [1.0, 0.0, 0.0]


def test_a_follow_up_that_names_a_topic_goes_to_that_topic():
    assert _marked("e a segunda via do boleto?", "financeiro", 0.91).get("intent")["name"] == "financeiro"
    # Unsure about a topic: still a follow-up.
    assert _marked("e o de outubro?", "utilizacao", 0.4).get("intent")["name"] == CONTINUAR


def test_a_follow_up_pointing_at_what_was_shown_continues_the_topic_however_sure_the_classifier_is():
    # u26: "e quando vao pagar esse?" after the reimbursements showed the overdue boletos and the cancellation warning.
    assert _marked("e quando vao pagar esse?", "financeiro", 0.93).get("intent")["name"] == CONTINUAR
    assert _marked("e quando vence esse boleto?", "financeiro", 0.93).get("intent")["name"] == "financeiro"
    # A possessive after the thing named is no pointing back (e2e: "e o cartão dela?" stayed in the reimbursements).
    assert _marked("e o cartão dela?", "numero_cartao", 0.9).get("intent")["name"] == "numero_cartao"


def test_a_when_question_followed_by_more_words_continues_the_topic():
    # u26: "mas qual o prazo??? o regulamento não fala?" after a delayed authorization showed the boletos.
    assert _marked("mas qual o prazo??? o regulamento não fala?", "financeiro", 0.21).get("intent")["name"] == CONTINUAR


def test_a_message_that_is_not_a_follow_up_is_left_alone():
    assert _marked("quero falar de outra coisa", "fora_de_escopo", 0.5).get("intent")["name"] == "fora_de_escopo"


def test_a_paging_command_inside_a_follow_up_keeps_the_page():
    # "e os outros? manda mais" asks for the next page of the list, not about the topic.
    message = _marked("e os outros? manda mais", "mais", 0.55)
    assert message.get("intent")["name"] == "mais"


@pytest.mark.parametrize(
    "text",
    ["quanto tempo demora?", "Qual o prazo?", "demora muito?", "quando cai o dinheiro?", "ok, quanto tempo leva?",
     "quanto falta pra cair?",
     # "tem em pdf?" was a goodbye, and ended the conversation.
     "tem em pdf?", "consigo baixar?", "dá pra imprimir?"],
)
def test_a_short_when_question_continues_the_topic(text):
    # "quanto tempo demora?" right after the list of authorizations was "só consigo ajudar com assuntos do plano".
    assert _marked(text, "fora_de_escopo", 0.45).get("intent")["name"] == CONTINUAR


def test_a_when_question_that_names_its_topic_or_runs_long_is_not_a_follow_up():
    assert _marked("quando vence o boleto?", "financeiro", 0.99).get("intent")["name"] == "financeiro"
    assert not is_follow_up("quanto tempo demora para liberar a autorização de uma ressonância?")
    assert not is_follow_up("demorou demais o atendimento")
    # Out of scope in the training data: a "when" about anything else is not about the conversation's topic.
    assert not is_follow_up("quando é o próximo feriado")


def test_a_question_about_cancelling_is_not_a_follow_up_of_the_topic():
    # "e se eu cancelar, posso voltar?" after the boletos asked about the plan, not about the boletos.
    message = _marked("e se eu cancelar posso voltar depois?", "cancelar_plano", 1.0)
    assert message.get("intent")["name"] == "cancelar_plano"


def test_a_bare_year_is_another_year_of_the_same_question():
    # "2024" after the income tax was a question between option 4 and option 6.
    assert is_follow_up("2024") and is_follow_up(" 2023? ")
    message = _marked("2024", "financeiro", 0.22)
    assert message.get("intent")["name"] == CONTINUAR
