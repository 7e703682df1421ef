"""The start and the end of the identification: what was asked, and what is served once it is done.

The start keeps the option the message asked for (or answers at once what needs nobody's data); the end serves
that option, or offers a person after the attempts ran out. The questions in between are actions/identificacao.py.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    LIMPAR_FORMULARIO,
    SERVICOS,
    beneficiario_identificado,
    session_factory,
)
from actions.chamados import (
    PROTOCOLO_DA_CONVERSA,
    assumir_protocolos_da_conversa,
    aviso_do_protocolo,
    pede_o_protocolo,
    responder_sobre_o_chamado,
)
from actions.cobertura import orientacao_sem_cadastro
from actions.contexto import assunto_atual, assunto_do_pedido, reler_no_assunto
from actions.formatting import first_name
from actions.identificacao_leitura import (
    documento_invalido,
    nao_e_cliente,
)
from actions.novos_planos import pergunta_preco_por_idade, pergunta_sobre_a_cotacao
from actions.orientacoes import pergunta_do_pa
from actions.ouvidoria_leitura import CAMINHO_ATE_A_ANS, pergunta_ans
from actions.pedido import DESISTIU, primeiro_pedido, tem_protocolo
from actions.protocolo import com_o_protocolo_pedido, situacao_na_mesa
from actions.teleconsulta_seguimento import segue_na_mesa
from bot.canais import TELEFONE_24H
from bot.intencoes import INFORMAR_IDENTIFICACAO
from bot.nlu.handoff import asks_for_a_person
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.nlu.symptoms import PRONTO_ATENDIMENTO

logger = logging.getLogger(__name__)


# Someone already upset about a delay of ours (a reimbursement, an authorization): said before the CPF question, so
# it does not read as indifference. Not for a boleto, where "atrasado" is the person's own delay.
_DEMORA = re.compile(
    r"(?:😡|😠|🤬|\b(?:atrasad\w*|demora\w*|ninguem (?:me )?(?:fala|responde|retorna|explica|da retorno)|"
    r"absurdo|nunca (?:chega|sai|cai)|ainda nao (?:caiu|saiu|chegou|veio|foi pago)|"
    r"ate agora nada|ja faz (?:mais de )?(?:um |uma |\d+ )?(?:mes|semana|dia)))"
)

# The thanks that close an identification; the IVR leaves it out when the caller asks to hear again.
IDENTIFICACAO_CONFIRMADA = "Obrigado, {nome}! Identificação confirmada."


def reclama_da_demora(texto: str) -> bool:
    """Whether a request comes with a complaint about waiting ("tá atrasado", "ninguém me fala nada", 😡).

    >>> reclama_da_demora("meu reembolso ta atrasado ja faz mais de mes e ninguem me fala nada 😡")
    True
    >>> reclama_da_demora("meu reembolso"), reclama_da_demora("quero a segunda via do boleto")
    (False, False)
    """
    return bool(_DEMORA.search(strip_accents(texto or "").lower()))


class ActionSolicitarIdentificacao(Action):
    """Starts identification, remembering the option the user asked for."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_solicitar_identificacao"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Reset the form and take any identifier already in the message; answer a general question at once."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        texto = tracker.latest_message.get("text") or ""
        # "quero ver o status do meu pedido" after the reimbursements: the reimbursement, once identified.
        intent = assunto_do_pedido(tracker, texto) or intent
        pendente = intent if intent in SERVICOS else None
        if intent == INFORMAR_IDENTIFICACAO:
            # A CPF typed after "informe seu CPF" (the request was kept: someone else took over the phone), or with
            # the request in the same message ("sou a maria cpf ... nasc ... queria saber qnd vence o boleto").
            pendente = tracker.get_slot("opcao_pendente") or primeiro_pedido(texto)
        desta_conversa = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
        if intent == "consultar_protocolo" and desta_conversa and responder_sobre_o_chamado(dispatcher, tracker):
            # "e quando abre?" after asking for a person: when the attendants are back, not the protocol alone.
            return [FollowupAction("action_listen")]
        pede_este = intent == "consultar_protocolo" or pede_o_protocolo(texto)
        if pede_este and desta_conversa and not tem_protocolo(texto):
            # "qual o protocolo?" right after one was opened: told again, no identification needed for that.
            dispatcher.utter_message(text=aviso_do_protocolo(desta_conversa))
            return [FollowupAction("action_listen")]
        if mesa := segue_na_mesa(tracker):
            return reler_no_assunto(tracker, mesa)  # a follow-up of the desk's client, who has no CPF to give
        na_mesa = com_o_protocolo_pedido(tracker, texto)
        if pede_este or tem_protocolo(na_mesa):
            # "protocolo 4175... CPF 111.222.333-96" reads as an identification: a desk request is looked up first.
            with session_factory()() as session:
                if situacao_na_mesa(dispatcher, na_mesa, session=session):  # a client of the desk, with no plan
                    return [FollowupAction("action_listen")]
        if assunto_atual(tracker.events or []) == PRONTO_ATENDIMENTO and pergunta_do_pa(texto):
            # "e é preciso pagar alguma coisa?" after the PA Online answer drew the invoices, and a CPF was asked.
            return reler_no_assunto(tracker, PRONTO_ATENDIMENTO)
        if pendente == "financeiro" and pergunta_preco_por_idade(texto):
            # "tenho 54 anos, quanto eu pagaria no enfermaria?" is a price of the plans, for anyone.
            return reler_no_assunto(tracker, "novos_planos")
        if assunto_atual(tracker.events or []) == "novos_planos" and pergunta_sobre_a_cotacao(texto):
            # u17: after a quote, "quanto fica o total por mes?" or "e se for enfermaria?" asked for a CPF.
            return reler_no_assunto(tracker, "novos_planos")
        orientacao = SERVICOS[intent]().orientacao_geral(texto) if intent in SERVICOS else []
        geral = orientacao_sem_cadastro(texto) if intent in SERVICOS else None
        reclama = pendente in ("reembolso", "autorizacao") and reclama_da_demora(texto)
        vai_a_ans = reclama and pergunta_ans(texto)
        if vai_a_ans:
            # u25: "que absurdo, meu reembolso ainda não caiu, vou reclamar na ANS" got the way to the ANS and nothing
            # about the reimbursement: the way is told, and the request is looked up, as the first instance would.
            adiante = f"Sinto muito pela demora. Você pode, sim, levar o caso adiante. {CAMINHO_ATE_A_ANS}"
            dispatcher.utter_message(text=adiante)
            orientacao, geral = [], None
        if geral:
            # "rede credenciada", "o plano cobre no Rio?" drew an option's intent: nobody's data answers it, so no
            # CPF either.
            orientacao = [geral]
        if orientacao:
            # "quais documentos preciso pro reembolso?" shows nothing personal: answered without the CPF, and the
            # identification is not started (the rule's next step, the form, is skipped by listening).
            for parte in orientacao:
                dispatcher.utter_message(text=parte)
            dispatcher.utter_message(
                text="Para acompanhar os seus pedidos, é só pedir (por exemplo, *meus reembolsos* ou *minhas "
                "autorizações*): aí peço o CPF para confirmar que é você. Digite *menu* para ver as opções."
            )
            return [FollowupAction("action_listen")]
        events: List[EventType] = [*LIMPAR_FORMULARIO, SlotSet("opcao_pendente", pendente)]
        if reclama:
            # u17: "meu reembolso ta atrasado ja faz mais de mes e ninguem me fala nada 😡" got the CPF question alone.
            desculpa = "" if vai_a_ans else "Sinto muito pela demora. "
            dispatcher.utter_message(text=f"{desculpa}Vou ver o que aconteceu com o seu pedido.")
        for item in find_identifiers(texto):
            # Only a number that is a valid CPF or card is taken as the answer: an 11-digit guide number in
            # "como está a guia ..." must not be charged as a failed identification attempt.
            if item.entity in ("cpf", "numero_cartao") and not documento_invalido(item.value):
                events.append(SlotSet("identificacao_documento", item.value))
            elif item.entity == "data":
                events.append(SlotSet("identificacao_nascimento", item.value))
        return events


class ActionConcluirIdentificacao(Action):
    """Ends the form: serves the pending option, or offers a person after failures."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_concluir_identificacao"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Close identification and continue where the user wanted to go."""
        events: List[EventType] = [*LIMPAR_FORMULARIO, SlotSet("opcao_pendente", None)]
        beneficiario_id = beneficiario_identificado(tracker)
        nao_escolhe = [SlotSet("escolher_pessoa", False)]
        if beneficiario_id is None and tracker.get_slot("identificacao_documento") == DESISTIU:
            ultima = tracker.latest_message or {}
            if (ultima.get("intent") or {}).get("name") == "novos_planos" or nao_e_cliente(ultima.get("text") or ""):
                # The prospect's message, read again as the question about the plans it was.
                return [*reler_no_assunto(tracker, "novos_planos"), *events, *nao_escolhe]
            intent = (ultima.get("intent") or {}).get("name")
            if intent == "falar_atendente" or asks_for_a_person(ultima.get("text") or ""):
                # "quero falar com uma pessoa" at the CPF question: the request for a person, served.
                return [*reler_no_assunto(tracker, "falar_atendente"), *events, *nao_escolhe]
            if intent == "saudacao":
                return [*reler_no_assunto(tracker, "saudacao"), *events, *nao_escolhe]
            return events + nao_escolhe
        if beneficiario_id is None:
            dispatcher.utter_message(
                text=(
                    "Não foi possível confirmar sua identificação. Para sua segurança, encerrei esta etapa.\n"
                    f"Digite 0 para falar com um atendente ou ligue para {TELEFONE_24H}."
                )
            )
            return events + nao_escolhe
        nome = first_name(tracker.get_slot("beneficiario_nome") or "")
        dispatcher.utter_message(text=IDENTIFICACAO_CONFIRMADA.format(nome=nome))
        assumir_protocolos_da_conversa(tracker, beneficiario_id)
        # u19: "minha cirurgia já foi autorizada?" got the general rules, then the CPF and the date got the menu:
        # the topic asked about just before identifying is what the person identified for.
        servico = SERVICOS.get(tracker.get_slot("opcao_pendente") or "") or SERVICOS.get(
            assunto_atual(tracker.events or []) or ""
        )
        if servico is None:
            dispatcher.utter_message(response="utter_menu")
            return events + nao_escolhe
        # The service says itself whether the titular must first choose whose data to see.
        return events + servico().atender(dispatcher, tracker, beneficiario_id)
