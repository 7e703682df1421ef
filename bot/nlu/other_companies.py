"""Requests about another company's plan or account, which the bot cannot answer.

"quanto custa a mensalidade da smart fit?" was ``financeiro`` (0.90), "como cancelo meu plano da Unimed?" and
"quero cancelar meu plano de celular da vivo" were ``novos_planos``: the classifier reads "mensalidade" and
"plano" and cannot know the company is another. A thing one pays or subscribes to, followed by another company's
name, is out of scope; someone coming from another operator to this plan ("estou saindo da Unimed e pensando em
vir pra vcs") talks about this plan too and stays with the classifier.
"""

from __future__ import annotations

import re

from bot.nlu.short_replies import normalize

FORA_DE_ESCOPO = "fora_de_escopo"

_COMPANY = (
    r"(?:vivo|claro|tim|oi|nextel|net|sky|netflix|spotify|smart ?fit|bluefit|academia|unimed|amil|bradesco|"
    r"sulamerica|hapvida|notredame|intermedica|golden cross|porto seguro|prevent senior|cassi|geap|postal saude|"
    r"inss|detran|cemig energia|conta de luz|"
    # Set L: other bills ("me manda a 2 via do boleto do condomínio").
    r"condominio|ipva|iptu|aluguel|agua|energia)"
)
# Set L: "preciso renovar a carteira de motorista" was the plan's card. A card's kind, not a company: a payment card
# stays with the classifier ("posso pagar no cartão de crédito?" is about this plan's bill).
_OTHER_CARD = re.compile(
    r"\b(?:carteira|cartao|carteirinha|titulo|segunda via|2a? via) (?:de|do|da) "
    r"(?:motorista|habilitacao|trabalho|identidade|estudante|eleitor|onibus|transporte|sus)\b"
)
_OTHER = re.compile(
    r"\b(?:plano|planos|mensalidade|assinatura|conta|chip|internet|telefone|fatura|boleto|carteirinha|cartao|"
    r"guia)\b"
    # At most "de celular" in between: "plano pra apresentar no INSS" is this plan's statement for the INSS.
    rf"(?: (?:de|do) \w+)? (?:da|do|na|no|de) {_COMPANY}\b"
)
_THIS_PLAN = re.compile(r"\b(?:voces|vcs|vc|cemig saude|pra ca|para ca|vir pra|mudar pra|trocar pra|portabilidade)\b")


def is_other_company_request(text: str) -> bool:
    """Whether ``text`` asks about another company's plan, bill or account.

    >>> is_other_company_request("quanto custa a mensalidade da smart fit?")
    True
    >>> is_other_company_request("como cancelo meu plano da Unimed?")
    True
    >>> is_other_company_request("quero cancelar meu plano de celular da vivo")
    True
    >>> is_other_company_request("estou saindo da Unimed e pensando em vir pra vcs, tem carencia?")
    False
    >>> is_other_company_request("claro, quero a segunda via do boleto")
    False
    >>> is_other_company_request("preciso de um relatório dos atendimentos pelo plano pra apresentar no INSS")
    False
    >>> is_other_company_request("Preciso renovar a carteira de motorista, onde faço?")
    True
    >>> is_other_company_request("me manda a 2 via do boleto do condomínio")
    True
    >>> is_other_company_request("posso pagar a mensalidade no cartão de crédito?")
    False
    >>> is_other_company_request("como tiro a segunda via do título de eleitor")
    True
    >>> is_other_company_request("perdi minha carteira, preciso da segunda via da carteirinha do plano")
    False
    """
    folded = normalize(text or "")
    return bool(_OTHER.search(folded) or _OTHER_CARD.search(folded)) and not _THIS_PLAN.search(folded)
