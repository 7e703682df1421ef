"""A boleto's digitable line by SMS, for a caller who cannot take 47 digits down by ear.

The action only writes the message; the phone channel sends it to the number the call comes from
(bot/channels/sms.py) and says whether it went.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, Sequence

from actions.boletos import a_pagar
from actions.formatting import competencia, format_date, format_money, linha_digitavel
from bot.canais import SMS_KEY, SMS_SAID_KEY
from bot.db.models import Invoice
from bot.nlu.parsing import SMS, strip_accents
from bot.regulation.finance import effective_due_date

DICA_SMS = "Para receber a linha digitável por SMS no celular de onde você liga, diga SMS."
SEM_BOLETO_PARA_SMS = "Você não tem boleto em aberto para mandar por SMS."


def pede_sms(texto: str | None) -> bool:
    """Whether a caller asks for the boleto by text message.

    >>> pede_sms("manda por SMS"), pede_sms("esse eme esse"), pede_sms("quero o boleto")
    (True, True, False)
    """
    return bool(re.search(SMS, strip_accents(texto or "").lower()))


def mensagem_sms(faturas: Sequence[Invoice], referencia: dt.date) -> Dict[str, Any]:
    """The custom message that asks the phone channel to text the boletos' lines, and what to say when it did.

    Only boletos with something to pay are texted; the amount is today's, late charges included (Art. 44 §1º).
    """
    partes = ["Cemig Saúde - 2ª via"]
    for fatura in faturas:
        atraso = " (em atraso, valor de hoje)" if referencia > effective_due_date(fatura.due_date) else ""
        partes.append(
            f"Competência {competencia(fatura.competence)}, vencimento {format_date(fatura.due_date)}, "
            f"{format_money(a_pagar(fatura))}{atraso}. Linha digitável: {linha_digitavel(fatura.digitable_line)}"
        )
    quais = "do boleto" if len(faturas) == 1 else f"dos {len(faturas)} boletos"
    dito = f"Pronto: mandei por SMS, para o número de onde você liga, a linha digitável {quais}."
    return {SMS_KEY: "\n".join(partes), SMS_SAID_KEY: dito}
