"""The 2ª via of a monthly boleto as a one-page PDF (fpdf2), for the link the bot sends on "manda o pdf do boleto".

Nothing here reads the database: the caller passes the invoice's figures, so the document can be built and tested
on its own. The bar code is rebuilt from the digitable line (FEBRABAN layout) instead of being stored twice.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal
from typing import Mapping, Sequence

from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import competencia as mes_ano
from actions.formatting import format_date, format_money, linha_digitavel
from actions.imposto_renda import OPERADORA_DADOS
from bot.arquivos import VALIDADE_DIAS, guardar_pdf, url_publica
from bot.db.models import Invoice
from bot.identifiers import DIGITABLE_LINE_LENGTH, is_valid_digitable_line
from bot.nlu.parsing import SENT_ELSEWHERE, strip_accents
from bot.regulation.finance import FINE_RATE, MONTHLY_INTEREST_RATE

logger = logging.getLogger(__name__)

TITULO = "2ª via de boleto - Cemig Saúde"
# On a boleto the operator is the "beneficiário" (who receives) and the plan member the "pagador"; its name and
# CNPJ are written once, in the income-tax statement.
BENEFICIARIO = OPERADORA_DADOS
ENCARGOS = (
    f"Após o vencimento: multa de {FINE_RATE * 100:.0f}% e juros de {MONTHLY_INTEREST_RATE * 100:.0f}% ao mês "
    "(Art. 44, §1º do Regulamento)"
)
# FEBRABAN asks for a bar code about 103 mm long and 13 mm high; 44 digits in I2of5 with a 3:1 wide/narrow ratio
# take 132 wide-bar widths plus start and stop, so 0.75 mm wide bars (0.25 mm narrow) come to about 102 mm.
BARRA_LARGA_MM = 0.75
ALTURA_BARRAS_MM = 13


def codigo_de_barras(linha: str) -> str:
    """Rebuild the 44-digit bar code number of a boleto from its 47-digit digitable line.

    The digitable line splits the bar code into three fields with their own mod-10 check digits, followed by the
    general check digit and the due factor with the amount; the bar code puts them back in FEBRABAN order: bank and
    currency (4), general check digit (1), due factor and amount (14), free field (25).

    Args:
        linha: The 47 digits of the digitable line, without punctuation.

    Returns:
        The 44 digits to encode as Interleaved 2 of 5.

    Raises:
        ValueError: If ``linha`` is not 47 digits or its check digits do not match.

    >>> codigo_de_barras("00190000090100202610010057021163516000000168961")
    '00195160000001689610000001002026101005702116'
    """
    if len(linha) != DIGITABLE_LINE_LENGTH or not linha.isdigit():
        raise ValueError("a linha digitável tem 47 dígitos")
    # A bar code from a mistyped line would be printed anyway and refused by the bank when paid.
    if not is_valid_digitable_line(linha):
        raise ValueError("os dígitos verificadores da linha digitável não conferem")
    return linha[0:4] + linha[32] + linha[33:47] + linha[4:9] + linha[10:20] + linha[21:31]


def boleto_pdf(
    *,
    competencia: date,
    vencimento: date,
    valor: Decimal,
    linha: str,
    pagador: str,
    emitido: date,
) -> bytes:
    """The 2ª via of a boleto as a one-page A4 PDF: payee, payer, figures, digitable line and bar code.

    Only the payer's name is printed: the link may be forwarded, so no CPF, card number or birth date goes on it.

    Args:
        competencia: Competence month of the invoice (any day of it).
        vencimento: Contractual due date.
        valor: What the boleto charges, i.e. :func:`actions.boletos.a_pagar` of the invoice.
        linha: The invoice's 47-digit digitable line.
        pagador: Name of the person the invoice is addressed to.
        emitido: Issue date printed on the document.

    Returns:
        The PDF file's bytes.

    Raises:
        ValueError: If ``linha`` is not a valid digitable line.
    """
    from fpdf import FPDF

    codigo = codigo_de_barras(linha)
    pdf = FPDF()
    # Uncompressed: small anyway, and the text stays checkable by tests and by eye.
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, TITULO, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    campos = (
        ("Beneficiário", BENEFICIARIO),
        ("Pagador", pagador),
        ("Competência", mes_ano(competencia)),
        ("Vencimento", format_date(vencimento)),
        ("Valor a pagar", format_money(valor)),
    )
    for rotulo, texto in campos:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(32, 7, f"{rotulo}:")
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 7, texto, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 7, "Linha digitável:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "B", 12)
    pdf.cell(0, 8, linha_digitavel(linha), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_fill_color(0)
    pdf.interleaved2of5(codigo, pdf.l_margin, pdf.get_y(), w=BARRA_LARGA_MM, h=ALTURA_BARRAS_MM)
    pdf.set_y(pdf.get_y() + ALTURA_BARRAS_MM + 6)
    pdf.set_font("Helvetica", size=10)
    for texto in (ENCARGOS, f"Emitido em {format_date(emitido)} pelo atendimento automático."):
        pdf.multi_cell(0, 6, texto, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# "manda o pdf", "quero o boleto em pdf", "tem como imprimir?": the document, not only the line.
_PEDE_ARQUIVO = re.compile(rf"\b(?:pdf|arquivo|anexo|anexado|imprimir|impressao|baixar|download)\b|{SENT_ELSEWHERE}")
DICA_PDF = 'Para receber a 2ª via em PDF, escreva "pdf".'


def pede_arquivo(texto: str | None) -> bool:
    """Whether the user asks for the boleto as a file.

    >>> pede_arquivo("manda o pdf"), pede_arquivo("quero imprimir o boleto"), pede_arquivo("2ª via do boleto")
    (True, True, False)
    >>> pede_arquivo("pode mandar o boleto no meu whatsapp?"), pede_arquivo("manda por e-mail")
    (True, True)
    """
    return bool(_PEDE_ARQUIVO.search(strip_accents(texto or "").lower()))


def enviar_pdfs(
    dispatcher: CollectingDispatcher,
    abertas: Sequence[Invoice],
    valores: Mapping[int, Decimal],
    pagador: Mapping[int, str],
    emitido: date,
) -> int:
    """Send a PDF link for each open boleto that has something to pay and a digitable line.

    Args:
        dispatcher: Where the links go.
        abertas: The open invoices, in the order listed.
        valores: What each boleto charges, by invoice id.
        pagador: Name of the payer, by invoice id.
        emitido: Today, printed on the document.

    Returns:
        How many links were sent.
    """
    enviados = 0
    for fatura in abertas:
        if not fatura.digitable_line or not valores[fatura.id]:
            continue
        try:
            pdf = boleto_pdf(
                competencia=fatura.competence,
                vencimento=fatura.due_date,
                valor=valores[fatura.id],
                linha=fatura.digitable_line,
                pagador=pagador[fatura.id],
                emitido=emitido,
            )
        except ValueError:
            # A corrupt line on file: the bank would refuse the bar code; the text answer already shows the line.
            logger.warning("boleto %s: linha digitável inválida, PDF não gerado", fatura.id)
            continue
        dispatcher.utter_message(
            text=f"2ª via em PDF, competência {mes_ano(fatura.competence)} (link válido por {VALIDADE_DIAS} dias):",
            attachment=url_publica(guardar_pdf(pdf)),
        )
        enviados += 1
    return enviados
