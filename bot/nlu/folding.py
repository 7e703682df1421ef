"""Lemmas without accents, so "cartao" and "cartão" are one word to the featurizers (issue 12).

On WhatsApp many people write without accents ("nao", "utilizacao", "voce"). The lookup lemmatizer only knows
the accented spellings, so an unaccented word keeps its own text as lemma and becomes a different feature from
the accented one, which the training examples mostly use. Folding the accents of every lemma, in training and
at run time alike, gives both spellings the same features; the text itself (and the identifiers read from it)
is left untouched.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.components import ConfiguredComponent
from bot.nlu.parsing import strip_accents


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class AccentFoldedLemmas(ConfiguredComponent):
    """Lower-cases the lemma of every token and removes its diacritics; place it right after the tokenizer."""

    @staticmethod
    def fold(messages: List[Message]) -> None:
        """Fold the lemmas of the text tokens of ``messages`` in place."""
        for message in messages:
            for token in message.get(TOKENS_NAMES[TEXT]) or []:
                token.lemma = strip_accents(token.lemma or token.text)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Fold the training examples' lemmas, as :meth:`process` will fold the messages'."""
        self.fold(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Fold the lemmas of incoming messages."""
        self.fold(messages)
        return messages
