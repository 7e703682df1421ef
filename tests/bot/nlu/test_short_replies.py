"""Short replies recognised by whole-message match (bot/nlu/short_replies.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import IdentifierExtractor
from bot.nlu.parsing import strip_accents
from bot.nlu.short_replies import (
    PRECEDENCE,
    REPLY_INTENTS,
    ShortRepliesError,
    lexicon,
    normalize,
    parse_lexicon,
    short_reply_intent,
    split_phrases,
)
from tools.evaluate import load_examples


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("de jeito nenhum", "negar"),
        ("De jeito nenhum!!! 🙅", "negar"),
        ("nao, de jeito nenhum", "negar"),
        ("Não, obrigado.", "negar"),
        ("siiim", "afirmar"),
        ("Deus lhe pague", "agradecimento"),
        ("Vc é demais!! 😍", "agradecimento"),  # was the paging command ("demais")
        ("vlw!", "agradecimento"),
        ("fica com Deus", "despedida"),
        ("bom dia", "saudacao"),
        # Phrases of several intents: a goodbye closes, a refusal with thanks refuses, thanks outweigh "ok".
        ("até a próxima, obrigada", "despedida"),
        ("de jeito nenhum, valeu", "negar"),
        ("ok, muito obrigado!", "agradecimento"),
        ("oi, obrigada", "agradecimento"),
        ("ok, não precisa", "negar"),
        ("Não, tá bom.", "negar"),
    ],
)
def test_a_short_reply_in_any_spelling_gets_its_intent(text, intent):
    assert short_reply_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "obrigado, quero a segunda via do boleto",
        "não recebi o reembolso",
        "sim, quero falar com um atendente",
        "vc é demais, mas o boleto veio errado",
        "",
        "👍🤔",
        "3",
    ],
)
def test_anything_more_than_short_replies_of_one_intent_is_left_to_the_classifier(text):
    assert short_reply_intent(text) is None


def test_the_extractor_gives_a_short_reply_its_intent_with_full_confidence():
    # "Deus lhe pague" shares "pague" with the invoices: the classifier alone said financeiro.
    message = Message.build(text="Deus lhe pague")
    message.set("intent", {"name": "financeiro", "confidence": 0.55}, add_to_output=True)
    message.set("intent_ranking", [{"name": "financeiro", "confidence": 0.55},
                                   {"name": "agradecimento", "confidence": 0.19}], add_to_output=True)
    IdentifierExtractor().process([message])
    assert message.get("intent") == {"name": "agradecimento", "confidence": 1.0}
    assert message.get("intent_ranking")[1] == {"name": "financeiro", "confidence": 0.0}


def test_the_shipped_lexicon_only_names_reply_intents_and_agrees_with_the_training_data():
    phrases = lexicon()
    assert len(phrases) > 150
    assert set(phrases.values()) == set(REPLY_INTENTS)
    # A phrase that is also a training example must carry the same intent there; otherwise the two sources of
    # the same answer would disagree.
    disagree = [(text, intent, phrases[normalize(text)]) for text, intent in load_examples(["data/nlu"])
                if normalize(text) in phrases and phrases[normalize(text)] != intent]
    assert not disagree


def test_phrases_of_several_intents_follow_the_convention_of_the_training_data():
    # Every training example made only of short replies of two or more intents ("obrigado, tchau", "não, valeu")
    # carries the intent the precedence gives it.
    phrases = lexicon()
    mixed = []
    for text, intent in load_examples(["data/nlu"]):
        parts = split_phrases(text)
        if len(parts) > 1 and all(part in phrases for part in parts) and len({phrases[p] for p in parts}) > 1:
            mixed.append((text, intent, short_reply_intent(text)))
    assert len(mixed) >= 10
    assert [m for m in mixed if m[1] != m[2]] == []
    assert sorted(PRECEDENCE) == sorted(REPLY_INTENTS)


def test_no_phrase_names_a_topic_or_a_command():
    # A phrase with a topic word would take a request away from the classifier. ("até mais" is a goodbye: only
    # "mais" alone asks for the next page, and that is read before the lexicon.)
    topic_words = {"boleto", "consulta", "reembolso", "atendente", "menu", "encerrar", "sair", "cartao",
                   "plano", "medico", "exame", "protocolo", "voltar", "inicio"}
    assert not [p for p in lexicon() if topic_words & set(strip_accents(p).split())]


@pytest.mark.parametrize(
    ("document", "line", "reason"),
    [
        ("negar: [não\n", 2, "YAML inválido"),
        ("negar:\n  - não\nreembolso:\n  - quero reembolso\n", 3, "não é uma resposta curta"),
        ("negar: não\n", 1, "deve ser uma lista"),
        ("negar:\n  - não\n  - 3\n", 3, "deve ser um texto"),
        ("afirmar:\n  - sim\n  - '👍'\n", 3, "fica vazia"),
        ("negar:\n  - não\nafirmar:\n  - Não!\n", 4, "já está em negar (linha 2)"),
    ],
)
def test_a_broken_lexicon_names_the_line_and_the_reason(document, line, reason):
    with pytest.raises(ShortRepliesError) as error:
        parse_lexicon(document, "short_replies.yml")
    assert error.value.line == line and reason in error.value.reason
    assert str(error.value).startswith(f"short_replies.yml, linha {line}: ")


@pytest.mark.parametrize(("text", "intent"), [("👍", "agradecimento"), ("👍👍", "agradecimento"),
                                              ("🙏🏽", "agradecimento"), ("👋", "despedida")])
def test_a_message_of_emoji_only_is_the_reply_they_stand_for(text, intent):
    # "👍" after the boletos was "Desculpe, não entendi".
    assert short_reply_intent(text) == intent
