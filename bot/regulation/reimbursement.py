"""Reimbursement in urgency and emergency (Section VII of Chapter VII: Arts. 71 and 72).

The 30-day deadline of Art. 72 is in calendar days ("dias", not "dias úteis") and starts when the documents of
items I-V are all presented. While complementary documents requested by the operator (§2) are pending, the
deadline is suspended (§4): it stops on the request and resumes, with the days it had left, on delivery. That is
read as a suspension, not an interruption: the days already run are not given back.
"""

from __future__ import annotations

import datetime as dt
from typing import Dict, Iterable, Tuple

PAYMENT_DEADLINE_DAYS = 30

# Art. 72, items I-V: documents that start the deadline. Keys are the items' Roman numerals.
REQUIRED_DOCUMENTS: Dict[str, str] = {
    "I": "Solicitação do reembolso, por meio do formulário específico disponível no site da Cemig Saúde.",
    "II": (
        "Relatório do médico assistente com nome do paciente, código de identificação, tratamento efetuado e "
        "justificativa, data do atendimento e, quando for o caso, tempo de permanência no hospital, data da alta "
        "hospitalar, CID da doença básica, descrição das complicações e relatório de alta (assinado, datado e "
        "carimbado)."
    ),
    "III": (
        "Conta hospitalar discriminando materiais e medicamentos consumidos, com preço por unidade, juntamente com "
        "notas fiscais, faturas ou recibos do hospital."
    ),
    "IV": (
        "Recibos ou documentos fiscais individualizados de honorários dos médicos assistentes, auxiliares e outros, "
        "discriminando funções e o evento a que se referem (assinados, datados e carimbados)."
    ),
    "V": (
        "Comprovantes dos serviços de exames complementares de diagnóstico e terapia e dos serviços auxiliares, "
        "acompanhados do pedido do médico assistente."
    ),
}

# Art. 72 §6: what the beneficiary must state for special materials, orthoses and prostheses (OPME).
OPME_REQUIRED_DATA: Tuple[str, ...] = ("marca", "modelo", "fabricante", "registro ANVISA")

# Art. 71 (with the title of Section VII and Art. 72 caput, §3 and §5): when reimbursement applies.
REIMBURSEMENT_CONDITIONS: Tuple[str, ...] = (
    "O reembolso se aplica a atendimentos de urgência e emergência.",
    "É assegurado nos limites das obrigações do Regulamento e da legislação em vigor.",
    "Não há reembolso em hospitais e serviços que pratiquem tabela própria ou de alto custo.",
    "Devem ser respeitadas a área de abrangência e de atuação do plano e as demais condições do Regulamento.",
    "Só são reembolsadas as despesas ligadas diretamente ao evento que originou o atendimento, realizadas enquanto "
    "durar o estado de urgência ou emergência.",
    "O valor é calculado pela tabela de preços LPP, disponível no site da Cemig Saúde.",
    "Sem a documentação completa (ou os documentos complementares solicitados), o reembolso é negado e é preciso "
    "abrir novo pedido com a documentação completa.",
)

Suspension = Tuple[dt.date, dt.date | None]


def missing_documents(presented: Iterable[str]) -> Dict[str, str]:
    """Return the documents of Art. 72, I-V, still missing.

    Implements Art. 72 caput and §3: the deadline only starts, and the request is only accepted, with all five.

    Args:
        presented: Roman numerals ("I".."V") of the items already presented; case and spaces are ignored.

    Returns:
        The missing items, numeral -> description, in the order of the article.
    """
    given = {item.strip().upper() for item in presented}
    return {numeral: text for numeral, text in REQUIRED_DOCUMENTS.items() if numeral not in given}


def payment_deadline(
    documents_complete_on: dt.date | None,
    suspensions: Iterable[Suspension] = (),
) -> dt.date | None:
    """Return the last day for the operator to pay a reimbursement.

    Implements Art. 72: payment within 30 calendar days after the documents of items I-V are presented, suspended
    (§4) for as long as complementary documents requested by the operator (§2) are pending.

    Example: documents complete on 05/03/2026 give 04/04/2026; if on 10/03/2026 the operator asks for a further
    report delivered on 20/03/2026, the 10 days of suspension move the deadline to 14/04/2026.

    Args:
        documents_complete_on: Day the complete documentation was presented, or None if it is not complete.
        suspensions: (requested_on, delivered_on) pairs of complementary-document requests; ``delivered_on`` is
            None while the documents are still pending. Requests are assumed not to overlap.

    Returns:
        The deadline, or None while the documentation is incomplete or a complementary request is pending (the
        deadline is then suspended and has no date yet).

    Raises:
        ValueError: If a request precedes the complete documentation or a delivery precedes its request.
    """
    if documents_complete_on is None:
        return None
    suspended_days = 0
    for requested_on, delivered_on in suspensions:
        if requested_on < documents_complete_on:
            raise ValueError("a complementary request cannot precede the complete documentation")
        if delivered_on is None:
            return None
        if delivered_on < requested_on:
            raise ValueError("documents cannot be delivered before they are requested")
        suspended_days += (delivered_on - requested_on).days
    return documents_complete_on + dt.timedelta(days=PAYMENT_DEADLINE_DAYS + suspended_days)
