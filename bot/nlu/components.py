"""Custom Rasa NLU component: identifiers by rule and menu digits by table.

CPF, card, protocol numbers and dates are read by :mod:`bot.nlu.parsing`
rather than learned, so that they never depend on what a statistical model
happened to see. A lone menu digit and a message made only of identifiers get
their intent here with full confidence, so the dialogue (and the IVR keypad)
cannot tell a typed "3" from "número do cartão".
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parsing import find_identifiers, is_only_identifiers, menu_digit_intent

IDENTIFICATION_INTENT = "informar_identificacao"


def _force_intent(message: Message, name: str) -> None:
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    ],
    is_trainable=False,
)
class IdentifierExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts ``cpf``, ``numero_cartao``, ``protocolo`` and ``data`` entities; maps menu digits.

    Place it after the statistical intent classifier and before
    ``FallbackClassifier`` so its decisions are final.
    """

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IdentifierExtractor":
        """Create the component (it has nothing to train or load)."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Add identifier entities and fix the intent of digit-only messages."""
        for message in messages:
            text = message.get(TEXT) or ""
            digit_intent = menu_digit_intent(text)
            if digit_intent:
                _force_intent(message, digit_intent)
                continue
            found = find_identifiers(text)
            if not found:
                continue
            entities = [
                {
                    ENTITY_ATTRIBUTE_TYPE: item.entity,
                    ENTITY_ATTRIBUTE_VALUE: item.value,
                    ENTITY_ATTRIBUTE_START: item.start,
                    ENTITY_ATTRIBUTE_END: item.end,
                    EXTRACTOR: self.__class__.__name__,
                    "confidence_entity": 1.0,
                }
                for item in found
            ]
            message.set(ENTITIES, [*message.get(ENTITIES, []), *entities], add_to_output=True)
            if is_only_identifiers(text, found) and any(f.entity != "protocolo" for f in found):
                _force_intent(message, IDENTIFICATION_INTENT)
        return messages
