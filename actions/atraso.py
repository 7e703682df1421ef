"""Whether a boleto is overdue: "esse da Maria tá atrasado?", "tô devendo alguma coisa?", "estou em dia?".

Before, such a question got the whole financial answer again (every open boleto, the delinquency warning and the
paid history), and the yes or no the person asked for had to be dug out of it. The answer starts with it, shows the
overdue boletos (what they cost if paid today, Art. 44 §1º) and, when none is, the next one due.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Sequence

from actions.boletos import a_pagar, aviso_inadimplencia, em_atraso, item_aberto
from actions.formatting import competencia, format_date, format_money
from bot.db.models import Invoice
from bot.nlu.parsing import strip_accents

_ATRASO = re.compile(
    r"\b(?:ta|esta|tah|ficou|anda|estou|to|estamos|tem|tenho|ha|existe|algum|alguma|ainda)\b.{0,25}?"
    r"\b(?:atrasad[oa]s?|em atraso|vencid[oa]s?|devendo|em debito|pendente|pendentes)\b"
    r"|\b(?:estou|to|tou|estamos|ta|esta) em dia\b"
)


def pergunta_se_atrasado(texto: str | None) -> bool:
    """Whether a message asks if something is overdue or owed.

    >>> pergunta_se_atrasado("esse da Maria tá atrasado?"), pergunta_se_atrasado("tô devendo alguma coisa?")
    (True, True)
    >>> pergunta_se_atrasado("estou em dia com o plano?"), pergunta_se_atrasado("tem algum boleto vencido?")
    (True, True)
    >>> pergunta_se_atrasado("segunda via do boleto"), pergunta_se_atrasado("se eu pagar atrasado qual a multa?")
    (False, False)
    """
    return bool(_ATRASO.search(strip_accents(texto or "").lower()))


def resposta_sobre_o_atraso(abertas: Sequence[Invoice], faturas: Sequence[Invoice], referencia: dt.date) -> str:
    """Yes with the overdue boletos and the delinquency warning, or no with the next boleto due.

    Args:
        abertas: The open boletos of the payer.
        faturas: All the payer's boletos (the warning counts the days in arrears over 12 months, Art. 46).
        referencia: Today.
    """
    atrasadas = [f for f in abertas if em_atraso(f, referencia)]
    if atrasadas:
        quantos = "1 boleto em atraso" if len(atrasadas) == 1 else f"{len(atrasadas)} boletos em atraso"
        itens = [item_aberto(f, referencia, None) for f in atrasadas]
        return "\n\n".join([f"Sim: há {quantos}.", *itens, aviso_inadimplencia(faturas, referencia)])
    proximo = next((f for f in sorted(abertas, key=lambda f: f.due_date) if a_pagar(f) > 0), None)
    if proximo is None:
        return "Não: nenhum boleto em atraso nem em aberto. 👍"
    return (
        f"Não: nenhum boleto em atraso. O próximo é o da competência {competencia(proximo.competence)}, "
        f"{format_money(a_pagar(proximo))}, com vencimento em {format_date(proximo.due_date)}. Escreva *boleto* para "
        "ver a linha digitável."
    )
