"""Option 3: card numbers (carteirinhas) of the beneficiary and, for a titular, the family."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import AcaoIdentificada, mensagem_do_pedido
from actions.familia import Pessoa
from actions.formatting import first_name, format_card, relationship_label
from bot.canais import TELEFONE_24H
from bot.nlu.member_questions import is_plan_status_question

STATUS_AVISO = {
    "suspenso": " (inscrição suspensa)",
    "cancelado": " (inscrição cancelada: o cartão não pode mais ser usado, Art. 17, II)",
}


# "meu plano tá ativo?": the state of each registration, and what it means at a provider.
SITUACAO = {
    "ativo": "inscrição ativa: pode usar o plano normalmente",
    "suspenso": (
        "inscrição suspensa: os serviços ficam suspensos até a regularização (Arts. 19 e 84 do Regulamento); "
        "urgências e emergências continuam atendidas"
    ),
    "cancelado": "inscrição cancelada: o cartão não pode mais ser usado (Art. 17, II)",
}
RECUSA = (
    f"Se um prestador recusou o cartão com a inscrição ativa, ligue para a Central de Relacionamento, {TELEFONE_24H}, "
    "ou digite 0."
)


class ActionNumeroCartao(AcaoIdentificada):
    """Lists card numbers and explains how to get the virtual card (Art. 50)."""

    intent = "numero_cartao"
    acao = "action_numero_cartao"
    # Option 3 lists the whole family at once (the issue asks for every card).
    escolhe_pessoa = False

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Send one line per person the user may see, or the state of each registration when that was asked."""
        if is_plan_status_question(mensagem_do_pedido(tracker, self.intent)["text"]):
            linhas = [f"• {first_name(p.nome)}: {SITUACAO.get(p.status, p.status)}" for p in pessoas]
            dispatcher.utter_message(text="\n".join(["Situação da inscrição no plano:", *linhas]))
            if any(p.status == "ativo" for p in pessoas):
                dispatcher.utter_message(text=RECUSA)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        titulo = "Números de cartão da sua família:" if len(pessoas) > 1 else "Seu número de cartão:"
        linhas = [
            f"• {p.nome} ({relationship_label(p.parentesco)}): {format_card(p.cartao)}{STATUS_AVISO.get(p.status, '')}"
            for p in pessoas
        ]
        dispatcher.utter_message(text="\n".join([titulo, *linhas]))
        dispatcher.utter_message(
            text=(
                "Cartão virtual: no aplicativo Cemig Saúde, entre com o número do cartão ou CPF e sua senha "
                "e abra o cartão virtual. Apresente-o com um documento de identidade (Art. 50 do Regulamento)."
            )
        )
        dispatcher.utter_message(response="utter_algo_mais")
        return []
