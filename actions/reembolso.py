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
from bot.db import repository
from bot.nlu.member_questions import is_paid_less_question
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.regulation.reimbursement import (
    OPME_REQUIRED_DATA,
    REIMBURSEMENT_CONDITIONS,
    REQUIRED_DOCUMENTS,
    payment_deadline,
)

SITE = "www.cemigsaude.org.br"

STATUS = {
    "em_analise": "Em análise",
    "pendente_documentos": "Aguardando documentos",
    "aprovado": "Aprovado, aguardando pagamento",
    "pago": "Pago",
    "negado": "Negado",
}

ORIENTACAO_COMO_PEDIR = (
    "*Como pedir reembolso*\n"
    f"Preencha o formulário de reembolso no site {SITE} e envie com os documentos abaixo. "
    "O pagamento sai em até 30 dias depois da entrega de todos eles (Art. 72 do Regulamento)."
)
ORIENTACAO_DOCUMENTOS = "\n".join(
    ["*Documentos (Art. 72 do Regulamento)*"]
    + [f"{numeral}. {texto}" for numeral, texto in REQUIRED_DOCUMENTS.items()]
    + [
        "Materiais especiais, órteses e próteses (OPME): informe "
        f"{', '.join(OPME_REQUIRED_DATA[:-1])} e {OPME_REQUIRED_DATA[-1]} (Art. 72, §6º)."
    ]
)
ORIENTACAO_QUANDO = "\n".join(
    ["*Quando há reembolso (Arts. 71 e 72 do Regulamento)*"] + [f"• {regra}" for regra in REIMBURSEMENT_CONDITIONS]
)
ORIENTACAO = (ORIENTACAO_COMO_PEDIR, ORIENTACAO_DOCUMENTOS, ORIENTACAO_QUANDO)

# "como está meu reembolso" asks for the status, not for the procedure.
_COMO_STATUS = re.compile(r"\bcomo (esta|estao|anda|andam|ta|ficou|fica)\b")
_COMO_PEDIR = re.compile(
    r"\b(como|pedir|peco|solicitar|solicito|documento|documentos|direito|dar entrada|ressarcid[oa])\b"
)
# "e o prazo?", "quando vou receber?", "quanto tempo demora?": the deadlines of the open requests, not the list again.
_PRAZO = re.compile(
    r"\b(?:prazos?|previsao|quanto tempo|quanto falta|demora\w*|quando (?:\w+ ){0,3}?(?:pag\w*|receb\w*|sai|cai|caira|"
    r"deposit\w*|vem|chega))\b"
)
ABERTOS = ("em_analise", "pendente_documentos", "aprovado")
REGRA_DO_PAGAMENTO = (
    "O reembolso é pago em até 30 dias depois da entrega de todos os documentos (Art. 72 do Regulamento)."
)
PRAZO_PARA_PEDIR = (
    "*Prazo para pedir*\nO Regulamento não fixa um prazo para pedir o reembolso; o prazo que ele fixa é o do "
    "pagamento: até 30 dias depois da entrega de todos os documentos (Art. 72), e ele fica suspenso enquanto faltar "
    "um documento que a Cemig Saúde pedir (§4º). Peça assim que tiver os documentos: só as despesas do próprio "
    "atendimento de urgência ou emergência são reembolsadas (§5º)."
)
CONSULTA_ELETIVA = (
    "O reembolso do Regulamento é para atendimentos de urgência e emergência (Arts. 71 e 72): uma consulta ou um "
    "exame marcado com um profissional particular, fora da rede, não é reembolsado. Para consultas, use a rede "
    "credenciada (www.cemigsaude.org.br) ou o CPS."
)
# "qual o prazo máximo pra pedir reembolso?", "até quando posso dar entrada?": the deadline to file, not to be paid.
_LIMITE = re.compile(r"\b(?:prazos?|ate quando|quanto tempo|tempo (?:maximo|limite)|limite|quantos dias|validade)\b")
_PEDIR = re.compile(r"\b(?:pedir|solicitar|dar entrada|entrar com|apresentar|protocolar)\b")
_RECEBER = re.compile(r"\b(?:receb\w*|pag[oa]\w*|cai|cair|sai|demora\w*|depositad\w*)\b")
# "e o prazo?" alone, before identifying: the rule, since no request of anyone is in question yet.
_SO_O_PRAZO = re.compile(r"^\W*(?:e\s+)?(?:qual\s+(?:e\s+)?)?(?:o\s+)?prazos?(?:\s+(?:do|de)\s+reembolso)?\W*$")
# "meu reembolso", "paguei 1280": one's own request, which needs one's data.
_PROPRIO = re.compile(r"\b(?:meu|minha|meus|minhas|paguei|gastei|recebi)\b")
# "consulta particular tem reembolso?", "fui num médico fora da rede, vocês reembolsam?"
_ELETIVA = re.compile(r"\b(?:particular|fora da rede|nao credenciad\w*|eletiv\w*|sem ser (?:da|pela) rede)\b")
_URGENCIA = re.compile(r"\b(?:urgencia|emergencia|pronto.?socorro|ps|uti|internad\w*|internac\w*)\b")


def pergunta_prazo_para_pedir(texto: str) -> bool:
    """Whether the message asks until when a reimbursement can be asked for.

    >>> pergunta_prazo_para_pedir("qual o prazo maximo pra pedir reembolso?")
    True
    >>> pergunta_prazo_para_pedir("e o prazo pra pedir?")
    True
    >>> pergunta_prazo_para_pedir("até quando posso dar entrada no reembolso de março?")
    True
    >>> pergunta_prazo_para_pedir("quanto tempo demora pra receber depois de pedir?")
    False
    >>> pergunta_prazo_para_pedir("e o prazo?")
    False
    >>> pergunta_prazo_para_pedir("qual o prazo do meu pedido?")
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_LIMITE.search(folded) and _PEDIR.search(folded) and not _RECEBER.search(folded))


def pergunta_consulta_eletiva(texto: str) -> bool:
    """Whether the message asks about reimbursing a private, elective visit.

    >>> pergunta_consulta_eletiva("consulta particular tem reembolso?"), pergunta_consulta_eletiva("fora da rede")
    (True, True)
    >>> pergunta_consulta_eletiva("paguei particular no pronto-socorro, tem reembolso?")
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_ELETIVA.search(folded)) and not _URGENCIA.search(folded)



def numeros(mensagem: Dict[str, Any], entidade: str) -> List[str]:
    """Digits of every ``entidade`` in a message, from the NLU entities and from the text itself."""
    valores = [str(e.get("value")) for e in mensagem.get("entities", []) if e.get("entity") == entidade]
    valores += [f.value for f in find_identifiers(mensagem.get("text", "")) if f.entity == entidade]
    return list(dict.fromkeys(re.sub(r"\D", "", v) for v in valores if v))


def pede_orientacao(texto: str) -> bool:
    """Whether the message asks how to request a reimbursement.

    >>> pede_orientacao("quais documentos preciso?"), pede_orientacao("como está meu reembolso")
    (True, False)
    """
    folded = strip_accents(texto)
    return bool(_COMO_PEDIR.search(_COMO_STATUS.sub(" ", folded)))


def pergunta_prazo(texto: str) -> bool:
    """Whether the message asks when a reimbursement is paid.

    >>> pergunta_prazo("e o prazo?"), pergunta_prazo("quando vou receber?"), pergunta_prazo("quando cai o dinheiro")
    (True, True, True)
    >>> pergunta_prazo("quanto falta pra cair?")
    True
    >>> pergunta_prazo("meus reembolsos"), pergunta_prazo("como peço reembolso?")
    (False, False)
    """
    return bool(_PRAZO.search(strip_accents(texto).lower()))


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


def descrever(pedido: Any, nome: str | None, hoje_: date) -> str:
    """One reimbursement request as a short block of text.

    Args:
        pedido: A ``Reimbursement`` row.
        nome: First name to show, or None when the list is about one person.
        hoje_: Today, to flag an overdue payment.

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


# "quero recorrer da negativa do reembolso", "como contesto o reembolso negado?"
_REVISAO = re.compile(r"\b(?:recorr\w*|recurso|contest\w*|reanalis\w*|rever|revisao|discord\w*|nao concord\w*)\b")
REVISAO_DO_REEMBOLSO = (
    "Não concorda com a negativa? Se ela foi por falta de documentos, abra um novo pedido com a documentação "
    "completa (Art. 72, §3º, do Regulamento). Por outro motivo, digite 0 e um atendente registra o seu pedido de "
    "revisão com o protocolo do reembolso; se a resposta não resolver, a Ouvidoria (segunda instância) recebe o "
    "caso com esse protocolo."
)
VALOR_PELA_TABELA = (
    "O reembolso é calculado pela tabela de preços da Cemig Saúde (LPP, Art. 72 do Regulamento; está em "
    "www.cemigsaude.org.br), e não pelo valor pago ao profissional: quando o preço cobrado é maior que o da tabela, "
    "a diferença não é reembolsada."
)
# "como vocês calculam o reembolso?", "qual a tabela?", "e quanto eles devolvem?": the rule of Art. 72.
_CALCULO = re.compile(
    r"\b(?:como (?:voces |vcs |vc )?calcul\w*|calculo do reembolso|tabela (?:lpp|de precos|de reembolso)|lpp|"
    r"quanto (?:eles |voces |vcs |a cemig )?(?:devolve\w*|reembols\w*|paga\w* de volta|ressarc\w*)|"
    r"(?:devolve\w*|reembols\w*) (?:tudo|o valor todo|quanto))\b"
)


class ActionConsultarReembolso(AcaoIdentificada):
    """Shows reimbursement requests, one by protocol, or how to ask for one (Arts. 71-72)."""

    intent = "reembolso"
    acao = "action_consultar_reembolso"
    assunto = "os reembolsos"

    def orientacao_geral(self, texto: str) -> List[str]:
        """How to ask, which documents and when there is reimbursement: the same for everyone."""
        if pergunta_prazo_para_pedir(texto):
            return [PRAZO_PARA_PEDIR]
        if pergunta_consulta_eletiva(texto):
            return [CONSULTA_ELETIVA]
        if _SO_O_PRAZO.match(strip_accents(texto).lower()):
            return [REGRA_DO_PAGAMENTO]
        if _CALCULO.search(strip_accents(texto).lower()) and not _PROPRIO.search(strip_accents(texto).lower()):
            return [VALOR_PELA_TABELA]  # "e quanto eles devolvem?": how it is calculated, for anyone
        return list(ORIENTACAO) if pede_orientacao(texto) and not find_identifiers(texto) else []

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
        if pergunta_prazo(mensagem["text"]) and not pede_orientacao(mensagem["text"]):
            self._prazos(dispatcher, pessoas, session=session)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if is_paid_less_question(mensagem["text"]) or _CALCULO.search(strip_accents(mensagem["text"]).lower()):
            self._valor_menor(dispatcher, pessoas, session=session)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if _REVISAO.search(strip_accents(mensagem["text"]).lower()):
            negados = [
                pedido for pedido in repository.list_reimbursements([p.id for p in pessoas], session=session)
                if pedido.status == "negado"
            ]
            if negados:
                # "como recorro dessa negativa do reembolso?" got how to ask for a reimbursement.
                nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
                blocos = [descrever(pedido, nomes.get(pedido.beneficiary_id), hoje()) for pedido in negados]
                dispatcher.utter_message(text="\n\n".join([*blocos, REVISAO_DO_REEMBOLSO]))
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
