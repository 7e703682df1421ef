"""How money, dates and identifiers are written for a beneficiary."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

RELATIONSHIP_LABELS = {
    "titular": "titular",
    "conjuge": "cônjuge",
    "companheiro": "companheiro(a)",
    "filho": "filho",
    "filha": "filha",
    "enteado": "enteado(a)",
    "pai": "pai",
    "mae": "mãe",
    "neto": "neto(a)",
}


def format_money(value: Decimal | int | float) -> str:
    """Write an amount in reais, Brazilian style.

    >>> format_money(Decimal("1234.5"))
    'R$ 1.234,50'
    """
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    integer, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return f"{sign}R$ {'.'.join(groups)},{cents}"


def format_date(value: date | datetime) -> str:
    """Write a date as dd/mm/aaaa.

    >>> format_date(date(2026, 3, 5))
    '05/03/2026'
    """
    return value.strftime("%d/%m/%Y")


def format_card(card: str) -> str:
    """Group a 16-digit card number in fours, as printed on the card.

    >>> format_card("4175050000001002")
    '4175 0500 0000 1002'
    """
    return " ".join(card[i : i + 4] for i in range(0, len(card), 4))


def first_name(name: str) -> str:
    """Return the first word of a full name."""
    return name.split()[0] if name.strip() else name


def relationship_label(relationship: str) -> str:
    """Portuguese label for a family relationship code."""
    return RELATIONSHIP_LABELS.get(relationship, relationship.replace("_", " "))


def linha_digitavel(linha: str) -> str:
    """Group a 47-digit digitable line the way it is printed on a boleto.

    >>> linha_digitavel("00190000090100202610010057021163516000000168961")
    '00190.00009 01002.026100 10057.021163 5 16000000168961'
    """
    if len(linha) != 47 or not linha.isdigit():
        return linha
    return (
        f"{linha[0:5]}.{linha[5:10]} {linha[10:15]}.{linha[15:21]} "
        f"{linha[21:26]}.{linha[26:32]} {linha[32]} {linha[33:]}"
    )


NOMES_MESES = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho",
    "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
)  # fmt: skip


def competencia(dia: date) -> str:
    """Write a competence month as mm/aaaa.

    >>> competencia(date(2026, 10, 1))
    '10/2026'
    """
    return dia.strftime("%m/%Y")


def enumerar(itens: Sequence[str]) -> str:
    """Join items as Portuguese lists them: "a", "a e b", "a, b e c".

    >>> enumerar(["Maria"]), enumerar(["Maria", "Ana"]), enumerar(["Maria", "José", "Ana"])
    ('Maria', 'Maria e Ana', 'Maria, José e Ana')
    """
    itens = list(itens)
    return itens[0] if len(itens) == 1 else f"{', '.join(itens[:-1])} e {itens[-1]}"
