"""Option 2: statement of use of the plan ("extrato de utilização") with the co-payment of each item.

Co-payment rules shown to the user come from Section XI of the regulation: the exemptions of
Art. 82 §4 and the psychiatric hospitalization rule of Art. 83 (co-payment from the 31st day).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import AcaoIdentificada, beneficiario_identificado, enviar_lista, hoje, mensagem_do_pedido
from actions.chamados import abrir_chamado, lembrar_protocolo, mensagem_do_chamado, responder_sobre_o_chamado
from actions.contexto import reler_no_assunto
from actions.familia import Pessoa
from actions.formatting import enumerar, first_name, format_date, format_money
from actions.periodo import periodo_da_mensagem
from bot.db import repository
from bot.db.models import OPEN_TICKET_STATUSES, UtilizationEvent
from bot.nlu.disputes import states_a_dispute
from bot.nlu.parsing import strip_accents
from bot.regulation.copay import PSYCHIATRIC_COPAY_FIRST_DAY, copay_exempt_reason, psychiatric_copay_applies

RODAPE = "Não reconhece algum item? Responda, por exemplo, *não reconheço o item 2* e eu registro para análise."


CATEGORIA_ISENCAO = {
    "conexao_saude": "conexao_saude",
    "pronto_atendimento_online": "online_emergency_care",
    "quimioterapia": "chemotherapy",
    "radioterapia": "radiotherapy",
    "hemodialise": "haemodialysis",
    "transplante": "transplant",
}


def observacao_coparticipacao(evento: UtilizationEvent) -> str | None:
    """Why an item has (or lacks) co-payment, when a rule of the regulation explains it.

    Args:
        evento: One use of the plan.

    Returns:
        A short sentence naming the article, or None for ordinary items.
    """
    if evento.category == "internacao_psiquiatrica":
        artigo = "(Art. 83 do Regulamento)"
        cobra = f"coparticipação a partir do {PSYCHIATRIC_COPAY_FIRST_DAY}º dia {artigo}."
        dia = evento.hospitalization_day
        if dia is None:
            return f"Internação psiquiátrica: {cobra}"
        if psychiatric_copay_applies(dia):
            return f"{dia}º dia de internação psiquiátrica: {cobra}"
        return f"{dia}º dia de internação psiquiátrica: isento até o {PSYCHIATRIC_COPAY_FIRST_DAY - 1}º dia {artigo}."
    if evento.copay_exempt_reason:
        return evento.copay_exempt_reason
    chave = CATEGORIA_ISENCAO.get(evento.category)
    return copay_exempt_reason(chave) if chave else None


def descrever_item(evento: UtilizationEvent, nome: str | None, numero: int | None = None) -> str:
    """A few lines for one use of the plan.

    Args:
        evento: The use.
        nome: First name of the person, when the list covers more than one.
        numero: Position in the list, which the user can quote to contest the item.

    Returns:
        The item's text.
    """
    cabecalho = f"*{format_date(evento.event_date)}*" + (f" · {nome}" if nome else "")
    if numero:
        cabecalho = f"{numero}. {cabecalho}"
    linhas = [
        cabecalho,
        evento.description,
        f"Prestador: {evento.provider}",
        f"Valor: {format_money(evento.amount_total)} | Coparticipação: {format_money(evento.copay_amount)}",
    ]
    observacao = observacao_coparticipacao(evento)
    if observacao:
        linhas.append(observacao)
    return "\n".join(linhas)



def _contestacao_aberta(item: Dict[str, str], familia: List[int], *, session: Session) -> Any | None:
    """The family's open dispute of this same item (date, description, provider), if any."""
    for ticket in repository.list_tickets(familia, session=session, limit=50):
        antes = (ticket.context_json or {}).get("item_contestado") or {}
        if (
            ticket.category == "utilizacao_contestacao" and ticket.status in OPEN_TICKET_STATUSES
            and all(antes.get(k) == item[k] for k in ("data", "descricao", "prestador"))
        ):
            return ticket
    return None


def item_legivel(item: Dict[str, str]) -> str:
    """The disputed item as the agent reads it: what, where, when, how much and whose.

    u15: the ticket's request read as a Python dict, and not whose item it was (José's, picked by Maria).

    >>> item_legivel({"data": "05/10/2026", "descricao": "Consulta", "prestador": "Clínica Vida",
    ...               "valor": "R$ 310,00", "coparticipacao": "R$ 60,00", "beneficiario": "José Souza (cônjuge)"})
    'Consulta, Clínica Vida, em 05/10/2026, R$ 310,00 (coparticipação R$ 60,00), de José Souza (cônjuge)'
    """
    return (
        f"{item['descricao']}, {item['prestador']}, em {item['data']}, {item['valor']} "
        f"(coparticipação {item['coparticipacao']}), de {item['beneficiario']}"
    )

# u27: "tem como mandar isso em pdf?", "manda em pdf" re-sent the list, for another period, without a word on PDF.
_PDF = re.compile(r"\b(?:pdf|imprimir|impressao|baixar|download)\b")
SEM_PDF = (
    "O extrato de utilização eu mostro só aqui na conversa: não tenho ele em PDF. Para guardar, copie a mensagem ou "
    "tire um print; se precisar dele como documento, digite 0 e peça a um atendente."
)


class ActionConsultarUtilizacao(AcaoIdentificada):
    """Lists the uses of the plan in a period, newest first, with co-payments and their total."""

    intent = "utilizacao"
    acao = "action_consultar_utilizacao"
    assunto = "a utilização"

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Send the statement of the period the user named (the last three months by default)."""
        if _PDF.search(strip_accents(mensagem_do_pedido(tracker, self.intent)["text"]).lower()):
            dispatcher.utter_message(text=SEM_PDF)
            return []
        inicio, fim, rotulo = periodo_da_mensagem(mensagem_do_pedido(tracker, self.intent)["text"], hoje())
        nomes = {p.id: first_name(p.nome) for p in pessoas}
        quem = f"de {enumerar(list(nomes.values()))}"
        eventos = repository.list_utilization(list(nomes), inicio, fim, session=session)
        if not eventos:
            dispatcher.utter_message(text=f"Não há utilização do plano {quem} registrada {rotulo}.")
            dispatcher.utter_message(response="utter_algo_mais")
            return [SlotSet("paginas", None)]
        eventos.sort(key=lambda e: (e.event_date, e.id), reverse=True)
        total = sum((e.copay_amount for e in eventos), Decimal("0.00"))
        varias = len(pessoas) > 1
        itens = [
            descrever_item(e, nomes.get(e.beneficiary_id) if varias else None, numero)
            for numero, e in enumerate(eventos, start=1)
        ]
        atendimentos = "1 atendimento" if len(eventos) == 1 else f"{len(eventos)} atendimentos"
        titulo = (
            f"Utilização do plano {quem} {rotulo}: {atendimentos}.\n"
            f"Coparticipação total no período: *{format_money(total)}*"
        )
        eventos_lista = enviar_lista(dispatcher, titulo, itens, RODAPE)
        dispatcher.utter_message(response="utter_algo_mais")
        # The numbers shown let the user point at an item they do not recognise.
        return [*eventos_lista, SlotSet("itens_utilizacao", [str(e.id) for e in eventos])]


def item_descrito(texto: str, eventos: List[UtilizationEvent]) -> int | None:
    """The position (from 1) of the one listed item a message describes by its day or its words, if exactly one.

    >>> from datetime import date
    >>> from types import SimpleNamespace as E
    >>> lista = [E(event_date=date(2026, 11, 28), description="Hemograma completo", provider="Lab Alfa"),
    ...          E(event_date=date(2026, 11, 3), description="Consulta em clínica médica", provider="Clínica Beta")]
    >>> item_descrito("esse hemograma do dia 28 eu não fiz", lista), item_descrito("a consulta", lista)
    (1, 2)
    >>> item_descrito("não reconheço", lista) is None
    True

    A day that no listed item has points at none, whatever the words ("a consulta de 27/11 eu não fui"):

    >>> item_descrito("a consulta de 27/11 eu nao fui", lista) is None, item_descrito("a consulta de 03/11", lista)
    (True, 2)
    """
    folded = strip_accents(texto).lower()
    dias = {(int(d), None) for d in re.findall(r"\bdia (\d{1,2})\b", folded)}
    dias |= {(int(d), int(m)) for d, m in re.findall(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])", folded)}

    def no_dia(evento: Any) -> bool:
        return any(evento.event_date.day == d and m in (None, evento.event_date.month) for d, m in dias)

    if dias and not any(no_dia(evento) for evento in eventos):
        return None
    palavras = set(re.findall(r"[a-z]{5,}", folded))
    pontos = []
    for evento in eventos:
        descricao = set(re.findall(r"[a-z]{5,}", strip_accents(f"{evento.description} {evento.provider}").lower()))
        pontos.append(len(palavras & descricao) + (2 if no_dia(evento) else 0))
    melhor = max(pontos, default=0)
    if melhor == 0 or pontos.count(melhor) > 1:
        return None
    return pontos.index(melhor) + 1


# Asked when a dispute names no item; a bare number answers it (actions.turno), not the menu.
QUAL_ITEM = "Qual item você não reconhece?"
# "a coparticipação da ressonância de 120 reais tá errada": the item is known, its amount is disputed.
_VALOR = re.compile(r"\b(?:valor|errad[oa]|a mais|car[oa]|indevid\w*|cobrad[oa] demais|muito alt[oa])\b")


# "é a minha", "é o meu", "eu não fui": the user's own item, not the one of the list shown.
_E_MEU = re.compile(r"\b(?:e|eh) (?:a |o )?(?:minha|meu)\b|\bnao (?:e|eh) (?:dela|dele)\b")


def contesta_valor(texto: str) -> bool:
    """Whether a dispute is about the amount of an item the person recognises.

    >>> contesta_valor("a coparticipacao da ressonancia de 120 reais ta errada, quero contestar o valor")
    True
    >>> contesta_valor("não reconheço o item 2")
    False
    """
    return bool(_VALOR.search(strip_accents(texto).lower()))


class ActionContestarUtilizacao(AcaoIdentificada):
    """Turns an item the user does not recognise into a ticket for a person."""

    intent = "contestar_utilizacao"
    acao = "action_contestar_utilizacao"
    escolhe_pessoa = False

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Open the ticket with the item's details, or say how to point at an item."""
        itens = list(tracker.get_slot("itens_utilizacao") or [])
        texto = tracker.latest_message.get("text") or ""
        numero = re.search(r"(?<!\d)(\d{1,3})(?!\d)", texto)
        if not itens:
            # Someone who writes "tem um exame no meu extrato que não fiz" has not seen our numbered list yet:
            # show it, and its footer says how to point at the item.
            dispatcher.utter_message(
                text="Vou mostrar sua utilização; depois indique o número do item que não reconhece."
            )
            return [FollowupAction(ActionConsultarUtilizacao.acao)]
        if numero and 1 <= int(numero.group(1)) <= len(itens):
            posicao = int(numero.group(1))
        else:
            # "esse hemograma do dia 28 eu não fiz": the item described instead of numbered.
            candidatos = [session.get(UtilizationEvent, int(item)) for item in itens]
            posicao = item_descrito(texto, [c for c in candidatos if c is not None])
        if posicao is None:
            if responder_sobre_o_chamado(dispatcher, tracker):  # "qual o prazo?" after the dispute
                return []
            if not states_a_dispute(texto):
                # "e do meu marido tbm", "e no ano passado todo?" after a dispute ask for more of the statement.
                return reler_no_assunto(tracker, ActionConsultarUtilizacao.intent)
            dispatcher.utter_message(text=f"{QUAL_ITEM} Responda com um número de 1 a {len(itens)}.")
            return []
        evento = session.get(UtilizationEvent, int(itens[posicao - 1]))
        if evento is None or evento.beneficiary_id not in {p.id for p in pessoas}:
            dispatcher.utter_message(text="Não encontrei esse item na sua utilização. Consulte a opção 2 de novo.")
            return []
        usuario = beneficiario_identificado(tracker)
        if evento.beneficiary_id != usuario and _E_MEU.search(strip_accents(texto).lower()):
            # After Ana's list, "não é dela, é a minha. a consulta de 27/11 eu não fui" was filed against Ana's item.
            dispatcher.utter_message(
                text="Esse item é de outra pessoa da família. Vou mostrar a sua utilização; depois indique o número "
                "do item que você não reconhece."
            )
            session.commit()
            return ActionConsultarUtilizacao().atender(dispatcher, tracker, usuario, escolha=str(usuario))
        dono = next(p for p in pessoas if p.id == evento.beneficiary_id)
        item = {
            "data": format_date(evento.event_date),
            "descricao": evento.description,
            "prestador": evento.provider,
            "valor": format_money(evento.amount_total),
            "coparticipacao": format_money(evento.copay_amount),
            "beneficiario": f"{dono.nome} ({dono.parentesco})",
        }
        descricao, prestador = evento.description, evento.provider
        anterior = _contestacao_aberta(item, [p.id for p in pessoas], session=session)
        if anterior is not None:
            # u16: the same "não reconheço o item 2" sent twice filed two protocols for one item.
            prazo = f" Prazo de resposta: até {format_date(anterior.due_date)}." if anterior.due_date else ""
            dispatcher.utter_message(
                text=f"Esse item ({descricao}, {item['data']}) já está em análise: protocolo {anterior.protocol}."
                f"{prazo} Não é preciso registrar de novo."
            )
            return [lembrar_protocolo(anterior)]
        # End this read transaction first: on SQLite a reader would block the ticket's writer.
        session.commit()
        valor = contesta_valor(texto)
        motivo = "Valor contestado" if valor else "Item não reconhecido"
        ticket, decisao = abrir_chamado(
            tracker, "utilizacao_contestacao", f"{motivo}: {item_legivel(item)}",
            extra={"item_contestado": item, "motivo": motivo},
        )
        o_que = (
            f"contesta o valor cobrado ({item['coparticipacao']} de coparticipação) do item" if valor
            else "não reconhece o item"
        )
        dispatcher.utter_message(
            text=(
                f"Registrei que você {o_que} de {item['data']} ({descricao}, {prestador}). "
                "A equipe vai analisar.\n" + mensagem_do_chamado(ticket, decisao)
            )
        )
        return [lembrar_protocolo(ticket)]
