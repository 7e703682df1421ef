"""How intents are named to a person when the bot asks which one was meant (issue 12, asking instead of guessing).

Menu topics take their label from the menu table (bot/menu.py); the others are named here, once. Only the
intents in :data:`ESCLARECIVEIS` are offered as choices: answers to a question (sim, não), greetings and
identifiers depend on what was asked and are never worth a clarifying question.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

from bot.menu import OPCOES

# The intent the NLU gives a message whose two likeliest topics are too close to tell apart.
ESCLARECER = "esclarecer"
# A message that is only an identification (a CPF, a card number, a birth date).
INFORMAR_IDENTIFICACAO = "informar_identificacao"

ROTULOS: Dict[str, str] = {
    **{opcao.intent: opcao.rotulo for opcao in OPCOES},
    "falar_atendente": "Falar com um atendente",
    "ouvidoria": "Ouvidoria (reclamação, sugestão ou reanálise)",
    "agendamento_cps": "Agendamento de consultas no CPS",
    "pronto_atendimento_online": "Pronto Atendimento Online (médico por vídeo, 24 h)",
    "consultar_protocolo": "Situação de um protocolo",
    "contestar_utilizacao": "Contestar um item da utilização",
    "tele_documentos": "Teleconsulta: receita, atestado ou relatório",
    "tele_apolice": "Teleconsulta: apólice do seguro",
    "tele_tecnologia": "Teleconsulta: problema técnico na plataforma",
    "tele_cobranca_cancelada": "Teleconsulta: cobrança de consulta cancelada",
    "tele_procedimento": "Teleconsulta: próximos passos do atendimento",
    "tele_faturas": "Teleconsulta: faturas",
    "tele_clinica": "Teleconsulta: questão sobre a conduta médica",
    "despedida": "Encerrar a conversa",
    "sair": "Sair da identificação",
    "fora_de_escopo": "Outro assunto",
}

ESCLARECIVEIS = frozenset(ROTULOS) - {"despedida", "fora_de_escopo"}

# Topics a follow-up question ("e o prazo?") can continue: each answers from the text of the question.
CONTINUAVEIS = frozenset(
    {opcao.intent for opcao in OPCOES if opcao.intent != "falar_atendente"}
    | {"agendamento_cps", "pronto_atendimento_online", "consultar_protocolo", "contestar_utilizacao"}
)
# Metadata key of a follow-up question put back on the conversation as a question about its topic.
CONTINUACAO = "continuacao"
# Intents after which an earlier topic no longer applies.
ENCERRAM_ASSUNTO = frozenset({"menu", "despedida", "sair", "saudacao", "falar_atendente", "ouvidoria"})


def opcoes_de_esclarecimento(ranking: Iterable[Dict[str, Any]] | None) -> List[str]:
    """The two topics a clarifying question offers: the likeliest two of the NLU's ranking worth offering.

    >>> opcoes_de_esclarecimento([{"name": "nlu_fallback"}, {"name": "tele_tecnologia"}, {"name": "despedida"},
    ...                           {"name": "pronto_atendimento_online"}, {"name": "reembolso"}])
    ['tele_tecnologia', 'pronto_atendimento_online']
    """
    return [r.get("name") for r in ranking or [] if r.get("name") in ESCLARECIVEIS][:2]


def rotulo(intent: str) -> str:
    """The label of ``intent`` for a person; the intent's own name when it has none.

    >>> rotulo("reembolso"), rotulo("tele_tecnologia")
    ('Reembolso', 'Teleconsulta: problema técnico na plataforma')
    """
    return ROTULOS.get(intent, intent.replace("_", " "))
