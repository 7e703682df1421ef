"""A prior-authorization guide as the beneficiary reads it, and the reanalysis open for it.

Shared by the authorizations (option 5, actions/autorizacao.py) and the reanalysis of a denied guide
(actions/reanalise.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List

from sqlalchemy.orm import Session

from actions.formatting import format_date
from bot.db import repository
from bot.regulation.deadlines import ANSWER_BUSINESS_DAYS, TicketKind, answer_due

STATUS = {
    "em_analise": "Em análise",
    "autorizada": "Autorizada",
    "negada": "Negada",
    "cancelada": "Cancelada",
}


def tipo_prazo(pedido: Any) -> TicketKind:
    """Kind of answer deadline of a request: high complexity gets 10 business days, the rest 5 (RN 623/2024)."""
    if pedido.high_complexity:
        return TicketKind.HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION
    return TicketKind.COVERAGE_REQUEST


def reanalises_abertas(pedidos: List[Any], *, session: Session) -> Dict[str, Any]:
    """The open reanalysis requests of the denied ones among ``pedidos``, by guide number.

    Whoever of the owner's family asked it (Maria for José's guide), it is the guide's.
    """
    negadas = [p for p in pedidos if p.status == "negada"]
    familias = set()
    for dono in {p.beneficiary_id for p in negadas}:
        cadastro = repository.get_beneficiary(dono, session=session)
        if cadastro is not None:
            titular = repository.family_titular_id(cadastro)
            familias.update(m.id for m in repository.list_family(titular, session=session))
    return repository.open_reanalyses([p.guide_number for p in negadas], familias, session=session)


def descrever(pedido: Any, nome: str | None, hoje_: date, reanalise: Any | None = None) -> str:
    """One authorization as a short block of text.

    Args:
        pedido: An ``Authorization`` row.
        nome: First name to show, or None when the list is about one person.
        hoje_: Today, to flag an overdue answer.
        reanalise: The open reanalysis request of a denied guide (a ``Ticket``), if one was asked.

    Returns:
        A few lines: guide, procedure, dates, status and, by status, the reason or the deadline.
    """
    linhas = [f"*Guia {pedido.guide_number}*" + (f" – {nome}" if nome else "")]
    linhas.append(pedido.procedure_name)
    datas = f"Pedido em {format_date(pedido.requested_on)}"
    if pedido.decided_on:
        datas += f"; decidido em {format_date(pedido.decided_on)}"
    linhas.append(datas)
    linhas.append(f"Situação: {STATUS.get(pedido.status, pedido.status)}")
    if pedido.status == "negada":
        linhas.append(f"Motivo: {pedido.denial_reason or 'não informado'}")
        if reanalise is not None:
            prazo = f", resposta até {format_date(reanalise.due_date)}" if reanalise.due_date else ""
            linhas.append(f"Reanálise pedida: protocolo {reanalise.protocol}{prazo}.")
        else:
            linhas.append("Não concorda? Escreva *quero reanálise*.")
    elif pedido.status == "em_analise":
        if pedido.urgency:
            linhas.append("Pedido de urgência: o atendimento não precisa esperar a autorização (Art. 77, §1º).")
        else:
            tipo = tipo_prazo(pedido)
            prazo = answer_due(pedido.requested_on, tipo)
            dias = ANSWER_BUSINESS_DAYS[tipo]
            linhas.append(f"Resposta até {format_date(prazo)} ({dias} dias úteis, RN 623/2024 da ANS).")
            if prazo < hoje_:
                linhas.append("O prazo passou: digite 0 para falar com um atendente.")
    return "\n".join(linhas)
