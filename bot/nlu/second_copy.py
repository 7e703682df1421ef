"""A second copy ("segunda via") asked for without saying of what, when the classifier is lost.

"segunda via" alone is the boleto's (issue 12's foundation named the abbreviation on its own), and the classifier
reads it so. With a verb it did not see, it was lost: "como tiro a segunda via?" was out of scope ("só consigo
ajudar com assuntos do seu plano"), "como pego a segunda via pelo app?" a teleconsultation's technology problem.
Both the boleto and the card have a second copy here; when the classifier picks neither, the bot asks which
(the clarifying question of issue 12), and the topic of the conversation, when it is one of the two, answers it.
Found by probing the live bot, not in an evaluation set.
"""

from __future__ import annotations

import re

from bot.nlu.parsing import strip_accents

FINANCEIRO = "financeiro"
NUMERO_CARTAO = "numero_cartao"
# The two topics a second copy can be of, in the order they are offered.
OPTIONS = (FINANCEIRO, NUMERO_CARTAO)

# Not followed by "do", "da", "de": "a segunda via do RG", "da prescrição" name what they are a copy of.
_SECOND_COPY = re.compile(r"\b(?:segunda|seg\.?|2\s*[aª°o]?)\s*-?\s*vias?\b(?!\s+(?:d[aeo]s?|de)\b)")
_OF_WHAT = re.compile(
    r"\b(?:boletos?|faturas?|mensalidades?|cobrancas?|carnes?|pix|codigo de barras|linha digitavel|cartao|cartoes|"
    r"carteirinhas?|carteiras?|cartaozinho|informes?|ir|irpf|imposto|declarac\w*|demonstrativos?|extratos?|"
    r"receitas?|atestados?|guias?|contratos?|recibos?|notas?|comprovantes?|documentos?|senhas?|laudos?|"
    r"pedidos? (?:de|do|da) exames?|teleconsulta|consulta)\b"
)
_MAX_WORDS = 16


def unnamed_second_copy(text: str) -> bool:
    """Whether a short message asks for a second copy without naming what it is a copy of.

    >>> [unnamed_second_copy(t) for t in ("como tiro a segunda via?", "como pego a 2ª via pelo app?", "2a via")]
    [True, True, True]
    >>> [unnamed_second_copy(t) for t in ("segunda via do boleto", "2ª via da carteirinha", "quero a via original")]
    [False, False, False]
    >>> [unnamed_second_copy(t) for t in ("como tiro a segunda via do RG?", "preciso da 2a via da prescrição")]
    [False, False]
    """
    folded = strip_accents(text or "").lower()
    return (len(folded.split()) <= _MAX_WORDS and bool(_SECOND_COPY.search(folded))
            and not _OF_WHAT.search(folded))
