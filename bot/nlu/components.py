"""Custom Rasa NLU component: identifiers by rule and menu digits by table.

CPF, card, protocol numbers and dates are read by :mod:`bot.nlu.parsing`
rather than learned, so that they never depend on what a statistical model
happened to see. A lone menu digit and a message made only of identifiers get
their intent here with full confidence, so the dialogue (and the IVR keypad)
cannot tell a typed "3" from "número do cartão".
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
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
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import clock
from bot.intencoes import ESCLARECER, ESCLARECIVEIS, INFORMAR_IDENTIFICACAO
from bot.nlu.addendum import COMPLEMENTAR_CHAMADO, is_addendum
from bot.nlu.cancellation import CANCELAR_PLANO, is_cancellation_request
from bot.nlu.disputes import CONTESTAR_UTILIZACAO, states_a_dispute
from bot.nlu.manifestations import OUVIDORIA, is_compliment_or_suggestion
from bot.nlu.member_questions import member_question_intent
from bot.nlu.other_companies import FORA_DE_ESCOPO, is_other_company_request
from bot.nlu.parsing import (
    find_identifiers,
    find_relative_dates,
    is_only_identifiers,
    may_identify,
    menu_digit_intent,
    paging_intent,
    restart_intent,
    strip_accents,
)
from bot.nlu.policy import TELE_APOLICE, names_the_policy
from bot.nlu.privacy import DUVIDA_IDENTIFICACAO, is_data_rights_request, is_identification_question
from bot.nlu.second_copy import OPTIONS as SECOND_COPY_OPTIONS
from bot.nlu.second_copy import unnamed_second_copy
from bot.nlu.short_replies import says_already_said, short_reply_intent
from bot.nlu.symptoms import symptom_intent

IDENTIFICATION_INTENT = INFORMAR_IDENTIFICACAO
PROTOCOL_INTENT = "consultar_protocolo"


def force_intent(message: Message, name: str) -> None:
    """Give ``message`` the intent ``name`` with full confidence, every other guess at zero."""
    # The rule is certain, so the statistical guesses drop to zero; otherwise
    # FallbackClassifier would call a 1.0 vs 0.92 ranking ambiguous.
    ranking = [
        {INTENT_NAME_KEY: r.get(INTENT_NAME_KEY), PREDICTED_CONFIDENCE_KEY: 0.0}
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get(INTENT_NAME_KEY) != name
    ]
    top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)


def offer_between(message: Message, first: str, second: str) -> None:
    """Make ``first`` and ``second`` equally likely, every other guess zero, so the bot asks which one it is."""
    # An even split is what FallbackClassifier calls ambiguous and ClarifyAmbiguity turns into a question.
    ranking = [
        {INTENT_NAME_KEY: r.get(INTENT_NAME_KEY), PREDICTED_CONFIDENCE_KEY: 0.0}
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get(INTENT_NAME_KEY) not in (first, second)
    ]
    pair = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 0.5} for name in (first, second)]
    message.set(INTENT, dict(pair[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [*pair, *ranking], add_to_output=True)


LEAVE_INTENT = "sair"
# Intents that end what the person was doing: the goodbye, and "no"/"yes" to "Posso ajudar em algo mais?".
CLOSING_INTENTS = frozenset({"despedida", "negar", "afirmar"})
CLOSING_CONFIDENCE = 0.6
# "eu", "a minha", "o meu marido", "pra mim mesmo": the person themselves or their family, never a logout.
_ONESELF = re.compile(
    r"(?:(?:o|a|os|as|do|da|dos|das|de|pra|para|so|sou) )?(?:eu|meu|minha|meus|minhas|mim)(?: \w+){0,2}"
)


def refers_to_oneself(text: str) -> bool:
    """Whether a short message only points at the writer or a family member ("minha", "meu marido").

    >>> refers_to_oneself("minha"), refers_to_oneself("Meu marido"), refers_to_oneself("eu mesma")
    (True, True, True)
    >>> refers_to_oneself("não sou eu"), refers_to_oneself("quero sair"), refers_to_oneself("meu cpf mudou, quero sair")
    (False, False, False)
    """
    folded = " ".join(re.findall(r"\w+", strip_accents(text).lower()))
    return bool(_ONESELF.fullmatch(folded)) and "sair" not in folded


PAGING_INTENT = "mais"
# "mais caro", "a mais", "mais de 200": a comparison, not "show me more" ("pq o de dezembro tá mais caro?" paged the
# list of boletos).
_COMPARISON = re.compile(
    r"\bmais (?:car[oa]s?|barat[oa]s?|alt[oa]s?|baix[oa]s?|que|do que|de \d|\d+ reais)\b|\ba mais\b"
)


def compares(text: str) -> bool:
    """Whether "mais" in a message compares rather than asks for the next page.

    >>> compares("pq o de dezembro ta mais caro que o de setembro?"), compares("veio 200 reais a mais")
    (True, True)
    >>> compares("mostra mais uns ai"), compares("tem mais? mostra o resto")
    (False, False)
    """
    return bool(_COMPARISON.search(strip_accents(text).lower()))


def doubt_a_closing_guess(message: Message, text: str) -> None:
    """Turn a doubtful goodbye, "no" or "yes" of the classifier into "not understood".

    Closing the conversation on a guess drops the person's question: "é urgente!!" (goodbye, 0.26) and "ah
    então não tem jeito?" (no, 0.71) ended it, and "JA FALEI" (goodbye, 0.94) at the Ombudsman's report question
    logged the person out. The short replies of the lexicon are decided before and stay.
    """
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) not in CLOSING_INTENTS:
        return
    confidence = intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0
    if confidence < CLOSING_CONFIDENCE or text.rstrip().endswith("?") or says_already_said(text):
        message.set(INTENT, {**intent, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)


AGENT_INTENT = "falar_atendente"
_DOCTOR = re.compile(r"\b(?:medic[oa]s?|doutor[a]?|pediatra|clinico|enfermeir[oa])\b")
_AGENT = re.compile(r"\b(?:atendente|humano|pessoa|alguem|funcionari[oa]|operador[a]?|de verdade)\b")


def asks_for_a_doctor(text: str) -> bool:
    """Whether a message asks for a doctor and not for one of the operator's agents.

    >>> asks_for_a_doctor("quero falar com um médico agora, é urgente"), asks_for_a_doctor("quero falar com atendente")
    (True, False)
    >>> asks_for_a_doctor("quero falar com uma pessoa sobre o médico que me atendeu")
    False
    """
    folded = strip_accents(text).lower()
    return bool(_DOCTOR.search(folded)) and not _AGENT.search(folded)


def rule_out_intent(message: Message, name: str) -> None:
    """Drop ``name`` from the classifier's guesses and rescale the others, as known not to be the answer.

    The others keep their proportions (the classifier's probabilities given that it is not ``name``), so a
    message the classifier split between ``name`` and a topic goes to the topic instead of the fallback.
    """
    ranking = message.get(INTENT_RANKING_KEY) or []
    removed = sum(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for r in ranking if r.get(INTENT_NAME_KEY) == name)
    if not removed or removed >= 1.0:
        return
    rest = [
        {INTENT_NAME_KEY: r.get(INTENT_NAME_KEY), PREDICTED_CONFIDENCE_KEY: (r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
         / (1.0 - removed)}
        for r in ranking
        if r.get(INTENT_NAME_KEY) != name
    ]
    rest.sort(key=lambda r: -r[PREDICTED_CONFIDENCE_KEY])
    message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
    if rest:
        message.set(INTENT, dict(rest[0]), add_to_output=True)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    ],
    is_trainable=False,
)
class IdentifierExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts ``cpf``, ``numero_cartao``, ``protocolo`` and ``data`` entities; settles digits and short replies.

    Menu digits, paging words and short replies get their intent by rule. Place it after the statistical
    intent classifier and before ``FallbackClassifier`` so its decisions are final.
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
        """Add identifier entities and fix the intent of digit-only messages, paging words and short replies.

        A short reply ("de jeito nenhum", "vlw!") is a phrase of the lexicon in bot/nlu/short_replies.yml; a
        question about the identification itself ("por que vocês precisam do meu CPF?") is recognised by
        bot/nlu/privacy.py, a request to cancel the plan by bot/nlu/cancellation.py, and a member's question about
        the age-band increase or the state of their plan by bot/nlu/member_questions.py. A symptom the classifier
        could not place among the topics ("to passando mal") is PA Online (bot/nlu/symptoms.py). A message that
        could not be an identification (no identifier, no long number, no "CPF" or "nasci") loses the
        classifier's guess of the identification intent, which digits such as "2024" or "2 meses" draw; one that
        states no dispute (bot/nlu/disputes.py) loses the guess of contesting an item of the usage statement.

        Dates in words ("amanhã", "dia 20", "até sexta") become ``data`` entities too, with the ISO value of
        the day they name on the product clock (:func:`bot.clock.today`, São Paulo). They come after the
        identifiers, so an explicit date in the message keeps priority for whoever takes the first ``data``
        (the late-fee answer), and they never make a message count as "only identifiers".
        """
        today = clock.today()
        for message in messages:
            text = message.get(TEXT) or ""
            digit_intent = (
                menu_digit_intent(text) or paging_intent(text) or restart_intent(text) or short_reply_intent(text)
            )
            if not digit_intent and is_data_rights_request(text):
                # "apaguem meus dados (LGPD)" was a question about identifying oneself: a person registers it.
                digit_intent = AGENT_INTENT
            if not digit_intent and is_identification_question(text):
                digit_intent = DUVIDA_IDENTIFICACAO
            if not digit_intent:
                # Before the cancellation requests: "vão cancelar meu plano por causa do atraso?" asks about a debt.
                digit_intent = member_question_intent(text)
            if not digit_intent and is_addendum(text) and not symptom_intent(text, None):
                # "esqueci de dizer: o valor foi R$ 250" after a ticket was registered started another topic; an
                # urgent symptom told that way ("esqueci de dizer que estou com falta de ar") is still PA Online.
                digit_intent = COMPLEMENTAR_CHAMADO
            if not digit_intent and is_compliment_or_suggestion(text):
                digit_intent = OUVIDORIA
            if not digit_intent and is_other_company_request(text):
                # "como cancelo meu plano da Unimed?": another company's plan, not this one's.
                digit_intent = FORA_DE_ESCOPO
            if not digit_intent and is_cancellation_request(text):
                digit_intent = CANCELAR_PLANO
            if digit_intent:
                force_intent(message, digit_intent)
                continue
            found = find_identifiers(text)
            if not may_identify(text, found):
                rule_out_intent(message, IDENTIFICATION_INTENT)
            if refers_to_oneself(text):
                # "eu", "minha", "meu marido" answer "de quem?"; the classifier read them as "não sou eu" (sair),
                # which logged the person out.
                rule_out_intent(message, LEAVE_INTENT)
            if compares(text):
                rule_out_intent(message, PAGING_INTENT)
            if asks_for_a_doctor(text):
                # "quero falar com um médico agora" (falar_atendente, 0.81) wants care, not the service desk.
                rule_out_intent(message, AGENT_INTENT)
            if not states_a_dispute(text):
                # "q consultas minha filha usou em 2024" is a request for the statement, not a dispute of it.
                rule_out_intent(message, CONTESTAR_UTILIZACAO)
            sintoma = symptom_intent(text, (message.get(INTENT) or {}).get(INTENT_NAME_KEY))
            if sintoma:
                force_intent(message, sintoma)
            elif names_the_policy(text):
                force_intent(message, TELE_APOLICE)
            else:
                doubt_a_closing_guess(message, text)
            guess = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if unnamed_second_copy(text) and guess not in SECOND_COPY_OPTIONS:
                # "como tiro a segunda via?" was out of scope: a second copy is the boleto's or the card's.
                offer_between(message, *SECOND_COPY_OPTIONS)
            relative = find_relative_dates(text, today)
            if not found and not relative:
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
                for item in [*found, *relative]
            ]
            message.set(ENTITIES, [*message.get(ENTITIES, []), *entities], add_to_output=True)
            if is_only_identifiers(text, found):
                only_protocols = all(f.entity == "protocolo" for f in found)
                force_intent(message, PROTOCOL_INTENT if only_protocols else IDENTIFICATION_INTENT)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class BlankSafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's logistic regression, which also survives an empty or blank message.

    The stock component raises on a message with no features at all (empty
    text, only spaces), which would turn a blank WhatsApp message into a
    server error. Such a message gets no intent, so FallbackClassifier asks
    the user to rephrase.
    """

    @staticmethod
    def give_no_intent(message: Message) -> None:
        """Leave ``message`` without an intent, which FallbackClassifier turns into a request to rephrase."""
        message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [], add_to_output=True)

    @classmethod
    def without_blanks(cls, messages: List[Message]) -> List[Message]:
        """Give blank messages no intent and return the others, which are the ones to classify."""
        with_text = [m for m in messages if (m.get(TEXT) or "").strip()]
        for message in messages:
            if not (message.get(TEXT) or "").strip():
                cls.give_no_intent(message)
        return with_text

    def process(self, messages: List[Message]) -> List[Message]:
        """Classify messages that have text; leave blank ones without an intent."""
        with_text = self.without_blanks(messages)
        if with_text:
            super().process(with_text)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWordsGuard(GraphComponent):
    """Sends a message with no word the bot has ever seen to the fallback.

    A linear classifier still picks its likeliest class for gibberish
    ("xzkq wpvb"), usually a short one such as ``afirmar``. A message none of
    whose words is known, nor close to a known word (typos stay welcome), gets
    confidence 0 so that FallbackClassifier asks the user to rephrase.
    Identifiers and menu digits are left alone.
    """

    FILE_NAME = "vocabulary.json"

    def __init__(self, vocabulary: set, model_storage: ModelStorage, resource: Resource) -> None:
        self._vocabulary = vocabulary
        self._sorted = sorted(vocabulary)
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UnknownWordsGuard":
        """Create an untrained guard."""
        return cls(set(), model_storage, resource)

    @staticmethod
    def _words(text: str) -> List[str]:
        words = re.findall(r"[a-z]+", strip_accents(text))
        # Single letters are noise inside a sentence ("xzkq e wpvb"), but "s" and "n" alone are WhatsApp's
        # yes and no: a message of single letters only is judged by them.
        return [w for w in words if len(w) > 1] or words

    def train(self, training_data: TrainingData) -> Resource:
        """Collect the words of the training examples."""
        for example in training_data.intent_examples:
            # Every word, single letters too: they are only looked up for messages made of single letters.
            self._vocabulary.update(re.findall(r"[a-z]+", strip_accents(example.get(TEXT) or "")))
        with self._model_storage.write_to(self._resource) as path:
            (path / self.FILE_NAME).write_text(json.dumps(sorted(self._vocabulary)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "UnknownWordsGuard":
        """Load the vocabulary saved at training time."""
        with model_storage.read_from(resource) as path:
            vocabulary = set(json.loads((path / cls.FILE_NAME).read_text(encoding="utf-8")))
        return cls(vocabulary, model_storage, resource)

    def _known(self, word: str) -> bool:
        if word in self._vocabulary:
            return True
        return len(word) >= 4 and bool(difflib.get_close_matches(word, self._sorted, n=1, cutoff=0.8))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the training data."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Zero the confidence of messages made only of unknown words."""
        for message in messages:
            text = message.get(TEXT) or ""
            if find_identifiers(text) or any(
                rule(text) for rule in (menu_digit_intent, paging_intent, restart_intent, short_reply_intent)
            ):
                continue
            if any(self._known(word) for word in self._words(text)):
                continue
            intent = dict(message.get(INTENT) or {})
            intent[PREDICTED_CONFIDENCE_KEY] = 0.0
            message.set(INTENT, intent, add_to_output=True)
        return messages


FALLBACK_INTENT = "nlu_fallback"


class ConfiguredComponent(GraphComponent):
    """A component built from its configuration alone: nothing to train, save or load."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The settings a subclass reads; overridden by ``config.yml``."""
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ConfiguredComponent":
        """Create the component from its defaults and ``config.yml``."""
        return cls({**cls.get_default_config(), **config})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ClarifyAmbiguity(ConfiguredComponent):
    """Asks instead of guessing when the two likeliest topics are too close (issue 12).

    Runs after FallbackClassifier. A message it sent to the fallback only because its two likeliest intents
    were within ``margin`` of each other (FallbackClassifier's ``ambiguity_threshold``), both topics worth
    offering (:data:`bot.intencoes.ESCLARECIVEIS`) and the first at least ``floor`` likely, gets the intent
    :data:`~bot.intencoes.ESCLARECER` instead; ``action_esclarecer`` then offers the two as numbered choices.
    The margin was measured on the two older held-out sets, the floor on the development sets (``docs/nlu.md``).
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Margin between the two likeliest intents, and the least confidence of the first."""
        return {"margin": 0.1, "floor": 0.2}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._margin = float(config["margin"])
        self._floor = float(config["floor"])

    def candidates(self, message: Message) -> List[str]:
        """The two intents to offer, or an empty list when the message needs no clarifying question."""
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FALLBACK_INTENT:
            return []
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]
        if len(ranking) < 2:
            return []
        first, second = ranking[0], ranking[1]
        close = first[PREDICTED_CONFIDENCE_KEY] - second[PREDICTED_CONFIDENCE_KEY] < self._margin
        names = [first[INTENT_NAME_KEY], second[INTENT_NAME_KEY]]
        if close and first[PREDICTED_CONFIDENCE_KEY] >= self._floor and all(n in ESCLARECIVEIS for n in names):
            return names
        return []

    def topic_over_out_of_scope(self, message: Message) -> Dict[str, Any] | None:
        """The topic of a close call between one topic and "out of scope", which is no question worth asking.

        u25: "vcs são uma vergonha!!! já liguei 3 vezes e ninguém resolve meu reembolso" was between the
        reimbursements (0.45) and out of scope (0.43): "Desculpe, não entendi". A message that names a topic of
        the plan is about it.
        """
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FALLBACK_INTENT:
            return None
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]
        if len(ranking) < 2:
            return None
        if ranking[0][PREDICTED_CONFIDENCE_KEY] - ranking[1][PREDICTED_CONFIDENCE_KEY] >= self._margin:
            return None
        names = {ranking[0][INTENT_NAME_KEY], ranking[1][INTENT_NAME_KEY]}
        topic = next((r for r in ranking[:2] if r[INTENT_NAME_KEY] in ESCLARECIVEIS), None)
        if FORA_DE_ESCOPO not in names or topic is None or topic[PREDICTED_CONFIDENCE_KEY] < self._floor:
            return None
        return dict(topic)

    def process(self, messages: List[Message]) -> List[Message]:
        """Turn close calls between two topics into :data:`~bot.intencoes.ESCLARECER`."""
        for message in messages:
            if self.candidates(message):
                confidence = max(r[PREDICTED_CONFIDENCE_KEY] for r in message.get(INTENT_RANKING_KEY))
                message.set(INTENT, {INTENT_NAME_KEY: ESCLARECER, PREDICTED_CONFIDENCE_KEY: confidence},
                            add_to_output=True)
            elif topic := self.topic_over_out_of_scope(message):
                message.set(INTENT, topic, add_to_output=True)
        return messages
