"""Requests to cancel the plan or to remove a dependant from it.

No intent of the menu covers them, and the classifier gave them the intent that shares their words: "quero
cancelar meu plano de saúde" was ``novos_planos`` (0.96), and the bot answered with the plans on sale. They are a
closed family of phrasings (a verb of cancelling and the plan as its object), so they are recognised by pattern,
like the questions about the identification; the dialogue answers with the regulation's rules for cancelling and
offers a person (``utter_cancelar_plano``).
"""

from __future__ import annotations

import re

from bot.nlu.short_replies import normalize

# The intent of such a request (domain.yml); the pattern below is its only source, there are no training examples.
CANCELAR_PLANO = "cancelar_plano"

_MAX_WORDS = 30
_CANCEL = (
    r"(?:cancelar|cancela|cancelo|cancele|cancelamento|encerrar|encerro|encerramento|rescindir|rescisao|"
    r"desistir|desisto|sair|saio|exclusao|excluir|desligar|desligamento)"
)
_PLAN = r"(?:plano|convenio|inscricao|contrato|cemig saude)"
# Cancelling named by its own verb, without "sair": "posso sair e voltar depois?" is about the chat.
_CANCEL_ONLY = r"(?:cancelar|cancela|cancelo|cancele|cancelei|cancelamento|desistir|desisto|desisti|rescindir)"
# Only these words may stand between the two verbs, so "cancelar a consulta e voltar pra fila" stays out.
# u27: "se eu cancelar agora posso voltar depois?" was "não entendi" for its "agora".
_FILLER = (
    r"(?:e|eu|depois|posso|consigo|consegue|da|pra|para|dai|entao|como|faco|vou|poderia|podera|mais|tarde|agora|"
    r"hoje|ja)"
)
_RETURN = r"(?:voltar|volto|retornar|retorno|reingressar|reinscrever|reinscricao|entrar de novo|aderir de novo)"
_REMOVE = r"(?:excluir|exclui|excluo|tirar|tira|tiro|retirar|remover|remove|removo|desligar)"
_PERSON = (
    r"(?:ex|filh[oa]s?|esposa|esposo|marido|mulher|companheir[oa]|conjuge|mae|pai|sogr[oa]|net[oa]s?|entead[oa]s?|"
    r"irma|irmao|dependentes?|ele|ela)"
)
_PATTERNS = [
    # "quero cancelar meu plano", "cancelamento do convênio", "como faço pra sair do plano?"
    rf"\b{_CANCEL}\b(?: \w+){{0,3}} {_PLAN}\b",
    # "não quero mais o plano", "nao quero mais esse convenio"
    rf"\bn(?:ao)? quero mais (?:\w+ )?{_PLAN}\b",
    # "e se eu cancelar, posso voltar depois?", "volto pro plano depois de cancelar?" (Art. 20 §5)
    rf"\b{_CANCEL_ONLY}(?: (?:o |meu |esse )?{_PLAN})?(?: {_FILLER}){{0,4}} {_RETURN}\b",
    rf"\b{_RETURN}(?: {_FILLER}| (?:pro|para o|ao) {_PLAN}){{0,4}} (?:depois de|apos|se) (?:eu )?{_CANCEL_ONLY}\b",
    # "tirar minha ex-esposa do plano", "excluir meu filho como dependente"; not "como tiro o informe do plano".
    rf"\b{_REMOVE}\b(?: \w+){{0,2}} {_PERSON}\b(?: \w+){{0,3}} (?:do {_PLAN}|como dependente|dos dependentes)\b",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_GAVE_UP_CANCELLING = re.compile(
    rf"\b(?:nao|n) (?:quero|vou|pretendo|preciso) (?:mais )?{_CANCEL_ONLY}\b|\bdesisti\w* de {_CANCEL_ONLY}\b"
)
# Another company's plan ("meu plano de celular da vivo", "meu plano da Unimed") is out of scope.
_OTHER_PLAN = re.compile(
    r"\bplano (?:de |do |da )?(?:celular|internet|telefone|telefonia|tv|dados|academia|streaming|pos|pre)\b|"
    r"\b(?:vivo|claro|tim|netflix|spotify|academia|operadora de celular|unimed|amil|bradesco|sulamerica|"
    r"hapvida|notredame|intermedica|golden cross|porto seguro|prevent senior|cassi|geap|postal saude)\b"
)


def is_cancellation_request(text: str) -> bool:
    """Whether ``text`` asks to cancel the plan or to remove someone from it.

    >>> is_cancellation_request("quero cancelar meu plano de saúde"), is_cancellation_request("como saio do convênio?")
    (True, True)
    >>> is_cancellation_request("preciso tirar minha ex-esposa do plano")
    True
    >>> is_cancellation_request("como tiro o informe de rendimentos do plano pra declarar")
    False
    >>> is_cancellation_request("quero cancelar meu plano de celular da vivo")
    False
    >>> is_cancellation_request("como cancelo meu plano da Unimed?")
    False
    >>> is_cancellation_request("quero cancelar a consulta de amanhã no CPS")
    False
    >>> is_cancellation_request("fui cobrado por uma teleconsulta cancelada")
    False
    >>> is_cancellation_request("e se eu cancelar posso voltar depois?")
    True
    >>> is_cancellation_request("dá pra voltar pro plano depois de cancelar?")
    True
    >>> is_cancellation_request("posso sair e voltar depois pra terminar?")
    False
    >>> is_cancellation_request("quero cancelar a consulta e voltar pra fila")
    False
    >>> is_cancellation_request("pensando bem nao quero cancelar nao, tem plano mais barato?")
    False
    """
    folded = normalize(text)
    if not folded or len(folded.split()) > _MAX_WORDS or _OTHER_PLAN.search(folded):
        return False
    if _GAVE_UP_CANCELLING.search(folded):
        # "pensando bem não quero cancelar, tem plano mais barato?" got the cancellation rules again.
        return False
    return bool(_PATTERN.search(folded))
