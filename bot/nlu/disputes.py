"""Whether a message disputes something, which a request to contest an item of the usage statement must do.

The classifier's ``contestar_utilizacao`` shares every topic word with ``utilizacao`` (extrato, consulta, exame,
coparticipação) and differs only in the dispute: "não fiz", "cobraram errado", "quero contestar". Numbers tipped
it: the featurizer turns every number into one token, which 16 % of the contestation examples carry against 1 % of
the usage ones, so "q consultas minha filha usou em 2024" was a contestation. A message with no word of dispute
cannot be one, and loses that guess (:func:`bot.nlu.components.rule_out_intent`); the usage statement it gets
instead ends with how to contest an item, so a dispute missed here is one message away.
"""

from __future__ import annotations

import re

from bot.nlu.short_replies import normalize

# The intent this test guards (domain.yml, bot/intencoes.py).
CONTESTAR_UTILIZACAO = "contestar_utilizacao"

_NEGATION = r"(?:nao|n|nunca|nem|jamais|ninguem)"
# What a disputed item did not happen as: done, gone to, used, known.
_HAPPENED = (
    r"(?:fiz|fez|fizemos|fizeram|fui|foi|fomos|foram|realiz\w*|us\w*|utiliz\w*|pis\w*|conhe\w*|reconhe\w*|"
    r"compareci|comparece\w*|estive|esteve|estivemos|entrei|atendid\w*|sei|saiu|passou|existe|teve|tive|houve|"
    r"aconteceu|autorizei|pedi|solicitei|marquei|agendei|lembro|vi|recebi|deveria|devia|era|"
    r"e (?:meu|minha|dele|dela|nosso))"
)
_PATTERNS = [
    # "não fiz", "nunca fui nessa clínica", "minha mãe nem saiu de casa", "esse procedimento não é meu"
    rf"\b{_NEGATION}\b(?: \w+){{0,3}} {_HAPPENED}\b",
    # Naming the dispute: "quero contestar", "cobrança indevida", "veio duplicada", "lançaram 2 vezes"
    r"\b(?:contest\w*|reclam\w*|question\w*|indevid\w*|errad\w*|erro|equivoc\w*|duplic\w*|desconhe\w*|"
    r"diverg\w*|suspeit\w*|estranh\w*|esquisit\w*|incorret\w*|irregular\w*|improcedente|engano|fraude|golpe|"
    r"clonad\w*|estorn\w*|corrig\w*|revis\w*|absurd\w*|palhacada|isent\w*)\b",
    # "lançaram 2x", "só fiz uma vez"
    r"\b[2-9] ?x\b|\bso (?:fiz|fui|fez|foi|usei|tive|teve) (?:uma|um|1)\b|"
    r"\b(?:duas|\d+) vezes\b|\bem dobro\b|\ba mais\b|\bem (?:meu|meu proprio) nome\b|\bno meu nome\b|\bquem fez\b",
    # An item charged for what did not take place: "cobraram uma consulta que foi desmarcada"
    r"\b(?:desmarcad\w*|cancelad\w*|sem ter)\b",
    r"\b(?:que|q) (?:eu )?(?:n|nao|nem|nunca)\b|\bexplica\w*\b|\bnao (?:bate|confere|procede)\b",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def states_a_dispute(text: str) -> bool:
    """Whether ``text`` says that something in it is wrong, unknown or did not happen.

    >>> states_a_dispute("tem uma consulta no meu extrato que eu não fiz")
    True
    >>> states_a_dispute("cobraram copart de uma consulta presencial que foi desmarcada")
    True
    >>> states_a_dispute("lançaram 2 vezes o mesmo exame de sangue na minha utilização")
    True
    >>> states_a_dispute("cobraram 2x o hemograma, só fiz uma vez!!"), states_a_dispute("lançaram 2x o mesmo exame")
    (True, True)
    >>> states_a_dispute("nunca estive nesse hospital que aparece no demonstrativo de utilização")
    True
    >>> states_a_dispute("esse procedimento número 3 não é meu"), states_a_dispute("desconheço o item 6")
    (True, True)
    >>> states_a_dispute("q consultas minha filha usou em 2024")
    False
    >>> states_a_dispute("quero o extrato de utilização de 2023"), states_a_dispute("quanto paguei de coparticipação")
    (False, False)
    """
    return bool(_PATTERN.search(normalize(text)))


# "quero contestar uma cobrança do boleto de outubro": a contest to open (of an item of the statement billed in the
# boleto), not a question about paying while one is under analysis; the monthly fee's own amount is another matter.
_ASKS_TO_CONTEST = re.compile(
    r"\b(?:quero|queria|gostaria de|preciso|vou|posso|tem como|como (?:faco|posso|eu faco)(?: para| pra)?) "
    r"contest\w*\b(?!.{0,40}\b(?:mensalidade|reajuste|valor do plano)\b)"
)


def asks_to_contest(text: str | None) -> bool:
    """Whether a message asks to contest a charge.

    >>> [asks_to_contest(t) for t in ("quero contestar uma cobrança do boleto de outubro", "como faço pra contestar?")]
    [True, True]
    >>> asks_to_contest("tenho que pagar o boleto com a cobrança que contestei?")
    False
    >>> asks_to_contest("quero contestar o valor da mensalidade")
    False
    """
    return bool(_ASKS_TO_CONTEST.search(normalize(text or "")))
