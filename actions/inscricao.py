"""A member's changes to their own registration: adding a dependant, the age limit, moving to another plan.

Answered by option 7 (actions/novos_planos.py), where these questions land, with the regulation's rules instead of
the catalogue of plans on sale: Arts. 11, 17, 22, 23 and 56 for dependants, Arts. 53, 54 and 107 for a change.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.contexto import resposta_anterior
from actions.formatting import enumerar, format_date
from actions.obito import sobre_obito
from bot.nlu.parsing import MONTH_NAMES, find_identifiers, find_relative_dates, strip_accents
from bot.regulation.dependants import child_is_direct_dependant
from bot.regulation.waiting_periods import ENROLMENT_WINDOW_DAYS

DEPENDENTE_DIRETO = (
    "• Dependente direto: cônjuge ou companheiro(a); filho ou enteado até 23 anos, 11 meses e 29 dias; "
    "menor sob guarda ou tutela até 18 anos; ex-cônjuge até a inclusão de novo cônjuge (Art. 22)."
)
DEPENDENTE_ESPECIAL = (
    "• Dependente especial: parente até o 4º grau de sangue ou 2º por afinidade que não se encaixe como "
    "dependente direto; recebe boleto próprio e paga o seu plano (Art. 11 e 23 do Regulamento)."
)
# A member adding someone to their own plan ("como incluo meu bebê no plano?") needs the rules of inclusion,
# not the catalogue of plans on sale.
INCLUSAO = "\n".join(
    [
        "Incluir um dependente no seu plano:",
        DEPENDENTE_DIRETO,
        DEPENDENTE_ESPECIAL,
        "• Quem pede a inclusão é o titular, com os documentos que comprovam o vínculo e, para menores de idade, "
        "os dados do responsável legal (Art. 17, IX e X).",
        f"• Sem carência se a inclusão for feita em até {ENROLMENT_WINDOW_DAYS} dias do casamento, do nascimento "
        "ou da adoção (Art. 56 do Regulamento).",
        "Para fazer a inclusão, digite 0: um atendente envia o Formulário de Inclusão.",
    ]
)
_INCLUIR = re.compile(
    r"\b(?:inclu\w*|colocar|coloco|cadastrar|inscrever|inscrevo|adicionar|adiciono|acrescentar|botar|boto|por|"
    r"ponho)\b.{0,40}\b(?:no (?:meu |nosso )?plano|no (?:meu )?convenio|como (?:meu |minha )?dependente|"
    r"de dependente)\b|\bentra\w* como (?:meu |minha )?dependente\b"
)
# Someone about to buy ("no plano novo que vou contratar") wants the catalogue, whoever they bring.
_COMPRA = re.compile(r"\b(?:contrat\w*|plano novo|novo plano|adesao|aderir)\b")


# "até que idade minha filha pode ficar como dependente?": the age limit of Art. 22, not the catalogue.
LIMITE_DEPENDENTE = (
    "Filho ou enteado é dependente direto até completar 23 anos, 11 meses e 29 dias; menor sob guarda ou "
    "tutela, até 18 anos (Art. 22 do Regulamento). Depois disso, pode continuar no plano como dependente "
    "especial, com boleto próprio (Art. 23). Para fazer a mudança, digite 0 e fale com um atendente."
)
_LIMITE = re.compile(
    r"\b(?:ate que idade|ate quantos anos|idade (?:maxima|limite)|limite de idade)\b|"
    # "meu filho fez 24 anos, ele sai do plano?"
    r"\b(?:filh[oa]|enteado|enteada)\b.{0,40}\b(?:fez|faz|fizer|completou|completa|completar|vai fazer) "
    r"\d{2} anos\b.{0,40}\b(?:sai\w*|perde\w*|continua\w*|fica\w*|deixa\w*|pode)\b"
)


def filho_acima_do_limite(idades: List[int]) -> str | None:
    """What a quote for a son, daughter or stepchild past the direct dependants' age must say (Arts. 22 and 23).

    A stepchild of 25 was quoted with the family, at the price of the age band, as if the child could join as
    the holder's dependant.

    >>> filho_acima_do_limite([25, 10])[:37]
    'Com 25 anos, filho ou enteado não ent'
    >>> filho_acima_do_limite([23]) is None
    True
    """
    acima = [idade for idade in idades if not child_is_direct_dependant(idade)]
    if not acima:
        return None
    return (
        f"Com {enumerar([str(i) for i in acima])} anos, filho ou enteado não entra como dependente direto, que vai "
        "até 23 anos, 11 meses e 29 dias (Art. 22 do Regulamento). Pode entrar como dependente especial, com "
        "boleto próprio pelo valor da faixa dele acima (Art. 23)."
    )


def pede_limite_de_idade(texto: str | None) -> bool:
    """Whether a member asks until what age a child stays a dependant.

    >>> pede_limite_de_idade("até que idade minha filha pode ficar como dependente?")
    True
    >>> pede_limite_de_idade("quanto custa pra 40 anos?")
    False
    >>> pede_limite_de_idade("meu filho fez 24 anos, ele sai do plano?")
    True
    """
    return bool(_LIMITE.search(strip_accents(texto or "").lower()))


def pede_inclusao(texto: str | None) -> bool:
    """Whether a member asks to add someone to their own plan.

    >>> pede_inclusao("tive um bebê semana passada, como incluo ele no plano?")
    True
    >>> pede_inclusao("ela pode entrar como minha dependente?"), pede_inclusao("quanto custa o plano pra 2 pessoas?")
    (True, False)
    >>> pede_inclusao("posso colocar minha companheira no plano novo que vou contratar?")
    False
    """
    folded = strip_accents(texto or "").lower()
    return bool(_INCLUIR.search(folded)) and not _COMPRA.search(folded)



# u26: after how to add a newborn, "e se eu incluir só em janeiro?", "quais documentos preciso?" and "onde eu faço
# a inclusão?" each got the catalogue of plans on sale.
COMO_INCLUIR = (
    "A inclusão é pedida pelo titular com o Formulário de Inclusão e os documentos que comprovam o vínculo (para um "
    "bebê, a certidão de nascimento) e, para menores de idade, os dados do responsável legal (Art. 17, IX e X). "
    "Digite 0: um atendente envia o formulário e diz como entregar."
)
INCLUSAO_DEPOIS_DO_PRAZO = (
    f"Passados {ENROLMENT_WINDOW_DAYS} dias do nascimento, do casamento ou da adoção, a inclusão continua possível, "
    "mas com as carências, contadas da data da inclusão (Arts. 51 e 56 do Regulamento):"
)
_COMO_INCLUIR = re.compile(
    r"\b(?:documentos?|papeis|papelada|certidao|formulario|onde|como (?:eu )?(?:faco|faz|peco|pede|solicito)|"
    r"quem (?:pede|faz))\b"
)
_DEPOIS = re.compile(
    rf"\b(?:depois|so (?:em|no|na|daqui)|passar|passou|apos|atras\w*|perd\w* o prazo|mes que vem|{MONTH_NAMES})\b"
)


def depois_da_inclusao(events: List[Dict[str, Any]], texto: str | None, carencias: str) -> str | None:
    """The answer to a follow-up of how to add a dependant (its documents, where, too late); None otherwise.

    Args:
        events: The conversation's events; the answer just given must be :data:`INCLUSAO` or one of these.
        texto: The follow-up.
        carencias: The waiting periods' summary, shown when the 30 days have passed.

    >>> ev = [{"event": "user", "text": "como incluo meu bebê?"}, {"event": "bot", "text": INCLUSAO}]
    >>> depois_da_inclusao(ev, "quais documentos preciso?", "") == COMO_INCLUIR
    True
    >>> depois_da_inclusao(ev, "e se eu incluir só em janeiro?", "• consultas: 30 dias").endswith("30 dias")
    True
    >>> depois_da_inclusao(ev, "quanto custa pra 40 anos?", "") is None
    True
    """
    ultimas = resposta_anterior(events, texto)
    if not any(t in (INCLUSAO, COMO_INCLUIR) or t.startswith(INCLUSAO_DEPOIS_DO_PRAZO) for t in ultimas):
        return None
    folded = strip_accents(texto or "").lower()
    if _DEPOIS.search(folded):
        return f"{INCLUSAO_DEPOIS_DO_PRAZO}\n{carencias}"
    if _COMO_INCLUIR.search(folded):
        return COMO_INCLUIR
    return None


# "ela nasceu dia 28/11", "casei em 10/11/2026": the day that opens the 30 days without waiting periods (Art. 56).
_EVENTO = re.compile(r"\b(?:nasc\w*|casei|casamos|casamento|adot\w*|uniao estavel)\b")


def prazo_da_inclusao(texto: str | None, hoje_: date) -> str | None:
    """The last day to add a newborn, spouse or adopted child without waiting periods, from a date in the message.

    Only a day written out counts ("28/11", "dia 28 de novembro"): "semana passada" names no day to count from.

    Args:
        texto: What the user typed.
        hoje_: Today.

    >>> prazo_da_inclusao("minha filha nasceu dia 28/11", date(2026, 12, 6))[:57]
    'Pela data que você informou (28/11/2026), peça a inclusão'
    >>> prazo_da_inclusao("meu filho nasceu em 01/10/2026", date(2026, 12, 6))[:31]
    'O prazo de 30 dias sem carência'
    >>> prazo_da_inclusao("nasceu semana passada", date(2026, 12, 6)) is None
    True
    """
    texto = texto or ""
    if not _EVENTO.search(strip_accents(texto).lower()):
        return None
    achados = [*find_identifiers(texto), *find_relative_dates(texto, hoje_)]
    dias = [
        date.fromisoformat(f.value)
        for f in achados
        if f.entity == "data" and re.search(r"\d", texto[f.start:f.end])
    ]
    dias = [dia for dia in dias if dia <= hoje_ and (hoje_ - dia).days <= 365]
    if not dias:
        return None
    limite = dias[0] + timedelta(days=ENROLMENT_WINDOW_DAYS)
    if hoje_ <= limite:
        return (
            f"Pela data que você informou ({format_date(dias[0])}), peça a inclusão até {format_date(limite)} para "
            f"não cumprir carência ({ENROLMENT_WINDOW_DAYS} dias do nascimento, do casamento ou da adoção, Art. 56 "
            "do Regulamento). Para fazer a inclusão, digite 0."
        )
    return (
        f"O prazo de {ENROLMENT_WINDOW_DAYS} dias sem carência (Art. 56), contado de {format_date(dias[0])}, terminou "
        f"em {format_date(limite)}: a inclusão ainda é possível, cumprindo as carências do Art. 51 do Regulamento. "
        "Para fazer a inclusão, digite 0."
    )


# A member moving to another plan of the operator ("quero mudar meu plano pra enfermaria") needs the rules of the
# change before the catalogue; the waiting periods of a new member (Art. 51) and who may join do not apply.
MUDANCA_DE_PLANO = "\n".join(
    [
        "Mudar de plano dentro da Cemig Saúde:",
        "• As coberturas do novo plano valem 60 dias depois da mudança (Art. 107 do Regulamento).",
        "• Para uma acomodação superior (de enfermaria para apartamento), a carência da acomodação é de 180 dias; "
        "as carências já cumpridas continuam valendo (Arts. 53 e 107).",
        "• Para um plano menos abrangente, ou de um menos abrangente para um mais amplo, valem as carências da "
        "legislação e do Regulamento (Art. 54).",
    ]
)
_MUDAR = re.compile(
    r"\b(?:mudar|mudo|mudanca|trocar|troco|troca|migrar|migro|migracao|passar|passo|alterar|altero|alteracao)\b"
    r"(?: \w+){0,4} (?:plano|acomodacao|enfermaria|apartamento|quarto)\b"
)
# Another operator's plan ("trocar meu plano da Unimed pelo de vocês") is someone about to join.
_OUTRA_OPERADORA = re.compile(
    r"\b(?:unimed|amil|bradesco|sulamerica|hapvida|notredame|outra operadora|outro convenio)\b"
)


def pede_mudanca_de_plano(texto: str | None) -> bool:
    """Whether a member asks to move to another plan of the operator.

    >>> pede_mudanca_de_plano("quero mudar meu plano pra enfermaria"), pede_mudanca_de_plano("dá pra trocar de plano?")
    (True, True)
    >>> pede_mudanca_de_plano("quero trocar meu plano da Unimed pelo de vocês")
    False
    >>> pede_mudanca_de_plano("quanto custa o plano enfermaria pra 40 anos?")
    False
    """
    folded = strip_accents(texto or "").lower()
    return bool(_MUDAR.search(folded)) and not _OUTRA_OPERADORA.search(folded)


# Life events that change who is in the plan: the titular's death (Arts. 25, 26 §§2-3; actions/obito.py), a
# separation (Art. 22, IV) and taking a dependant out (Art. 26, II). Asked in words the classifier gave to the plans
# on sale.
SEPARACAO = (
    "Depois da separação, o ex-cônjuge ou ex-companheiro pode continuar como dependente direto até o titular "
    "incluir um novo cônjuge ou companheiro (Art. 22, IV, do Regulamento). Para tirá-lo do plano, o titular pede a "
    "exclusão (Art. 26, II): digite 0 e fale com um atendente."
)
EXCLUSAO = (
    "Só o titular pede a exclusão de um dependente (Art. 26, II, do Regulamento); o dependente especial também pode "
    "pedir a própria exclusão (Art. 26, III). O pedido é feito pela Central de Relacionamento, presencialmente ou "
    "pelo site, e a Cemig Saúde confirma por e-mail (Art. 25, §5º). Para fazer o pedido, digite 0 e fale com um "
    "atendente."
)
_SEPARACAO = re.compile(
    r"\b(?:separ(?:ei|ou|amos|acao|ad[oa])|divorci\w*|ex.?(?:marido|mulher|esposa|esposo|conjuge))\b"
)
_EXCLUIR = re.compile(
    r"\b(?:tirar|tiro|retirar|excluir|exclusao|remover|desligar)\b.{0,30}\b(?:do (?:meu |nosso )?plano|do convenio|"
    r"como dependente|de dependente)\b"
)


def evento_de_vida(texto: str | None) -> str | None:
    """The rules for a death, a separation or taking a dependant out, when the message tells one.

    >>> from actions.obito import OBITO, OBITO_DEPENDENTE
    >>> evento_de_vida("minha mae era a titular e faleceu, o que acontece com o plano?") == OBITO
    True
    >>> evento_de_vida("meu filho morreu, ele era dependente no meu plano") == OBITO_DEPENDENTE
    True
    >>> evento_de_vida("me separei do meu marido, ele continua no meu plano?") == SEPARACAO
    True
    >>> evento_de_vida("quero tirar a ana do plano") == EXCLUSAO, evento_de_vida("quanto custa o plano?")
    (True, None)
    """
    folded = strip_accents(texto or "").lower()
    if obito_dito := sobre_obito(folded):
        return obito_dito
    if _SEPARACAO.search(folded):
        return SEPARACAO
    if _EXCLUIR.search(folded):
        return EXCLUSAO
    return None


class ActionCancelarPlano(Action):
    """How to cancel the plan (Art. 26); told a death, what to do after it instead."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_cancelar_plano"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """The cancellation rules, or condolences and the rules after a death (u16: none were said)."""
        texto = str((tracker.latest_message or {}).get("text") or "")
        if obito_dito := sobre_obito(texto):
            dispatcher.utter_message(text=obito_dito)
        else:
            dispatcher.utter_message(response="utter_cancelar_plano")
        return []
