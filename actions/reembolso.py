"""Option 1: reimbursement requests (Arts. 71-72) and how to ask for one."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import AcaoIdentificada, beneficiario_identificado, de_quem, enviar_lista, hoje, mensagem_do_pedido
from actions.familia import Pessoa
from actions.formatting import first_name, format_date, format_money
from actions.reembolso_regras import (
    ABERTOS,
    CONSULTA_ELETIVA,
    DOCUMENTOS_QUE_FALTAM,
    ENVIO_DOS_DOCUMENTOS,
    ORIENTACAO,
    PRAZO_PARA_PEDIR,
    REGRA_DO_PAGAMENTO,
    REVISAO_DO_REEMBOLSO,
    STATUS,
    VALOR_PELA_TABELA,
    orientacao_do_reembolso,
    pede_orientacao,
    pede_revisao,
    pergunta_calculo,
    pergunta_consulta_eletiva,
    pergunta_o_que_falta,
    pergunta_prazo,
    pergunta_prazo_para_pedir,
    pergunta_quanto_recebe,
)
from bot.db import repository
from bot.nlu.member_questions import is_paid_less_question
from bot.nlu.parsing import find_identifiers
from bot.regulation.reimbursement import (
    payment_deadline,
)


def numeros(mensagem: Dict[str, Any], entidade: str) -> List[str]:
    """Digits of every ``entidade`` in a message, from the NLU entities and from the text itself."""
    valores = [str(e.get("value")) for e in mensagem.get("entities", []) if e.get("entity") == entidade]
    valores += [f.value for f in find_identifiers(mensagem.get("text", "")) if f.entity == entidade]
    return list(dict.fromkeys(re.sub(r"\D", "", v) for v in valores if v))


def prazo_do_pedido(pedido: Any, nome: str | None, hoje_: date) -> str:
    """When one open request is paid, in a line: the date of Art. 72, or what it waits for (§4).

    Args:
        pedido: A ``Reimbursement`` row that is not paid nor denied.
        nome: First name to show, or None when the answer is about one person.
        hoje_: Today, to flag a deadline that passed.
    """
    titulo = f"• Protocolo {pedido.protocol}" + (f" – {nome}" if nome else "") + f" ({pedido.service_description})"
    prazo = None if pedido.status == "pendente_documentos" else payment_deadline(pedido.documents_complete_on)
    if prazo is None:
        return f"{titulo}: sem data ainda, os 30 dias só começam quando os documentos que faltam chegarem."
    if prazo < hoje_:
        return f"{titulo}: o prazo era {format_date(prazo)} e passou; digite 0 para falar com um atendente."
    return f"{titulo}: pagamento até {format_date(prazo)}."


def descrever(pedido: Any, nome: str | None, hoje_: date, *, como_recorrer: bool = True) -> str:
    """One reimbursement request as a short block of text.

    Args:
        pedido: A ``Reimbursement`` row.
        nome: First name to show, or None when the list is about one person.
        hoje_: Today, to flag an overdue payment.
        como_recorrer: Whether a denied request says how to contest it.

    Returns:
        A few lines: protocol, date, service, status, amounts and deadline.
    """
    linhas = [f"*Protocolo {pedido.protocol}*" + (f" – {nome}" if nome else "")]
    linhas.append(f"Pedido em {format_date(pedido.requested_on)}: {pedido.service_description}")
    linhas.append(f"Situação: {STATUS.get(pedido.status, pedido.status)}")
    valores = f"Valor pedido: {format_money(pedido.amount_requested)}"
    if pedido.amount_approved is not None:
        valores += f" | aprovado: {format_money(pedido.amount_approved)}"
    linhas.append(valores)
    if pedido.amount_approved is not None and pedido.amount_approved < pedido.amount_requested:
        diferenca = format_money(pedido.amount_requested - pedido.amount_approved)
        linhas.append(f"Calculado pela tabela LPP (Art. 72): a diferença de {diferenca} não é reembolsada.")
    if pedido.status == "pago":
        linhas.append(f"Pago em {format_date(pedido.paid_on)}." if pedido.paid_on else "Pagamento efetuado.")
    elif pedido.status == "negado":
        linhas.append(f"Motivo: {pedido.denial_reason or 'não informado'}")
        if como_recorrer:  # not in the answer to that very request (u16: it pointed back to itself)
            linhas.append("Não concorda? Escreva *quero recorrer do reembolso*.")
    elif pedido.status == "pendente_documentos" or pedido.documents_complete_on is None:
        faltam = [d.strip() for d in (pedido.pending_documents or "").split(";") if d.strip()]
        if faltam:
            linhas.append("Faltam: " + "; ".join(faltam) + ".")
        linhas.append("O prazo de pagamento de 30 dias só corre depois da entrega desses documentos (Art. 72, §4º).")
    else:
        prazo = payment_deadline(pedido.documents_complete_on)
        linhas.append(f"Pagamento até {format_date(prazo)} (30 dias após a documentação completa, Art. 72).")
        if prazo < hoje_:
            linhas.append("O prazo passou: digite 0 para falar com um atendente.")
    return "\n".join(linhas)


NADA_FALTA = (
    "Nenhum pedido de reembolso{de_quem} está esperando documentos: os que estão em análise já têm o que precisam. "
    "Se a Cemig Saúde pedir mais alguma coisa, o pedido aparece aqui como aguardando documentos."
)


class ActionConsultarReembolso(AcaoIdentificada):
    """Shows reimbursement requests, one by protocol, or how to ask for one (Arts. 71-72)."""

    intent = "reembolso"
    acao = "action_consultar_reembolso"
    assunto = "os reembolsos"

    def orientacao_geral(self, texto: str) -> List[str]:
        """How to ask, which documents and when there is reimbursement: the same for everyone."""
        return orientacao_do_reembolso(texto)

    def dispensa_escolha(self, mensagem: Dict[str, Any]) -> bool:
        """A protocol lookup or a "how do I ask" question does not depend on whose data."""
        texto = mensagem["text"]
        return bool(numeros(mensagem, "protocolo") or pede_orientacao(texto) or pergunta_consulta_eletiva(texto))

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Answer by protocol, with the guidance, or with the list of requests."""
        mensagem = mensagem_do_pedido(tracker, self.intent)
        protocolos = numeros(mensagem, "protocolo")
        if protocolos:
            self._por_protocolo(dispatcher, protocolos[0], pessoas, session=session)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        for pergunta, resposta in ((pergunta_prazo_para_pedir, PRAZO_PARA_PEDIR),
                                   (pergunta_consulta_eletiva, CONSULTA_ELETIVA)):
            if pergunta(mensagem["text"]):
                dispatcher.utter_message(text=resposta)
                dispatcher.utter_message(response="utter_algo_mais")
                return []
        if pergunta_quanto_recebe(mensagem["text"]):
            self._quanto(dispatcher, pessoas, session=session)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if pergunta_prazo(mensagem["text"]) and not pede_orientacao(mensagem["text"]):
            self._prazos(dispatcher, pessoas, session=session)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if is_paid_less_question(mensagem["text"]) or pergunta_calculo(mensagem["text"]):
            self._valor_menor(dispatcher, pessoas, session=session)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if pede_revisao(mensagem["text"]):
            negados = [
                pedido for pedido in repository.list_reimbursements([p.id for p in pessoas], session=session)
                if pedido.status == "negado"
            ]
            if negados:
                # "como recorro dessa negativa do reembolso?" got how to ask for a reimbursement.
                nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
                blocos = [
                    descrever(pedido, nomes.get(pedido.beneficiary_id), hoje(), como_recorrer=False)
                    for pedido in negados
                ]
                dispatcher.utter_message(text="\n\n".join([*blocos, REVISAO_DO_REEMBOLSO]))
                dispatcher.utter_message(response="utter_algo_mais")
                return []
        onde_enviar = [p for p in orientacao_do_reembolso(mensagem["text"]) if p in (DOCUMENTOS_QUE_FALTAM,
                                                                                     ENVIO_DOS_DOCUMENTOS)]
        if pergunta_o_que_falta(mensagem["text"]) and not onde_enviar:
            onde_enviar = [ENVIO_DOS_DOCUMENTOS]  # "o que falta mandar?": which requests wait, and where to send
        if onde_enviar:
            # u16: "como mando o que falta?" was told to cite the protocol, without being told which one.
            pendentes = [
                pedido for pedido in repository.list_reimbursements([p.id for p in pessoas], session=session)
                if pedido.status == "pendente_documentos"
            ]
            if not pendentes and pergunta_o_que_falta(mensagem["text"]):
                # u20: "e o que falta mandar nesse?" about a request under analysis got how to send documents.
                dispatcher.utter_message(text=NADA_FALTA.format(de_quem=de_quem(pessoas)))
                dispatcher.utter_message(response="utter_algo_mais")
                return []
            dispatcher.utter_message(text=onde_enviar[0])
            if pendentes:
                nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
                blocos = [descrever(pedido, nomes.get(pedido.beneficiary_id), hoje()) for pedido in pendentes]
                dispatcher.utter_message(text="\n\n".join(["Aguardando documentos:", *blocos]))
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if pede_orientacao(mensagem["text"]):
            for parte in ORIENTACAO:
                dispatcher.utter_message(text=parte)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        pedidos = repository.list_reimbursements([p.id for p in pessoas], session=session)
        if not pedidos:
            dispatcher.utter_message(text=self._sem_pedidos(tracker, pessoas))
            for parte in ORIENTACAO:
                dispatcher.utter_message(text=parte)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
        dia = hoje()
        itens = [descrever(pedido, nomes.get(pedido.beneficiary_id), dia) for pedido in pedidos]
        titulo = f"Pedidos de reembolso{de_quem(pessoas)} ({len(pedidos)}), do mais recente ao mais antigo:"
        rodape = "Para saber como pedir um reembolso e quais documentos enviar, escreva *como pedir reembolso*."
        eventos = enviar_lista(dispatcher, titulo, itens, rodape)
        dispatcher.utter_message(response="utter_algo_mais")
        return eventos

    @staticmethod
    def _quanto(dispatcher: CollectingDispatcher, pessoas: List[Pessoa], *, session: Session) -> None:
        """How much each open request pays: the approved amount, or why it is not known yet (Art. 72)."""
        pedidos = repository.list_reimbursements([p.id for p in pessoas], session=session, statuses=ABERTOS)
        if not pedidos:
            dispatcher.utter_message(text=f"Não há pedido de reembolso{de_quem(pessoas)} esperando pagamento.")
            return
        nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
        linhas = []
        for pedido in pedidos:
            titulo = f"• Protocolo {pedido.protocol}" + (f" – {nomes[pedido.beneficiary_id]}"
                                                         if pedido.beneficiary_id in nomes else "")
            if pedido.amount_approved is not None:
                aprovado, pedido_ = format_money(pedido.amount_approved), format_money(pedido.amount_requested)
                valor = f"{aprovado} aprovados (pedido: {pedido_})"
            else:
                valor = (f"pedido de {format_money(pedido.amount_requested)}, ainda sem valor aprovado: o reembolso "
                         "é o valor da tabela da Cemig Saúde, limitado ao que você pagou")
            prazo = prazo_do_pedido(pedido, None, hoje()).split(": ", 1)[1]
            linhas.append(f"{titulo} ({pedido.service_description}): {valor}; {prazo}")
        dispatcher.utter_message(text="\n".join([f"Valores dos pedidos em aberto{de_quem(pessoas)}:", *linhas,
                                                 VALOR_PELA_TABELA]))

    @staticmethod
    def _valor_menor(dispatcher: CollectingDispatcher, pessoas: List[Pessoa], *, session: Session) -> None:
        """Why a reimbursement paid less than was spent (Art. 72), with the requests it happened to."""
        pedidos = repository.list_reimbursements([p.id for p in pessoas], session=session)
        menores = [
            p for p in pedidos if p.amount_approved is not None and p.amount_approved < p.amount_requested
        ]
        nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
        partes = [VALOR_PELA_TABELA]
        partes += [descrever(pedido, nomes.get(pedido.beneficiary_id), hoje()) for pedido in menores]
        partes.append(
            "Se acha que o cálculo pela tabela está errado, digite 0 para falar com um atendente."
            if menores
            else "Nenhum dos seus pedidos teve valor aprovado menor que o pedido."
        )
        dispatcher.utter_message(text="\n\n".join(partes))

    @staticmethod
    def _por_protocolo(
        dispatcher: CollectingDispatcher, protocolo: str, pessoas: List[Pessoa], *, session: Session
    ) -> None:
        pedido = repository.find_reimbursement_by_protocol(protocolo, session=session)
        donos = {p.id: p for p in pessoas}
        # Someone else's protocol gets the same answer as an unknown one: nothing about it leaks.
        if pedido is None or pedido.beneficiary_id not in donos:
            dispatcher.utter_message(
                text=f"Não encontrei esse protocolo entre os seus pedidos de reembolso ({protocolo}). "
                "Confira os 20 dígitos ou escreva *reembolso* para ver a lista."
            )
            return
        nome = first_name(donos[pedido.beneficiary_id].nome) if len(pessoas) > 1 else None
        dispatcher.utter_message(text=descrever(pedido, nome, hoje()))

    @staticmethod
    def _prazos(dispatcher: CollectingDispatcher, pessoas: List[Pessoa], *, session: Session) -> None:
        pedidos = repository.list_reimbursements([p.id for p in pessoas], session=session, statuses=ABERTOS)
        regra = REGRA_DO_PAGAMENTO
        if not pedidos:
            dispatcher.utter_message(
                text=f"Não há pedido de reembolso{de_quem(pessoas)} esperando pagamento. {regra}"
            )
            return
        nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
        dia = hoje()
        linhas = [prazo_do_pedido(pedido, nomes.get(pedido.beneficiary_id), dia) for pedido in pedidos]
        dispatcher.utter_message(text="\n".join([f"Prazos dos pedidos em aberto{de_quem(pessoas)}:", *linhas, regra]))

    @staticmethod
    def _sem_pedidos(tracker: Tracker, pessoas: List[Pessoa]) -> str:
        if len(pessoas) > 1:
            return "Não há pedidos de reembolso registrados para você nem para seus dependentes."
        if pessoas[0].id != beneficiario_identificado(tracker):
            return f"{first_name(pessoas[0].nome)} não tem pedidos de reembolso registrados."
        return "Você não tem pedidos de reembolso registrados."
