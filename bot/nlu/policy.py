"""The insurance policy ("apólice"): only the teleconsultation desk's clients have one (source 004).

The plan's own members have a card, a registration and a regulation, never a policy, so a message that names one
is the desk's policy category. In every example written for the project, the training data and the development sets
D to K (127 messages), a message naming the policy is ``tele_apolice``. The classifier still split "qual é o número
da minha apólice?" between the policy, the plan's card ("número") and out of scope, and fell back (set K).
"""

from __future__ import annotations

import re

from bot.nlu.parsing import strip_accents

TELE_APOLICE = "tele_apolice"
_POLICY = re.compile(r"\bapolices?\b")


def names_the_policy(text: str) -> bool:
    """Whether a message names an insurance policy.

    >>> names_the_policy("não sei qual é a minha apólice, podem dizer-me o número?"), names_the_policy("APOLICE")
    (True, True)
    >>> names_the_policy("qual o número da minha carteirinha?")
    False
    """
    return bool(_POLICY.search(strip_accents(text).lower()))
