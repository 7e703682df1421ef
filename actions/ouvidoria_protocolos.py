"""The protocol a new Ombudsman manifestation cites as its first instance: whether it is known and may be cited."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import beneficiario_identificado, db_session
from actions.familia import pessoas_visiveis
from bot.db import repository


def protocolo_existe(protocolo: str) -> bool:
    """Whether a first-instance protocol is known: a ticket, a reimbursement or an authorization."""
    with db_session() as session:
        return any(
            (
                repository.find_ticket_by_protocol(protocolo, session=session),
                repository.find_reimbursement_by_protocol(protocolo, session=session),
                repository.find_authorization(protocolo, session=session),
            )
        )


def protocolo_recusado(protocolo: str, tracker: Tracker) -> str | None:
    """Why a known protocol cannot be the first instance of a new manifestation, or None when it can.

    u22: a caller said another caller's Ombudsman protocol, and a re-analysis was registered on it with no person.
    An Ombudsman protocol is no first instance, and an identified person cites only their family's.
    """
    beneficiario_id = beneficiario_identificado(tracker)
    with db_session() as session:
        ticket = repository.find_ticket_by_protocol(protocolo, session=session)
        if ticket is not None and ticket.tier == "ouvidoria":
            return (
                f"O protocolo {protocolo} já é de uma manifestação na Ouvidoria: para saber como ela está, escreva "
                f"*protocolo {protocolo}*. Aqui, informe o protocolo do atendimento anterior (primeira instância), "
                "ou responda *não tenho*."
            )
        dono = ticket.beneficiary_id if ticket is not None else None
        if dono is not None and beneficiario_id is not None:
            visiveis = {pessoa.id for pessoa in pessoas_visiveis(beneficiario_id, session=session)}
            if dono not in visiveis:
                return (
                    f"O protocolo {protocolo} não é de um atendimento seu. Informe o protocolo do seu atendimento "
                    "anterior, ou responda *não tenho*."
                )
    return None
