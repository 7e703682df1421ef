"""Questions about the Ombudsman answered instead of opening its form: its deadline, a manifestation's progress.

"qual o prazo da ouvidoria?" right after registering started the form again; these questions get their answer,
and a question about a manifestation already made becomes a protocol lookup.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import beneficiario_identificado, db_session, hoje
from actions.chamados import responder_sobre_o_chamado
from actions.cobertura import REDE_CREDENCIADA, so_pergunta_rede
from actions.complemento import JUNTADO_OUVIDORIA, chamado_da_conversa, juntar_ao_chamado
from actions.contexto import assunto_atual, reler_no_assunto
from actions.conversa import pergunta_contato
from actions.familia import pessoas_visiveis
from actions.formatting import format_date
from actions.ouvidoria_leitura import (
    OUVIDORIA,
    RECLAMAR_NA_ANS,
    SEM_PROTOCOLO,
    TIPOS,
    descreve_o_caso,
    ler_tipo,
    pergunta_ans,
)
from actions.pedido import tem_protocolo
from actions.protocolo import ActionConsultarProtocolo
from actions.reanalise import iniciar_reanalise, negativa_lida, pede_a_reanalise, pede_reanalise
from bot.canais import TELEFONE_24H
from bot.db import repository
from bot.db.models import OPEN_TICKET_STATUSES
from bot.nlu.handoff import asks_for_a_person
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.regulation.deadlines import ANSWER_BUSINESS_DAYS, TicketKind

EXPLICACAO_INSTANCIAS = (
    "A Ouvidoria é a segunda instância: ela recebe demandas que já passaram por um canal de primeira instância "
    "(chat, aplicativo, telefone ou atendimento presencial) e não foram resolvidas no prazo ou de forma "
    "satisfatória."
)

# The kinds the Ombudsman takes without a first-instance protocol: there is nothing to have solved first.
SEM_PRIMEIRA_INSTANCIA = {TIPOS["3"]: "o seu elogio", TIPOS["4"]: "a sua sugestão"}

PRAZO_OUVIDORIA = (
    f"A Ouvidoria responde em até {ANSWER_BUSINESS_DAYS[TicketKind.OMBUDSMAN]} dias úteis (ANS RN 323/2013)."
)
# "qual o prazo da ouvidoria?", "quanto tempo demora?": the Ombudsman's deadline, not a manifestation; the form
# would take it for one ("demora" is a complaint's word) and start over.
_PERGUNTA_PRAZO = re.compile(
    r"\b(?:qual (?:e )?o prazo|que prazo|tem prazo|prazo de resposta|quanto tempo|em quantos dias|quando "
    r"(?:respond\w*|vou ter|terei|recebo|sai|vem)|demora quanto|vai demorar|demora muito)\b"
)
# "já tem resposta?", "e a minha reclamação?", "o andamento do protocolo ...": a manifestation already made.
_PERGUNTA_ANDAMENTO = re.compile(
    r"\bcomo (?:ta|esta|anda|vai|fica)\b.{0,25}\b(?:reclamacao|manifestacao|denuncia|protocolo|pedido|ouvidoria)\b|"
    r"\b(?:status|andamento|situacao|ja (?:tem|teve) (?:resposta|retorno)|tem (?:resposta|retorno)|ja respond\w*|"
    r"como (?:acompanho|acompanhar)|qual (?:e )?(?:o )?(?:meu |numero do (?:meu )?)?protocolo|"
    r"(?:esqueci|perdi|nao anotei) (?:o )?(?:meu )?(?:numero do )?protocolo|"
    r"(?:e )?(?:a )?minha (?:reclamacao|manifestacao|denuncia|sugestao|reanalise)\??$|"
    # "o elogio ficou no meu nome?", "a reclamação foi registrada?": one already made.
    r"(?:ficou|foi|ta|esta) (?:mesmo )?(?:registrad\w*|no meu nome|anotad\w*|salv\w*|cadastrad\w*))"
)
_QUER_REGISTRAR = re.compile(
    r"\b(?:quero|queria|gostaria de|preciso|vou) (?:registrar|reclamar|fazer|abrir|denunciar|elogiar|sugerir)\b"
)
OUVIDORIA_CONTATO = (
    "Não tenho um telefone próprio da Ouvidoria: você registra sua manifestação por aqui mesmo (escreva \"quero "
    f"registrar na ouvidoria\") ou pela Central de Relacionamento, {TELEFONE_24H}."
)


def _pergunta(padrao: re.Pattern[str], texto: str) -> bool:
    folded = strip_accents(texto or "").lower().strip()
    return len(folded.split()) <= 16 and bool(padrao.search(folded)) and not _QUER_REGISTRAR.search(folded)


def pergunta_prazo(texto: str) -> bool:
    """Whether a message asks the Ombudsman's deadline without making a manifestation.

    >>> pergunta_prazo("qual o prazo da ouvidoria?"), pergunta_prazo("quanto tempo demora?")
    (True, True)
    >>> pergunta_prazo("quero reclamar da demora, qual o prazo?")
    False
    """
    return _pergunta(_PERGUNTA_PRAZO, texto)


def pergunta_andamento(texto: str) -> bool:
    """Whether a message asks about a manifestation already made.

    >>> pergunta_andamento("fiz uma reclamacao hj cedo, protocolo 41750520261206000003, ja tem resposta?")
    True
    >>> pergunta_andamento("e a minha reclamação da ouvidoria?"), pergunta_andamento("quero registrar uma reclamação")
    (True, False)
    >>> pergunta_andamento("oi, como ta minha reclamacao na ouvidoria? abri hoje mais cedo")
    True
    >>> pergunta_andamento("qual meu protocolo? abri uma reclamacao na ouvidoria hoje cedo")
    True
    >>> pergunta_andamento("esqueci o numero do protocolo da ouvidoria")
    True
    """
    folded = strip_accents(texto or "").lower().strip().rstrip("?!. ")
    return _pergunta(_PERGUNTA_ANDAMENTO, re.sub(r"\s+da ouvidoria$", "", folded))


# "nem falei qual é a reclamação", "quero acrescentar", "esqueci de dizer que...": more about the manifestation made.
_SEM_COMPLEMENTO = re.compile(
    r"\b(?:mas )?(?:eu )?(?:nem|nao) (?:falei|disse|contei|expliquei)(?: (?:qual|o que) (?:e|era|foi) a (?:reclamacao|"
    r"manifestacao)| nada)?|\b(?:quero|queria|vou|preciso) (?:acrescentar|complementar|completar|adicionar)|"
    r"\besqueci de (?:falar|dizer|contar)|\bfaltou (?:falar|dizer|contar)|\bso (?:mais )?uma coisa|^\W*acrescentar\W*"
)
CONTE_O_CASO = (
    "Pode contar numa mensagem só o que aconteceu, com datas e nomes se souber: eu junto à sua manifestação "
    "{protocolo}. Comece por *acrescentar:*."
)


def complementa(texto: str) -> bool:
    """Whether a message adds to the manifestation just registered, or says its case was not told.

    >>> complementa("mas eu nem falei qual é a reclamação"), complementa("acrescentar: o hospital X me cobrou")
    (True, True)
    >>> complementa("quero fazer outra reclamação"), complementa("qual o prazo?")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    return bool(_SEM_COMPLEMENTO.search(folded)) or folded.lstrip().startswith("acrescentar")


def manifestacao_da_conversa(tracker: Tracker) -> Any | None:
    """The Ombudsman ticket this conversation registered last, if that is the protocol it gave last."""
    ticket = chamado_da_conversa(tracker)
    return ticket if ticket is not None and ticket.tier == "ouvidoria" else None


_POR_QUE_NEGOU = re.compile(
    r"\b(?:por que|porque|pq|qual (?:foi )?o motivo|motivo)\b.{0,30}\bneg\w*|\bneg\w*\b.{0,30}\b(?:por que|pq|porque|"
    r"como assim)\b"
)


class ActionExplicarOuvidoria(Action):
    """Explains the two tiers before the Ombudsman form, or answers a question about the Ombudsman instead.

    "qual o prazo da ouvidoria?" right after registering started the form again; the question gets the deadline
    (and the protocol just given), and the form does not open.
    """

    def name(self) -> Text:
        """Rasa action name."""
        return "action_explicar_ouvidoria"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer a question and wait for the next message, or explain the tiers and let the form open."""
        texto = tracker.latest_message.get("text") or ""
        ticket = manifestacao_da_conversa(tracker)
        if pergunta_andamento(texto) and (tem_protocolo(texto) or ticket is None):
            # A manifestation made elsewhere or earlier: the protocol lookup, which identifies first.
            return reler_no_assunto(tracker, ActionConsultarProtocolo.intent)
        if pergunta_andamento(texto) or pergunta_prazo(texto):
            if ticket is not None:
                prazo = f" Prazo de resposta: até {format_date(ticket.due_date)}." if ticket.due_date else ""
                dispatcher.utter_message(
                    text=f"Sua manifestação foi registrada na Ouvidoria com o protocolo {ticket.protocol}.{prazo}\n"
                    f"{PRAZO_OUVIDORIA}"
                )
            elif not responder_sobre_o_chamado(dispatcher, tracker):
                dispatcher.utter_message(
                    text=f"{PRAZO_OUVIDORIA} {EXPLICACAO_INSTANCIAS}\n"
                    'Para registrar uma manifestação, escreva "quero registrar na ouvidoria".'
                )
        elif ticket is not None and ticket.status in OPEN_TICKET_STATUSES and complementa(texto):
            # "mas eu nem falei qual é a reclamação" right after registering started the form again, and the case
            # told next became a second manifestation.
            if descreve_o_caso(_SEM_COMPLEMENTO.sub(" ", strip_accents(texto).lower())):
                juntar_ao_chamado(ticket, texto)
                dispatcher.utter_message(text=JUNTADO_OUVIDORIA.format(protocolo=ticket.protocol))
            else:
                dispatcher.utter_message(text=CONTE_O_CASO.format(protocolo=ticket.protocol))
        elif so_pergunta_rede(texto) and not _QUER_REGISTRAR.search(strip_accents(texto).lower()):
            # "onde tem cardiologista credenciado em contagem?" started the Ombudsman's form and swallowed what came.
            dispatcher.utter_message(text=REDE_CREDENCIADA)
        elif pergunta_ans(texto):
            # "e se a ouvidoria não resolver posso reclamar na ANS?" started the Ombudsman's form again.
            dispatcher.utter_message(text=RECLAMAR_NA_ANS)
        elif pergunta_contato(texto) and not _QUER_REGISTRAR.search(strip_accents(texto).lower()):
            dispatcher.utter_message(text=OUVIDORIA_CONTATO)
        elif pede_reanalise(texto) and not tem_protocolo(texto) and (
            "reembols" in strip_accents(texto).lower() or assunto_atual(tracker.events) == "reembolso"
        ):
            # "quero recorrer da negativa do reembolso": the reimbursement's own answer says how.
            return reler_no_assunto(tracker, "reembolso")
        elif _POR_QUE_NEGOU.search(strip_accents(texto).lower()) and not tem_protocolo(texto) and (
            assunto_atual(tracker.events) in (None, "autorizacao")
        ) and not _QUER_REGISTRAR.search(strip_accents(texto).lower()) and ler_tipo(texto) in (None, TIPOS["2"]):
            # u20: "por que negaram??" after the denied guide opened the Ombudsman's tiers; the guide's reason and
            # how to ask its reanalysis are the authorizations' answer.
            return reler_no_assunto(tracker, "autorizacao")
        elif beneficiario_identificado(tracker) is None and pede_reanalise(texto) and not tem_protocolo(texto):
            # "quero recorrer da negativa do meu joelho" before identifying: the guide is the person's data, so the
            # authorizations identify first and then ask its reanalysis (not the Ombudsman's tiers).
            return reler_no_assunto(tracker, "autorizacao")
        elif (reanalise := self._reanalise(tracker, texto)) is not None:
            texto_pergunta, eventos = reanalise
            dispatcher.utter_message(text=texto_pergunta)
            # The rule opens the form right after this action: its own follow-up would open it twice.
            return [e for e in eventos if e.get("event") != "followup" or e.get("name") == "action_listen"]
        elif ler_tipo(texto) in SEM_PRIMEIRA_INSTANCIA and not tem_protocolo(texto):
            # A compliment or a suggestion has no first instance to go through: "precisa de protocolo pra elogiar?"
            tipo = ler_tipo(texto)
            dispatcher.utter_message(text=f"A Ouvidoria registra {SEM_PRIMEIRA_INSTANCIA[tipo]} diretamente.")
            return [
                SlotSet("ouvidoria_protocolo", SEM_PROTOCOLO),
                SlotSet("ouvidoria_instancia", OUVIDORIA),
                *self._ja_dito(texto),
            ]
        else:
            dispatcher.utter_message(response="utter_ouvidoria")
            return self._ja_dito(texto)
        dispatcher.utter_message(response="utter_algo_mais")
        # The rule would open the form next; the question is answered, so the bot listens instead.
        return [FollowupAction("action_listen")]

    @staticmethod
    def _ja_dito(texto: str) -> List[EventType]:
        """The kind and the report the opening message already gave, so the form does not ask them again.

        "queria fazer um elogio pra dra fernanda, ela foi muito atenciosa" was asked the kind and then what
        happened ("denuncia ne, ja disse").
        """
        tipo = ler_tipo(texto)
        eventos: List[EventType] = [SlotSet("ouvidoria_tipo", tipo)] if tipo else []
        protocolos = [f.value for f in find_identifiers(texto) if f.entity == "protocolo"]
        if protocolos:
            # "quero levar pra ouvidoria com esse protocolo 4175...": asked again, it was "já falei o número".
            eventos.append(SlotSet("ouvidoria_protocolo", protocolos[0]))
        if descreve_o_caso(texto):
            eventos.append(SlotSet("ouvidoria_relato", texto[:2000]))
        return eventos

    @staticmethod
    def _reanalise(tracker: Tracker, texto: str) -> Tuple[str, List[EventType]] | None:
        """The first-instance reanalysis of a denied guide the person can see (actions/reanalise.py), or None."""
        beneficiario = beneficiario_identificado(tracker)
        assunto = assunto_atual(tracker.events)
        pede = pede_a_reanalise(texto, na_autorizacao=assunto == "autorizacao" and negativa_lida(tracker.events, texto))
        if beneficiario is None or tem_protocolo(texto) or not pede:
            return None
        with db_session() as session:
            return iniciar_reanalise(pessoas_visiveis(beneficiario, session=session), texto, session=session)


NO_PRAZO = (
    "O atendimento {protocolo} ainda está no prazo: a resposta vem até {prazo}. Posso registrar na Ouvidoria mesmo "
    "assim; se preferir esperar essa resposta, escreva *cancelar*."
)


def ainda_no_prazo(protocolo: str, tracker: Tracker, hoje_: date) -> date | None:
    """The answer deadline of the person's own first-instance ticket still open and within it, or None.

    The Ombudsman is for what the first instance did not solve (RN 323/2013); while its deadline runs, the person
    is told when the answer is due, so escalating is their informed choice. Only a ticket of someone the
    identified user may see, or one this conversation opened, is told about: anyone else's protocol gets no word
    of its state.
    """
    with db_session() as session:
        ticket = repository.find_ticket_by_protocol(protocolo, session=session)
        if ticket is None or ticket.tier == "ouvidoria" or ticket.status not in OPEN_TICKET_STATUSES:
            return None
        beneficiario_id = beneficiario_identificado(tracker)
        visiveis = {p.id for p in pessoas_visiveis(beneficiario_id, session=session)} if beneficiario_id else set()
        desta_conversa = (ticket.context_json or {}).get("conversa") == tracker.sender_id
        if ticket.beneficiary_id not in visiveis and not (ticket.beneficiary_id is None and desta_conversa):
            return None
        return ticket.due_date if ticket.due_date and ticket.due_date >= hoje_ else None


def no_prazo_nesta_mensagem(tracker: Tracker) -> bool:
    """Whether the latest message names the person's own first-instance protocol still within its deadline."""
    texto = tracker.latest_message.get("text") or ""
    protocolos = [f.value for f in find_identifiers(texto) if f.entity == "protocolo"]
    return bool(protocolos) and ainda_no_prazo(protocolos[0], tracker, hoje()) is not None


def consultar_andamento(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer a question about a manifestation asked while the form asked for a protocol.

    The lookup is the protocol option's own, for the people the identified user may see; without identification
    the user is told to identify first, since a protocol is shown only to its owner.
    """
    beneficiario_id = beneficiario_identificado(tracker)
    if beneficiario_id is None:
        dispatcher.utter_message(
            text="Para ver a situação de uma manifestação, preciso confirmar quem é você: informe seu CPF e, "
            "depois, pergunte de novo pelo protocolo."
        )
        return
    with db_session() as session:
        pessoas = pessoas_visiveis(beneficiario_id, session=session)
        ActionConsultarProtocolo().responder(dispatcher, tracker, pessoas, session=session)


# "atendente", "pessoa", "0": a request for a person in so few words that it can be nothing else.
_SO_UMA_PESSOA = re.compile(r"^\W*(?:0|(?:um |uma |o |a )?(?:atendente|pessoa|humano|operador)\w*)\W*$")


def pede_uma_pessoa(texto: str) -> bool:
    """Whether a message read as ``falar_atendente`` during the Ombudsman's form asks for a person.

    A case that mentions one ("o atendente nunca me ligou de volta", "fui mal atendida pela atendente") is the
    manifestation itself, to be registered, not a request to be transferred.

    >>> pede_uma_pessoa("0"), pede_uma_pessoa("atendente"), pede_uma_pessoa("quero falar com uma pessoa")
    (True, True, True)
    >>> pede_uma_pessoa("o atendente nunca me ligou de volta e meu problema continua")
    False
    """
    texto = strip_accents(texto or "").lower().strip()
    return bool(_SO_UMA_PESSOA.match(texto)) or asks_for_a_person(texto)


class ActionAtendenteNaOuvidoria(Action):
    """During the Ombudsman's form: a request for a person is served; a case about one goes on in the form."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_atendente_na_ouvidoria"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Leave the form for a person, or read the message again as part of the manifestation.

        Read again as ``ouvidoria``, the message reaches the form as any answer does (its slots leave
        ``falar_atendente`` out, so that "0" and "quero falar com uma pessoa" leave the form).
        """
        if pede_uma_pessoa(str((tracker.latest_message or {}).get("text") or "")):
            return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_falar_atendente")]
        return reler_no_assunto(tracker, "ouvidoria")
