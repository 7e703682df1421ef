"""Questions about the monthly contribution that the list of boletos does not answer (option 4).

"minha mensalidade vai aumentar no aniversário?" asks about the age bands (Art. 40), and "paguei ontem, já
baixou?" about a payment the bank has not reported yet; both got the whole list of boletos before. The topic
stays :mod:`actions.financeiro`, which asks these functions first.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Iterable, List, Sequence

from actions.formatting import first_name, format_date, format_money
from actions.novos_planos import faixa_da_idade, rotulo_faixa
from actions.pedido import datas_do_pedido
from bot.db.models import Beneficiary, Invoice
from bot.nlu.member_questions import is_age_band_question
from bot.nlu.parsing import strip_accents
from bot.regulation.calendar import add_business_days
from bot.regulation.pricing import AGE_BANDS, age_on, band_at_age, billing_age, next_band_change

_PROPRIA = re.compile(r"\b(?:meu|minha|minhas|meus|eu|nossa|nosso|dela|dele|fizer|completar)\b")

# "paguei ontem, já baixou?", "já paguei", "paguei e ainda aparece em aberto"
_PAGAMENTO_INFORMADO = re.compile(
    r"^(?:eu |mas |so que )?(?:ja )?(?:paguei|pagamos)\b|"
    r"\b(?:ja paguei|ja foi pago|ja esta pago|ja ta pago|baixou|baixa do pagamento|compensou|compensad\w*|"
    r"nao caiu o pagamento|nao consta (?:o )?pagamento|pagamento nao (?:consta|aparece|caiu))\b|"
    r"\b(?:paguei|pago|pagou)\b.{0,60}\b(?:aparece|consta|continua|ainda|aberto|registr\w*|reconhec\w*|"
    r"atualiz\w*|caiu)\b|"
    # "vou ter q pagar de novo??" after saying it was paid.
    r"\b(?:tenho|vou ter|preciso|devo) (?:que |q |de )?pagar (?:de novo|novamente|outra vez)\b"
)
# Banks report a boleto paid to the payee within three business days (the clearing cycle of the interbank
# boleto system); the regulation is silent, so the bot waits that long before sending the user to a person.
DIAS_UTEIS_COMPENSACAO = 3

AUMENTO_POR_IDADE = (
    "Aumento por faixa etária (Art. 40 do Regulamento): a mensalidade muda automaticamente no mês seguinte ao "
    "aniversário que leva à faixa seguinte."
)
REAJUSTE_ANUAL = (
    "O reajuste anual é outra coisa (Art. 41): vale para todos, no mês de aniversário do Regulamento "
    "(Art. 34, §4º)."
)
ULTIMA_FAIXA = "não há mais aumento por idade (Art. 41, parágrafo único)"


def pergunta_aumento_por_idade(texto: str | None) -> bool:
    """Whether a question is about the age-band increase of the contribution (bot.nlu.member_questions).

    >>> pergunta_aumento_por_idade("minha mensalidade vai aumentar no aniversário?")
    True
    >>> pergunta_aumento_por_idade("quero a segunda via do boleto de dezembro")
    False
    """
    return is_age_band_question(texto or "")


def pergunta_geral_de_faixa(texto: str | None) -> bool:
    """Whether an age-band question names nobody ("como funciona o aumento por faixa etária?").

    >>> pergunta_geral_de_faixa("como funciona o reajuste por faixa etária?")
    True
    >>> pergunta_geral_de_faixa("minha mensalidade vai aumentar no aniversário?")
    False
    """
    folded = strip_accents(texto or "").lower()
    return pergunta_aumento_por_idade(folded) and not _PROPRIA.search(folded)


def informa_pagamento(texto: str | None) -> bool:
    """Whether the user says they paid and asks why the boleto still shows (or whether it cleared).

    >>> informa_pagamento("paguei ontem, já baixou?"), informa_pagamento("paguei o boleto e ainda aparece em aberto")
    (True, True)
    >>> informa_pagamento("quero pagar o boleto de dezembro"), informa_pagamento("quanto paguei em outubro?")
    (False, False)
    >>> informa_pagamento("paguei sabado no app do banco"), informa_pagamento("tenho q pagar de novo ou nao?")
    (True, True)
    """
    return bool(_PAGAMENTO_INFORMADO.search(strip_accents(texto or "").lower()))


def regra_das_faixas() -> str:
    """The rule of Art. 40 with its table, for a question that names nobody."""
    linhas = [AUMENTO_POR_IDADE, *(f"• {band.label}: +{band.increase * 100:.0f}%" for band in AGE_BANDS[1:])]
    linhas.append(f"Com 59 anos ou mais, {ULTIMA_FAIXA}. {REAJUSTE_ANUAL}")
    return "\n".join(linhas)


def _variacao(antes: Decimal, depois: Decimal) -> str:
    if not antes:
        return ""
    return f" (+{(depois / antes - 1) * 100:.0f}%)"


_IDADE_CITADA = re.compile(
    r"\b(?:fizer|fizerem|fazer|completar|completo|completa|tiver|tiverem|chegar (?:a|aos|nos)|aos|com)\s+"
    r"(\d{1,3})(?:\s*anos)?\b"
)


def idade_citada(texto: str | None) -> int | None:
    """The age a question about the age-band increase asks about, if it names one.

    >>> idade_citada("vai aumentar quando eu fizer 59?"), idade_citada("e aos 56 anos quanto fica?")
    (59, 56)
    >>> idade_citada("minha mensalidade vai aumentar no aniversário?"), idade_citada("tenho 59 anos")
    (None, None)
    """
    achada = _IDADE_CITADA.search(strip_accents(texto or "").lower())
    idade = int(achada.group(1)) if achada else None
    return idade if idade is not None and 0 < idade < 120 else None


def faixa_de(pessoa: Beneficiary, referencia: dt.date, idade_alvo: int | None = None) -> str:
    """One person's line: age, the band priced this month, the next change with its price, the age asked about.

    The prices are those of the person's own plan (its age-band table), so a plan whose bands differ from the
    table of Art. 40 is described as it is billed.

    Args:
        pessoa: The beneficiary, with plan and age bands loaded.
        referencia: Today.
        idade_alvo: An age the person asked about ("quando eu fizer 59?"), answered after the next change.
    """
    linha = _faixa_atual_e_proxima(pessoa, referencia)
    idade = age_on(pessoa.birth_date, referencia)
    if idade_alvo is None or idade_alvo <= idade:
        return linha
    inicios = [faixa.min_age for faixa in pessoa.plan.age_bands]
    inicio, a_partir = band_at_age(pessoa.birth_date, idade_alvo, inicios)
    proxima = next_band_change(pessoa.birth_date, referencia, inicios)
    alvo = faixa_da_idade(pessoa.plan, idade_alvo)
    if alvo is None or (proxima is not None and proxima[0] == inicio):
        return linha  # the next change already is the band asked about
    ultima = " É a última faixa: depois dela não há mais aumento por idade (Art. 41, parágrafo único)." if (
        inicio == max(inicios)
    ) else ""
    return (
        f"{linha}\n  Aos {idade_alvo} anos: faixa de {rotulo_faixa(alvo)}, {format_money(alvo.price)}/mês pelos "
        f"preços de hoje, a partir de {a_partir:%m/%Y}.{ultima}"
    )


def _faixa_atual_e_proxima(pessoa: Beneficiary, referencia: dt.date) -> str:
    idade = age_on(pessoa.birth_date, referencia)
    plano = pessoa.plan
    atual = faixa_da_idade(plano, billing_age(pessoa.birth_date, referencia.year, referencia.month))
    inicio = f"• {first_name(pessoa.name)}, {idade} anos"
    if atual is None:
        return f"{inicio}: a tabela do plano não tem a faixa dessa idade; digite 0 para falar com um atendente."
    inicio += f": faixa de {rotulo_faixa(atual)} ({format_money(atual.price)}/mês)"
    mudanca = next_band_change(pessoa.birth_date, referencia, [faixa.min_age for faixa in plano.age_bands])
    if mudanca is None:
        return f"{inicio}; {ULTIMA_FAIXA}."
    aos, a_partir = mudanca
    nova = faixa_da_idade(plano, aos)
    if nova is None:
        return f"{inicio}. Aos {aos} anos muda de faixa, a partir de {a_partir:%m/%Y}."
    preco = f"{format_money(nova.price)}/mês{_variacao(atual.price, nova.price)}"
    return f"{inicio}. Aos {aos} anos, faixa de {rotulo_faixa(nova)}: {preco} a partir de {a_partir:%m/%Y}."


def aumento_por_idade(
    pessoas: Iterable[Beneficiary], referencia: dt.date, idade_alvo: int | None = None, quem_pergunta: int | None = None
) -> str:
    """The age-band answer for the people the user may see (Art. 40, Art. 41).

    An age asked about ("quando eu fizer 59?") is answered for the one person shown or, among several, for the
    one who asks: a daughter of 14 is not told her price at 59.
    """
    pessoas = list(pessoas)
    linhas = [
        faixa_de(p, referencia, idade_alvo if len(pessoas) == 1 or p.id == quem_pergunta else None) for p in pessoas
    ]
    return "\n".join([AUMENTO_POR_IDADE, *linhas, REAJUSTE_ANUAL])


def data_informada(entidades: Iterable[dict], referencia: dt.date) -> dt.date | None:
    """The payment day the user gave ("paguei ontem"): the first ``data`` entity in the last 60 days, if any.

    A future day ("paguei dia 1" read as next month) or an old one (a birth date) is no payment day.
    """
    return next((dia for dia in datas_do_pedido(entidades) if referencia - dt.timedelta(days=60) <= dia <= referencia),
                None)


def pagamento_informado(
    abertas: Sequence[Invoice], pagas: Sequence[Invoice], valor: dict, pago_em: dt.date | None, referencia: dt.date
) -> List[str]:
    """Answer "paguei, já baixou?": what still shows open, and how long the bank may take to report it.

    Args:
        abertas: The payer's open boletos with something to pay, oldest first.
        pagas: The payer's paid boletos, newest first.
        valor: Amount to pay by invoice id.
        pago_em: The day the user says they paid, if given.
        referencia: Today.

    Returns:
        The messages to send.
    """
    if not abertas:
        texto = "Não há boleto em aberto: o pagamento já consta. 👍"
        if pagas:
            ultimo = pagas[0]
            quando = f" em {format_date(ultimo.paid_on)}" if ultimo.paid_on else ""
            texto += f"\nÚltimo pagamento registrado: competência {ultimo.competence:%m/%Y}, pago{quando}."
        return [texto]
    itens = [
        f"• competência {f.competence:%m/%Y}, vencimento {format_date(f.due_date)}, {format_money(valor[f.id])}"
        for f in abertas
    ]
    mensagens = ["Ainda consta em aberto:\n" + "\n".join(itens)]
    prazo = f"O banco tem até {DIAS_UTEIS_COMPENSACAO} dias úteis para informar um pagamento de boleto."
    if pago_em is None:
        mensagens.append(
            f"{prazo} Se você pagou há menos tempo, aguarde: não precisa pagar de novo. Se já passou disso, "
            "digite 0 para falar com um atendente e tenha o comprovante em mãos."
        )
        return mensagens
    limite = add_business_days(pago_em, DIAS_UTEIS_COMPENSACAO)
    if referencia <= limite:
        mensagens.append(
            f"{prazo} Pago em {format_date(pago_em)}, ele deve aparecer até {format_date(limite)}: "
            "não precisa pagar de novo."
        )
    else:
        mensagens.append(
            f"{prazo} Desde {format_date(pago_em)} esse prazo já passou: digite 0 para falar com um atendente e "
            "tenha o comprovante em mãos."
        )
    return mensagens
