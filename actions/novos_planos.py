"""Option 7: plans on sale, prices by age band, waiting periods and who may join.

Anyone may ask (no identification, no personal data): a prospect is not a beneficiary yet. Prices come from
the age-band table of each plan in the database (Art. 40); the rules quoted are Arts. 11, 22, 23, 51 and 56. A
member's own changes (a dependant, a change of plan) are answered with actions/inscricao.py's rules.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Dict, List, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.abrangencia import abrangencia_dos_planos, compara_abrangencia
from actions.base import beneficiario_identificado, db_session, enviar_lista, hoje
from actions.cobertura import orientacao_sem_cadastro
from actions.contexto import anteriores_no_assunto, assunto_atual, pergunta_sobre_o_assunto, reler_no_assunto
from actions.familia import pessoas_visiveis
from actions.formatting import enumerar, format_money
from actions.idades import (
    idade_por_extenso,
    idade_solta,
    idades_da_mensagem,
    idades_de_filhos,
    idades_retiradas,
    retira_pessoa,
)
from actions.inscricao import (
    DEPENDENTE_DIRETO,
    DEPENDENTE_ESPECIAL,
    INCLUSAO,
    LIMITE_DEPENDENTE,
    MUDANCA_DE_PLANO,
    depois_da_inclusao,
    evento_de_vida,
    filho_acima_do_limite,
    pede_inclusao,
    pede_limite_de_idade,
    pede_mudanca_de_plano,
    prazo_da_inclusao,
)
from actions.sinais import escreve_de_portugal
from bot.db import repository
from bot.db.models import Plan, PlanAgeBand
from bot.nlu.member_questions import is_age_band_question
from bot.nlu.parsing import strip_accents
from bot.regulation.pricing import age_on
from bot.regulation.waiting_periods import ENROLMENT_WINDOW_DAYS, WAITING_PERIODS, CoverageKind

ACOMODACOES = {"apartamento": "apartamento (quarto privativo)", "enfermaria": "enfermaria (quarto coletivo)"}
_CONTRATAR = "Quer contratar? Digite 0 para falar com um atendente."


def faixa_da_idade(plano: Plan, idade: int) -> PlanAgeBand | None:
    """Return the plan's age band that contains an age (Art. 40), or None if the table has a gap."""
    for faixa in plano.age_bands:
        if faixa.min_age <= idade and (faixa.max_age is None or idade <= faixa.max_age):
            return faixa
    return None


def rotulo_faixa(faixa: PlanAgeBand) -> str:
    """Write an age band as the regulation does: "44 a 48 anos" or "59 anos ou mais"."""
    if faixa.max_age is None:
        return f"{faixa.min_age} anos ou mais"
    return f"{faixa.min_age} a {faixa.max_age} anos"


def preco_base(plano: Plan) -> Decimal:
    """Price of the first age band, falling back on the plan's base price when the table is missing."""
    return plano.age_bands[0].price if plano.age_bands else plano.base_price


# u22: "e se for enfermaria?" after a quote showed the three plans again; "qual o mais barato?" too.
_ACOMODACAO_PEDIDA = re.compile(r"\b(?:(?P<enfermaria>enfermaria|quarto coletivo)|(?P<apartamento>apartamento|"
                                r"quarto privativo|quarto individual))\b")
_MAIS_BARATO = re.compile(r"\b(?:mais barat[oa]|menor (?:preco|valor)|mais em conta|mais economic[oa])\b")


def planos_pedidos(planos: Sequence[Plan], texto: str | None, idades: Sequence[int]) -> List[Plan]:
    """The plans a message asks about: those of the accommodation it names, or the cheapest; all otherwise.

    The cheapest is the one whose total for the quoted ages (or whose first age band, without ages) is lowest.
    """
    folded = strip_accents(texto or "").lower()
    acomodacao = _ACOMODACAO_PEDIDA.search(folded)
    escolhidos = list(planos)
    if acomodacao:
        pedida = acomodacao.lastgroup
        escolhidos = [plano for plano in planos if plano.accommodation == pedida] or escolhidos
    if _MAIS_BARATO.search(folded) and escolhidos:

        def custo(plano: Plan) -> Decimal:
            faixas = [faixa_da_idade(plano, idade) for idade in idades]
            if idades and all(faixas):
                return sum((faixa.price for faixa in faixas), Decimal(0))
            return preco_base(plano)

        escolhidos = [min(escolhidos, key=custo)]
    return escolhidos


def item_plano(plano: Plan, idades: Sequence[int]) -> str:
    """Describe one plan in a few lines, with the price for each age the user gave and, for several, the sum."""
    linhas = [
        f"*{plano.name}* (registro ANS {plano.ans_registration})",
        f"Acomodação: {ACOMODACOES.get(plano.accommodation, plano.accommodation)}",
        f"Cobertura: {plano.coverage}" if plano.coverage else "",
    ]
    primeira = plano.age_bands[0] if plano.age_bands else None
    base = f"A partir de {format_money(preco_base(plano))}/mês"
    linhas.append(f"{base} ({rotulo_faixa(primeira)})" if primeira else base)
    faixas = [(idade, faixa_da_idade(plano, idade)) for idade in idades]
    for idade, faixa in faixas:
        if faixa is not None:
            linhas.append(
                f"Para {idade_por_extenso(idade)}: {format_money(faixa.price)}/mês (faixa de {rotulo_faixa(faixa)})"
            )
    if len(faixas) > 1 and all(faixa is not None for _, faixa in faixas):
        total = sum((faixa.price for _, faixa in faixas), Decimal("0"))
        linhas.append(f"Total para as {len(faixas)} pessoas: *{format_money(total)}/mês*")
    return "\n".join(linha for linha in linhas if linha)


# Short wording of the Art. 51 table; the days come from bot.regulation so the two cannot drift apart.
_CARENCIAS_CURTAS = (
    ("urgência e emergência", (CoverageKind.URGENCY_EMERGENCY,)),
    ("consultas e exames simples", (CoverageKind.CONSULTATIONS_SIMPLE_EXAMS,)),
    (
        "exames especiais, procedimentos, demais cirurgias e internações",
        (CoverageKind.SPECIAL_EXAMS_PROCEDURES, CoverageKind.OTHER_SURGERIES, CoverageKind.HOSPITALIZATIONS),
    ),
    ("parto a termo", (CoverageKind.TERM_DELIVERY,)),
)


def carencias_resumidas() -> List[str]:
    """One line per waiting period of Art. 51, in short names ("• consultas e exames simples: 30 dias")."""
    partes = []
    for rotulo, tipos in _CARENCIAS_CURTAS:
        dias = {WAITING_PERIODS[t][0] for t in tipos}
        prazo = "24 horas" if dias == {1} else f"{max(dias)} dias"
        partes.append(f"• {rotulo}: {prazo}")
    return partes


def texto_carencias() -> str:
    """Summarise the waiting periods of Art. 51 and the exemption of Art. 56."""
    return "\n".join(
        [
            "Carências, contadas da adesão (Art. 51 do Regulamento):",
            *carencias_resumidas(),
            f"Sem carência se a inscrição for feita em até {ENROLMENT_WINDOW_DAYS} dias da data que deu o direito "
            "(início do plano, casamento, nascimento, aposentadoria, demissão ou exoneração sem justa causa), "
            "no plano coletivo empresarial com 30 ou mais participantes (Art. 56 do Regulamento).",
        ]
    )


SO_EM_MINAS = (
    "Os planos da Cemig Saúde atendem só em Minas Gerais, na área de cada um (abaixo), e em nenhum caso fora dela: "
    "não cobrem consultas nem internações em Portugal (Art. 7º, §§1º e 2º do Regulamento). Os valores são em "
    "reais, por mês:"
)
QUEM_PODE_ENTRAR = "\n".join(
    [
        "Quem pode entrar:",
        "• Titular: ex-empregado de Patrocinadora demitido ou exonerado sem justa causa, aposentado/assistido "
        "da Forluz, ou parente deles como responsável financeiro (Art. 11).",
        DEPENDENTE_DIRETO,
        DEPENDENTE_ESPECIAL,
    ]
)


# A price asked ("quanto custa o plano com cobertura nacional?") keeps the catalogue even when coverage is named.
_PRECO_PEDIDO = re.compile(r"\b(?:quanto|preco|valor|custa\w*|pagaria|contratar|aderir)\b")
# "tenho 54 anos, quanto eu pagaria no enfermaria?": an age and a price, without anything of a boleto of one's own.
_PRECO = re.compile(r"\b(?:quanto|preco|valor|custa\w*|pagaria|plano|enfermaria|apartamento)\b")
_BOLETO = re.compile(r"\b(?:boletos?|2a via|segunda via|multa|juros|paguei|vencimento|atras\w*|fatura)\b")


# After a quote: "quanto fica o total por mês?", "e se for enfermaria?", "qual o mais barato?".
_SOBRE_A_COTACAO = re.compile(
    r"\b(?:quanto|valor\w*|preco\w*|total|enfermaria|apartamento|essencial|classico|barat\w*|car[oa]s?|"
    r"mensalidade\w*|por mes|faixa\w*|qual deles|quais deles|area de cobertura|abrangencia|cobre mais)\b"
)


def pergunta_sobre_a_cotacao(texto: str | None) -> bool:
    """Whether a message right after the plans on sale asks about them (a price, a plan), not about one's own plan.

    u17: after a family's quote, "quanto fica o total por mes?" asked for a CPF, as if it were a boleto.

    >>> pergunta_sobre_a_cotacao("quanto fica o total por mes?"), pergunta_sobre_a_cotacao("e se for enfermaria?")
    (True, True)
    >>> pergunta_sobre_a_cotacao("meu boleto atrasado"), pergunta_sobre_a_cotacao("meus reembolsos")
    (False, False)
    """
    folded = strip_accents(texto or "").lower()
    return bool(_SOBRE_A_COTACAO.search(folded)) and not _BOLETO.search(folded)


def pergunta_preco_por_idade(texto: str | None) -> bool:
    """Whether a message asks the price of a plan for an age, whatever topic the classifier guessed.

    >>> pergunta_preco_por_idade("tenho 54 anos quanto eu pagaria no enfermaria?")
    True
    >>> pergunta_preco_por_idade("quanto fica o boleto de 2 meses atrasado?"), pergunta_preco_por_idade("4")
    (False, False)
    >>> pergunta_preco_por_idade("tenho 59 anos quanto vou pagar ano que vem")  # a member's own next band
    False
    """
    folded = strip_accents(texto or "").lower()
    if is_age_band_question(texto or ""):
        return False
    return bool(idades_da_mensagem(texto)) and bool(_PRECO.search(folded)) and not _BOLETO.search(folded)


# "quanto vai ficar pra nós 3?", "pra minha família": an identified member's own family, whose ages are on file.
_FAMILIA = re.compile(
    r"\b(?:(?:pra|para|de) nos|nos (?:\d|dois|tres|quatro)|a gente|(?:minha|nossa|a) familia|familia toda|todos nos)\b"
)


# "e se incluir 2 filhos de 10 e 7 anos?" after the couple's prices: the children join the ages said before.
_ACRESCENTA = re.compile(
    r"\b(?:inclu\w*|acrescent\w*|adicion\w*|colocar|coloco|coloca|botar|boto|bota|junt\w*|tambem|tbm|tb)\b|"
    r"^\W*e\s+(?:(?:a|o|as|os)\s+)?(?:minha|meu|minhas|meus|mais)\s"
)


# "to gravida!! qual a carencia pro parto? eu sou dependente do meu marido no plano": a member's own waiting
# periods (the authorizations' topic, per person and date), not the plans on sale.
_MEMBRO_E_CARENCIA = re.compile(
    r"(?=.*\bcarencias?\b)(?=.*\b(?:sou (?:dependente|titular|beneficiari\w*|do plano|cliente)|"
    r"(?:ja )?tenho (?:o )?plano|entrei no plano|meu plano|no plano (?:do|da) (?:meu|minha)|"
    r"dependente (?:do|da) (?:meu|minha)|ja sou)\b)"
)
_TITULO_DA_COTACAO = "Planos da Cemig Saúde para "
RETIRAR_PELA_IDADE = (
    "Para refazer a cotação sem essa pessoa, me diga as idades de quem fica, por exemplo: *38 e 6*."
)


def idades_cotadas(events: List[Dict[str, Any]]) -> List[int]:
    """The ages of the last quote shown in the conversation, read back from its title."""
    for event in reversed(events):
        texto = event.get("text") or "" if event.get("event") == "bot" else ""
        if texto.startswith(_TITULO_DA_COTACAO):
            return idades_da_mensagem(texto[len(_TITULO_DA_COTACAO):].split(" de idade")[0])
    return []


def ja_mostrou_os_planos(events: List[Dict[str, Any]]) -> bool:
    """Whether the plans on sale were already shown in this conversation (with or without ages)."""
    return any(
        (event.get("text") or "").startswith(("Planos da Cemig Saúde", _TITULO_DA_COTACAO))
        for event in events
        if event.get("event") == "bot"
    )


def idades_do_assunto(tracker: Tracker, texto: str | None) -> List[int]:
    """The ages of the message, after those said before in the topic when the message adds people to them.

    Ages taken out ("sem o de 32") leave the last quote's others.
    """
    retiradas = idades_retiradas(texto)
    cotadas = idades_cotadas(tracker.events or []) if retiradas else []
    if any(idade in cotadas for idade in retiradas):
        for idade in retiradas:
            if idade in cotadas:
                cotadas.remove(idade)
        return cotadas
    idades = idades_da_mensagem(texto)
    if not idades and (solta := idade_solta(texto)) is not None and idades_cotadas(tracker.events or []):
        # u25: "e pra 60?" after the quote for 45 got the plans without prices: a number alone is another age.
        return [solta]
    if not idades or not _ACRESCENTA.search(strip_accents(texto or "").lower()):
        return idades
    if assunto_atual(tracker.events or []) != "novos_planos":
        return idades
    if cotadas := idades_cotadas(tracker.events or []):
        return cotadas + idades  # the last quote's people, however many messages built it
    for anterior in anteriores_no_assunto(tracker.events or [], "novos_planos"):
        if idades_da_mensagem(anterior):
            return idades_da_mensagem(anterior) + idades
    return idades


def idades_da_familia(tracker: Tracker, texto: str | None) -> List[int]:
    """The ages of the people an identified member may see, when the price question is about "us".

    A dependant sees only their own age, as with any data (Art. 17 §2).
    """
    beneficiario_id = beneficiario_identificado(tracker)
    if beneficiario_id is None or not _FAMILIA.search(strip_accents(texto or "").lower()):
        return []
    with db_session() as session:
        pessoas = pessoas_visiveis(beneficiario_id, session=session)
        nascimentos = [repository.get_beneficiary(p.id, session=session).birth_date for p in pessoas]
    return [age_on(nascimento, hoje()) for nascimento in nascimentos]


class ActionConsultarNovosPlanos(Action):
    """Presents the plans on sale; open to anyone, shows no personal data."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_consultar_novos_planos"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Send the catalogue (priced for the user's age when given), the rules, and the hand-off prompt."""
        assunto = pergunta_sobre_o_assunto(tracker)
        if assunto:  # "como entro?" after the PA Online answer is about PA Online
            return reler_no_assunto(tracker, assunto)
        texto = (tracker.latest_message or {}).get("text")
        if _MEMBRO_E_CARENCIA.search(strip_accents(texto or "").lower()):
            return reler_no_assunto(tracker, "autorizacao")
        idades = idades_do_assunto(tracker, texto) or idades_da_familia(tracker, texto)
        if not idades and pergunta_sobre_a_cotacao(texto):
            # u17: "quanto fica o total por mes?" after a family's quote showed the plans with no ages at all.
            idades = idades_cotadas(tracker.events or [])
        if not idades and retira_pessoa(texto) and idades_cotadas(tracker.events):
            # The quote's title says the ages, not who is who: the ages that stay are asked.
            dispatcher.utter_message(text=RETIRAR_PELA_IDADE)
            return []
        if compara_abrangencia(texto):
            with db_session() as session:
                dispatcher.utter_message(text=abrangencia_dos_planos(repository.list_plans(session=session)))
            return []
        if pede_limite_de_idade(texto):
            dispatcher.utter_message(text=LIMITE_DEPENDENTE)
            return []
        if seguimento := depois_da_inclusao(tracker.events or [], texto, "\n".join(carencias_resumidas())):
            dispatcher.utter_message(text=seguimento)
            return []
        geral = orientacao_sem_cadastro(texto or "") if not _PRECO_PEDIDO.search(strip_accents(texto or "")) else None
        evento = evento_de_vida(texto) or geral
        if evento:
            # "minha mãe, a titular, faleceu": what happens to the family's registration, not the plans on sale.
            dispatcher.utter_message(text=evento)
            return []
        prazo = prazo_da_inclusao(texto, hoje())
        if pede_inclusao(texto) or prazo:
            if pede_inclusao(texto):
                dispatcher.utter_message(text=INCLUSAO)
            if prazo:
                dispatcher.utter_message(text=prazo)
            if not idades or prazo:
                return []
        mudanca = pede_mudanca_de_plano(texto)
        if mudanca:
            dispatcher.utter_message(text=MUDANCA_DE_PLANO)
        with db_session() as session:
            planos = planos_pedidos(repository.list_plans(session=session), texto, idades)
            itens = [item_plano(plano, idades) for plano in planos]
        if not itens:
            dispatcher.utter_message(text="No momento não há planos à venda pelo chat. " + _CONTRATAR)
            return []
        if not idades:
            titulo = "Planos da Cemig Saúde abertos a novas adesões (valores por mês, por pessoa):"
            rodape = 'O valor depende da faixa etária (Art. 40). Diga a idade, ex.: "tenho 45 anos", para ver o seu.'
        else:
            escritas = [idade_por_extenso(idade) for idade in idades]
            quem = enumerar(escritas)
            titulo = f"{_TITULO_DA_COTACAO}{quem} de idade (valor por mês, por pessoa):"
            rodape = "O valor muda no mês seguinte ao aniversário que muda a faixa etária (Art. 40 do Regulamento)."
        if escreve_de_portugal(texto or ""):
            # u13: a prospect in Lisbon was quoted in reais without a word on where the plans cover.
            dispatcher.utter_message(text=SO_EM_MINAS)
        eventos = enviar_lista(dispatcher, titulo, itens, rodape)
        acima = filho_acima_do_limite(idades_de_filhos(texto))
        if acima:
            dispatcher.utter_message(text=acima)
        if mudanca:
            dispatcher.utter_message(text="Para pedir a mudança, digite 0 e fale com um atendente.")
            return eventos
        if not ja_mostrou_os_planos(tracker.events or []):
            # Read once per conversation: u17 heard the waiting periods and who may join again with every quote.
            dispatcher.utter_message(text=texto_carencias())
            if not pede_inclusao(texto):
                dispatcher.utter_message(text=QUEM_PODE_ENTRAR)
        # The hand-off ("0") turns the prospect into a lead ticket; this is the last thing they read.
        dispatcher.utter_message(text=_CONTRATAR)
        return eventos
