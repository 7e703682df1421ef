"""Scheduling at the CPS (Centro de Promoção à Saúde): the person books online; the bot says how (seed 001).

The first question gets the whole guide (``utter_agendamento_cps``); a question about one step of it, asked first or
after (cancelling, a forgotten password, where it is, "vc marca pra mim?"), gets that step alone: u26 got the same
block for each of five different questions.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.canais import TELEFONE_24H
from bot.nlu.parsing import strip_accents

CPS_CONTATO = "(31) 3253-4888 ou centrodepromocao@cemigsaude.org.br"
# "vc marca pra mim?": asking the assistant to book, which only the person does, online.
_PEDIR_AO_BOT = r"marca (?:pra|para) mim|pode marcar|consegue marcar|voce marca|vc marca|marcar por aqui|marca por aqui"

# After the CPS scheduling answer, "com clinico geral", "tem pediatra?", "marca pra mim dia 10" were not
# understood: the bot does not see the CPS agenda nor book, the person does, and sees each professional's dates.
_AGENDA_CPS = re.compile(
    r"\b(?:clinic[oa]|pediatra|cardiolog\w*|ginecolog\w*|dermatolog\w*|nutricion\w*|psicolog\w*|psiquiatr\w*|"
    r"fisioterap\w*|endocrin\w*|ortoped\w*|oftalmo\w*|geriatr\w*|especialidades?|especialistas?|medic[oa]s?|"
    rf"doutor[a]?|dra?|horarios?|vagas?|agenda|{_PEDIR_AO_BOT})\b"
)
AGENDA_CPS = (
    "A consulta no CPS é marcada por você, no agendamento online: lá aparecem os profissionais, com as datas e os "
    "horários livres de cada um, e você escolhe (no portal, “Nova Consulta”; no aplicativo, “Marcar "
    "consultas-CPS”). Por aqui eu não vejo a agenda nem marco a consulta. Dúvidas sobre as especialidades do CPS: "
    f"{CPS_CONTATO}."
)


def fala_da_agenda_do_cps(texto: str) -> bool:
    """Whether a short message after the CPS answer asks for a professional, a date or the bot to book.

    >>> fala_da_agenda_do_cps("com clinico geral"), fala_da_agenda_do_cps("vc marca pra mim?")
    (True, True)
    >>> fala_da_agenda_do_cps("obrigada"), fala_da_agenda_do_cps("quero ver meu boleto de dezembro com juros")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    return len(folded.split()) <= 8 and bool(_AGENDA_CPS.search(folded))



DESMARCAR_CPS = (
    "A desmarcação também é feita por você, no agendamento online (portal ou aplicativo), onde ficam os seus "
    "agendamentos; para remarcar, desmarque e escolha outro horário livre na agenda. Se não conseguir pelo sistema, "
    f"fale com o CPS: {CPS_CONTATO}."
)
SENHA_CPS = (
    "Esqueceu a senha do agendamento do CPS? Clique em \u201cEsqueci minha senha\u201d:\n"
    "• No portal, informe o número da carteirinha: chega um link no e-mail de contato para cadastrar a nova senha.\n"
    "• No aplicativo, informe o número da carteirinha, o CPF e a data de nascimento do titular: a nova senha chega "
    "no e-mail de contato.\n"
    f"Se o e-mail de contato mudou, fale com o CPS ({CPS_CONTATO}) ou com a Central de Relacionamento: {TELEFONE_24H}."
)
ONDE_FICA_O_CPS = (
    "O endereço e o horário de atendimento do CPS eu não tenho aqui: pergunte ao próprio CPS, "
    f"{CPS_CONTATO}. A marcação é pelo portal (www.cemigsaude.org.br, \u201cCPS\u201d > \u201cMarcação de "
    "consultas\u201d) ou pelo aplicativo."
)
_DESMARCAR = re.compile(r"\b(?:desmarc\w*|remarc\w*|cancel\w*|trocar (?:o |a )?(?:dia|data|horario))\b")
_SENHA = re.compile(r"\b(?:senha|nao consigo (?:entrar|logar|acessar)|login)\b")
_ONDE = re.compile(r"\b(?:endereco|onde fica|onde e o|onde e a|localiza\w*|horario de (?:atendimento|funcionamento))\b")
_PEDE_AO_BOT = re.compile(rf"\b(?:{_PEDIR_AO_BOT})\b")


def passo_do_cps(texto: str) -> str | None:
    """The one step of CPS scheduling a message asks about; None for a question about scheduling in general.

    >>> passo_do_cps("preciso desmarcar minha consulta no cps de quinta") == DESMARCAR_CPS
    True
    >>> passo_do_cps("esqueci minha senha do portal") == SENHA_CPS
    True
    >>> passo_do_cps("qual o endereço do cps?") == ONDE_FICA_O_CPS
    True
    >>> passo_do_cps("vc marca pra mim? com clinico geral") == AGENDA_CPS, passo_do_cps("quero marcar consulta no cps")
    (True, None)
    """
    folded = strip_accents(texto or "").lower()
    for padrao, resposta in ((_DESMARCAR, DESMARCAR_CPS), (_SENHA, SENHA_CPS), (_ONDE, ONDE_FICA_O_CPS),
                             (_PEDE_AO_BOT, AGENDA_CPS)):
        if padrao.search(folded):
            return resposta
    return None


class ActionOrientarAgendamentoCps(Action):
    """How to book, cancel or get into CPS scheduling; open to anyone, shows no personal data."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_orientar_agendamento_cps"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """The step asked about, or the whole guide."""
        passo = passo_do_cps((tracker.latest_message or {}).get("text") or "")
        if passo:
            dispatcher.utter_message(text=passo)
        else:
            dispatcher.utter_message(response="utter_agendamento_cps")
        return []
