"""What a boleto is made of: each person's contribution by age band, co-payments and other items (Arts. 34, 40).

"Por que minha mensalidade subiu?" and "o que tem nesse boleto?" got the list of boletos; option 4
(actions/financeiro.py) asks these functions first. A direct dependant, who does not see the titular's boleto,
gets their own contribution only.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import List, Sequence

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.formatting import first_name, format_money
from actions.mensalidade import pergunta_aumento_por_idade
from actions.novos_planos import faixa_da_idade
from bot.db import repository
from bot.db.models import Beneficiary, Invoice
from bot.nlu.parsing import MONTHS, strip_accents
from bot.regulation.pricing import billing_age

# "por que minha mensalidade subiu?", "o boleto de novembro veio mais caro", "quero o detalhamento do boleto"
_COMPOSICAO = re.compile(
    r"\b(?:por ?que|pq|porque|por qual motivo)\b.{0,50}\b(?:subiu|subiram|aumentou|aumentaram|mais car[oa]|"
    r"mais alt[oa]|maior|veio alt[oa])\b|"
    # "e o de novembro pq tá 1809?": why it is that amount.
    r"\b(?:por ?que|pq|porque)\b.{0,40}\b(?:ta|esta|veio|deu|ficou|vem|e de|eh de)\s+(?:r\$\s*)?\d|"
    r"\b(?:boletos?|mensalidades?|faturas?)\b.{0,40}\b(?:subiu|aumentou|veio (?:mais )?(?:car[oa]|alt[oa])|"
    r"(?:\d+ )?reais (?:mais car[oa]|a mais))\b|"
    r"\b(?:detalhamento|detalhad[oa]|discriminad[oa]|composicao|do que (?:e|eh) composto|o que (?:tem|vem) n[oe]ss?e "
    r"boleto|o que (?:estou|to) pagando|o que compoe)\b"
)
OUTROS_ITENS = "Coparticipações e outros itens"


def pergunta_composicao(texto: str | None) -> bool:
    """Whether the user asks what a boleto is made of, or why it went up.

    >>> pergunta_composicao("por que minha mensalidade subiu?"), pergunta_composicao("quero ver o detalhamento")
    (True, True)
    >>> pergunta_composicao("pq o boleto de novembro veio 180 reais mais caro?")
    True
    >>> pergunta_composicao("e o de novembro pq tá 1809?"), pergunta_composicao("por que está R$ 1.809,00?")
    (True, True)
    >>> pergunta_composicao("minha mensalidade vai aumentar no aniversário?"), pergunta_composicao("2ª via")
    (False, False)
    """
    folded = strip_accents(texto or "").lower()
    return bool(_COMPOSICAO.search(folded)) and not pergunta_aumento_por_idade(folded)


def mensalidades(cobertos: Sequence[Beneficiary], competencia: dt.date) -> dict[int, tuple[Decimal, int]]:
    """Each covered person's contribution in a competence month, by the plan's age bands (Arts. 34 §2, 40).

    Args:
        cobertos: The people the boleto covers, with plan and age bands loaded.
        competencia: First day of the competence month.

    Returns:
        Beneficiary id -> (contribution, age that priced it), for those already in the plan that month.
    """
    valores = {}
    for pessoa in cobertos:
        if pessoa.adhesion_date and pessoa.adhesion_date > competencia:
            continue
        idade = billing_age(pessoa.birth_date, competencia.year, competencia.month)
        faixa = faixa_da_idade(pessoa.plan, idade)
        if faixa is not None:
            valores[pessoa.id] = (Decimal(faixa.price), idade)
    return valores


def composicao(fatura: Invoice, anterior: Invoice | None, cobertos: Sequence[Beneficiary]) -> str:
    """What a boleto is made of and, when there is a previous one, what changed since.

    The contributions come from each person's age band in that month (Art. 40); the rest of the amount is
    co-payments and other items (Art. 34 §2), whose uses are listed by option 2.

    Args:
        fatura: The boleto asked about.
        anterior: The boleto of the previous competence, if any.
        cobertos: The people the boleto covers, with plan and age bands loaded.
    """
    nomes = {p.id: first_name(p.name) for p in cobertos}
    atuais = mensalidades(cobertos, fatura.competence)
    outros = Decimal(fatura.amount) - sum((v for v, _ in atuais.values()), Decimal("0.00"))
    linhas = [f"Composição do boleto de {fatura.competence:%m/%Y} ({format_money(fatura.amount)}):"]
    for pessoa_id, (valor, idade) in atuais.items():
        linhas.append(f"• Mensalidade de {nomes[pessoa_id]} ({idade} anos): {format_money(valor)}")
    linhas.append(f"• {OUTROS_ITENS}: {format_money(outros)} (os atendimentos estão na opção 2, Utilização)")
    if anterior is None:
        return "\n".join(linhas)
    diferenca = Decimal(fatura.amount) - Decimal(anterior.amount)
    if not diferenca:
        linhas.append(f"\nO mesmo valor do boleto de {anterior.competence:%m/%Y}.")
        return "\n".join(linhas)
    linhas.append(
        f"\nEm relação ao boleto de {anterior.competence:%m/%Y} ({format_money(anterior.amount)}): "
        f"{'+' if diferenca > 0 else '-'}{format_money(abs(diferenca))}"
    )
    antes = mensalidades(cobertos, anterior.competence)
    for pessoa_id, (valor, idade) in atuais.items():
        if pessoa_id not in antes:
            linhas.append(f"• {nomes[pessoa_id]} entrou no plano: +{format_money(valor)}")
        elif valor != antes[pessoa_id][0]:
            mudou = valor - antes[pessoa_id][0]
            linhas.append(
                f"• {nomes[pessoa_id]} mudou de faixa etária ({idade} anos): "
                f"{'+' if mudou > 0 else '-'}{format_money(abs(mudou))} (Art. 40 do Regulamento)"
            )
    outros_antes = Decimal(anterior.amount) - sum((v for v, _ in antes.values()), Decimal("0.00"))
    if outros != outros_antes:
        variacao = outros - outros_antes
        linhas.append(f"• {OUTROS_ITENS}: {'+' if variacao > 0 else '-'}{format_money(abs(variacao))}")
    return "\n".join(linhas)


def meses_citados(texto: str) -> List[int]:
    """The months a message names in full ("o de dezembro"), in calendar order.

    >>> meses_citados("manda so o pdf do de dezembro"), meses_citados("2ª via")
    ([12], [])
    """
    folded = strip_accents(texto).lower()
    return sorted({numero for nome, numero in MONTHS.items() if len(nome) > 3 and re.search(rf"\b{nome}\b", folded)})


def fatura_pedida(faturas: Sequence[Invoice], texto: str) -> tuple[Invoice | None, Invoice | None]:
    """The boleto a question is about (the month it names, else the latest) and the one before it.

    >>> from types import SimpleNamespace as F
    >>> faturas = [F(competence=dt.date(2026, m, 1), beneficiary_id=1) for m in (12, 11, 10)]
    >>> [f.competence.month for f in fatura_pedida(faturas, "pq o de novembro veio mais caro?")]
    [11, 10]
    >>> [f.competence.month for f in fatura_pedida(faturas, "por que subiu?")]
    [12, 11]
    >>> [f.competence.month for f in fatura_pedida(faturas, "ele fez aniversario em outubro e subiu")]
    [11, 10]
    >>> [f.competence.month for f in fatura_pedida(faturas, "pq o de dezembro ta mais caro que o de outubro?")]
    [12, 10]
    """
    if not faturas:
        return None, None
    folded = strip_accents(texto).lower()
    meses = meses_citados(texto)
    if meses and re.search(r"\baniversario (?:\w+ ){0,2}(?:em|de|no mes de) \w+", folded):
        # "fez aniversário em agosto e subiu": the new band is billed from the next month (Art. 40).
        meses = [meses[0] % 12 + 1]
    ordenadas = sorted(faturas, key=lambda f: f.competence, reverse=True)
    if len(meses) >= 2:
        # "o de dezembro tá mais caro que o de setembro": the later one, compared with the earlier one named.
        nomeadas = [f for f in ordenadas if f.competence.month in meses[:2]]
        fatura = next((f for f in nomeadas if f.competence.month == nomeadas[0].competence.month), None)
        anterior = next((f for f in nomeadas if fatura and f.competence < fatura.competence), None)
        if fatura is not None and anterior is not None:
            return fatura, anterior
    fatura = next((f for f in ordenadas if meses and f.competence.month == meses[0]), ordenadas[0])
    mes_anterior = (fatura.competence - dt.timedelta(days=1)).replace(day=1)
    anterior = next(
        (f for f in ordenadas if f.competence == mes_anterior and f.beneficiary_id == fatura.beneficiary_id), None
    )
    return fatura, anterior


def cobertos_pelo_boleto(pagador: Beneficiary, *, session: Session) -> List[Beneficiary]:
    """Whose contributions a payer's boleto carries (Art. 23 §1, Art. 30).

    The titular's carries the titular and the direct dependants; a special dependant's, that dependant alone.
    """
    if pagador.kind != "titular":
        return [pagador]
    return [
        membro
        for membro in repository.list_family(pagador.id, session=session)
        if membro.kind != "dependente_especial" and membro.status != "cancelado"
    ]


def responder_composicao(
    dispatcher: CollectingDispatcher, faturas: Sequence[Invoice], texto: str, *, session: Session
) -> None:
    """Answer "por que subiu?" or "o que tem nesse boleto?" with the composition of the boleto asked about."""
    fatura, anterior = fatura_pedida(faturas, texto)
    if fatura is None:
        return
    cobertos = cobertos_pelo_boleto(fatura.beneficiary, session=session)
    dispatcher.utter_message(text=composicao(fatura, anterior, cobertos))


# "quanto eu pago por mês?", "qual o valor da minha mensalidade?": one's own contribution.
_PROPRIA_PARTE = re.compile(
    r"\b(?:quanto (?:eu )?pago|quanto (?:e|custa|fica) (?:a )?minha|minha (?:parte|mensalidade)|valor da minha)\b"
)


def pergunta_propria_parte(texto: str | None) -> bool:
    """Whether a dependant asks what their own contribution is, or why it changed.

    >>> pergunta_propria_parte("e quanto eu pago por mes?"), pergunta_propria_parte("por que o boleto subiu?")
    (True, True)
    >>> pergunta_propria_parte("2ª via do boleto")
    False
    """
    folded = strip_accents(texto or "").lower()
    return bool(_PROPRIA_PARTE.search(folded)) or pergunta_composicao(folded)


def parte_do_dependente(pessoa: Beneficiary, referencia: dt.date) -> str | None:
    """A direct dependant's own contribution this month and its last change, on the titular's boleto (Art. 30).

    Only the dependant's own line: the boleto, with the family's contributions and co-payments, is the titular's.
    """
    competencia = referencia.replace(day=1)
    atual = mensalidades([pessoa], competencia).get(pessoa.id)
    if atual is None:
        return None
    valor, idade = atual
    linhas = [f"Sua parte na mensalidade de {competencia:%m/%Y}: {format_money(valor)} ({idade} anos)."]
    # The last change of band in the past year, the usual reason the boleto "subiu".
    meses = [competencia]
    for _ in range(12):
        meses.append((meses[-1] - dt.timedelta(days=1)).replace(day=1))
    valores = [mensalidades([pessoa], mes).get(pessoa.id) for mes in meses]
    for mes, depois, antes in zip(meses, valores, valores[1:], strict=False):  # pairs of consecutive months
        if antes is None or depois is None:
            break
        if antes[0] != depois[0]:
            linhas.append(
                f"Em {mes:%m/%Y} ela passou de {format_money(antes[0])} para {format_money(depois[0])}: mudança de "
                "faixa etária (Art. 40 do Regulamento)."
            )
            break
    return " ".join(linhas)
