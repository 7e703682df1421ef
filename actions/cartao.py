"""Option 3: card numbers (carteirinhas) of the beneficiary and, for a titular, the family."""

from __future__ import annotations

import re
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
from bot.nlu.parsing import strip_accents

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


# "perdi minha carteirinha física, como peço outra?": the card is the virtual one of the app (Art. 50).
_PERDEU = re.compile(
    r"\b(?:perd\w*|extravi\w*|roubad\w*|furtad\w*|nova carteirinha|outra carteirinha|(?:2a|segunda) via|"
    r"carteirinha fisica|cartao fisico)\b"
)
CARTAO_VIRTUAL = (
    "O cartão da Cemig Saúde é virtual: fica no aplicativo e não precisa de 2ª via. Perdeu o celular ou o acesso? "
    "Entre de novo no aplicativo com o número do cartão ou o CPF e a senha (ou \"Esqueci minha senha\"); no "
    "prestador, o número do cartão com um documento de identidade basta (Art. 50 do Regulamento)."
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
        if _PERDEU.search(strip_accents(mensagem_do_pedido(tracker, self.intent)["text"]).lower()):
            dispatcher.utter_message(text=CARTAO_VIRTUAL)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        dispatcher.utter_message(
            text=(
                "Cartão virtual: no aplicativo Cemig Saúde, entre com o número do cartão ou CPF e sua senha "
                "e abra o cartão virtual. Apresente-o com um documento de identidade (Art. 50 do Regulamento)."
            )
        )
        dispatcher.utter_message(response="utter_algo_mais")
        return []
