"""Identification of the beneficiary: CPF or card number, then date of birth.

A wrong check digit is told apart at once (it reveals nothing), but an
unregistered CPF or card reads exactly like a wrong birth date: the document is
accepted, the date asked, and only then "os dados não conferem". After the
configured number of failed attempts in a conversation (three by default) the
form ends and a person is offered; failed guesses also count in the database
per document and per sender, across conversations, and lock identification for
a growing time (bot/regulation/bloqueio.py).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, Dict, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import (
    IDENTIDADE,
    SERVICOS,
    agora,
    assinar_identidade,
    db_session,
    hoje,
    session_factory,
)
from actions.chamados import (
    PROTOCOLO_DA_CONVERSA,
    aviso_do_protocolo,
    pede_o_protocolo,
    responder_sobre_o_chamado,
)
from actions.cobertura import orientacao_sem_cadastro
from actions.identificacao_leitura import (
    CIENTE,
    DATA_FUTURA,
    DATA_ILEGIVEL,
    DOCUMENTO_DE_OUTRA_PESSOA,
    NAO_ENCONTRADO_CLIENTE,
    buscar_candidato,
    data_junto,
    diz_que_e_cliente,
    documento_de_outra_pessoa,
    documento_invalido,
    emendar_documento,
    ler_documento,
    mascarado,
    mensagem_de_bloqueio,
    nao_e_cliente,
    permissao_de_outra_pessoa,
    sujeitos,
    texto_de,
)
from actions.pedido import DESISTIU, desiste, tem_protocolo
from actions.protocolo import com_o_protocolo_pedido, situacao_na_mesa
from bot.canais import TELEFONE_24H
from bot.db import repository
from bot.db.session import session_scope
from bot.identifiers import is_valid_cpf
from bot.intencoes import rotulo
from bot.nlu.handoff import asks_for_a_person
from bot.nlu.parsing import only_digits, parse_date
from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Both form slots get this value when identification gives up, so the form
# completes and the closing action can tell the user what to do next.
FALHOU = "falhou"

# A reply with this many digits or fewer is not a guess at a CPF (11) or a card (16), so it spends no attempt.
POUCOS_DIGITOS = 6



class ValidateIdentificacaoForm(FormValidationAction):
    """Validates the identification form and counts failed attempts (in the conversation and in the database)."""

    def name(self) -> Text:
        """Rasa action name."""
        return "validate_identificacao_form"

    @staticmethod
    def _na_ativacao(tracker: Tracker) -> bool:
        """True while the form is being opened: no question has been asked yet."""
        return tracker.get_slot("requested_slot") is None

    def _falha(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, motivo: str, slot: str
    ) -> Dict[Text, Any]:
        tentativas = int(tracker.get_slot("tentativas_identificacao") or 0) + 1
        limite = get_settings().max_identification_attempts
        if tentativas >= limite:
            # u27: "Confira e digite de novo." followed by "encerrei esta etapa" told two opposite things.
            dispatcher.utter_message(text=re.sub(r"\s*Confira[^.]*de novo\.$", "", motivo))
            return {**self._encerrar(), "tentativas_identificacao": tentativas}
        restantes = limite - tentativas
        plural = "tentativa" if restantes == 1 else "tentativas"
        dispatcher.utter_message(text=f"{motivo} Você ainda tem {restantes} {plural}.")
        return {"tentativas_identificacao": tentativas, slot: None}

    @staticmethod
    def _sem_numero(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[Text, Any]:
        """A reply with no number at all: a question or another request, not a guess, so no attempt is spent.

        A request for another of the plan's data topics ("e o boleto?") becomes the one served once identified.
        The form asks for the slot again right after this.
        """
        resultado: Dict[Text, Any] = {slot: None}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        texto = str(tracker.latest_message.get("text") or "")
        if desiste(texto):
            # "cancelar", "desisto": the identification stops, without the failure's message.
            dispatcher.utter_message(
                text="Tudo bem, parei a identificação. Digite *menu* para ver as opções ou 0 para falar com um "
                "atendente."
            )
            return {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
        if intent == "saudacao" and len(texto.split()) <= 4 and slot == "identificacao_nascimento":
            # u17: "bom dia!" at the date question started over and the CPF just typed was forgotten.
            dispatcher.utter_message(
                text="Olá! Falta só a data de nascimento para eu confirmar quem é você. Para começar de novo, digite "
                "*menu*."
            )
            return resultado
        if intent == "saudacao" and len(texto.split()) <= 4:
            # u16: coming back later, "oi bom dia" got "preciso confirmar quem é você primeiro": the old question
            # was still open. A greeting starts over (ActionConcluirIdentificacao answers it).
            return {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
        if intent == "falar_atendente" or asks_for_a_person(texto):
            # u16: "não sei meu cpf de cabeça, quero falar com uma pessoa" got where to find a CPF and the question
            # again; the form ends and the request for a person is served (ActionConcluirIdentificacao).
            return {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
        if permissao := permissao_de_outra_pessoa(texto, identificado=False):
            # u26: "ela tá aqui do meu lado e autoriza" became "Certo, Autorização: vejo isso…".
            dispatcher.utter_message(text=permissao)
            return resultado
        geral = [orientacao_sem_cadastro(texto) or ""]
        if intent in SERVICOS:
            geral += SERVICOS[intent]().orientacao_geral(texto)
        desta_conversa = tracker.get_slot(PROTOCOLO_DA_CONVERSA)
        if desta_conversa and responder_sobre_o_chamado(dispatcher, tracker):
            # "E quando é que me respondem?" after the desk's protocol: answered, no CPF needed for that.
            return resultado
        if desta_conversa and pede_o_protocolo(texto):
            dispatcher.utter_message(text=aviso_do_protocolo(desta_conversa))
            return resultado
        if any(geral):
            # "como pedir reembolso", "o plano cobre parto?" at the CPF question: nobody's data answers them.
            for parte in filter(None, geral):
                dispatcher.utter_message(text=parte)
            dispatcher.utter_message(
                text="Para ver os seus dados, continue a identificação; para outro assunto, digite *menu*."
            )
            return resultado
        if diz_que_e_cliente(texto):
            # "pq nao acha? eu sou do plano sim" read as the plans on sale offered them to a member.
            dispatcher.utter_message(text=NAO_ENCONTRADO_CLIENTE.format(telefone=TELEFONE_24H))
            return resultado
        if intent == "novos_planos" or nao_e_cliente(texto):
            # "eu não sou cliente ainda, quero contratar": the plans need no CPF; asking it again trapped a prospect.
            dispatcher.utter_message(text="Sem problema: para conhecer os planos, não é preciso se identificar.")
            return {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
        if intent in SERVICOS:
            resultado["opcao_pendente"] = intent
            # u25: "1" at the CPF question, meant for something else, was "Certo, vejo isso": the topic is named.
            inicio = f"Certo, {rotulo(intent)}: vejo isso assim que você se identificar."
        elif slot == "identificacao_documento":
            inicio = "Para mostrar dados do plano, preciso confirmar quem é você primeiro."
        elif intent in ("afirmar", "agradecimento") or CIENTE.search(texto_de(texto)):
            # "ok, já liguei pro samu" after the emergency answer is no attempt at a date.
            inicio = "Tudo bem, sem pressa."
        else:
            inicio = "Não entendi a data: use o formato dd/mm/aaaa, por exemplo 25/12/1980."
        dispatcher.utter_message(
            text=f"{inicio} Se quiser outro assunto, digite *menu*; para falar com um atendente, digite 0."
        )
        return resultado

    @staticmethod
    def _encerrar() -> Dict[Text, Any]:
        return {"identificacao_documento": FALHOU, "identificacao_nascimento": FALHOU, "beneficiario_candidato": None}

    def _bloqueada(self, dispatcher: CollectingDispatcher, ate: datetime) -> Dict[Text, Any]:
        dispatcher.utter_message(text=mensagem_de_bloqueio(ate))
        return self._encerrar()

    def validate_identificacao_documento(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Accept a well-formed CPF or card number, without telling whether it belongs to a member."""
        texto = str(value or "")
        if self._na_ativacao(tracker) and ler_documento(texto)[0] is None:
            # The message that opened the form ("3", "meu cartão") is not an answer.
            return {"identificacao_documento": None}
        if not re.search(r"\d", texto):
            return self._sem_numero(dispatcher, tracker, "identificacao_documento")
        if documento_de_outra_pessoa(tracker.latest_message.get("text") or texto):
            # u19: "sou o marido da maria, o cpf dela é … e ela nasceu em …" entered as Maria. No attempt spent:
            # nothing was guessed.
            dispatcher.utter_message(text=DOCUMENTO_DE_OUTRA_PESSOA)
            return {"identificacao_documento": None, "identificacao_nascimento": None}
        if ler_documento(texto)[0] is None and parse_date(texto) is not None:
            # The birth date given first is not a wrong document: no attempt spent, and the order explained.
            dispatcher.utter_message(
                text="Essa parece ser a data de nascimento: vou pedir ela logo depois. Primeiro, o CPF ou o número "
                "da carteirinha."
            )
            return {"identificacao_documento": None}
        na_mesa = com_o_protocolo_pedido(tracker, tracker.latest_message.get("text") or texto)
        if tem_protocolo(na_mesa):
            with db_session() as session:
                if situacao_na_mesa(dispatcher, na_mesa, session=session):
                    # u26: a client of the desk in Portugal, asked for a CPF at the protocol and the NIF, was stuck.
                    return {"identificacao_documento": DESISTIU, "identificacao_nascimento": DESISTIU}
        if ler_documento(texto)[0] is None and tem_protocolo(texto):
            # A protocol typed before identifying is no guess at a CPF: kept for the lookup (mensagem_do_pedido).
            dispatcher.utter_message(
                text="Esse parece ser um número de protocolo: consulto ele assim que confirmar quem é você. "
                "Primeiro, o CPF ou o número da carteirinha."
            )
            return {"identificacao_documento": None}
        if re.search(r"\bguias?\b", texto_de(texto)) and not is_valid_cpf(only_digits(texto)):
            # "o número da guia é 20260000003": 11 digits, but a guide, not a wrong guess at a CPF.
            dispatcher.utter_message(
                text="Esse parece ser o número de uma guia: consulto ela assim que confirmar quem é você. Primeiro, "
                "o CPF ou o número da carteirinha de quem é o plano."
            )
            return {"identificacao_documento": None}
        junto = emendar_documento(tracker, texto)
        if junto:
            # "529.982" then "247-25": the two halves of one CPF.
            texto = junto
        elif 5 <= len(only_digits(texto)) < 11:
            # Part of a CPF: say so and wait for the rest, rather than "preciso confirmar quem é você".
            dispatcher.utter_message(
                text=f"Recebi {len(only_digits(texto))} dígitos; o CPF tem 11. Mande o resto, ou o CPF inteiro numa "
                "mensagem só."
            )
            return {"identificacao_documento": None}
        if len(only_digits(texto)) <= POUCOS_DIGITOS:
            # "de 2025", "opção 1": too few digits to be a guess at anyone's CPF or card.
            return self._sem_numero(dispatcher, tracker, "identificacao_documento")
        motivo = documento_invalido(texto)
        if motivo:
            return self._falha(dispatcher, tracker, motivo, "identificacao_documento")
        with db_session() as session:
            ate = repository.active_lock(sujeitos(texto, tracker.sender_id), agora(), session=session)
        if ate is not None:
            return self._bloqueada(dispatcher, ate)
        documento = ler_documento(texto)[1]
        data = data_junto(texto, documento)
        if data is None or self._na_ativacao(tracker):
            return {"identificacao_documento": documento}
        # "cpf ... nasc 12/03/1975" at the CPF question: the date is checked now instead of being asked for.
        tracker.slots["identificacao_documento"] = documento
        nascimento = self.validate_identificacao_nascimento(data, dispatcher, tracker, domain)
        return {"identificacao_documento": documento, **nascimento}

    def validate_identificacao_nascimento(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Accept the birth date that matches the document's record; an unknown document reads like a wrong date."""
        documento = tracker.get_slot("identificacao_documento")
        if documento == FALHOU:
            return {}
        if documento_de_outra_pessoa(tracker.latest_message.get("text") or ""):
            return {"identificacao_nascimento": None}  # "ela nasceu em …": someone else's (see the document's)
        # Document and date may arrive in one message: the document is then not yet in the tracker.
        if not documento or documento_invalido(str(documento)):
            return {"identificacao_nascimento": None}
        nascimento = parse_date(str(value or ""))
        if nascimento is None and self._na_ativacao(tracker):
            return {"identificacao_nascimento": None}
        if nascimento is None and not re.search(r"\d", str(value or "")):
            return self._sem_numero(dispatcher, tracker, "identificacao_nascimento")
        if nascimento is None and ler_documento(str(value or ""))[0] and not documento_invalido(str(value or "")):
            # u17: "529.982.247-26" typed again at the date question, a wrong CPF noticed: the new one is used.
            dispatcher.utter_message(text="Certo, vou usar esse número.")
            return {"identificacao_documento": ler_documento(str(value or ""))[1], "identificacao_nascimento": None}
        if nascimento is None:
            # "30 de agosto de 72" before it was read, "30/08/19772": no date at all is no guess, so no attempt.
            dispatcher.utter_message(text=DATA_ILEGIVEL)
            return {"identificacao_nascimento": None}
        if nascimento > hoje():
            # u22: "12/03/2030" spent an attempt (and counted toward locking the real Maria out): a date still to
            # come is nobody's birth date, so it is a slip of the year, not a guess.
            dispatcher.utter_message(text=DATA_FUTURA.format(data=f"{nascimento:%d/%m/%Y}"))
            return {"identificacao_nascimento": None}
        # One lookup serves both the lock's counters and the date check below.
        row = buscar_candidato(str(documento))
        sujeitos = repository.guard_subjects(str(documento), tracker.sender_id, row.id if row is not None else None)
        momento = agora()
        with db_session() as session:
            ate = repository.active_lock(sujeitos, momento, session=session)
        if ate is not None:
            return self._bloqueada(dispatcher, ate)
        if row is None or nascimento != row.birth_date or nascimento > hoje():
            with session_scope(session_factory()) as session:
                ate = repository.register_failure(sujeitos, momento, session=session)
            if ate is not None:
                logger.warning(
                    "identificação bloqueada até %s: documento %s, conversa %s",
                    ate.isoformat(), mascarado(str(documento)), tracker.sender_id,
                )
                return self._bloqueada(dispatcher, ate)
            motivo = "Os dados informados não conferem com o nosso cadastro."
            falha = self._falha(dispatcher, tracker, motivo, "identificacao_nascimento")
            if falha.get("identificacao_documento") != FALHOU:
                # Either may be the mistake: both are asked again, and nothing says which one was wrong.
                falha["identificacao_documento"] = None
            return falha
        with session_scope(session_factory()) as session:
            repository.clear_failures(sujeitos, session=session)
        return {
            "identificacao_nascimento": nascimento.isoformat(),
            "identificado": True,
            "beneficiario_id": str(row.id),
            "beneficiario_nome": row.name,
            IDENTIDADE: assinar_identidade(tracker.sender_id, row.id),
        }
