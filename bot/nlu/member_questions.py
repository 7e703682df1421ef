"""Two questions of a member about their own plan that the classifier sent elsewhere, recognised by pattern.

- "a Ana vai ficar mais cara quando fizer 19?", "minha mensalidade subiu depois que fiz 59, é reajuste de faixa
  etária?": the age-band increase of one's contribution (Art. 40) is option 4, which answers it per person; the
  classifier gave them to new plans or out of scope. A price table by age band for someone about to join
  ("tabela de preços por faixa etária") names nobody's contribution and stays with new plans.
- "meu plano tá ativo?", "falaram que minha carteirinha está bloqueada": the state of one's registration is on
  the card answer (option 3), which shows it per person; the classifier gave them to new plans.

Like the cancellation requests (bot/nlu/cancellation.py), each is a closed family of phrasings. Measured on every
NLU set: the first matches 1 message (a development set, labelled option 4, which the classifier had wrong), the
second none. A third, what happens to the plan when boletos are late ("vai cortar meu plano?"), is option 4 too;
it matches 1 message, of a development set, which the classifier already had right. A question naming the DUT
(Diretriz de Utilização) of a denial is option 5: it matches no message of any set.
"""

from __future__ import annotations

import re

from bot.nlu.short_replies import normalize

# The menu's intents (bot/menu.py) these questions belong to.
FINANCEIRO = "financeiro"
NUMERO_CARTAO = "numero_cartao"

_MAX_WORDS = 30
_AGE_BAND = re.compile(
    r"\b(?:aument\w*|reajust\w*|sobe|subir|sobem|muda|mudar|mudam|mudanca|(?:fica\w*|vai ficar) mais car[oa]|"
    r"encarec\w*)\b.{0,40}\b(?:idade|aniversario|(?:fizer|completar) (?:\d+|\w+ anos))\b|"
    r"\b(?:mensalidade|boleto|contribuicao|minha|meu|reajuste)\b.{0,40}\bfaixas? (?:etaria|de idade)\b|"
    r"\bfaixas? (?:etaria|de idade)\b.{0,30}\b(?:mensalidade|boleto|minha|meu)\b|"
    r"\bquanto (?:eu )?(?:vou|vai|vamos) (?:pagar|ficar|custar)\b.{0,30}"
    r"\b(?:ano que vem|proximo ano|quando (?:eu )?(?:fizer|completar)|depois (?:dos|que (?:eu )?fizer))\b"
)
_PLAN_STATUS = re.compile(
    r"\b(?:meu|minha|o|a|nosso|nossa)\s+(?:plano|convenio|inscricao|cartao|carteirinha)\b.{0,15}"
    r"\b(?:ta|esta|foi|ficou|continua|segue)\s+(?:ativ[oa]|suspens[oa]|bloquead[oa]|cancelad[oa]|inativ[oa]|valendo)\b"
)


# "tá, mas vai cortar meu plano?", "vão cancelar o plano por causa do atraso?": what happens to one's debt, which
# option 4 answers with the days in arrears (Arts. 27, 46); the classifier gave them to new plans.
_DEBT = re.compile(
    r"\b(?:vai|vao|podem|corre risco|risco de)\b.{0,15}\b(?:cortar|cancelar|suspender|bloquear|excluir|perder)\b"
    r".{0,25}\b(?:plano|convenio)\b|"
    r"\b(?:atras\w*|divida|inadimpl\w*|nao pag\w*|sem pagar)\b.{0,40}"
    r"\b(?:cortar|cortad\w*|cancel\w*|suspen\w*|bloque\w*|exclu\w*|perd\w*|perco)\b|"
    # u22: "até quando posso pagar sem perder o plano?" got the list of boletos with no date.
    r"\b(?:sem|pra nao|para nao)\s+(?:perder|cortar\w*|cancelar\w*|suspender\w*)\s+(?:o\s+|meu\s+)?(?:plano|convenio)\b"
)


# "quanto eu devo?", "qto to devendo?", "qual o total que eu devo?": what the open boletos add up to, option 4;
# the classifier called them out of scope.
_OWED = re.compile(
    r"\b(?:quanto|qto|qnto|qual (?:o )?(?:total|valor)(?: que)?)\b.{0,12}\b(?:devo|devendo|deve|em aberto)\b|"
    r"\b(?:to|tou|estou|t[oô]) devendo\b|\bminha divida\b"
)


def is_owed_question(text: str) -> bool:
    """Whether ``text`` asks how much the member owes.

    >>> is_owed_question("ta mas quanto eu devo?"), is_owed_question("qto to devendo")
    (True, True)
    >>> is_owed_question("qual o total que eu devo?")
    True
    >>> is_owed_question("quanto devo pagar de coparticipação na consulta?")
    False
    """
    folded = normalize(text or "")
    if re.search(r"\bcopart\w*|\breembols\w*|\bconsulta\b", folded):
        return False
    return bool(folded) and len(folded.split()) <= _MAX_WORDS and bool(_OWED.search(folded))


def is_debt_question(text: str) -> bool:
    """Whether ``text`` asks if the plan will be cut for not paying.

    >>> is_debt_question("ta mas vai cortar meu plano?"), is_debt_question("se eu atrasar 2 meses perco o plano?")
    (True, True)
    >>> is_debt_question("quero cancelar meu plano"), is_debt_question("pode cancelar meu plano?")
    (False, False)
    >>> is_debt_question("até quando posso pagar sem perder o plano?"), is_debt_question("até quando posso pagar?")
    (True, False)
    """
    folded = normalize(text or "")
    return bool(folded) and len(folded.split()) <= _MAX_WORDS and bool(_DEBT.search(folded))


def is_age_band_question(text: str) -> bool:
    """Whether ``text`` asks about the age-band increase of someone's contribution.

    >>> is_age_band_question("a ana vai ficar mais cara quando fizer 19?")
    True
    >>> is_age_band_question("minha mensalidade vai aumentar no aniversário?")
    True
    >>> is_age_band_question("tenho 59 anos quanto vou pagar ano que vem")
    True
    >>> is_age_band_question("tabela de preços por faixa etária"), is_age_band_question("quais são as faixas etárias?")
    (False, False)
    """
    folded = normalize(text or "")
    return bool(folded) and len(folded.split()) <= _MAX_WORDS and bool(_AGE_BAND.search(folded))


def is_plan_status_question(text: str) -> bool:
    """Whether ``text`` asks whether one's plan or card is active, suspended or cancelled.

    >>> is_plan_status_question("meu plano tá ativo?"), is_plan_status_question("falaram q meu plano ta suspenso")
    (True, True)
    >>> is_plan_status_question("to com 2 mensalidades atrasadas, o plano vai ser cancelado?")
    False
    """
    folded = normalize(text or "")
    return bool(folded) and len(folded.split()) <= _MAX_WORDS and bool(_PLAN_STATUS.search(folded))


# "pq aprovaram so 300 se eu paguei 320?", "pq pagaram so 1034 se eu gastei 1280??": a reimbursement paid below
# what was spent (the LPP table of Art. 72), option 1; the classifier read the money words as the boletos.
REEMBOLSO = "reembolso"
_PAID_LESS = re.compile(
    r"\b(?:pagaram|aprovaram|reembolsaram|devolveram|depositaram|ressarciram|liberaram|caiu|veio|vieram)\s+"
    r"(?:(?:me|pra mim|so|somente|apenas)\s+)*(?:so|somente|apenas|menos|metade|a metade|\d+\s*(?:reais )?a menos)\b|"
    r"\breembols\w*\b.{0,40}\b(?:menor|menos|a menos|abaixo|nao cobriu|nao cobre tudo|so cobriu|incomplet\w*)\b"
)


def is_paid_less_question(text: str) -> bool:
    """Whether ``text`` asks why a reimbursement paid less than what was spent.

    >>> is_paid_less_question("pq aprovaram so 300 se eu paguei 320?")
    True
    >>> is_paid_less_question("pq pagaram so 1034 se eu gastei 1280?? quero recorrer disso")
    True
    >>> is_paid_less_question("o reembolso veio menor do que eu paguei"), is_paid_less_question("ja paguei o boleto")
    (True, False)
    """
    folded = normalize(text or "")
    return bool(folded) and len(folded.split()) <= _MAX_WORDS and bool(_PAID_LESS.search(folded))


# "o que é essa DUT? meu medico disse q eu preciso": the Rol's Guideline of Use, which the bot's answer to a denied
# authorization names (option 5 explains it); the classifier offered the teleconsultation desk's inboxes.
AUTORIZACAO = "autorizacao"
_DUT = re.compile(r"\b(?:dut|diretriz(?:es)? de utilizacao)\b")


def asks_about_the_dut(text: str) -> bool:
    """Whether ``text`` mentions the Guideline of Use (DUT) of a denied authorization.

    >>> asks_about_the_dut("o que é essa DUT? meu medico disse q eu preciso"), asks_about_the_dut("dutra")
    (True, False)
    """
    folded = normalize(text or "")
    return bool(folded) and len(folded.split()) <= _MAX_WORDS and bool(_DUT.search(folded))


def member_question_intent(text: str) -> str | None:
    """The option a member's question about their own plan belongs to, or None to keep the classifier's."""
    if asks_about_the_dut(text):
        return AUTORIZACAO
    if is_paid_less_question(text):
        return REEMBOLSO
    if is_age_band_question(text) or is_debt_question(text) or is_owed_question(text):
        return FINANCEIRO
    if is_plan_status_question(text):
        return NUMERO_CARTAO
    return None
