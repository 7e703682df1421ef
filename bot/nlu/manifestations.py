"""Compliments and suggestions: two of the Ombudsman's kinds of manifestation, named by their own words.

The issue names the family: a suggestion about the plan, or praise for a doctor, went to the topic it talked about
("queria parabenizar a médica do pronto atendimento online" was PA Online, 0.88; "sugiro que vocês aumentem o
horário do chat" fell back). Praising or suggesting is said with a closed set of words, and whatever the message
is about, it is a manifestation for the Ombudsman (which takes both without a first-instance protocol,
actions/ouvidoria_perguntas.py). A lone "parabéns!" is a thank-you of the short replies' lexicon, decided before.
"""

from __future__ import annotations

import re

from bot.nlu.short_replies import normalize

OUVIDORIA = "ouvidoria"

_WORDS = re.compile(r"\b(?:elogi\w*|parabeniz\w*|parabens (?:a|ao|pel\w*|para)|sugest\w*|sugerir|sugiro)\b")


def is_compliment_or_suggestion(text: str) -> bool:
    """Whether ``text`` praises someone or suggests something.

    >>> is_compliment_or_suggestion("queria parabenizar a médica do pronto atendimento online")
    True
    >>> is_compliment_or_suggestion("sugiro que vocês aumentem o horário do chat, só até as 17h é pouco")
    True
    >>> is_compliment_or_suggestion("o médico do PA online foi ótimo, obrigada"), is_compliment_or_suggestion("")
    (False, False)
    """
    return bool(_WORDS.search(normalize(text or "")))

