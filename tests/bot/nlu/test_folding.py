"""Lemmas without accents: "cartao" and "cartão" are the same word to the classifier (bot/nlu/folding.py)."""

from __future__ import annotations

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.folding import AccentFoldedLemmas


def _tokenized(text: str, lemmas: list) -> Message:
    message = Message.build(text=text)
    tokens, start = [], 0
    for word, lemma in zip(text.split(), lemmas, strict=True):
        start = text.index(word, start)
        tokens.append(Token(word, start, lemma=lemma))
        start += len(word)
    message.set(TOKENS_NAMES[TEXT], tokens)
    return message


def _lemmas(message: Message) -> list:
    return [token.lemma for token in message.get(TOKENS_NAMES[TEXT])]


def test_accented_and_unaccented_spellings_get_the_same_lemmas():
    accented = _tokenized("Não achei o cartão", ["Não", "achar", "o", "cartão"])
    plain = _tokenized("nao achei o cartao", ["nao", "achar", "o", "cartao"])
    AccentFoldedLemmas({}).process([accented, plain])
    assert _lemmas(accented) == _lemmas(plain) == ["nao", "achar", "o", "cartao"]
    # The text, from which identifiers are read, is not touched.
    assert accented.get(TEXT) == "Não achei o cartão"


def test_a_token_without_lemma_is_folded_from_its_text():
    message = _tokenized("Utilização", [""])
    AccentFoldedLemmas({}).process([message])
    assert _lemmas(message) == ["utilizacao"]


def test_training_examples_are_folded_like_incoming_messages():
    example = _tokenized("Coparticipação já", ["coparticipação", "já"])
    training = AccentFoldedLemmas({}).process_training_data(TrainingData([example]))
    assert _lemmas(training.training_examples[0]) == ["coparticipacao", "ja"]


def test_a_message_without_tokens_is_left_alone():
    message = Message.build(text="")
    AccentFoldedLemmas({}).process([message])
    assert message.get(TOKENS_NAMES[TEXT]) is None
