"""A symptom the classifier could not place is PA Online (bot/nlu/symptoms.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import IdentifierExtractor
from bot.nlu.symptoms import PRONTO_ATENDIMENTO, is_urgent, symptom_intent, tells_a_symptom


@pytest.mark.parametrize(
    ("text", "likeliest"),
    [
        # What the classifier said of these before (fora_de_escopo, afirmar, or PA Online too weak to stand).
        ("estou com dor de cabeça forte desde ontem", "fora_de_escopo"),
        ("to passando mal", "afirmar"),
        ("meu bebê está com diarreia", "fora_de_escopo"),
        ("meu filho ta com febre e vomitando, o que eu faço?", PRONTO_ATENDIMENTO),
        ("minha mãe está com falta de ar", PRONTO_ATENDIMENTO),
        ("TO COM MUITA TOSSE 😷", "negar"),
        ("minha filha de 3 anos está com febre", "fora_de_escopo"),
    ],
)
def test_a_symptom_nobody_placed_goes_to_pa_online(text, likeliest):
    assert symptom_intent(text, likeliest) == PRONTO_ATENDIMENTO


@pytest.mark.parametrize(
    ("text", "likeliest"),
    [
        # A topic's own request that mentions a symptom stays with the topic.
        ("minha filha passou mal viajando e paguei a consulta, quero pedir o reembolso", "reembolso"),
        ("o médico da teleconsulta se negou a me dar atestado e eu estava com febre", "tele_clinica"),
        ("o plano cobre tratamento de dengue?", "autorizacao"),
        # No symptom at all.
        ("quero o resultado do exame de sangue", "fora_de_escopo"),
        ("a ligação caiu", "fora_de_escopo"),
        ("qual a previsão do tempo?", "fora_de_escopo"),
    ],
)
def test_topics_and_messages_without_a_symptom_keep_the_classifier_guess(text, likeliest):
    assert symptom_intent(text, likeliest) is None


def test_the_signs_that_need_the_emergency_number_are_told_apart():
    for text in ("minha mãe está com falta de ar", "meu pai desmaiou", "dor no peito forte", "ele teve convulsão"):
        assert is_urgent(text) and tells_a_symptom(text), text
    for text in ("meu filho está com febre", "estou com dor de garganta", "tô gripado"):
        assert tells_a_symptom(text) and not is_urgent(text), text


def test_the_component_turns_the_guess_into_pa_online_and_keeps_identifiers():
    message = Message.build(text="to passando mal")
    message.set("intent", {"name": "afirmar", "confidence": 0.2}, add_to_output=True)
    message.set("intent_ranking", [{"name": "afirmar", "confidence": 0.2}], add_to_output=True)
    IdentifierExtractor().process([message])
    assert message.get("intent") == {"name": PRONTO_ATENDIMENTO, "confidence": 1.0}
    # A CPF alone is still an identification, whatever the classifier guessed.
    message = Message.build(text="529.982.247-25")
    message.set("intent", {"name": "fora_de_escopo", "confidence": 0.3}, add_to_output=True)
    IdentifierExtractor().process([message])
    assert message.get("intent")["name"] == "informar_identificacao"


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        # An emergency sign, or a symptom and "what do I do?", over a topic the classifier guessed: these asked for
        # the CPF of an identified option, or whether the message was about disputing a bill.
        ("meu marido ta com dor no peito forte, o que eu faço?", "autorizacao"),
        ("socorro meu marido ta com dor no peito o que eu faço", "contestar_utilizacao"),
        ("minha filha ta com febre alta 39,5 e vomitando, sao 2 da manha, o que eu faço??", "utilizacao"),
    ],
)
def test_an_emergency_or_a_plea_for_help_is_pa_online_whatever_the_guess(text, guess):
    assert symptom_intent(text, guess) == PRONTO_ATENDIMENTO


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("Minha filha passou mal em viagem, levamos num pronto socorro e pagamos R$ 480. Como peço de volta?",
         "reembolso"),
        ("o hospital negou a autorização da cirurgia do meu pai que teve um infarto", "autorizacao"),
        ("minha filha teve febre semana passada", "utilizacao"),
    ],
)
def test_a_symptom_inside_a_topics_request_stays_with_the_topic(text, guess):
    assert symptom_intent(text, guess) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Tester: the complaint got only the emergency text and was never registered.
        ("fui ao pronto-socorro com falta de ar anteontem e me mandaram embora sem exame. um absurdo", "ouvidoria"),
        ("semana passada minha mãe desmaiou e o hospital deixou ela sem atendimento, fiquei 6 horas esperando",
         "ouvidoria"),
        # The symptom goes on: the emergency comes first, whatever else the message says.
        ("ontem tive dor no peito, me mandaram embora e agora voltou a doer, um absurdo", "pronto_atendimento_online"),
        ("anteontem me trataram mal no PS e ainda estou com falta de ar", "pronto_atendimento_online"),
    ],
)
def test_a_complaint_about_past_care_is_the_ombudsmans_unless_the_symptom_goes_on(text, expected):
    assert symptom_intent(text, "fora_de_escopo") == expected
