"""The Ombudsman (Ouvidoria) as second instance.

The bot asks for the first-instance protocol and checks it. Without one it
explains the two tiers and offers to open the first-instance ticket; if the
beneficiary still wants the Ombudsman, it registers anyway: a missing
protocol never blocks access (ANS RN 323/2013). The Ombudsman answers within
7 business days (RN 323/2013).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.autorizacao import DUT_DEFINICAO, pergunta_dut
from actions.base import beneficiario_identificado, db_session, hoje
from actions.chamados import (
    abrir_chamado,
    lembrar_protocolo,
    mensagem_do_chamado,
)
from actions.contexto import reler_no_assunto
from actions.formatting import format_date
from actions.ouvidoria_leitura import (
    OUVIDORIA,
    PRIMEIRA,
    SEM_PROTOCOLO,
    descreve_o_caso,
    ler_instancia,
    ler_tipo,
    so_um_protocolo,
)
from actions.ouvidoria_pedidos import (
    NAO_ENCONTRADO,
    NOMES_DOS_NUMEROS,
    PARECE_OUTRO_NUMERO,
    PEDIDO_INSTANCIA,
    PEDIDO_PROTOCOLO,
    PEDIDO_RELATO,
    PEDIDO_TIPO,
    pedir_de_novo,
)
from actions.ouvidoria_perguntas import (
    EXPLICACAO_INSTANCIAS,
    NO_PRAZO,
    PRAZO_OUVIDORIA,
    ainda_no_prazo,
    consultar_andamento,
    no_prazo_nesta_mensagem,
    pergunta_andamento,
)
from actions.ouvidoria_protocolos import protocolo_existe, protocolo_recusado
from actions.pedido import DESISTIU, desiste, nao_entendeu, outra_opcao_no_lugar, so_cumprimento
from actions.reanalise import (
    DUVIDA_NA_REANALISE,
    GUIA_ERRADA,
    MOTIVO_DA_REANALISE,
    SLOT_GUIA,
    corrige_a_guia,
    dados_da_guia,
    nao_sabe,
    pergunta_no_lugar_do_motivo,
    so_protesto,
    titulo_da_reanalise,
)
from bot.nlu.parsing import find_identifiers, is_only_identifiers, strip_accents
from bot.nlu.short_replies import says_already_said

_NEGATIVA = re.compile(r"\b(nao|n|nunca|nenhum|sem protocolo|nao tenho|não tenho)\b")
SLOTS = ["ouvidoria_protocolo", "ouvidoria_instancia", "ouvidoria_tipo", "ouvidoria_relato"]



class ValidateOuvidoriaForm(FormValidationAction):
    """Validates the Ombudsman form; the tier question only appears without a protocol."""

    def name(self) -> Text:
        """Rasa action name."""
        return "validate_ouvidoria_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Ask the tier only without a protocol; the first instance needs no kind of manifestation."""
        if tracker.get_slot("ouvidoria_protocolo") != SEM_PROTOCOLO:
            return ["ouvidoria_protocolo", "ouvidoria_tipo", "ouvidoria_relato"]
        if tracker.get_slot("ouvidoria_instancia") == PRIMEIRA:
            return ["ouvidoria_protocolo", "ouvidoria_instancia", "ouvidoria_relato"]
        return SLOTS

    @staticmethod
    def _desistiu(tracker: Tracker, slot: str, texto: str) -> Dict[Text, Any] | None:
        """Every slot filled with the give-up mark when the person leaves at this question ("cancelar")."""
        if tracker.get_slot("requested_slot") != slot:
            return None
        if so_cumprimento(texto):
            # Telegram's /start, or "oi" on coming back: the welcome, not the same question again.
            return {nome: DESISTIU for nome in SLOTS}
        if not desiste(texto):
            return None
        if slot == "ouvidoria_protocolo" and _NEGATIVA.search(strip_accents(texto).lower()) and not re.search(
            r"\b(?:cancel\w*|desist\w*|esquec\w*)", strip_accents(texto).lower()
        ):
            # "não tenho" answers "você tem o protocolo?": no protocol, not giving up.
            return None
        return {nome: DESISTIU for nome in SLOTS}

    def validate_ouvidoria_protocolo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A known 20-digit protocol, or the user has none; a question about one already made ends the form."""
        texto = str(value or "")
        if texto == SEM_PROTOCOLO and tracker.get_slot("requested_slot") is None:
            # Set before the form opened: a reanalysis of a denied guide goes to the first instance.
            return {"ouvidoria_protocolo": SEM_PROTOCOLO}
        desistiu = self._desistiu(tracker, "ouvidoria_protocolo", texto)
        if desistiu:
            return desistiu
        # "qual o protocolo?" here asks which protocol the question means, not how one is going.
        quer_saber_qual = re.fullmatch(r"\s*qual (?:e )?o protocolo\s*\??\s*", strip_accents(texto).lower())
        perguntando = tracker.get_slot("requested_slot") == "ouvidoria_protocolo"
        if perguntando and pergunta_andamento(texto) and not quer_saber_qual:
            # "quero saber o andamento do protocolo ...": a lookup, not a second manifestation.
            consultar_andamento(dispatcher, tracker)
            return {"ouvidoria_protocolo": None, "requested_slot": None}
        protocolos = [f.value for f in find_identifiers(texto) if f.entity == "protocolo"]
        if tracker.get_slot("requested_slot") is None and not protocolos:
            return {"ouvidoria_protocolo": None}
        if protocolos:
            existe = protocolo_existe(protocolos[0])
            recusa = existe and protocolo_recusado(protocolos[0], tracker)
            if recusa:
                pedir_de_novo(dispatcher, tracker, "ouvidoria_protocolo", recusa)
                return {"ouvidoria_protocolo": None}
            if existe:
                prazo = ainda_no_prazo(protocolos[0], tracker, hoje())
                if prazo:
                    dispatcher.utter_message(text=NO_PRAZO.format(protocolo=protocolos[0], prazo=format_date(prazo)))
                return {"ouvidoria_protocolo": protocolos[0]}
            pedir_de_novo(dispatcher, tracker, "ouvidoria_protocolo", NAO_ENCONTRADO)
            return {"ouvidoria_protocolo": None}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "negar" or _NEGATIVA.search(strip_accents(texto)):
            dispatcher.utter_message(text=EXPLICACAO_INSTANCIAS)
            return {"ouvidoria_protocolo": SEM_PROTOCOLO}
        outro = next((NOMES_DOS_NUMEROS[f.entity] for f in find_identifiers(texto) if f.entity in NOMES_DOS_NUMEROS),
                     None)
        pedir_de_novo(dispatcher, tracker, "ouvidoria_protocolo",
                      PARECE_OUTRO_NUMERO.format(o_que=outro) if outro else PEDIDO_PROTOCOLO)
        return {"ouvidoria_protocolo": None}

    def validate_ouvidoria_instancia(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """First instance now, or the Ombudsman anyway (also when the person already tried the first)."""
        desistiu = self._desistiu(tracker, "ouvidoria_instancia", str(value or ""))
        if desistiu:
            return desistiu
        texto = str(value or "")
        escolha = ler_instancia(texto)
        perguntado = tracker.get_slot("requested_slot") == "ouvidoria_instancia"
        if escolha is None and perguntado:
            pedir_de_novo(dispatcher, tracker, "ouvidoria_instancia", PEDIDO_INSTANCIA)
        if perguntado and escolha == OUVIDORIA and not tracker.get_slot("ouvidoria_relato") and descreve_o_caso(texto):
            # u26: "o reembolso da consulta de urgência de novembro, mandei os documentos e ninguém responde" chose
            # the Ombudsman and was then asked "descreva o que aconteceu": it is the report, and says its kind.
            return {"ouvidoria_instancia": escolha, "ouvidoria_relato": texto[:2000],
                    **({"ouvidoria_tipo": tipo} if (tipo := ler_tipo(texto)) else {})}
        return {"ouvidoria_instancia": escolha}

    def validate_ouvidoria_tipo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """One of the five kinds of manifestation, by number, by name or told by a description.

        An answer that already describes what happened is also the report, while none was given, so the
        person is not asked to tell it again.
        """
        texto = str(value or "").strip()
        desistiu = self._desistiu(tracker, "ouvidoria_tipo", texto)
        if desistiu:
            return desistiu
        tipo = ler_tipo(texto)
        if tipo is None:
            if tracker.get_slot("requested_slot") == "ouvidoria_tipo":
                pedir_de_novo(dispatcher, tracker, "ouvidoria_tipo", PEDIDO_TIPO)
            return {"ouvidoria_tipo": None}
        perguntado = tracker.get_slot("requested_slot") == "ouvidoria_tipo"
        if perguntado and not tracker.get_slot("ouvidoria_relato") and descreve_o_caso(texto):
            return {"ouvidoria_tipo": tipo, "ouvidoria_relato": texto[:2000]}
        return {"ouvidoria_tipo": tipo}

    def validate_ouvidoria_relato(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A few words describing the case."""
        relato = str(value or "").strip()
        desistiu = self._desistiu(tracker, "ouvidoria_relato", relato)
        if desistiu:
            return desistiu
        perguntado = tracker.get_slot("requested_slot") == "ouvidoria_relato"
        if not perguntado and no_prazo_nesta_mensagem(tracker):
            # u16: the protocol and the case in one message were told "escreva cancelar se preferir esperar" and
            # registered in the same answer; the case is asked next, so the choice is real.
            return {"ouvidoria_relato": None}
        if perguntado and tracker.get_slot(SLOT_GUIA) and nao_sabe(relato):
            return {"ouvidoria_relato": relato}  # the reanalysis offers "não sei" as an answer
        if perguntado and nao_entendeu(relato):
            # "não entendi" is no complaint: the step explained, nothing registered.
            dispatcher.utter_message(text=EXPLICA_RELATO)
            return {"ouvidoria_relato": None}
        if perguntado and tracker.get_slot(SLOT_GUIA):
            # The reanalysis of a named guide: a correction of the guide or a question is no reason to file.
            if corrige_a_guia(relato):
                dispatcher.utter_message(text=GUIA_ERRADA)
                return {nome: DESISTIU for nome in SLOTS}
            if (outra := outra_opcao_no_lugar(relato)) is not None:
                # u16: "espera, antes me passa o número do meu cartão" was filed as the reason for the review.
                dispatcher.utter_message(
                    text=f"Para ver {outra.rotulo.lower()}, digite {outra.digito}. A reanálise eu peço quando você "
                    "quiser: escreva *quero reanálise*."
                )
                return {nome: DESISTIU for nome in SLOTS}
            if pergunta_no_lugar_do_motivo(relato):
                dispatcher.utter_message(text=DUT_DEFINICAO if pergunta_dut(relato) else DUVIDA_NA_REANALISE)
                return {"ouvidoria_relato": None}
            if so_protesto(relato):
                # "não concordo, quero recorrer" was filed as the reason: the review needs one.
                dispatcher.utter_message(text=MOTIVO_DA_REANALISE)
                return {"ouvidoria_relato": None}
        if perguntado and so_um_protocolo(relato):
            # "protocolo 4175..." typed at "what happened?" asks about that protocol; it was filed as a compliment.
            consultar_andamento(dispatcher, tracker)
            return {nome: DESISTIU for nome in SLOTS}
        if perguntado and says_already_said(relato):
            # "JA FALEI": what was said before the form is the report when it told the case; else it is asked once
            # more, saying why, and "JA FALEI" is never registered as the complaint.
            anterior = _relato_anterior(tracker)
            if anterior:
                return {"ouvidoria_relato": anterior[:2000]}
            dispatcher.utter_message(text=SEM_RELATO_AINDA)
            return {"ouvidoria_relato": None}
        if perguntado and is_only_identifiers(relato, find_identifiers(relato)):
            # A CPF typed at "what happened?" was registered as the complaint, and the case told before was lost.
            dispatcher.utter_message(text=SO_IDENTIFICACAO_NO_RELATO)
            return {"ouvidoria_relato": None}
        if len(relato) < 5:
            if tracker.get_slot("requested_slot") == "ouvidoria_relato":
                pedir_de_novo(dispatcher, tracker, "ouvidoria_relato", PEDIDO_RELATO)
            return {"ouvidoria_relato": None}
        return {"ouvidoria_relato": relato[:2000]}


def resumo(relato: str, limite: int = 160) -> str:
    """The report as the confirmation quotes it, cut at a word when long.

    >>> resumo("o médico não apareceu"), resumo("palavra " * 40, limite=20)
    ('o médico não apareceu', 'palavra palavra…')
    """
    relato = " ".join(relato.split())
    return relato if len(relato) <= limite else relato[:limite].rsplit(" ", 1)[0] + "…"


SO_IDENTIFICACAO_NO_RELATO = (
    "Aqui não precisa do CPF: conte numa mensagem o que aconteceu (datas e nomes ajudam). Para desistir, escreva "
    "*cancelar*."
)
SEM_RELATO_AINDA = (
    "Desculpe! Ainda não tenho a descrição do que aconteceu. Conte numa mensagem só, em poucas palavras, o que "
    "houve (datas e nomes ajudam). Para desistir, escreva *cancelar*."
)


def _relato_anterior(tracker: Tracker) -> str | None:
    """The message that opened the Ombudsman's form, when it told the case."""
    for evento in reversed(tracker.events or []):
        intent = ((evento.get("parse_data") or {}).get("intent") or {}).get("name")
        if evento.get("event") == "user" and intent == "ouvidoria":
            texto = str(evento.get("text") or "")
            return texto if descreve_o_caso(texto) else None
    return None


EXPLICA_RELATO = (
    "Conte com suas palavras o que aconteceu, com datas e nomes se souber: por exemplo, \"o hospital X negou meu "
    "exame no dia 10/11 e ninguém me explicou\". Para desistir, escreva *cancelar*."
)


# Registered before identifying, a manifestation has no owner, and only its owner may look it up; identifying in
# the same conversation makes it theirs (actions.identificacao.assumir_protocolos_da_conversa).
ACOMPANHAR_SEM_IDENTIFICACAO = (
    "Para acompanhar depois pelo número do protocolo, identifique-se nesta conversa (informe seu CPF): a "
    "manifestação fica vinculada ao seu cadastro."
)


class ActionRegistrarOuvidoria(Action):
    """Registers the manifestation with the Ombudsman, or opens the first-instance ticket."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_registrar_ouvidoria"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Open the ticket and give the protocol and the deadline at once."""
        limpar = [SlotSet(slot, None) for slot in (*SLOTS, SLOT_GUIA)]
        protocolo = tracker.get_slot("ouvidoria_protocolo")
        relato = tracker.get_slot("ouvidoria_relato") or ""
        if not relato:
            return limpar
        if relato == DESISTIU and so_cumprimento(str(tracker.latest_message.get("text") or "")):
            return [*limpar, *reler_no_assunto(tracker, "saudacao")]
        if relato == DESISTIU:
            dispatcher.utter_message(
                text="Tudo bem, não registrei nada. Digite *menu* para ver as opções ou 0 para falar com um atendente."
            )
            return limpar
        if tracker.get_slot("ouvidoria_instancia") == PRIMEIRA:
            with db_session() as session:
                guia = dados_da_guia(
                    tracker.get_slot(SLOT_GUIA), relato, beneficiario_identificado(tracker), session=session
                )
            # A guide under review is the authorization team's matter, in the first instance's inbox; the request
            # line names it, so the agent reads which guide before the case.
            categoria = "autorizacao" if guia else "primeira_instancia"
            pedido = f"Pedido de {titulo_da_reanalise(guia)}: {relato}" if guia else relato
            ticket, decisao = abrir_chamado(
                tracker, categoria, pedido, coletado=guia or None, extra={"reanalise": guia} if guia else None,
                kind="geral",
            )
            aberto = f"Pedi a {titulo_da_reanalise(guia)}." if guia else "Abri seu atendimento de primeira instância."
            dispatcher.utter_message(text=f"{aberto}\n" + mensagem_do_chamado(ticket, decisao))
            dispatcher.utter_message(
                text="Se não ficar satisfeito com a resposta, volte e registre na Ouvidoria com este protocolo."
            )
            return [*limpar, lembrar_protocolo(ticket)]
        tipo = tracker.get_slot("ouvidoria_tipo") or "reclamação"
        primeiro = protocolo if protocolo and protocolo != SEM_PROTOCOLO else None
        ticket, decisao = abrir_chamado(
            tracker,
            "ouvidoria",
            relato,
            coletado={"protocolo": primeiro, "tipo": tipo} if primeiro else {"tipo": tipo},
            extra={"tipo_manifestacao": tipo, "protocolo_primeira_instancia": primeiro or "não informado"},
            related_protocol=primeiro,
            kind="ouvidoria",
        )
        acompanhar = "" if beneficiario_identificado(tracker) else f"\n{ACOMPANHAR_SEM_IDENTIFICACAO}"
        dispatcher.utter_message(
            text=(
                f"Sua manifestação ({tipo}) foi registrada na Ouvidoria, com o relato: “{resumo(relato)}”\n"
                + mensagem_do_chamado(ticket, decisao)
                + f"\n{PRAZO_OUVIDORIA}{acompanhar}"
            )
        )
        return [*limpar, lembrar_protocolo(ticket)]
