"""The boletos themselves: what each charges, how it is described, and the days in arrears (Arts. 27, 44, 46).

Kept apart from the option's action (actions/financeiro.py), which decides what to answer.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, List, Sequence

from actions.formatting import NOMES_MESES, competencia, format_date, format_money, linha_digitavel
from bot.db.models import Invoice
from bot.nlu.disputes import asks_to_contest
from bot.nlu.parsing import MONTH_NAMES, MONTHS, strip_accents
from bot.regulation.finance import (
    DELINQUENCY_EXCLUSION_DAYS,
    DUE_DAY,
    FINE_RATE,
    delinquency_warning,
    effective_due_date,
    is_payment_on_time,
    late_charges,
    payroll_remainder,
)

# Art. 46 looks at the last 12 months.
JANELA_DIAS = 365


def a_pagar(fatura: Invoice) -> Decimal:
    """What the boleto charges: the amount minus the Forluz payroll deduction (Art. 9 §1)."""
    return payroll_remainder(fatura.amount, fatura.payroll_deducted or 0)


def em_atraso(fatura: Invoice, referencia: dt.date) -> bool:
    """Whether an open boleto with something to pay is past its (business-day) due date on ``referencia``."""
    return fatura.status == "aberto" and a_pagar(fatura) > 0 and referencia > effective_due_date(fatura.due_date)


def dias_em_atraso(faturas: Sequence[Invoice], referencia: dt.date) -> int:
    """Count the days in arrears in the last 12 months, consecutive or not (Art. 46).

    A day counts once even when two boletos were late on it: Art. 46 measures how long the payer was in
    arrears, not the sum over boletos.

    Args:
        faturas: The payer's invoices.
        referencia: Today.

    Returns:
        Number of distinct late days in the 12 months up to ``referencia``.
    """
    inicio = referencia - dt.timedelta(days=JANELA_DIAS)
    dias: set[dt.date] = set()
    for fatura in faturas:
        if fatura.status == "cancelado" or a_pagar(fatura) == 0:
            continue
        if fatura.status == "pago" and fatura.paid_on is None:
            continue  # paid, but on an unknown day: nothing to count
        fim = fatura.paid_on if fatura.status == "pago" else referencia
        if is_payment_on_time(fatura.due_date, fim):
            continue
        primeiro = max(fatura.due_date + dt.timedelta(days=1), inicio)
        dias.update(primeiro + dt.timedelta(days=n) for n in range((fim - primeiro).days + 1))
    return len(dias)


def _encargos(valor: Decimal, vencimento: dt.date, pagamento: dt.date, quando: str) -> str:
    encargos = late_charges(valor, vencimento, pagamento)
    return (
        f"{quando}: {format_money(encargos.total)}\n(multa de 2%: {format_money(encargos.fine)}; juros de 1% ao mês, "
        f"{encargos.days_late} dias: {format_money(encargos.interest)}; Art. 44 §1º do Regulamento)"
    )


def item_aberto(
    fatura: Invoice, referencia: dt.date, pagamento: dt.date | None, dono: str = "", com_linha: bool = True
) -> str:
    """Describe one open invoice: due date, amount, late charges and the 2ª via.

    Args:
        fatura: The open invoice.
        referencia: Today.
        pagamento: Payment date the user asked about, if any.
        dono: "Boleto de Fulano" prefix when more than one payer is shown.
        com_linha: Whether to give the 47-digit line; on the phone a caller takes down one at a time, so the
            others say how to hear theirs.

    Returns:
        A few lines of text.
    """
    valor = a_pagar(fatura)
    limite = effective_due_date(fatura.due_date)
    atrasado = referencia > limite
    cabecalho = f"{dono}Competência {competencia(fatura.competence)}, vencimento {format_date(fatura.due_date)}"
    linhas = [cabecalho + (" (EM ATRASO)" if atrasado else "")]
    if valor == 0:
        linhas.append(
            f"Valor {format_money(fatura.amount)}, descontado integralmente na folha da Forluz: não há boleto."
        )
        return "\n".join(linhas)
    if fatura.payroll_deducted:
        linhas.append(
            f"Valor: {format_money(fatura.amount)}, com {format_money(fatura.payroll_deducted)} descontados na folha "
            f"da Forluz\nRestante no boleto: {format_money(valor)} (Art. 9 §1º do Regulamento)"
        )
    else:
        linhas.append(f"Valor: {format_money(valor)}")
    if limite != fatura.due_date and not atrasado:
        linhas.append(f"Sem expediente bancário no vencimento: pague sem multa até {format_date(limite)} (Art. 32).")
    if pagamento and not is_payment_on_time(fatura.due_date, pagamento):
        linhas.append(_encargos(valor, fatura.due_date, pagamento, f"Se pagar em {format_date(pagamento)}"))
    elif pagamento:
        # The question was "and if I pay on that day?": say so, rather than leave the silence to be read.
        linhas.append(
            f"Se pagar em {format_date(pagamento)}: {format_money(valor)}, dentro do prazo, sem multa nem juros."
        )
    elif atrasado and pagamento is None:
        linhas.append(_encargos(valor, fatura.due_date, referencia, f"Se pagar hoje ({format_date(referencia)})"))
    if fatura.digitable_line and com_linha:
        linhas.append(f"2ª via (linha digitável):\n{linha_digitavel(fatura.digitable_line)}")
    elif fatura.digitable_line:
        mes = NOMES_MESES[fatura.competence.month - 1]
        linhas.append(f"Para ouvir a linha digitável deste, diga *boleto de {mes}*.")
    return "\n".join(linhas)


def total_em_aberto(abertas: Sequence[Invoice], referencia: dt.date, pagamento: dt.date | None) -> str | None:
    """The sum of what the open boletos charge on the day asked (today by default), late charges included.

    Only said when there is more than one boleto to pay: "quanto eu devo?" wants one figure (Art. 44 §1º for
    the charges of each late one).
    """
    dia = pagamento or referencia
    valores = []
    for fatura in abertas:
        valor = a_pagar(fatura)
        if valor == 0:
            continue
        atrasado = not is_payment_on_time(fatura.due_date, dia)
        valores.append(late_charges(valor, fatura.due_date, dia).total if atrasado else valor)
    if len(valores) < 2:
        return None
    quando = "hoje" if pagamento is None else f"em {format_date(dia)}"
    return f"Total dos {len(valores)} boletos em aberto, pagando {quando}: {format_money(sum(valores, Decimal(0)))}."


def item_pago(fatura: Invoice, dono: str = "") -> str:
    """Describe one paid invoice in one or two lines."""
    cabecalho = f"{dono}Competência {competencia(fatura.competence)}"
    pago = fatura.paid_amount if fatura.paid_amount is not None else a_pagar(fatura)
    if a_pagar(fatura) == 0:
        return f"{cabecalho}: {format_money(fatura.amount)} descontados na folha da Forluz"
    texto = f"{cabecalho}: pago {format_money(pago)}"
    if fatura.paid_on:
        texto += f" em {format_date(fatura.paid_on)}"
    if fatura.payroll_deducted:
        texto += f" (+ {format_money(fatura.payroll_deducted)} na folha)"
    if pago > a_pagar(fatura):
        texto += f"\n(inclui encargos de atraso; vencimento {format_date(fatura.due_date)})"
    return texto


def aviso_inadimplencia(faturas: Sequence[Invoice], referencia: dt.date) -> str:
    """Warning of Art. 46 (and Art. 27 from 30 days on) for a payer with an overdue boleto."""
    dias = dias_em_atraso(faturas, referencia)
    aviso = delinquency_warning(dias)
    if aviso:
        return f"⚠️ {aviso}"
    return (
        f"⚠️ Atenção: atraso de mais de {DELINQUENCY_EXCLUSION_DAYS} dias, consecutivos ou não, nos últimos "
        "12 meses permite à Cemig Saúde excluir o titular e todo o grupo familiar (Art. 46 do Regulamento). "
        f"Até hoje, {dias} dia(s) de atraso nesse período."
    )


def aviso_na_data_do_pagamento(faturas: Sequence[Invoice], pagamento: dt.date | None) -> str | None:
    """Warn when paying on the day asked about ("e dia 15/01?") takes the delay past the limit of Art. 46.

    Today's count, in :func:`aviso_inadimplencia`, does not show it.
    """
    dias = dias_em_atraso(faturas, pagamento) if pagamento else 0
    if dias <= DELINQUENCY_EXCLUSION_DAYS:
        return None
    return (
        f"⚠️ Pagando só em {format_date(pagamento)}, serão {dias} dias de atraso nos últimos 12 meses: acima de "
        f"{DELINQUENCY_EXCLUSION_DAYS}, a inscrição do titular e dos dependentes pode ser cancelada (Arts. 27 e 46 "
        "do Regulamento). Se puder, pague antes."
    )


def dia_do_limite(faturas: Sequence[Invoice], referencia: dt.date, horizonte: int = 120) -> dt.date | None:
    """The first day on which, paying nothing, the delay passes the 60 days of Art. 46; None beyond ``horizonte``.

    >>> from types import SimpleNamespace as F
    >>> novembro = F(status="aberto", amount=Decimal("100"), payroll_deducted=0, paid_on=None,
    ...              due_date=dt.date(2026, 11, 16))
    >>> dia_do_limite([novembro], dt.date(2026, 12, 6))
    datetime.date(2027, 1, 16)
    """
    for dias in range(horizonte + 1):
        dia = referencia + dt.timedelta(days=dias)
        if dias_em_atraso(faturas, dia) > DELINQUENCY_EXCLUSION_DAYS:
            return dia
    return None


def resposta_sobre_a_divida(faturas: Sequence[Invoice], referencia: dt.date) -> str:
    """Answer "vai cortar meu plano?": the days in arrears, and from when the plan may be cancelled (Arts. 27, 46)."""
    atrasadas = [f for f in faturas if em_atraso(f, referencia)]
    if not atrasadas:
        return (
            "Você não tem boletos em atraso: o plano não corre risco por falta de pagamento. O cancelamento só "
            f"pode acontecer com mais de {DELINQUENCY_EXCLUSION_DAYS} dias de atraso em 12 meses (Arts. 27 e 46 "
            "do Regulamento)."
        )
    partes = [aviso_inadimplencia(faturas, referencia)]
    limite = dia_do_limite(faturas, referencia)
    if limite is not None and limite > referencia:
        partes.append(
            f"Sem pagar os boletos em atraso, o limite de {DELINQUENCY_EXCLUSION_DAYS} dias passa em "
            f"{format_date(limite)}: pagando antes disso, o plano não pode ser cancelado por esse atraso."
        )
    return "\n".join(partes)


# "dá pra parcelar o de novembro?", "quero negociar a dívida": the operator negotiates, by its own rules (Art. 27, I).
_NEGOCIACAO = re.compile(r"\b(?:parcel\w*|negoci\w*|renegoci\w*|fazer (?:um )?acordo)\b")
NEGOCIACAO = (
    "Parcelar ou negociar boletos em atraso é feito por um atendente, pela norma interna da Cemig Saúde (Art. 27, I "
    "do Regulamento): digite 0. Até lá, os boletos abaixo continuam valendo para pagamento."
)
# "manda o código de barras", "a linha digitável": the open boletos, without the paid history.
_SO_OS_ABERTOS = re.compile(r"\b(?:codigo de barras|linha digitavel|(?:2a|2|segunda) via)\b")


def pede_negociacao(texto: str | None) -> bool:
    """Whether a message asks to split or negotiate a debt.

    >>> pede_negociacao("da pra parcelar o de novembro?"), pede_negociacao("segunda via")
    (True, False)
    """
    return bool(_NEGOCIACAO.search(strip_accents(texto or "").lower()))


def so_os_abertos(texto: str | None) -> bool:
    """Whether a message asks only for what pays the open boletos (the line, the bar code, the 2ª via).

    >>> so_os_abertos("manda o codigo de barras"), so_os_abertos("meus boletos")
    (True, False)
    """
    return bool(_SO_OS_ABERTOS.search(strip_accents(texto or "").lower()))


def boletos_pedidos(abertas: List[Any], texto: str | None) -> List[Any]:
    """The open boletos a message asks for: those of the months it names, or the latest (the next to fall due).

    "só o código de barras do de dezembro", "e quando vence o próximo?" got every open boleto, the late-fee
    warning and the paid history. A month inside a payment date ("se eu pagar dia 20 de dezembro") names no
    boleto.

    >>> from types import SimpleNamespace as F
    >>> import datetime as dt
    >>> abertas = [F(competence=dt.date(2026, m, 1), due_date=dt.date(2026, m, 10)) for m in (11, 12)]
    >>> [f.competence.month for f in boletos_pedidos(abertas, "so o codigo de barras do de dezembro")]
    [12]
    >>> [f.competence.month for f in boletos_pedidos(abertas, "e quando vence o proximo?")]
    [12]
    >>> [f.competence.month for f in boletos_pedidos(abertas, "se eu pagar dia 20 de dezembro?")]
    [11, 12]
    """
    folded = strip_accents(texto or "").lower()
    sem_datas = re.sub(rf"\b\d{{1,2}}\s+de\s+(?:{MONTH_NAMES})\b", " ", folded)
    meses = {numero for nome, numero in MONTHS.items() if len(nome) > 3 and re.search(rf"\b{nome}\b", sem_datas)}
    if meses:
        return [f for f in abertas if f.competence.month in meses] or abertas
    if _PROXIMO.search(folded) and len(abertas) > 1:
        return [max(abertas, key=lambda f: f.due_date)]
    return abertas


_PROXIMO = re.compile(r"\bproxim[oa]\b.{0,30}\b(?:venc\w*|boleto|fatura|mensalidade)|\bvenc\w* o proxim[oa]\b")


# Requests about how to pay rather than what: the Regulation has the boleto only (Arts. 29-31).
_DUPLICADO = re.compile(r"\b(?:em dobro|duas vezes|2 vezes|duplicidade|duplicad\w*|pague(?:i)? de novo sem querer)\b")
_VENCIMENTO = re.compile(
    r"\b(?:mudar|trocar|alterar|mudanca|troca|alteracao|outro|outra)\b.{0,25}\b(?:dia|data) (?:do|de)? ?vencimento\b|"
    r"\b(?:mudar|trocar|alterar) (?:o )?vencimento\b"
)
_FORMA = re.compile(
    r"\b(?:debito automatico|debito em conta|cartao de credito|no cartao|parcelar no cartao|pix|transferencia)\b"
)
PAGO_EM_DOBRO = (
    "Pagamento em dobro é devolvido depois que a Cemig Saúde confere os dois pagamentos: digite 0 para um "
    "atendente registrar o pedido, e tenha os dois comprovantes à mão."
)
MUDAR_VENCIMENTO = (
    f"O boleto vence até o dia {DUE_DAY} de cada mês; outra data só se a Cemig Saúde definir e avisar antes "
    "(Art. 31 do Regulamento). Para pedir outra data, digite 0 para falar com um atendente."
)
FORMA_DE_PAGAMENTO = (
    "A mensalidade é paga pelo boleto que a Cemig Saúde emite (Arts. 29 e 30 do Regulamento): a linha digitável "
    "paga em qualquer banco ou no aplicativo do seu banco. Débito automático ou outra forma de pagamento não estão "
    "no Regulamento; para saber se há essa opção, digite 0 para falar com um atendente."
)


# "e se eu cancelar tenho que pagar o boleto atrasado?": yes, cancelling settles nothing (Art. 17, II).
_CANCELAR = re.compile(r"\b(?:cancel\w*|sair do plano|sai do plano)\b")
# "vão cancelar meu plano??": the operator cancelling for the debt (the delinquency notice answers it), not the
# member asking what cancelling would leave owed.
_CANCELADO_PELA_OPERADORA = re.compile(r"\b(?:vao|vai|podem|pode|irao|va|iam|ira) (?:me )?(?:ser )?cancel\w*")
_DEBITO = re.compile(r"\b(?:pag\w*|boletos?|debitos?|dividas?|atrasad\w*|em aberto|devendo)\b")
DEBITO_APOS_CANCELAR = (
    "Sim: cancelar o plano não quita o que está em aberto. Quem cancela continua responsável pelos débitos de até "
    "então, e o que for usado depois do cancelamento também é cobrado (Art. 17, II, do Regulamento); o boleto "
    f"atrasado é pago com multa de {FINE_RATE * 100:.0f}% e juros (Art. 44). Para ver o valor de hoje, escreva "
    "*meus boletos*."
)


# "tenho que pagar o boleto com essa cobrança dentro? vai ser estornado?" after disputing an item of the statement.
_COM_CONTESTACAO = re.compile(
    r"\b(?:pag\w*|boletos?)\b.{0,60}\b(?:contest\w*|cobranca indevida|essa cobranca|estorn\w*|item (?:que )?(?:nao "
    r"fiz|contestado))\b|\b(?:estorn\w*|contest\w*)\b.{0,60}\b(?:boletos?|pag\w*)\b"
)
COBRANCA_CONTESTADA = (
    "Se o item contestado sai deste boleto, ou volta como crédito, quem responde é a equipe que analisa a "
    "contestação, pelo protocolo dela: eu não tenho essa decisão aqui. Pagar no vencimento evita multa e juros "
    "(Art. 44 do Regulamento), e cobranças indevidas de prestadores credenciados não são repassadas aos beneficiários "
    "(Art. 78, §2º). Para perguntar à equipe agora, digite 0."
)


def pedido_sobre_pagamento(texto: str | None) -> str | None:
    """The answer to a request about how the boleto is paid (paid twice, another due day, automatic debit).

    >>> pedido_sobre_pagamento("paguei duas vezes o mesmo boleto") == PAGO_EM_DOBRO
    True
    >>> pedido_sobre_pagamento("quero contestar uma cobrança, paguei o boleto de outubro em dobro") == PAGO_EM_DOBRO
    True
    >>> pedido_sobre_pagamento("tem como mudar o dia de vencimento? dia 15 ta ruim") == MUDAR_VENCIMENTO
    True
    >>> pedido_sobre_pagamento("quero colocar em debito automatico") == FORMA_DE_PAGAMENTO
    True
    >>> pedido_sobre_pagamento("paguei ontem, ja baixou?") is None
    True
    >>> pedido_sobre_pagamento("mas eu ja paguei o de novembro ontem pelo pix!") is None
    True
    >>> pedido_sobre_pagamento("e se eu cancelar tenho q pagar o boleto atrasado?") == DEBITO_APOS_CANCELAR
    True
    >>> pedido_sobre_pagamento("nao consigo pagar os dois boletos. da pra parcelar? vao cancelar meu plano??")
    >>> contestada = "tenho que pagar o boleto de dezembro com essa cobrança dentro? vai ser estornado?"
    >>> pedido_sobre_pagamento(contestada) == COBRANCA_CONTESTADA
    True
    """
    folded = strip_accents(texto or "").lower()
    if _DUPLICADO.search(folded):
        # "quero contestar uma cobrança, paguei o boleto de outubro em dobro" read as a contest already open.
        return PAGO_EM_DOBRO
    if _COM_CONTESTACAO.search(folded) and not asks_to_contest(folded):
        return COBRANCA_CONTESTADA
    if _CANCELAR.search(folded) and _DEBITO.search(folded) and not _CANCELADO_PELA_OPERADORA.search(folded):
        return DEBITO_APOS_CANCELAR
    if _VENCIMENTO.search(folded):
        return MUDAR_VENCIMENTO
    if _FORMA.search(folded) and not re.search(r"\b(?:paguei|pagamos|ja pag\w*|foi pago)\b", folded):
        # "já paguei o de novembro pelo pix" tells a payment, which the boletos' answer looks for.
        return FORMA_DE_PAGAMENTO
    return None

