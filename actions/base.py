"""Shared behaviour of the actions: database access and identification.

Every option that shows personal data derives from :class:`AcaoIdentificada`:
it only answers for an identified beneficiary, and only about the people
that beneficiary may see (regulation Art. 17 §2: a dependant sees only their
own data; a titular also sees the dependants'; who that is, actions/familia.py).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import date, datetime
from functools import lru_cache
from typing import Any, ClassVar, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.cobertura import orientacao_sem_cadastro
from actions.contexto import assunto_do_pedido, continua_o_assunto, releitura, reler_no_assunto
from actions.familia import (
    AVISO_SO_OS_SEUS,
    Pessoa,
    cita_outra_pessoa,
    diz_quem_escreve,
    fala_de_si,
    fala_de_todos,
    ids_escolhidos,
    outra_pessoa_escreve,
    outros_nomes_da_familia,
    pessoa_citada,
    pessoas_visiveis,
)
from actions.pedido import mensagem_do_pedido, oferecer_outros_pedidos, outros_pedidos
from bot import clock
from bot.db import repository
from bot.db.session import make_engine, make_session_factory
from bot.nlu.parsing import strip_accents
from bot.settings import get_settings

logger = logging.getLogger(__name__)

TODOS = "todos"
# Slot with the signature of the verified identity (assinar_identidade).
IDENTIDADE = "identidade"
# Slot with whose data the last answer showed, for follow-up questions (AcaoIdentificada._mesma_pessoa).
PESSOA_DO_ASSUNTO = "pessoa_do_assunto"
PAGE_SIZE = 5
# A caller hears each item read out: two at a time, then "mais".
POR_PAGINA_AO_TELEFONE = 2
OUTRA_PESSOA = (
    "Como agora é outra pessoa escrevendo, encerrei a identificação anterior: cada um vê só os próprios dados. "
    "Para continuar, informe seu CPF (11 dígitos) ou o número da sua carteirinha (16 dígitos)."
)
# The identification form's slots, as a new identification starts them.
LIMPAR_FORMULARIO = [
    SlotSet("requested_slot", None),
    SlotSet("identificacao_documento", None),
    SlotSet("identificacao_nascimento", None),
    SlotSet("beneficiario_candidato", None),
    SlotSet("tentativas_identificacao", 0),
]

# intent name -> action class that serves it once the user is identified.
SERVICOS: Dict[str, type["AcaoIdentificada"]] = {}


def esquecer_identificacao() -> List[EventType]:
    """The events that forget who the user is, what they were choosing, and the name and NIF given to the desk."""
    return [
        *LIMPAR_FORMULARIO,
        SlotSet("identificado", False),
        SlotSet("beneficiario_id", None),
        SlotSet(IDENTIDADE, None),
        SlotSet("beneficiario_nome", None),
        SlotSet("opcao_pendente", None),
        SlotSet("escolher_pessoa", False),
        SlotSet("pessoa_escolhida", None),
        SlotSet(PESSOA_DO_ASSUNTO, None),
        SlotSet("paginas", None),
        SlotSet("tele_nome", None),
        SlotSet("tele_nif", None),
        SlotSet("tele_protocolo", None),
    ]


def agora() -> datetime:
    """Now in the operator's time zone, or the fixed clock of ``ATENDE_NOW`` (:mod:`bot.clock`)."""
    return clock.now()


def hoje() -> date:
    """Today in the operator's time zone (the action server may run in UTC)."""
    return clock.today()


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker:
    """Build the action server's session factory on first use (never at import)."""
    return make_session_factory(make_engine(get_settings()))


def db_session() -> Session:
    """A short-lived session; use it in a ``with`` block."""
    return session_factory()()


@lru_cache(maxsize=1)
def _chave_de_identidade() -> bytes:
    key = get_settings().identity_key
    # Without a configured key, one per process: identities then end with the process, never leak across.
    return key.encode() if key else secrets.token_bytes(32)


def assinar_identidade(sender_id: str, beneficiario_id: int | str) -> str:
    """The value of the ``identidade`` slot that vouches for ``beneficiario_id`` in conversation ``sender_id``.

    Only the identification form sets it, after the birth date matched; the key
    lives only in the action server, so a tracker forged by a caller (or a slot
    set through Rasa's HTTP API) cannot carry a valid one, nor can one
    conversation's value be copied into another's.
    """
    mensagem = f"{sender_id}\x00{beneficiario_id}".encode()
    return hmac.new(_chave_de_identidade(), mensagem, hashlib.sha256).hexdigest()


def beneficiario_identificado(tracker: Tracker) -> int | None:
    """Id of the beneficiary this conversation verified, or None.

    The slots alone are not trusted: ``beneficiario_id`` counts only with the
    signature the identification form gave it in this same conversation.
    """
    if not tracker.get_slot("identificado"):
        return None
    value = tracker.get_slot("beneficiario_id")
    if not value or not str(value).isdigit():
        return None
    assinatura = str(tracker.get_slot(IDENTIDADE) or "")
    if not hmac.compare_digest(assinatura, assinar_identidade(tracker.sender_id, value)):
        logger.warning("identidade sem assinatura válida na conversa %s: ignorada", tracker.sender_id)
        return None
    return int(value)


def trocar_de_pessoa(
    dispatcher: CollectingDispatcher, tracker: Tracker, pendente: str | None = None
) -> List[EventType] | None:
    """End the identification when the message says someone else is writing now; None when it does not.

    "agora é o josé aqui, marido dela. quero ver a utilização da ana" on Maria's identification showed the family's
    data to him; "oii aqui eh a ana, peguei o cel da minha mae" (out of scope) and "aqui é a maria agora" (a goodbye)
    reached other actions. Whoever writes now identifies, and sees what is theirs; ``pendente`` is what they asked,
    served once they have.
    """
    beneficiario_id = beneficiario_identificado(tracker)
    texto = tracker.latest_message.get("text") or ""
    if beneficiario_id is None or not diz_quem_escreve(texto):
        return None  # the cheap test first: nearly no message says so, and the names need the database
    with db_session() as session:
        row = repository.get_beneficiary(beneficiario_id, session=session)
        proprio = strip_accents(row.name.split()[0]).lower() if row is not None else ""
        parentesco = row.relationship if row is not None else ""
        familia = outros_nomes_da_familia(beneficiario_id, session=session)
    if not outra_pessoa_escreve(texto, proprio, familia, parentesco):
        return None
    dispatcher.utter_message(text=OUTRA_PESSOA)
    # Listening next: with the identification gone no rule follows, and the fallback the policies chose reverted
    # the turn and, with it, the logout.
    return [*esquecer_identificacao(), SlotSet("opcao_pendente", pendente), FollowupAction("action_listen")]


class AcaoIdentificada(Action):
    """A menu option that answers with the identified beneficiary's data.

    Subclasses set ``intent`` and implement :meth:`responder`; they register
    themselves so that the end of identification can serve the option the
    user asked for before identifying.
    """

    intent: ClassVar[str] = ""
    acao: ClassVar[str] = ""
    # Shown in "De quem você quer ver {assunto}?" when a titular has dependants.
    assunto: ClassVar[str] = "os dados"
    escolhe_pessoa: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.intent:
            SERVICOS[cls.intent] = cls

    def name(self) -> Text:
        """Rasa action name."""
        return self.acao

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer for an identified user; otherwise ask for identification first."""
        beneficiario_id = beneficiario_identificado(tracker)
        if beneficiario_id is None:
            # Rules route unidentified users to the form; this is a safety net.
            dispatcher.utter_message(response="utter_ask_identificacao_documento")
            return [SlotSet("opcao_pendente", self.intent)]
        assunto = assunto_do_pedido(tracker, tracker.latest_message.get("text") or "")
        if assunto:
            return reler_no_assunto(tracker, assunto)  # "o status do meu pedido" in the reimbursements
        return self.atender(dispatcher, tracker, beneficiario_id)

    def atender(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        beneficiario_id: int,
        escolha: str | None = None,
    ) -> List[EventType]:
        """Load who the user may see and answer, first asking a titular whose data to show.

        Args:
            dispatcher: Where the answer goes.
            tracker: The conversation.
            beneficiario_id: The identified user.
            escolha: Answer to "de quem?": a beneficiary id, ``TODOS``, or None when not asked yet.
        """
        mensagem = mensagem_do_pedido(tracker, self.intent)
        if escolha is None and geral_em_vez_do_pedido(dispatcher, mensagem["text"]):
            return []
        if escolha is None and self.dispensa_escolha(mensagem):
            escolha = TODOS
        with db_session() as session:
            pessoas = pessoas_visiveis(beneficiario_id, session=session)
            if escolha is None and self.escolhe_pessoa and len(pessoas) > 1:
                # "IR de todos 2025", "o da Ana", "o meu e o do meu marido": the request says whose, not asked again.
                texto = mensagem["text"]
                escolha = (
                    (TODOS if fala_de_todos(texto) else pessoa_citada(texto, pessoas))
                    or self._mesma_pessoa(tracker, pessoas)
                )
            if not pessoas:
                dispatcher.utter_message(
                    text="Não encontrei mais o seu cadastro. Digite 0 para falar com um atendente."
                )
                return [SlotSet("identificado", False), SlotSet("beneficiario_id", None), SlotSet(IDENTIDADE, None)]
            if escolha is None and self.escolhe_pessoa and len(pessoas) > 1:
                # The form's ask action lists the family; the rules open the form on this slot.
                return [SlotSet("opcao_pendente", self.intent), SlotSet("escolher_pessoa", True)]
            so_os_proprios = len(pessoas) == 1 and not pessoas[0].titular  # a dependant sees only themselves
            if escolha and escolha != TODOS:
                pessoas = [p for p in pessoas if str(p.id) in ids_escolhidos(escolha)] or pessoas
            outros = outros_nomes_da_familia(beneficiario_id, session=session) if so_os_proprios else []
            if so_os_proprios and cita_outra_pessoa(mensagem["text"], pessoas[0], outros):
                # José asked for his wife's reimbursements: say why he sees his own, or he takes them for hers.
                dispatcher.utter_message(text=AVISO_SO_OS_SEUS)
            # Always said, so the rules can tell "answered" from "asked whose data".
            eventos: List[EventType] = [SlotSet("escolher_pessoa", False)]
            if escolha is not None and self.escolhe_pessoa:
                eventos.append(SlotSet(PESSOA_DO_ASSUNTO, escolha))
            eventos.extend(self.responder(dispatcher, tracker, pessoas, session=session))
        outros = outros_pedidos(mensagem["text"], self.intent)
        if outros:
            oferecer_outros_pedidos(dispatcher, outros)
        return eventos

    def _mesma_pessoa(self, tracker: Tracker, pessoas: List[Pessoa]) -> str | None:
        """Whose data a follow-up question ("e o prazo?") is about: the person the last answer showed.

        Only a follow-up keeps the person; a new request that names nobody is asked "de quem?" again. A follow-up
        in the first person ("e quais consultas eu fiz em 2025?" after the daughter's) is the user's own. "e
        quando cai o dinheiro?" after the reimbursements is a follow-up even when read as the topic itself.
        """
        ultima = tracker.latest_message or {}
        if not (releitura(tracker) or continua_o_assunto(tracker, self.intent)):
            return None
        if fala_de_si(ultima.get("text") or ""):
            return str(pessoas[0].id)  # pessoas_visiveis puts the user first
        if fala_de_todos(ultima.get("text") or ""):
            return TODOS
        anterior = tracker.get_slot(PESSOA_DO_ASSUNTO)
        if anterior == TODOS or (anterior and ids_escolhidos(anterior) <= {str(p.id) for p in pessoas}):
            return anterior
        return None

    def orientacao_geral(self, texto: str) -> List[str]:
        """The general guidance that answers ``texto`` without anyone's data ("quais documentos?"), if any.

        Such a question is answered before identifying, since it shows nothing personal.
        """
        return []

    def dispensa_escolha(self, mensagem: Dict[str, Any]) -> bool:
        """Whether the request already says what to show, so "de quem?" is not asked.

        Args:
            mensagem: The message that asked for the option (``text`` and ``entities``).
        """
        return False

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Answer the option. ``pessoas[0]`` is the identified user."""
        raise NotImplementedError


def geral_em_vez_do_pedido(dispatcher: CollectingDispatcher, texto: str) -> bool:
    """Answer a general question that drew an option's intent ("rede credenciada", "cobre no Rio?"); whether it did."""
    resposta = orientacao_sem_cadastro(texto)
    if resposta is None:
        return False
    dispatcher.utter_message(text=resposta)
    dispatcher.utter_message(response="utter_algo_mais")
    return True


def de_quem(pessoas: List[Pessoa]) -> str:
    """" de Ana" for a list about one person, so a titular who chose her reads whose it is; empty for several.

    >>> de_quem([Pessoa(2, "Ana Lima", "2", "filha", False, "ativo")])
    ' de Ana'
    """
    return f" de {pessoas[0].nome.split()[0]}" if len(pessoas) == 1 else ""


def enviar_lista(
    dispatcher: CollectingDispatcher,
    titulo: str,
    itens: List[str],
    rodape: str | None = None,
    por_pagina: int = PAGE_SIZE,
) -> List[EventType]:
    """Send a list a page at a time; the rest waits in the ``paginas`` slot for "mais".

    Args:
        dispatcher: Where the messages go.
        titulo: First line of the answer.
        itens: One short block of text per item.
        rodape: Closing line after the last page (a rule, a tip), if any.
        por_pagina: Items per page; fewer on the phone, where each is heard, not glanced at.

    Returns:
        The ``paginas`` slot event with the pages still to show.
    """
    paginas = ["\n\n".join(itens[i : i + por_pagina]) for i in range(0, len(itens), por_pagina)] or [""]
    primeira, resto = paginas[0], paginas[1:]
    partes = [titulo, primeira]
    if resto:
        partes.append(f"Mostrando {min(por_pagina, len(itens))} de {len(itens)}. Digite *mais* para ver os próximos.")
        if rodape:
            resto[-1] = f"{resto[-1]}\n\n{rodape}"
    elif rodape:
        partes.append(rodape)
    dispatcher.utter_message(text="\n\n".join(p for p in partes if p))
    return [SlotSet("paginas", resto or None)]
