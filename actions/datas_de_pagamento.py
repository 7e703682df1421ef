"""The day a payment is said to be made, read from the request that asked about a boleto.

"se eu pagar dia 20?", "e se eu pagar só em janeiro?", "venceu dia 10, posso pagar sexta?": the late-fee answer
computes the boletos on that day (Art. 44, §1º of the regulation).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from actions.pedido import datas_do_pedido
from bot.nlu.parsing import MONTH_NAMES, MONTHS, strip_accents

# "venceu dia 10, posso pagar sexta?": the day after "venceu" is the due date the person read, not the payment's.
_VENCIMENTO_ANTES = re.compile(r"\b(?:venc\w*|vencimento)(?:\s+(?:e|era|foi|no|em|dia|do|de|o|na))*\s*$")


def data_de_pagamento(entidades: Iterable[dict], referencia: dt.date, texto: str = "") -> dt.date | None:
    """Pick the payment date the user asked about from the message entities.

    Past dates are ignored: right after identification the latest message is the birth date, which must not
    be read as a payment date. So is a date the message gives as the due date ("venceu dia 10").

    Args:
        entidades: The entities of the message that asked (:func:`actions.base.mensagem_do_pedido`).
        referencia: Today.
        texto: That message, whose words before each date say whether it is the due date.

    Returns:
        The first ISO ``data`` entity on or after ``referencia`` that is not the due date, or None.

    >>> entidades = [{"entity": "data", "value": "2026-12-10", "start": 11, "end": 17},
    ...              {"entity": "data", "value": "2026-12-11", "start": 31, "end": 36}]
    >>> data_de_pagamento(entidades, dt.date(2026, 12, 7), "venceu dia 10, posso pagar sexta?")
    datetime.date(2026, 12, 11)
    >>> data_de_pagamento(entidades[:1], dt.date(2026, 12, 7), "se eu pagar dia 10?")
    datetime.date(2026, 12, 10)
    """
    folded = strip_accents(texto).lower()

    def vencimento(entidade: dict) -> bool:
        inicio = entidade.get("start")
        return isinstance(inicio, int) and bool(_VENCIMENTO_ANTES.search(folded[:inicio]))

    pagamentos = [e for e in entidades if not vencimento(e)]
    dia = next((dia for dia in datas_do_pedido(pagamentos) if dia >= referencia), None)
    return dia or mes_do_pagamento(folded, referencia)


# u22: "e se eu pagar só em janeiro?" showed today's amount: a month with no day is read as its first day, the
# earliest the person says they will pay (each day later only adds interest).
_MES_DO_PAGAMENTO = re.compile(
    rf"\b(?:pagar|pague|pagaria|pagando|pagarei)\b.{{0,25}}?\b(?:em|no mes de|so em|la pra|la para|la em|"
    rf"no comeco de|no inicio de)\s+(?P<mes>{MONTH_NAMES})\b"
)


def mes_do_pagamento(texto: str, referencia: dt.date) -> dt.date | None:
    """The first day of the month a payment is said to be made in, from ``referencia`` on; None when none is said.

    >>> mes_do_pagamento("e se eu pagar so em janeiro?", dt.date(2026, 12, 7))
    datetime.date(2027, 1, 1)
    >>> mes_do_pagamento("se eu pagar em dezembro", dt.date(2026, 12, 7))
    datetime.date(2026, 12, 7)
    >>> mes_do_pagamento("paguei em novembro", dt.date(2026, 12, 7)) is None
    True
    """
    achado = _MES_DO_PAGAMENTO.search(strip_accents(texto).lower())
    if not achado:
        return None
    mes = MONTHS[achado["mes"]]
    if mes == referencia.month:
        return referencia
    ano = referencia.year + (1 if mes < referencia.month else 0)
    return dt.date(ano, mes, 1)
