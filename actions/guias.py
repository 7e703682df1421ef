"""A prior-authorization guide as the beneficiary reads it, and the reanalysis open for it.

Shared by the authorizations (option 5, actions/autorizacao.py) and the reanalysis of a denied guide
(actions/reanalise.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List

from sqlalchemy.orm import Session

from actions.formatting import format_date
from bot.db import repository
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.regulation.deadlines import ANSWER_BUSINESS_DAYS, TicketKind, answer_due

STATUS = {
    "em_analise": "Em análise",
    "autorizada": "Autorizada",
    "negada": "Negada",
    "cancelada": "Cancelada",
}


# Words of a procedure's name too common to tell one guide from another.
_PALAVRAS_COMUNS = frozenset({"sessoes", "sessao", "pacote", "exame", "exames", "consulta", "procedimento", "cirurgia"})


def _palavras_do_procedimento(nome: str) -> set:
    """The words that name a procedure in a message: "tomografia", "joelho", not "sessões" nor "de".

    >>> sorted(_palavras_do_procedimento("Sessões de fisioterapia (pacote de 10)"))
    ['fisioterapia']
    """
    palavras = set(re.findall(r"[a-z]{5,}", strip_accents(nome).lower()))
    return palavras - _PALAVRAS_COMUNS


def guias_nomeadas(pedidos: List[Any], texto: str) -> List[Any]:
    """The guides among ``pedidos`` a message names, by number or by a word of the procedure.

    Args:
        pedidos: ``Authorization`` rows the person may see.
        texto: The message ("e a tomografia? já saiu?", "reanálise da 20260000003").

    Returns:
        The named ones, in the order of ``pedidos``; none when the message names no guide.
    """
    citados = {f.value for f in find_identifiers(texto)} | set(re.findall(r"\d{8,}", texto))
    palavras = set(re.findall(r"[a-z]+", strip_accents(texto).lower()))
    return [
        pedido
        for pedido in pedidos
        if pedido.guide_number in citados or _palavras_do_procedimento(pedido.procedure_name) & palavras
    ]


# Procedures people ask about by name; one not among the person's guides is said to be missing (u25: "minha
# ressonância foi autorizada?" got the knee arthroscopy, denied, and no word about the MRI).
_PROCEDIMENTOS = re.compile(
    r"\b(?:ressonancias?|tomografias?|ultrassom|ultrassonografias?|ecografias?|ecocardiogramas?|endoscopias?|"
    r"colonoscopias?|mamografias?|densitometrias?|fisioterapias?|artroscopias?|cateterismos?|biopsias?|"
    r"cintilografias?|quimioterapias?|radioterapias?|hemodialises?|angioplastias?|bariatricas?|"
    r"fonoaudiologias?|psicoterapias?|cesareas?|partos?|internac(?:ao|oes)|holter|eletroneuromiografias?|"
    # "cirurgia de vesícula": the organ names which surgery.
    r"cirurgias? (?:de|da|do|no|na|nos|nas) [a-z]{4,}|cirurgias?)\b"
)


def procedimento_sem_guia(pedidos: List[Any], texto: str) -> str | None:
    """A procedure the message names that none of ``pedidos`` is, as the person wrote it; None otherwise.

    >>> from types import SimpleNamespace as P
    >>> joelho = [P(procedure_name="Artroscopia de joelho", guide_number="20260000003")]
    >>> procedimento_sem_guia(joelho, "minha ressonância foi autorizada?")
    'ressonância'
    >>> procedimento_sem_guia(joelho, "e a artroscopia?") is None
    True
    >>> procedimento_sem_guia(joelho, "quais autorizações eu tenho?") is None
    True
    """
    folded = strip_accents(texto).lower()
    achado = _PROCEDIMENTOS.search(folded)
    if achado is None or guias_nomeadas(pedidos, texto):
        return None
    # As the person wrote it ("ressonância"), when folding kept the positions.
    return texto[achado.start():achado.end()].lower() if len(folded) == len(texto) else achado.group(0)


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
