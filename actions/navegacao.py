"""Navigation shared by every option: choosing a family member and paging ("mais")."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import SERVICOS, TODOS, beneficiario_identificado, db_session, pessoas_visiveis
from actions.formatting import first_name, relationship_label
from bot.nlu.parsing import strip_accents

FIM_ESCOLHA = [SlotSet("escolher_pessoa", False), SlotSet("pessoa_escolhida", None), SlotSet("opcao_pendente", None)]


def ler_escolha(texto: str, pessoas: List[Any]) -> str | None:
    """Map an answer to "de quem?" onto a beneficiary id or ``TODOS``.

    Accepts the number shown beside each person, the number after the last
    one (everybody), the word "todos", or a first name.

    >>> from collections import namedtuple
    >>> P = namedtuple("P", "id nome")
    >>> familia = [P(7, "Maria Souza"), P(9, "José Souza")]
    >>> ler_escolha("2", familia), ler_escolha("3", familia), ler_escolha("a maria", familia)
    ('9', 'todos', '7')
    """
    folded = strip_accents(texto).strip()
    numero = re.fullmatch(r"\D*(\d{1,2})\D*", folded)
    if numero:
        indice = int(numero.group(1))
        if 1 <= indice <= len(pessoas):
            return str(pessoas[indice - 1].id)
        if indice == len(pessoas) + 1:
            return TODOS
        return None
    if re.search(r"\b(todos|todas|tudo|familia toda|todo mundo)\b", folded):
        return TODOS
    for pessoa in pessoas:
        if re.search(rf"\b{re.escape(strip_accents(first_name(pessoa.nome)))}\b", folded):
            return str(pessoa.id)
    return None


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
        """Accept a number, a first name or "todos"."""
        if tracker.get_slot("requested_slot") is None:
            # The message that opened the question is not its answer.
            return {"pessoa_escolhida": None}
        with db_session() as session:
            pessoas = pessoas_visiveis(beneficiario_identificado(tracker) or 0, session=session)
        escolha = ler_escolha(str(value or ""), pessoas)
        if escolha is None:
            dispatcher.utter_message(text="Não entendi de quem. Responda com o número da pessoa na lista.")
            return {"pessoa_escolhida": None}
        return {"pessoa_escolhida": escolha}


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
        if servico is None or beneficiario_id is None:
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
        paginas = list(tracker.get_slot("paginas") or [])
        if not paginas:
            dispatcher.utter_message(text="Não há mais itens para mostrar. Digite *menu* para ver as opções.")
            return [SlotSet("paginas", None)]
        pagina, resto = paginas[0], paginas[1:]
        if resto:
            pagina += "\n\nDigite *mais* para ver os próximos."
        dispatcher.utter_message(text=pagina)
        return [SlotSet("paginas", resto or None)]
