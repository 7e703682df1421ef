"""Where a client of the teleconsultation desk gets a doctor or a prescription today, without waiting for the desk.

The desk answers in days; "preciso do medicamento hoje" is told where care is now: the PA Online in Brazil, the
public line in Portugal.
"""

from __future__ import annotations

import re

from bot.canais import SNS_24
from bot.nlu.parsing import strip_accents

_PRECISA_HOJE = re.compile(
    r"\b(?:hoje|agora|urgente|ja ja|amanha cedo|nao posso esperar|outro medico|precisa do (?:remedio|medicamento))\b"
)


def precisa_hoje(texto: str) -> bool:
    """Whether a message about a desk request says it cannot wait for the desk's answer.

    >>> precisa_hoje("Entretanto posso ir a outro médico? o miúdo precisa do remédio"), precisa_hoje("obrigado")
    (True, False)
    """
    return bool(_PRECISA_HOJE.search(strip_accents(texto).lower()))
HOJE_NO_PA_ONLINE = (
    "Se precisa de um médico ou de uma receita hoje, o Pronto Atendimento Online atende agora, 24 horas: escreva "
    "*PA Online*."
)
# Without a number of the desk's own for the sick, a client in Portugal is sent to the public line.
HOJE_EM_PORTUGAL = (
    f"Se precisa de um médico ou de uma receita hoje, em Portugal ligue para o {SNS_24}; no Brasil, o Pronto "
    "Atendimento Online atende agora, 24 horas (escreva *PA Online*)."
)


def hoje_sem_esperar(fiscal: str | None) -> str:
    """Where a desk client gets a doctor or a prescription today: a CPF is a client in Brazil, a NIF in Portugal.

    >>> hoje_sem_esperar("52998224725") == HOJE_NO_PA_ONLINE, hoje_sem_esperar("123456789") == HOJE_EM_PORTUGAL
    (True, True)
    """
    return HOJE_NO_PA_ONLINE if len(fiscal or "") == 11 else HOJE_EM_PORTUGAL
