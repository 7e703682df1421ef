"""The WhatsApp menu of source 000, in one table that the NLU, the channels, the tickets and the tests read.

Adding an option: a row here, its action module in ``actions/``, its training data in ``data/nlu`` and its
rule in ``data/dialogue/rules.yml``, and its tests. ``tests/bot/test_menu.py`` checks that the ``utter_menu``
text of domain.yml and the rules say exactly what this table says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple


@dataclass(frozen=True)
class Opcao:
    """One option of the menu.

    Attributes:
        digito: The key that chooses it, on the chat and on the phone's keypad.
        intent: The NLU intent it stands for (a bare digit is read as this intent).
        rotulo: Its line in the chat menu: ``"1 - Reembolso"``.
        categoria: How a ticket about it is named to an agent.
    """

    digito: str
    intent: str
    rotulo: str
    categoria: str

    @property
    def linha(self) -> str:
        """The option as the chat menu lists it."""
        return f"{self.digito} - {self.rotulo}"


OPCOES: Tuple[Opcao, ...] = (
    Opcao("1", "reembolso", "Reembolso", "Reembolso"),
    Opcao("2", "utilizacao", "Utilização", "Extrato de utilização"),
    Opcao("3", "numero_cartao", "Número de cartão", "Carteirinha"),
    Opcao("4", "financeiro", "Financeiro", "Boletos e financeiro"),
    Opcao("5", "autorizacao", "Autorização", "Autorização prévia"),
    Opcao("6", "imposto_renda", "Imposto de renda", "Demonstrativo para o imposto de renda"),
    Opcao("7", "novos_planos", "Novos planos", "Planos à venda"),
    Opcao("0", "falar_atendente", "Falar com um atendente", "Pedido de atendente"),
)

CABECALHO = "Escolha uma opção (digite o número ou escreva o que precisa):"

# "1" -> "reembolso" ... "0" -> "falar_atendente".
DIGITOS: Dict[str, str] = {opcao.digito: opcao.intent for opcao in OPCOES}
POR_INTENT: Dict[str, Opcao] = {opcao.intent: opcao for opcao in OPCOES}


def texto_do_menu() -> str:
    """The chat menu, as ``utter_menu`` in domain.yml must say it.

    >>> texto_do_menu().splitlines()[1], texto_do_menu().splitlines()[-1]
    ('1 - Reembolso', '0 - Falar com um atendente')
    """
    return "\n".join([CABECALHO, *(opcao.linha for opcao in OPCOES)])
