"""The period a request for the statement of use names ("em março", "mês passado", "últimos 6 meses", "2025").

Without one, the last three months; never more than twelve, so that a long statement is paged rather than sent
whole.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Tuple

from actions.formatting import NOMES_MESES, format_date
from bot.nlu.parsing import MONTHS, strip_accents

MESES_PADRAO = 3
MESES_MAXIMO = 12
# Database categories (Portuguese) -> keys of bot.regulation.copay.COPAY_EXEMPTIONS (Art. 82 §4).

_NOMES_COMPLETOS = {nome: numero for nome, numero in MONTHS.items() if len(nome) > 3}
_ABREVIADOS = {nome: numero for nome, numero in MONTHS.items() if len(nome) == 3}
# "10/2026": the look-arounds keep the month of a full date (15/10/2026) out.
_MES_NUMERICO = re.compile(r"(?<![\d/])(0?[1-9]|1[0-2])\s*[/-]\s*(20\d{2})(?![\d/])")
_MES_POR_EXTENSO = re.compile(rf"\b({'|'.join(_NOMES_COMPLETOS)})\b(?:\s*(?:de\s+|/\s*|-\s*)?(20\d{{2}})\b)?")
# Three-letter abbreviations ("mar", "set", "dez") are ordinary words too: only accepted with a year.
_MES_ABREVIADO = re.compile(rf"\b({'|'.join(_ABREVIADOS)})\.?\s*(?:de\s+|/\s*|-\s*)?(20\d{{2}})\b")
_MES_PASSADO = re.compile(r"\b(mes passado|ultimo mes|mes anterior)\b")
_MES_ATUAL = re.compile(r"\b(este mes|esse mes|neste mes|nesse mes|deste mes|desse mes|mes atual)\b")
_ULTIMOS_MESES = re.compile(r"\bultimos\s+(\d{1,2})\s+meses\b")
# "em 2024", "extrato 2025": a year alone, never the year of a full date (15/10/2025) nor part of a longer number.
_ANO = re.compile(r"(?<![\d/.,-])(20\d{2})(?![\d/.,])")
_ANO_PASSADO = re.compile(r"\b(ano passado|ultimo ano|ano anterior)\b")
_ANO_ATUAL = re.compile(r"\b(este ano|esse ano|neste ano|nesse ano|deste ano|desse ano|ano atual)\b")
_MESES = "|".join(_NOMES_COMPLETOS)
# "de janeiro a dezembro de 2025", "entre março e junho", "de novembro de 2025 até fevereiro".
_INTERVALO = re.compile(
    rf"\b({_MESES})(?:\s*(?:de\s+|/\s*)?(20\d{{2}}))?\s+(?:a|ate|e)\s+({_MESES})(?:\s*(?:de\s+|/\s*)?(20\d{{2}}))?\b"
)






def _meses_antes(dia: date, meses: int) -> date:
    total = dia.year * 12 + dia.month - 1 - meses
    ano, mes = divmod(total, 12)
    return date(ano, mes + 1, min(dia.day, calendar.monthrange(ano, mes + 1)[1]))


def _mes(ano: int, mes: int, hoje_: date) -> Tuple[date, date, str]:
    inicio = date(ano, mes, 1)
    fim = date(ano, mes, calendar.monthrange(ano, mes)[1])
    if inicio <= hoje_ < fim:
        fim = hoje_
    return inicio, fim, f"em {NOMES_MESES[mes - 1]} de {ano}"


def _intervalo(achado: re.Match, hoje_: date) -> Tuple[date, date, str]:
    """A range of months: the last month's year as said, else its latest occurrence; the first before it."""
    mes_inicio, mes_fim = MONTHS[achado.group(1)], MONTHS[achado.group(3)]
    if achado.group(4):
        ano_fim = int(achado.group(4))
    elif achado.group(2):
        ano_fim = int(achado.group(2)) + (mes_fim < mes_inicio)
    else:
        ano_fim = hoje_.year if mes_fim <= hoje_.month else hoje_.year - 1
    ano_inicio = int(achado.group(2)) if achado.group(2) else ano_fim - (mes_inicio > mes_fim)
    inicio, fim = date(ano_inicio, mes_inicio, 1), min(_mes(ano_fim, mes_fim, hoje_)[1], hoje_)
    if (fim.year * 12 + fim.month) - (inicio.year * 12 + inicio.month) >= MESES_MAXIMO:
        inicio = _meses_antes(fim.replace(day=1), MESES_MAXIMO - 1)  # never more than twelve months
    nome_inicio, nome_fim = NOMES_MESES[inicio.month - 1], NOMES_MESES[fim.month - 1]
    if inicio.year == fim.year:
        return inicio, fim, f"de {nome_inicio} a {nome_fim} de {fim.year}"
    return inicio, fim, f"de {nome_inicio} de {inicio.year} a {nome_fim} de {fim.year}"


def _ano(ano: int, hoje_: date) -> Tuple[date, date, str]:
    return date(ano, 1, 1), min(date(ano, 12, 31), hoje_), f"em {ano}"


def periodo_da_mensagem(texto: str, hoje_: date) -> Tuple[date, date, str]:
    """Read the period a user asked for; the last three months by default.

    A month without a year is its latest occurrence not after today; a year alone ("em 2024", "ano passado",
    "este ano") is that calendar year, up to today.

    Args:
        texto: The user's message.
        hoje_: Today's date.

    Returns:
        ``(inicio, fim, rotulo)``: first and last day (inclusive; the current
        month ends today) and a label such as ``"em março de 2026"``.

    >>> periodo_da_mensagem("utilização de março", date(2026, 5, 20))
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), 'em março de 2026')
    >>> periodo_da_mensagem("extrato de dezembro", date(2026, 5, 20))[2]
    'em dezembro de 2025'
    >>> periodo_da_mensagem("10/2025", date(2026, 5, 20))[:2]
    (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31))
    >>> periodo_da_mensagem("mês passado", date(2026, 1, 10))[2]
    'em dezembro de 2025'
    >>> periodo_da_mensagem("2", date(2026, 5, 20))
    (datetime.date(2026, 2, 20), datetime.date(2026, 5, 20), 'nos últimos 3 meses (20/02/2026 a 20/05/2026)')

    u19: "de janeiro a dezembro de 2025" read "em janeiro de 2026", and said there was no use:

    >>> periodo_da_mensagem("extrato de utilizacao de janeiro a dezembro de 2025 de todos", date(2026, 12, 7))
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), 'de janeiro a dezembro de 2025')
    >>> periodo_da_mensagem("entre novembro e fevereiro", date(2026, 5, 20))[2]
    'de novembro de 2025 a fevereiro de 2026'
    """
    dobrado = strip_accents(texto or "").lower()
    intervalo = _INTERVALO.search(dobrado)
    if intervalo:
        return _intervalo(intervalo, hoje_)
    numerico = _MES_NUMERICO.search(dobrado)
    if numerico:
        return _mes(int(numerico.group(2)), int(numerico.group(1)), hoje_)
    extenso = _MES_POR_EXTENSO.search(dobrado) or _MES_ABREVIADO.search(dobrado)
    if extenso:
        mes = MONTHS[extenso.group(1)]
        if extenso.group(2):
            ano = int(extenso.group(2))
        else:
            ano = hoje_.year if mes <= hoje_.month else hoje_.year - 1
        return _mes(ano, mes, hoje_)
    if _MES_PASSADO.search(dobrado):
        anterior = _meses_antes(hoje_.replace(day=1), 1)
        return _mes(anterior.year, anterior.month, hoje_)
    if _MES_ATUAL.search(dobrado):
        return _mes(hoje_.year, hoje_.month, hoje_)
    ano = _ANO.search(dobrado)
    if ano:
        return _ano(int(ano.group(1)), hoje_)
    if _ANO_PASSADO.search(dobrado):
        return _ano(hoje_.year - 1, hoje_)
    if _ANO_ATUAL.search(dobrado):
        return _ano(hoje_.year, hoje_)
    ultimos = _ULTIMOS_MESES.search(dobrado)
    meses = min(max(int(ultimos.group(1)), 1), MESES_MAXIMO) if ultimos else MESES_PADRAO
    inicio = _meses_antes(hoje_, meses)
    plural = "mês" if meses == 1 else f"{meses} meses"
    ultimo = "no último" if meses == 1 else "nos últimos"
    return inicio, hoje_, f"{ultimo} {plural} ({format_date(inicio)} a {format_date(hoje_)})"
