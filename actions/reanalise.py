"""Asking for the reanalysis of a denied authorization, from the authorization's own answer.

A denied guide ends with "Não concorda? Escreva *quero reanálise*". That message was read as the Ombudsman:
the person got the two tiers explained, was asked for a first-instance protocol, then to choose the tier, then to
tell the case, and the ticket did not say which guide. Asked by an identified beneficiary who can see a denied
guide, without a protocol and without naming the Ombudsman, the reanalysis is a first-instance request (the
Ombudsman is the second instance, RN 323/2013): the bot names the guide, asks why the person disagrees, and the
ticket carries the guide, the procedure, the person and the reason of the denial (Art. 77, §2º, of the
Regulamento: the doctor's report supports it).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from sqlalchemy.orm import Session

from actions.familia import Pessoa, pessoas_visiveis
from actions.formatting import first_name, format_date
from bot.db import repository
from bot.nlu.parsing import find_identifiers, strip_accents

# The slot that keeps the guide between the question and the registration (domain.yml).
SLOT_GUIA = "ouvidoria_guia"
_PEDE = re.compile(r"\b(?:reanalis\w*|recorr\w*|recurso|rever|revisao|reconsider\w*)\b")
_OUVIDORIA = re.compile(r"\bouvidor\w*")


def pede_reanalise(texto: str) -> bool:
    """Whether the message asks to review a denial, and not the Ombudsman by name.

    >>> pede_reanalise("quero reanálise"), pede_reanalise("quero recorrer da negativa da artroscopia")
    (True, True)
    >>> pede_reanalise("quero pedir reanálise na ouvidoria"), pede_reanalise("quero fazer uma reclamação")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    return bool(_PEDE.search(folded)) and not _OUVIDORIA.search(folded)


def guias_negadas(beneficiario_id: int, texto: str, *, session: Session) -> List[Tuple[Any, Pessoa]]:
    """The denied guides the identified beneficiary may see, with their owner; only the one named, if any.

    A dependant sees only his own guides (Art. 17 §2), like in the list of authorizations.
    """
    pessoas = {p.id: p for p in pessoas_visiveis(beneficiario_id, session=session)}
    negadas = [
        (pedido, pessoas[pedido.beneficiary_id])
        for pedido in repository.list_authorizations(list(pessoas), session=session, statuses=["negada"])
    ]
    citados = {f.value for f in find_identifiers(texto)} | set(re.findall(r"\d{8,}", texto))
    nomeadas = [(pedido, pessoa) for pedido, pessoa in negadas if pedido.guide_number in citados]
    return nomeadas or negadas


def descrever_guia(pedido: Any, pessoa: Pessoa) -> str:
    """The guide in one line, as the ticket and the question name it."""
    decidida = f", negada em {format_date(pedido.decided_on)}" if pedido.decided_on else ", negada"
    return f"guia {pedido.guide_number} – {pedido.procedure_name} ({first_name(pessoa.nome)}){decidida}"


def pergunta(negadas: List[Tuple[Any, Pessoa]]) -> str:
    """What the bot says before the form asks the case: the guide it will ask to review, or the several ones."""
    if len(negadas) == 1:
        pedido, pessoa = negadas[0]
        motivo = f"\nMotivo da negativa: {pedido.denial_reason}" if pedido.denial_reason else ""
        return f"Vou pedir a reanálise da {descrever_guia(pedido, pessoa)}.{motivo}"
    linhas = "\n".join(f"- {descrever_guia(pedido, pessoa)}" for pedido, pessoa in negadas)
    return f"Você tem {len(negadas)} guias negadas:\n{linhas}\nDiga também o número da guia."


def dados_da_guia(guia: str | None, relato: str, beneficiario_id: int | None, *, session: Session) -> Dict[str, str]:
    """What the agent needs about the guide under review; empty when it cannot be told which one.

    Args:
        guia: The guide the bot named before asking the case, if one.
        relato: The person's case, which may name the guide among several.
        beneficiario_id: The identified beneficiary (guides are looked up only among the ones they may see).
        session: Open database session.
    """
    if beneficiario_id is None:
        return {}
    negadas = guias_negadas(beneficiario_id, guia or relato, session=session)
    if len(negadas) != 1:
        return {}
    pedido, pessoa = negadas[0]
    dados = {
        "guia": pedido.guide_number,
        "procedimento": pedido.procedure_name,
        "beneficiario": first_name(pessoa.nome),
        "motivo_da_negativa": pedido.denial_reason or "não informado",
    }
    return dados


def titulo_da_reanalise(dados: Dict[str, str]) -> str:
    """The request as the ticket and the reply name it.

    >>> titulo_da_reanalise({"guia": "20260000003", "procedimento": "Artroscopia de joelho", "beneficiario": "José"})
    'reanálise da guia 20260000003 (Artroscopia de joelho, José)'
    """
    return f"reanálise da guia {dados['guia']} ({dados['procedimento']}, {dados['beneficiario']})"
