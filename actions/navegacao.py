"""Navigation shared by every option: choosing a family member and paging ("mais")."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import SERVICOS, TODOS, beneficiario_identificado, db_session, mensagem_do_pedido
from actions.contexto import assunto_atual, pergunta_sobre_o_assunto, reler_no_assunto
from actions.familia import PARENTESCOS_CITADOS, fala_de_todos, pessoa_citada, pessoas_visiveis
from actions.formatting import first_name, relationship_label
from actions.pedido import detalhe_do_pedido
from bot.nlu.parsing import strip_accents

# A person's number is a short answer ("a 2", "quero o número 2 por favor"); in a longer sentence, or followed by a
# unit ("3 semanas", "2 vezes"), a number counts something else.
_MAX_PALAVRAS_NUMERO = 6
_QUANTIDADE = re.compile(r"\d+\s*(?:x\b|vez|vezes|dias?|semanas?|mes|meses|anos?|horas?|reais|mil)")
FIM_ESCOLHA = [SlotSet("escolher_pessoa", False), SlotSet("pessoa_escolhida", None), SlotSet("opcao_pendente", None)]
_TODOS = re.compile(r"\b(todos|todas|tudo|familia toda|todo mundo)\b")
# "eu", "o meu", "os meus mesmo", "pra mim", "titular": the person answering, who is listed first.
# u24: "é pra mim mesma" on the phone was "Não entendi de quem".
_EU = re.compile(r"(?:(?:e|eh|entao|bom|sou|seria)[,\s]+)?(?:(?:so|somente|apenas)\s+)?"
                 r"(?:(?:o|a|os|as|do|da|dos|das|de|pra|para)\s+)?"
                 r"(?:eu|meu|meus|minha|minhas|mim|titular)(?:\s+(?:mesmo|mesma|proprio|propria))?")


def ler_escolha(texto: str, pessoas: List[Any]) -> str | None:
    """Map an answer to "de quem?" onto a beneficiary id or ``TODOS``.

    Accepts the number shown beside each person, the number after the last
    one (everybody), the word "todos", a first name, how the person is related
    ("da minha filha", "meu marido") or the answerer themselves ("eu", "os meus").

    >>> from collections import namedtuple
    >>> P = namedtuple("P", "id nome parentesco")
    >>> familia = [P(7, "Maria Souza", "titular"), P(9, "José Souza", "conjuge")]
    >>> ler_escolha("2", familia), ler_escolha("3", familia), ler_escolha("a maria", familia)
    ('9', 'todos', '7')
    >>> ler_escolha("do meu marido", familia), ler_escolha("os meus", familia), ler_escolha("e o prazo?", familia)
    ('9', '7', None)
    >>> ler_escolha("o meu, que pedi faz 2 semanas", familia), ler_escolha("quero o numero 2 por favor", familia)
    ('7', '9')
    >>> ler_escolha("a minha ue, eu falei minha", familia)
    '7'
    >>> ler_escolha("é pra mim mesma", familia), ler_escolha("então, é do meu marido", familia)
    ('7', '9')
    """
    folded = strip_accents(texto).strip().lower()
    numero = re.fullmatch(r"\D*(\d{1,2})\D*", folded)
    if numero and (len(folded.split()) > _MAX_PALAVRAS_NUMERO or _QUANTIDADE.search(folded)):
        numero = None  # "o meu, que pedi faz 3 semanas": a count in a sentence, not the person's number
    if numero:
        indice = int(numero.group(1))
        if 1 <= indice <= len(pessoas):
            return str(pessoas[indice - 1].id)
        if indice == len(pessoas) + 1:
            return TODOS
        return None
    if _TODOS.search(folded):
        return TODOS
    citada = pessoa_citada(folded, pessoas)
    if citada and "," in citada:
        return citada  # "a minha e a do meu marido": both
    for pessoa in pessoas:
        if re.search(rf"\b{re.escape(strip_accents(first_name(pessoa.nome)).lower())}\b", folded):
            return str(pessoa.id)
    if citada:
        return citada
    # "o meu, que pedi faz 3 semanas", "a minha ue, eu falei minha": the answer opens with the person answering.
    curta = len(folded.split()) <= _MAX_PALAVRAS_NUMERO and not set(re.findall(r"\w+", folded)) & set(
        PARENTESCOS_CITADOS
    )
    abre_com_eu = re.match(rf"{_EU.pattern}[,.;!?]", folded) or (curta and re.match(rf"{_EU.pattern}\s", folded))
    if pessoas and (_EU.fullmatch(folded.strip(" .!?")) or abre_com_eu):
        return str(pessoas[0].id)
    return None


def outro_assunto(tracker: Tracker, *, respondeu: bool) -> str | None:
    """The menu topic the last message asks for instead of answering "de quem?", if any.

    A lone digit is never a new topic here: it is a person's number, not the menu option of that digit. A short
    answer that names a person ("da minha filha") is an answer, whatever topic the classifier guessed; a whole
    request for another topic ("quero ver a utilização da minha filha") is that topic, although it names one.

    Args:
        tracker: The conversation; its latest message is the reply to "de quem?".
        respondeu: Whether :func:`ler_escolha` read a person from that reply.
    """
    texto = (tracker.latest_message.get("text") or "").strip()
    intent = tracker.latest_message.get("intent") or {}
    nome = intent.get("name")
    if not texto or re.fullmatch(r"\D*\d{1,2}\D*", texto) or nome not in SERVICOS:
        return None
    if not respondeu:
        return nome
    pedido = len(texto.split()) >= 4 and float(intent.get("confidence") or 0) >= 0.6
    return nome if pedido and nome != tracker.get_slot("opcao_pendente") else None


def escolha_do_pedido(intent: str, tracker: Tracker, pessoas: List[Any]) -> str | None:
    """Whose data a new request for ``intent`` already settles: everybody's, the person it names, or None."""
    servico = SERVICOS[intent]
    mensagem = mensagem_do_pedido(tracker, intent)
    if not servico.escolhe_pessoa or servico().dispensa_escolha(mensagem):
        return TODOS
    if _TODOS.search(strip_accents(mensagem["text"]).lower()):
        return TODOS
    return pessoa_citada(mensagem["text"], pessoas)


class ActionAskPessoaEscolhida(Action):
    """Asks a titular whose data to show, listing the family with numbers."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_ask_pessoa_escolhida"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """List the family members with their numbers, plus "todos"."""
        beneficiario_id = beneficiario_identificado(tracker)
        with db_session() as session:
            pessoas = pessoas_visiveis(beneficiario_id or 0, session=session)
        servico = SERVICOS.get(tracker.get_slot("opcao_pendente") or "")
        assunto = servico.assunto if servico else "os dados"
        linhas = [f"{i} - {p.nome} ({relationship_label(p.parentesco)})" for i, p in enumerate(pessoas, start=1)]
        linhas.append(f"{len(pessoas) + 1} - Todos")
        dispatcher.utter_message(text="\n".join([f"De quem você quer ver {assunto}?", *linhas]))
        return []


class ValidateEscolhaPessoaForm(FormValidationAction):
    """Validates the answer to "de quem?"."""

    def name(self) -> Text:
        """Rasa action name."""
        return "validate_escolha_pessoa_form"

    def validate_pessoa_escolhida(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Accept a number, a name, a relationship or "todos"; follow a request for another topic instead."""
        if tracker.get_slot("requested_slot") is None:
            # The message that opened the question is not its answer.
            return {"pessoa_escolhida": None}
        with db_session() as session:
            pessoas = pessoas_visiveis(beneficiario_identificado(tracker) or 0, session=session)
        escolha = ler_escolha(str(value or ""), pessoas)
        novo = outro_assunto(tracker, respondeu=escolha is not None)
        detalhe = detalhe_do_pedido(str(value or ""))
        # "o de 2023" read as the pending topic itself refines it; it is not a new request.
        if novo and not (detalhe and novo == tracker.get_slot("opcao_pendente")):
            # "e a 2ª via do boleto?" instead of a person: the new request replaces the pending one, and is
            # answered at once when it needs no choice or names its person; otherwise the question is asked
            # again, about the new subject.
            return {"pessoa_escolhida": escolha_do_pedido(novo, tracker, pessoas), "opcao_pendente": novo}
        if escolha is not None:
            return {"pessoa_escolhida": escolha}
        if detalhe:
            # "o do ano passado": kept for the answer (mensagem_do_pedido); the form asks whose again.
            # "e de 2024?" is echoed "Certo, de 2024.": without the opening "e" and the question mark.
            # u24: "não, o de 2025" was echoed "Certo, não, o de 2025.".
            periodo = re.sub(r"^(?:(?:e|mas e|n[aã]o|na verdade|era)[,\s]+)+", "", str(value).strip().rstrip(".!? "),
                             flags=re.IGNORECASE)
            dispatcher.utter_message(text=f"Certo, {periodo}. E de quem?")
            return {"pessoa_escolhida": None}
        if (tracker.latest_message.get("intent") or {}).get("name") == "saudacao":
            # u24: "oi, voltei" at "De quem…?" (the menu, then "Não entendi de quem"): the question left open.
            dispatcher.utter_message(text="Oi! Continuando de onde paramos:")
            return {"pessoa_escolhida": None}
        dispatcher.utter_message(
            text="Não entendi de quem. Responda com o número da pessoa na lista, o nome dela ou *todos*; "
            "para mudar de assunto, digite *menu*."
        )
        return {"pessoa_escolhida": None}


class ActionConcluirEscolha(Action):
    """Serves the pending option for the chosen family member(s)."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_concluir_escolha"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer the option the titular asked for, for whom they chose."""
        servico = SERVICOS.get(tracker.get_slot("opcao_pendente") or "")
        beneficiario_id = beneficiario_identificado(tracker)
        if beneficiario_id is None:
            return FIM_ESCOLHA  # someone else wrote at "de quem?": logged out, and the new person was asked the CPF
        if servico is None:
            dispatcher.utter_message(response="utter_menu")
            return FIM_ESCOLHA
        escolha = tracker.get_slot("pessoa_escolhida") or TODOS
        return FIM_ESCOLHA + servico().atender(dispatcher, tracker, beneficiario_id, escolha=escolha)


class ActionMais(Action):
    """Shows the next page of the last list ("mais")."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_mais"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Send the next page, or say the list is over."""
        pergunta = pergunta_sobre_o_assunto(tracker)
        if pergunta:
            # "qnd vence o proximo" after the invoices is a question about them ("próximo" read as paging).
            return reler_no_assunto(tracker, pergunta)
        paginas = list(tracker.get_slot("paginas") or [])
        assunto = assunto_atual(tracker.events)
        if not paginas and assunto and fala_de_todos(tracker.latest_message.get("text") or ""):
            # "mostra de todo mundo" after one person's list: the whole family's, not "no more items".
            return reler_no_assunto(tracker, assunto)
        if not paginas:
            dispatcher.utter_message(text="Não há mais itens para mostrar. Digite *menu* para ver as opções.")
            return [SlotSet("paginas", None)]
        pagina, resto = paginas[0], paginas[1:]
        if resto:
            pagina += "\n\nDigite *mais* para ver os próximos."
        dispatcher.utter_message(text=pagina)
        return [SlotSet("paginas", resto or None)]
