"""What to do after a death in the family: the titular's (Arts. 25 and 26, §§2-3) or a dependant's (Art. 26, VI).

Told in words the classifier gives to the plans on sale or to cancelling ("meu pai faleceu, como cancelo o plano
dele?"); the follow-ups ("qual o prazo pra avisar?") get the part of the rules they ask about.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from bot.nlu.parsing import strip_accents

OBITO = "\n".join(
    [
        "Sinto muito pela perda. Quando o titular falece:",
        "• A família comunica o óbito à Cemig Saúde em até 72 horas (Art. 26, §3º, do Regulamento).",
        "• Os dependentes diretos podem continuar no plano: basta formalizar o interesse em até 30 dias do "
        "falecimento e assumir o pagamento das contribuições; para um menor de idade, quem faz isso é o "
        "responsável legal (Art. 25 e Art. 26, §2º).",
        "Para comunicar ou manter a família no plano, digite 0 e fale com um atendente.",
    ]
)
OBITO_DEPENDENTE = "\n".join(
    [
        "Sinto muito pela perda. Quando um dependente falece:",
        "• O titular comunica o óbito à Cemig Saúde em até 72 horas (Art. 26, §3º, do Regulamento); a inscrição "
        "de quem faleceu se encerra com essa comunicação (Art. 26, VI), sem pedido de cancelamento.",
        "• O titular e os demais dependentes continuam no plano como estão.",
        "Para comunicar o óbito, digite 0 e fale com um atendente.",
    ]
)
# Told without saying who held the plan ("meu pai faleceu, como cancelo o plano dele?"): both cases, and no
# "quer voltar depois?" of the ordinary cancellation.
OBITO_SEM_PAPEL = "\n".join(
    [
        "Sinto muito pela perda.",
        "• Comunique o óbito à Cemig Saúde em até 72 horas (Art. 26, §3º, do Regulamento): a inscrição de quem "
        "faleceu se encerra com essa comunicação (Art. 26, VI), sem pedido de cancelamento.",
        "• Se era o titular do plano, os dependentes diretos podem continuar: basta formalizar o interesse em até "
        "30 dias do falecimento e assumir o pagamento das contribuições; para um menor de idade, quem faz isso é o "
        "responsável legal (Art. 25 e Art. 26, §2º).",
        "Para comunicar o óbito ou manter a família no plano, digite 0 e fale com um atendente.",
    ]
)
_OBITO = re.compile(r"\b(?:falec\w*|morreu|morte|obito|faleceu|perdi (?:meu|minha) (?:pai|mae|marido|esposa|mulher))\b")


def obito(texto: str) -> str:
    """What to do after a death, by who died: the titular, a dependant, or not said (Arts. 25 and 26).

    >>> obito("o titular faleceu, eu sou dependente, como fica meu plano?") == OBITO
    True
    >>> obito("minha esposa faleceu e ela era dependente, o que eu faço?") == OBITO_DEPENDENTE
    True
    >>> obito("meu pai faleceu semana passada, como cancelo o plano dele?") == OBITO_SEM_PAPEL
    True
    """
    folded = strip_accents(texto or "").lower()
    if "titular" in folded:
        return OBITO
    if "dependente" in folded:
        return OBITO_DEPENDENTE
    return OBITO_SEM_PAPEL


def sobre_obito(texto: str | None) -> str | None:
    """What to do after a death, when the message tells one; it needs nobody's data, so no CPF is asked first.

    >>> sobre_obito("meu marido faleceu semana passada, ele era o titular, o que eu faço com o plano") == OBITO
    True
    >>> sobre_obito("minha mae morreu, ela era dependente") == OBITO_DEPENDENTE, sobre_obito("meu boleto")
    (True, None)
    """
    return obito(texto or "") if _OBITO.search(strip_accents(texto or "").lower()) else None


# Follow-ups to the rules after a death ("qual o prazo pra avisar?", "e quanto tempo eles têm pra decidir?"): the
# part asked about, said on its own.
OBITO_COMUNICAR = (
    "O óbito deve ser comunicado à Cemig Saúde em até 72 horas do falecimento (Art. 26, §3º, do Regulamento); "
    "depois disso, eventuais prejuízos ao plano podem ser cobrados do responsável pelo grupo familiar. Para "
    "comunicar, digite 0 e fale com um atendente."
)
OBITO_MANTER = (
    "Para continuar no plano depois do falecimento do titular, cada dependente direto tem 30 dias corridos para "
    "formalizar o interesse e entregar o termo da Cemig Saúde assinado, assumindo o pagamento das contribuições; "
    "sem isso, é excluído do grupo familiar (Art. 25, caput e §4º, do Regulamento). O novo titular é o cônjuge ou "
    "companheiro; sem ele, o dependente mais velho (Art. 25, §2º). Para pedir o termo, digite 0 e fale com um "
    "atendente."
)
_COMUNICAR = re.compile(r"\b(?:avis\w*|comunic\w*|inform\w*|72|setenta e duas|certidao)\b")
_MANTER = re.compile(
    r"\b(?:continu\w*|mant\w*|ficar|fica|decid\w*|30|trinta|titular|termo|pag\w*|assum\w*|eles|elas|filh\w*|"
    r"dependentes?|familia)\b"
)


def depois_do_obito(pergunta: str, obito_dito: str) -> str:
    r"""The part of the rules after a death that a follow-up question asks about (Arts. 25 and 26).

    Args:
        pergunta: The follow-up ("qual o prazo pra avisar?").
        obito_dito: The rules the bot gave for the death told before (:data:`OBITO`, :data:`OBITO_DEPENDENTE`...).

    >>> depois_do_obito("qual o prazo pra avisar?", OBITO) == OBITO_COMUNICAR
    True
    >>> depois_do_obito("e quanto tempo eles tem pra decidir?", OBITO_SEM_PAPEL) == OBITO_MANTER
    True
    >>> depois_do_obito("e qual o prazo?", OBITO) == OBITO_COMUNICAR + "\n" + OBITO_MANTER
    True
    >>> depois_do_obito("e qual o prazo?", OBITO_DEPENDENTE) == OBITO_COMUNICAR
    True
    >>> depois_do_obito("e aí?", OBITO) == OBITO
    True
    """
    folded = strip_accents(pergunta or "").lower()
    comunicar = bool(_COMUNICAR.search(folded))
    # Only a titular's death leaves a family deciding whether to stay.
    manter = obito_dito != OBITO_DEPENDENTE and bool(_MANTER.search(folded))
    if comunicar or manter:
        return "\n".join(parte for parte, pedida in ((OBITO_COMUNICAR, comunicar), (OBITO_MANTER, manter)) if pedida)
    if re.search(r"\b(?:prazos?|quanto tempo|quando|ate quando)\b", folded):
        return OBITO_COMUNICAR if obito_dito == OBITO_DEPENDENTE else OBITO_COMUNICAR + "\n" + OBITO_MANTER
    return obito_dito


def obito_dito_antes(events: List[Dict[str, Any]]) -> str | None:
    """The rules for a death the person told before the latest message, through a chain of follow-ups, or None.

    >>> antes = [{"event": "user", "text": "meu pai faleceu ontem", "parse_data": {"intent": {"name": "novos_planos"}}},
    ...          {"event": "user", "text": "qual o prazo pra avisar?"}]
    >>> obito_dito_antes(antes) == OBITO_SEM_PAPEL, obito_dito_antes(antes[1:])
    (True, None)
    """
    anteriores = [e for e in events if e.get("event") == "user"][:-1]
    for evento in reversed(anteriores[-3:]):
        if dito := sobre_obito(evento.get("text")):
            return dito
        if ((evento.get("parse_data") or {}).get("intent") or {}).get("name") != "continuar_assunto":
            return None
    return None
