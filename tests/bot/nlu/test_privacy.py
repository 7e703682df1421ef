"""Questions about the identification itself, recognised by pattern (bot/nlu/privacy.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import IdentifierExtractor
from bot.nlu.privacy import DUVIDA_IDENTIFICACAO, is_identification_question


@pytest.mark.parametrize(
    "text",
    [
        "por que vocês precisam do meu cpf?",
        "Pra que vc quer minha data de nascimento",
        "pq tenho que me identificar",
        "qual o motivo de pedir cpf",
        "pra que meu cpf?",
        "é seguro passar meu cpf aqui?",
        "isso é confiável?",
        "é seguro esse chat? 🤔",
        "isso é golpe?",
        "não é golpe não né",
        "vcs vão guardar meus dados?",
        "como vocês usam meus dados?",
        "meus dados estão seguros?",
        "e a LGPD?",
        "nao vou passar meu cpf",
        "não quero informar minha data de nascimento",
        "prefiro não me identificar",
        "POR QUE PRECISAM DO MEU CPF",
    ],
)
def test_questions_and_refusals_about_giving_the_cpf_are_recognised(text):
    assert is_identification_question(text)


@pytest.mark.parametrize(
    "text",
    [
        # Topics and complaints that share words with those questions.
        "o plano é seguro saúde?",
        "é seguro fazer teleconsulta?",
        "por que meu reembolso foi negado?",
        "por que a carteirinha não chegou",
        "sofri um golpe com um boleto falso",
        "quero atualizar meus dados cadastrais",
        "meu cpf está errado no cadastro",
        "para de usar meus dados, quero sair",
        "nao quero mais o plano",
        "não quero falar com robô",
        # A message that carries the identifier is an answer, whatever it also asks.
        "por que precisam do cpf? 529.982.247-25",
        "",
        # A long story that mentions the CPF is about something else.
        "liguei três vezes e em todas pediram meu cpf e minha data de nascimento e ninguém resolveu o reembolso "
        "da consulta do meu filho, por que isso acontece sempre com vocês",
    ],
)
def test_topics_answers_and_long_complaints_are_left_to_the_classifier(text):
    assert not is_identification_question(text)


def test_the_rule_overrides_the_classifier_and_zeroes_its_guesses():
    # The classifier took "por que vocês precisam do meu cpf?" for the menu, which ended the identification.
    message = Message.build(text="por que vocês precisam do meu cpf?")
    message.set("intent", {"name": "menu", "confidence": 0.54}, add_to_output=True)
    message.set("intent_ranking", [{"name": "menu", "confidence": 0.54}, {"name": "sair", "confidence": 0.2}],
                add_to_output=True)
    IdentifierExtractor().process([message])
    assert message.get("intent") == {"name": DUVIDA_IDENTIFICACAO, "confidence": 1.0}
    assert [r["confidence"] for r in message.get("intent_ranking")] == [1.0, 0.0, 0.0]


def test_a_short_reply_keeps_its_own_intent():
    message = Message.build(text="não")
    message.set("intent", {"name": "afirmar", "confidence": 0.6}, add_to_output=True)
    IdentifierExtractor().process([message])
    assert message.get("intent")["name"] == "negar"


@pytest.mark.parametrize(
    "text",
    ["o que e cpf 11 digitos? eu tenho 70 anos", "onde eu acho o cpf?", "ta na identidade?",
     "nao sei meu cpf de cabeça"],
)
def test_what_the_cpf_is_and_where_to_find_it_are_questions_about_the_identification(text):
    # At the CPF question these got the same question again, or buttons "Sair da identificação / Financeiro".
    assert is_identification_question(text)
