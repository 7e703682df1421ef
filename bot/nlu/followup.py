"""Follow-up questions inside an answered topic: "e o prazo?", "e o da minha filha?" (issue 12).

A short message that opens with "e ..." continues the topic the conversation is in; on its own it names no topic,
so the classifier guesses (``fora_de_escopo``, ``mais``) or falls back. This component gives such a message the
intent :data:`CONTINUAR`, unless the classifier is sure it names a topic of its own ("e a segunda via do
boleto?"); ``action_continuar_assunto`` then answers it inside the topic the user was in.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.intencoes import CONTINUAVEIS, ESCLARECIVEIS
from bot.nlu.addendum import COMPLEMENTAR_CHAMADO
from bot.nlu.cancellation import CANCELAR_PLANO
from bot.nlu.components import ConfiguredComponent, force_intent
from bot.nlu.corrections import is_correction
from bot.nlu.parsing import AND_OPENING, MONTH_NAMES, SENT_ELSEWHERE, SMS, paging_intent, strip_accents

CONTINUAR = "continuar_assunto"

# "e o ...", "e a ...", "e pra ...", "e quanto ...", "mas e se ...": the openings of a follow-up question. The "e"
# is read before accents are folded, since "é isso" and "é esse" are answers, not follow-ups.
_FOLLOW_UP = re.compile(
    # u27: "e só da minha filha ana?" after the usage was "não entendi".
    r"(?:(?:so|somente|apenas)\s+)?(?:o|a|os|as|do|da|dos|das|no|na|nos|nas|pro|pra|pras|para|quanto|qual|quais|quando|como|onde|se|com|"
    r"sobre|aquele|aquela|de|em|meu|minha|agora|"
    # "e depois de amanhã?", "e 2024?", "e em março?": another day or period of the same question.
    rf"depois|antes|amanha|hoje|ontem|dia|semana|mes|ano|(?:19|20)\d{{2}}|{MONTH_NAMES}|"
    # "e até sexta?", "e na quinta?": the same question for another day.
    r"ate|segunda|terca|quarta|quinta|sexta|sabado|domingo)\b"
)
# "o de dezembro", "o do ano passado", "as de 2024": which one of the topic just answered, without the "e".
# u26: "quero ver os da minha esposa" after José's reimbursements was "não entendi".
_WHICH_ONE = re.compile(
    r"^(?:(?:quero|queria|posso|pode|da pra|manda|me manda|mostra|me mostra|agora)(?: ver)? )?"
    # "agora só do José": with "só", the article may go.
    r"(?:(?:so |somente |apenas )(?:(?:o|a|os|as) )?|(?:o|a|os|as) )(?:de|do|da|dos|das) \w+"
)
_MAX_WHICH_ONE_WORDS = 6
# "2024" alone, after the income tax or the usage: another year of the same question.
_BARE_YEAR = re.compile(r"\s*(?:19|20)\d{2}\s*[?!.]*\s*")
_MAX_WORDS = 8
# "quanto tempo demora?", "qual o prazo?", "quando cai?": a short question about when, which only the topic the
# conversation is in can answer.
_WHEN = re.compile(
    r"^(?:(?:mas|e|ta|ok|certo|entendi)[,\s]+)?(?:quanto tempo|qual (?:e )?o prazo|qual prazo|que prazo|tem prazo|"
    r"prazo|demora|vai demorar|ate quando|quanto falta|quando (?:cai|sai|fica pronto|chega|vence|recebo|vou receber|"
    r"libera))\b"
)
_MAX_WHEN_WORDS = 6
# "tem em pdf?", "consigo baixar?": the document of the topic just answered ("tem em pdf?" was a goodbye).
_DOCUMENT = re.compile(
    rf"\b(?:pdf|baixar|download|imprimir|impressao)\b|{SENT_ELSEWHERE}|{SMS}|"
    # "como eu pego esse documento?" after the statement was read on the phone.
    r"\b(?:como|onde)\s+(?:eu\s+)?(?:pego|consigo|acho|tiro|emito|recebo)\s+(?:esse|este|o|a|essa)\s+"
    r"(?:documento|demonstrativo|informe|boleto|arquivo|declaracao)\b"
)
# "manda só o pdf do de dezembro": a document of the topic, named with which one.
_MAX_DOCUMENT_WORDS = 8
_PHRASES = re.compile(r"[?!.,;]+")
# u22: "quais documentos preciso?" after how to ask for a reimbursement went to the income-tax statement, "o que eu
# faço agora?" after a denial fell back, "qual é o meu número mesmo?" after the card went to the menu: short
# questions that only the topic the conversation is in can answer.
_IN_TOPIC = re.compile(
    r"^(?:(?:mas|e|ta|ok|certo|entendi)[,\s]+)?(?:"
    r"(?:quais|que|q)\s+(?:sao\s+)?(?:os\s+)?(?:documentos?|papeis|papelada|docs?)\b|"
    r"(?:agora\s+)?(?:o que|oq|o q)\s+(?:eu\s+)?(?:preciso|tenho que|devo|faco|fa[cs]o agora)\b|"
    # "qual o mais barato?" after a quote (out of scope, 0.87).
    r"(?:qual\s+(?:e\s+)?)?(?:o|a)\s+mais\s+(?:barat[oa]|em conta|car[oa])\s*\W*$|"
    # "qual é o meu número mesmo?": asking again what was just said, not which number.
    r"qual\s+(?:e\s+)?o\s+(?:meu\s+)?numero(?:\s+mesmo|\s+de novo)?\s*\W*$)"
)
_MAX_IN_TOPIC_WORDS = 7
# u26: "e quando vão pagar esse?" after the reimbursements went to the boletos (financeiro, 0.93) for its "pagar":
# a follow-up that ends pointing at what was just shown names no topic of its own, however sure the classifier is.
# Not "dela"/"dele": "e o cartão dela?" names the card, whoever's it is.
_POINTS_BACK = re.compile(r"\b(?:esse|essa|este|esta|isso|isto|aquele|aquela)\s*\W*$")
# "mas qual o prazo??? o regulamento não fala?": a short "when?" first, then more words about it.
_FIRST_PHRASE = re.compile(r"^[^?!.]*[?!.]+")


def points_back(text: str) -> bool:
    """Whether a message ends pointing at what was just shown ("e quando vão pagar esse?")."""
    return bool(_POINTS_BACK.search(strip_accents(text).lower()))


def is_follow_up(text: str) -> bool:
    """Whether ``text`` has the shape of a follow-up: "e ..." (eight words at most), a short "when?" or "in PDF?".

    >>> is_follow_up("E o prazo?"), is_follow_up("e pra minha mãe?"), is_follow_up("eu quero o boleto")
    (True, True, False)
    >>> is_follow_up("é o meu"), is_follow_up("e isso mesmo"), is_follow_up("e os outros? manda mais")
    (False, False, False)
    >>> is_follow_up("Quanto tempo demora?"), is_follow_up("qual o prazo?"), is_follow_up("quando cai o dinheiro?")
    (True, True, True)
    >>> is_follow_up("quanto tempo demora para liberar a autorização de uma ressonância?")
    False
    >>> is_follow_up("tem em pdf?"), is_follow_up("consigo baixar?"), is_follow_up("manda so o pdf do de dezembro")
    (True, True, True)
    >>> is_follow_up("e depois de amanhã?"), is_follow_up("e 2024?"), is_follow_up("o de dezembro")
    (True, True, True)
    >>> is_follow_up("quero o de 2023"), is_follow_up("me manda o do ano passado"), is_follow_up("2024")
    (True, True, True)
    >>> is_follow_up("o da minha filha que nasceu em março de 2024 e ainda não tem carteirinha")
    False
    >>> is_follow_up("quais documentos preciso?"), is_follow_up("e agora o que eu faço?")
    (True, True)
    >>> is_follow_up("o que eu faço agora?"), is_follow_up("qual é o meu número mesmo?")
    (True, True)
    >>> is_follow_up("quais documentos preciso para pedir reembolso de uma consulta?")
    False
    >>> is_follow_up("qual é o número da minha apólice?"), is_follow_up("qual o meu número?")
    (False, True)
    >>> is_follow_up("pode mandar o boleto no meu whatsapp?"), is_follow_up("como eu pego esse documento?")
    (True, True)
    >>> is_follow_up("qual o mais barato?"), is_follow_up("o mais barato é bom?")
    (True, False)
    >>> is_follow_up("não, era o de outubro"), is_follow_up("na verdade o de 2024"), is_follow_up("Não. Outubro")
    (True, True, True)
    >>> is_follow_up("não é esse, é o da minha filha"), is_follow_up("ops, errei: era o de setembro de 2025")
    (True, True)
    >>> is_follow_up("não"), is_follow_up("não, obrigada"), is_follow_up("não, era só isso mesmo")
    (False, False, False)
    >>> is_follow_up("não, quero falar com um atendente"), is_follow_up("na verdade quero o boleto")
    (False, False)
    >>> is_follow_up("não, era do meu marido"), is_follow_up("agora o do José"), is_follow_up("não, pra minha mãe")
    (True, True, True)
    >>> is_follow_up("agora quero a segunda via"), is_follow_up("não tenho"), is_follow_up("não, de jeito nenhum")
    (False, False, False)
    >>> is_follow_up("não de novo"), is_follow_up("não, de nada")
    (False, False)
    >>> is_follow_up("mas qual o prazo??? o regulamento não fala?"), is_follow_up("qual o prazo? me liga")
    (True, True)
    >>> points_back("e quando vão pagar esse?"), points_back("e quando vão pagar esse boleto?")
    (True, False)
    """
    folded = strip_accents(text).lower().strip()
    if len(text.split()) <= _MAX_IN_TOPIC_WORDS and _IN_TOPIC.match(folded):
        return True
    if len(text.split()) <= _MAX_WHEN_WORDS and _WHEN.match(folded):
        return True
    first = _FIRST_PHRASE.match(folded)
    if first and len(text.split()) <= _MAX_WORDS and len(first.group().split()) <= _MAX_WHEN_WORDS and _WHEN.match(
        first.group()
    ):
        return True
    if len(text.split()) <= _MAX_DOCUMENT_WORDS and _DOCUMENT.search(folded):
        return True
    if len(text.split()) <= _MAX_WHICH_ONE_WORDS and _WHICH_ONE.match(folded):
        return True
    if _BARE_YEAR.fullmatch(folded):
        return True
    if is_correction(text):
        return True
    opening = AND_OPENING.match(text)
    # "e os demais?" asks for the rest of the list: the paging command, not a question inside the topic; so does
    # a message with the command as one of its phrases ("e os outros? manda mais").
    if not opening or len(text.split()) > _MAX_WORDS or any(map(paging_intent, _PHRASES.split(text))):
        return False
    return bool(_FOLLOW_UP.match(strip_accents(opening["rest"]).lower()))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FollowUpMarker(ConfiguredComponent):
    """Marks follow-up questions with :data:`CONTINUAR`; place it after the classifier, before the fallback.

    A follow-up keeps the classifier's answer when that answer is a topic at least ``confident`` likely, since
    then the message names the topic itself.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """How likely a topic must be for a follow-up to count as naming it."""
        return {"confident": 0.6}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._confident = float(config["confident"])

    def process(self, messages: List[Message]) -> List[Message]:
        """Give follow-up questions that name no topic of their own the intent :data:`CONTINUAR`."""
        for message in messages:
            if not is_follow_up(message.get(TEXT) or ""):
                continue
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) in (CANCELAR_PLANO, COMPLEMENTAR_CHAMADO):
                # "e se eu cancelar, posso voltar?" asks about cancelling, whatever the topic was; "e esqueci de
                # dizer: …" adds to the request registered.
                continue
            # "não, era do meu marido" read as a goodbye (sair, 0.90) for its "não": a correction keeps a topic only
            # when it names one.
            topics = CONTINUAVEIS if is_correction(message.get(TEXT) or "") else ESCLARECIVEIS
            names_a_topic = intent.get(INTENT_NAME_KEY) in topics
            sure = (intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self._confident
            if names_a_topic and sure and not points_back(message.get(TEXT) or ""):
                continue
            force_intent(message, CONTINUAR)
        return messages
